"""Findings as data (the JSON contract) and safe writing of any output file."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any, BinaryIO, Iterator

from fazhi.errors import FazhiError
from fazhi.model.case import Evidence, Record, Verification
from fazhi.model.results import DataQualityFinding, Evaluation, FactUse, Finding, Waiver
from fazhi.vocabulary import Verdict

SCHEMA_VERSION = "1.0"


class OutputExists(FazhiError):
    pass


def verdict_order(evaluation: Evaluation) -> list[str]:
    """The verdicts counted: `waived` only when a waiver names the district (keeps the 1.0 shape otherwise)."""
    with_waived = bool(evaluation.waivers) or any(f.verdict is Verdict.WAIVED for f in evaluation.findings)
    return [v.value for v in Verdict if v is not Verdict.WAIVED or with_waived]


def summary(evaluation: Evaluation) -> dict[str, Any]:
    counts = Counter(f.verdict.value for f in evaluation.findings)
    by_domain: dict[str, Counter[str]] = {}
    for f in evaluation.findings:
        by_domain.setdefault(f.domain, Counter())[f.verdict.value] += 1
    order = verdict_order(evaluation)
    return {"counts": {v: counts.get(v, 0) for v in order},
            "by_domain": {d: {v: c.get(v, 0) for v in order} for d, c in by_domain.items()},
            "met_unverified": sum(1 for f in evaluation.findings if f.unverified),
            "data_quality": len(evaluation.data_quality)}


def to_json_data(evaluation: Evaluation, lang: str, score: Any = None) -> dict[str, Any]:
    """The documented JSON contract (docs/json.md); `score` is a scoring.Score when a profile is used."""
    from fazhi.evaluate.scoring import score_data
    case = evaluation.case
    data = {
        "schema_version": SCHEMA_VERSION,
        "case": {"district": case.district.name, "level": case.district.level, "parent": case.district.parent,
                 "period": case.period},
        "ruleset": [{"id": rs.id, "version": rs.version} for rs in evaluation.catalogue.rulesets],
        "lang": lang,
        "summary": summary(evaluation),
        "findings": [finding_data(f, lang) for f in evaluation.findings],
        "data_quality": [data_quality_data(q, lang) for q in evaluation.data_quality],
    }
    if evaluation.case.departments:  # only then: a case without departments keeps the 1.0 shape
        from fazhi.evaluate.unevenness import spread_data
        data["departments"] = {
            "list": [{"id": d.id, "name": d.name, "kind": d.kind, "submitted": d.submitted}
                     for d in evaluation.case.departments],
            "findings": [{**finding_data(f, lang), "department": f.department} for f in evaluation.department_findings],
            "unevenness": spread_data(evaluation, lang),
        }
    if evaluation.waivers:
        from fazhi.checks.waivers import waiver_status
        data["waivers"] = [{**waiver_data(w), "status": waiver_status(w, evaluation)} for w in evaluation.waivers]
    if score is not None:
        data["score"] = score_data(score, lang)
    return data


def findings_document(evaluation: Evaluation, lang: str, score: Any, manifest: dict[str, Any],
                      progress: Any = None) -> dict[str, Any]:
    """What `fazhi check --format json` writes, built in one place so that `fazhi verify` re-creates it exactly."""
    data = {**to_json_data(evaluation, lang, score), "manifest": manifest}
    if progress is not None:
        from fazhi.documents.memo_json import progress_data
        data["progress"] = progress_data(progress, lang)
    return data


def finding_data(f: Finding, lang: str) -> dict[str, Any]:
    data = {
        "requirement": f.requirement,
        "verdict": f.verdict.value,
        "severity": f.severity.value,
        "domain": f.domain,
        "title": f.title.get(lang),
        "message": f.message.get(lang),
        "expected": f.expected.get(lang),
        "actual": f.actual.get(lang),
        "confidence": f.confidence.value,
        "facts": [fact_use_data(u, lang) for u in f.facts],
        "citations": [{"source": c.source, "article": c.article, "quote": c.quote, "confidence": c.confidence.value}
                      for c in f.citations],
        "remediation": {"measure": f.remediation.measure.get(lang), "owner": f.remediation.owner,
                        "deadline_days": f.remediation.deadline_days,
                        "acceptance": f.remediation.acceptance.get(lang) if f.remediation.acceptance else None},
        "record": f.record,
        "tier": f.tier.value if f.tier else None,
    }
    if f.waiver is not None:
        data["waiver"] = waiver_data(f.waiver)
        data["waiver"]["expired"] = f.verdict is not Verdict.WAIVED
    if f.original is not None:
        data["original_verdict"] = f.original.value
    return data


def fact_use_data(u: FactUse, lang: str) -> dict[str, Any]:
    data = {"key": u.key, "label": u.label.get(lang), "value": json_value(u.value), "display": u.display.get(lang),
            "evidence": evidence_data(u.evidence)}
    if u.verification is not None:  # only verified facts carry it; documented = evidence given
        data["verification"] = verification_data(u.verification)
    return data


def verification_data(v: Verification) -> dict[str, Any]:
    return {"claimed": json_value(v.claimed), "value": json_value(v.value), "inspector": v.inspector,
            "date": v.date.isoformat(), "note": v.note}


def waiver_data(w: Waiver) -> dict[str, Any]:
    return {"requirement": w.requirement, "district": w.district, "record": w.record, "justification": w.justification,
            "requested_by": w.requested_by, "approved_by": w.approved_by, "expires": w.expires.isoformat(),
            "file": str(w.location) if w.location else None}


def data_quality_data(q: DataQualityFinding, lang: str) -> dict[str, Any]:
    return {"check": q.check, "kind": q.kind, "fact": q.fact, "record": q.record, "message": q.message.get(lang),
            "expected": q.expected.get(lang), "actual": q.actual.get(lang),
            "facts": [fact_use_data(u, lang) for u in q.facts], "location": str(q.location) if q.location else None,
            "doubtful": [key if record is None else f"{key}[{record}].{name}" for key, record, name in q.doubtful]}


def evidence_data(e: Evidence | None) -> dict[str, str] | None:
    if e is None:
        return None
    return {k: v for k, v in e.__dict__.items() if v is not None}


def json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else round(float(value), 4)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple) and all(isinstance(r, Record) for r in value):
        return [r.id for r in value]
    if isinstance(value, dict):  # a met per-record finding's computed value: record id -> value
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


@contextlib.contextmanager
def atomic_file(path: str, force: bool = False, durable: bool = True) -> Iterator[BinaryIO]:
    """A file that appears at `path` only when the block completes: a temporary file, then a rename.

    A failed run never leaves a partial file, and an existing file is not replaced without `force`.
    `durable`: synced to disk before the rename (off for the many files of an inspection, which syncs
    its whole folder once before swapping it in).
    """
    if os.path.lexists(path) and not force:
        raise OutputExists(f"{path}: already exists; use --force to overwrite")
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    try:
        kept = os.stat(path).st_mode & 0o7777 if os.path.isfile(path) else None  # --force keeps the target's mode
    except OSError:
        kept = None
    fd, tmp = tempfile.mkstemp(prefix=".fazhi-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())  # on disk before the rename publishes it: a crash leaves old or new, not empty
        if kept is None:
            readable(tmp)
        else:
            os.chmod(tmp, kept)
        os.replace(tmp, path)
        if durable:
            sync_folder(directory)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def sync_folder(directory: str) -> None:
    """The folder's entries on disk (a rename is durable only once its folder is synced)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return  # a platform or file system without folder handles
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: str, content: str | bytes, force: bool = False, durable: bool = True) -> None:
    with atomic_file(path, force, durable) as handle:
        handle.write(content.encode("utf-8") if isinstance(content, str) else content)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def readable(path: str) -> None:
    """The mode an ordinary new file gets (mkstemp makes it private), e.g. for a dashboard served to others."""
    os.chmod(path, 0o666 & ~_UMASK)
