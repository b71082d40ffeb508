"""One case's result as `inspect` keeps it: small, picklable, no engine objects.

Counts are per requirement (one verdict each, as the reports count: a gap in any record makes the
requirement a gap). The share met is met ÷ (met + gap + insufficient facts), waived and
not-applicable requirements left out; `share_without_waivers` puts the waived ones back at their
original verdict. Under a profile the points are the profile's score, with and without waivers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fazhi.documents.memo_json import fingerprint
from fazhi.model.results import Evaluation, Finding
from fazhi.vocabulary import Tier, Verdict
from fazhi.evaluate.scoring import Score, requirement_verdicts

if TYPE_CHECKING:
    from fazhi.inspection.render import Rendered

VERDICTS = ("met", "gap", "insufficient_facts", "waived", "not_applicable")
SEVERITIES = ("critical", "major", "minor", "advisory")
TIERS = tuple(t.value for t in Tier)
ROW = ("id", "requirement", "record", "domain", "severity", "verdict", "original", "tier", "title", "message", "waiver")
LISTED = ("gap", "insufficient_facts", "waived")  # the findings summary.json lists (met and n/a are counted)


@dataclass
class CaseResult:
    index: int
    path: str
    slug: str
    district: str = ""
    parent: str | None = None
    level: str | None = None
    period: int = 0
    error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    by_domain: dict[str, dict[str, int]] = field(default_factory=dict)
    gaps_by_severity: dict[str, int] = field(default_factory=dict)  # the requirements in gap, by severity (the dashboard weighs them)
    # a case listing departments: each one's verdict on each per-department requirement (the department
    # sheet of summary.xlsx and the dashboard's drill-down); absent from summary.json when there are none
    departments: list[dict[str, Any]] = field(default_factory=list)
    share: float | None = None
    share_without_waivers: float | None = None
    points: dict[str, Any] | None = None  # under a profile: total, max, without_waivers, by_domain
    tiers: dict[str, Any] = field(default_factory=dict)
    data_quality: list[dict[str, Any]] = field(default_factory=list)
    waivers: list[dict[str, Any]] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)
    findings: list[tuple[Any, ...]] = field(default_factory=list)  # ROW tuples, until render.py turns them into bytes
    seconds: float = 0.0
    rendered: Rendered | None = None  # the case's parts of the outputs (render.py); the parent drops it once written

    @property
    def key(self) -> tuple[str, str]:
        """A district across years: its name under its parent."""
        return (self.parent or "", self.district)

    @property
    def label(self) -> str:
        return f"{self.parent or ''}{self.district}"

    def summary_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()
                if k not in ("findings", "index", "rendered") and not (k == "departments" and not v)}

    def summary_entry(self, rows: list[tuple[Any, ...]]) -> bytes:
        """This case in summary.json's "cases": its data, and the findings that are not met or n/a
        (last, as json.dumps would write them; made from pieces, as this runs for every case)."""
        data = json.dumps(self.summary_data(), ensure_ascii=False)
        if self.error is not None:
            return data.encode("utf-8")
        listed = ", ".join([_finding_json(row) for row in rows if row[5] in LISTED or row[10]])
        return f'{data[:-1]}, "findings": [{listed}]}}'.encode("utf-8")


_string = json.encoder.encode_basestring  # a str as json.dumps(..., ensure_ascii=False) writes it (C)
_known: dict[str | None, str] = {None: "null"}  # the JSON of strings the catalogue fixes, made once a process


def _fixed(value: Any) -> str:
    """The JSON of a requirement, domain, severity, verdict, tier or title (`_known` lacks it)."""
    encoded = json.dumps(value, ensure_ascii=False)
    if type(value) is str:  # only strings: 1, 1.0 and True are one key, three encodings
        _known[value] = encoded
    return encoded


def _finding_json(row: tuple[Any, ...]) -> str:
    """json.dumps(dict(zip(ROW, row)), ensure_ascii=False), in a third of the time."""
    id_, requirement, record, domain, severity, verdict, original, tier, title, message, note = row
    known = _known.get
    return (f'{{"id": {_string(id_)}, "requirement": {known(requirement) or _fixed(requirement)}, '
            f'"record": {"null" if record is None else _string(record)}, "domain": {known(domain) or _fixed(domain)}, '
            f'"severity": {known(severity) or _fixed(severity)}, "verdict": {known(verdict) or _fixed(verdict)}, '
            f'"original": {known(original) or _fixed(original)}, "tier": {known(tier) or _fixed(tier)}, '
            f'"title": {known(title) or _fixed(title)}, "message": {_string(message)}, "waiver": {_string(note)}}}')


def compact(index: int, path: str, slug: str, evaluation: Evaluation, score: Score | None, lang: str) -> CaseResult:
    # Runs for every case in a worker: plain loops and dicts, no Counter per domain, `_value_` for `.value`
    # (an enum's `.value` is a Python-level descriptor call).
    case = evaluation.case
    verdicts = requirement_verdicts(evaluation.findings)
    counts = dict.fromkeys(VERDICTS, 0)
    by_domain: dict[str, dict[str, int]] = {}
    before = dict.fromkeys(VERDICTS, 0)  # the waived ones at their original verdict
    gaps = dict.fromkeys(SEVERITIES, 0)
    for v, f in verdicts.values():
        value = v._value_
        counts[value] += 1
        if v is _GAP:
            gaps[f.severity._value_] += 1
        domain = by_domain.get(f.domain)
        if domain is None:
            domain = by_domain[f.domain] = dict.fromkeys(VERDICTS, 0)
        domain[value] += 1
        before[f.original._value_ if v is _WAIVED and f.original is not None else value] += 1
    result = CaseResult(index, path, slug, case.district.name, case.district.parent, case.district.level, case.period)
    result.counts = counts
    result.by_domain = by_domain
    result.gaps_by_severity = gaps
    result.share = _share(counts)
    result.share_without_waivers = _share(before)
    if score is not None:
        result.points = {"total": float(score.total), "max": float(score.maximum),
                         "without_waivers": float(score.without_waivers.total) if score.without_waivers else float(score.total),
                         "by_domain": {d.domain: [float(d.earned), float(d.points)] for d in score.by_domain}}
    result.tiers = _tiers(evaluation, verdicts)
    result.data_quality = [{"check": q.check, "kind": q.kind, "fact": q.fact, "record": q.record,
                            "message": q.message.get(lang), "expected": q.expected.get(lang), "actual": q.actual.get(lang),
                            "location": str(q.location) if q.location else ""} for q in evaluation.data_quality]
    from fazhi.checks.waivers import waiver_status
    result.waivers = [{"requirement": w.requirement, "record": w.record, "expires": w.expires.isoformat(),
                       "requested_by": w.requested_by, "approved_by": w.approved_by, "justification": w.justification,
                       "status": waiver_status(w, evaluation), "file": str(w.location) if w.location else ""}
                      for w in evaluation.waivers]
    result.findings = _rows(evaluation.findings, case.district.name, lang)
    if case.departments:
        result.departments = _departments(evaluation)
    return result


def _departments(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Each department of the case: id, name, kind, whether it reported, and its verdict on each
    per-department requirement (several findings of one requirement, one per record, make one verdict)."""
    from fazhi.evaluate.departments import department_verdict
    mine: dict[str, dict[str, list[Finding]]] = {}
    for f in evaluation.department_findings:
        mine.setdefault(f.department or "", {}).setdefault(f.requirement, []).append(f)
    out = []
    for d in evaluation.case.departments:
        verdicts = {req: department_verdict(found)._value_ for req, found in mine.get(d.id, {}).items()}
        out.append({"id": d.id, "name": d.name, "kind": d.kind, "submitted": d.submitted, "verdicts": verdicts,
                    "gaps": sum(1 for v in verdicts.values() if v == "gap")})
    return out


_WAIVED, _MET, _GAP, _VERIFIED = Verdict.WAIVED, Verdict.MET, Verdict.GAP, Tier.VERIFIED


def _rows(findings: tuple[Finding, ...], district: str, lang: str) -> list[tuple[Any, ...]]:
    """One ROW tuple per finding; the id is the memo item's fingerprint, so runs and memos line up."""
    text = "en" if lang == "en" else "zh"  # as Text.get
    return [(fingerprint(f.requirement, district, f.record),
             f.requirement, f.record, f.domain, f.severity._value_, f.verdict._value_,
             None if f.original is None else f.original._value_, None if f.tier is None else f.tier._value_,
             getattr(f.title, text), getattr(f.message, text), "" if f.waiver is None else _note(f))
            for f in findings]


def _note(f: Finding) -> str:
    expires = f.waiver.expires.isoformat()
    return f"waived until {expires}" if f.verdict is _WAIVED else f"waiver expired {expires}"


def _share(counts: dict[str, int]) -> float | None:
    scored = counts["met"] + counts["gap"] + counts["insufficient_facts"]
    return round(100 * counts["met"] / scored, 1) if scored else None


def _tiers(evaluation: Evaluation, verdicts: dict[str, tuple[Verdict, Finding]]) -> dict[str, Any]:
    """How much of the result rests on verified facts."""
    facts = dict.fromkeys(TIERS, 0)
    fields = 0  # verified record fields count once each
    for f in evaluation.case.facts.values():
        facts[f.tier._value_] += 1
        if isinstance(f.value, tuple):
            for r in f.value:
                fields += len(r.verifications)
    facts["verified"] += fields
    decided = verified = met_unverified = 0
    for v, f in verdicts.values():
        if v is _MET or v is _GAP:
            decided += 1
            if f.tier is _VERIFIED:
                verified += 1
            elif v is _MET:
                met_unverified += 1
    return {"facts": facts, "decided": decided, "decided_verified": verified,
            "verified_share": round(100 * verified / decided, 1) if decided else None, "met_unverified": met_unverified}
