"""memo.json: the remediation memo as data, read back next round to mark each item's 整改销号 progress.

Every item has a stable id, a fingerprint of (requirement, district, record), so the same shortfall
has the same id in every run and every year. `progress(evaluation, previous)` compares a new
evaluation with a previous memo. The state of an item now is:

* gap     — a gap finding of the same requirement and record (the fingerprint gaps again);
* ok      — the requirement is decided and the item is not a gap: met or not applicable, or, for a
            per-record item, the record is still in the facts and is not among the records that gap;
* unknown — the requirement was not checked, its facts are insufficient, or the record is gone
            from the facts (a vanished record is no proof it was put right).

and its status follows from the status it had in the previous memo:

| previous \\ now       | gap      | ok     | unknown    |
|----------------------|----------|--------|------------|
| open / reopened / unverified | open | closed | unverified |
| closed               | reopened | closed | closed     |

A gap now that the previous memo did not hold is `new` (it enters the new memo as `open`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from fazhi.errors import InputError, Location, Problem
from fazhi.model.results import Evaluation, Finding
from fazhi.vocabulary import Verdict
from fazhi.load.schema import Reader
from fazhi.load.yamlio import MAX_FILE_BYTES, Document, decode, load_text
from fazhi.documents import labels as L
from fazhi.documents.model import MemoView

SCHEMA_VERSION = "1.0"
KIND = "fazhi-memo"
STATUSES = ("open", "reopened", "closed", "unverified")
GAP, OK, UNKNOWN = "gap", "ok", "unknown"


def fingerprint(requirement: str, district: str, record: str | None) -> str:
    raw = "\x1f".join(("fazhi-memo-item/1", requirement, district, record or ""))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


# --- writing -----------------------------------------------------------------------------------

def memo_data(view: MemoView, evaluation: Evaluation) -> dict[str, Any]:
    case = evaluation.case
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "case": {"district": case.district.name, "level": case.district.level, "parent": case.district.parent,
                 "period": case.period},
        "evaluation_date": view.header.evaluated_on_iso,
        "lang": view.lang,
        "rulesets": [{"id": rs.id, "version": rs.version} for rs in evaluation.catalogue.rulesets],
        "deadlines": dict(view.deadlines),
        "items": [{"id": i.id, "requirement": i.requirement, "record": i.record, "domain": i.domain, "title": i.title,
                   "severity": i.severity_code, "confidence": i.confidence_code, "problem": i.problem,
                   "measure": i.measure, "owner": i.owner, "owner_role": i.owner_role, "deadline": i.deadline_iso,
                   "acceptance": i.acceptance, "status": i.status_code} for i in view.items],
    }


def dumps_memo(view: MemoView, evaluation: Evaluation) -> str:
    return json.dumps(memo_data(view, evaluation), ensure_ascii=False, indent=2) + "\n"


# --- reading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MemoEntry:
    id: str
    requirement: str
    record: str | None
    status: str
    problem: str
    measure: str = ""
    owner: str = ""
    deadline: str = ""
    acceptance: str = ""
    severity: str = ""
    title: str = ""
    domain: str = ""
    owner_role: str = ""
    confidence: str = ""


@dataclass(frozen=True)
class MemoFile:
    file: str
    district: str
    period: int
    evaluation_date: dt.date
    lang: str
    items: tuple[MemoEntry, ...]


ITEM_KEYS = ("id", "requirement", "record", "domain", "title", "severity", "confidence", "problem", "measure", "owner",
             "owner_role", "deadline", "acceptance", "status")


def read_memo(path: str) -> MemoFile:
    """A memo.json written by `fazhi memo`; every problem is an InputError naming file:line."""
    from fazhi.load.reading import read_bytes
    text = decode(read_bytes(path, MAX_FILE_BYTES, "memo.json"), path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(Location(path, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")]) from None
    try:
        doc = load_text(text, path)  # the same data, with a line for every node
    except InputError:
        doc = Document(path, data, {(): (1, 1)})
    return _parse(Reader(Document(path, data, doc.marks)))


def _parse(r: Reader) -> MemoFile:
    top = r.mapping((), required=("schema_version", "case", "evaluation_date", "items"),
                    optional=("kind", "lang", "rulesets", "deadlines", "manifest"))
    if top is None:
        raise InputError(r.problems)
    version = str(top.get("schema_version"))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        r.problem(("schema_version",), f"memo schema {version} is not supported (this Fazhi reads {SCHEMA_VERSION})")
    if top.get("kind", KIND) != KIND:
        r.problem(("kind",), f"expected '{KIND}': is this the findings JSON of `fazhi check` rather than a memo?")
    district = r.string(("case", "district")) or "?"
    period = r.integer(("case", "period"), optional=False) or 0
    day = _date(r, ("evaluation_date",))
    items = []
    for i, _ in enumerate(r.sequence(("items",))):
        entry = _entry(r, ("items", i))
        if entry is not None:
            items.append(entry)
    seen: set[str] = set()
    for i, entry in enumerate(items):
        if entry.id in seen:
            r.problem(("items", i, "id"), f"item id '{entry.id}' appears twice")
        seen.add(entry.id)
    if r.problems:
        raise InputError(r.problems)
    return MemoFile(r.doc.file, district, period, day or dt.date(1970, 1, 1), str(top.get("lang") or "zh"), tuple(items))


def _entry(r: Reader, path: tuple[Any, ...]) -> MemoEntry | None:
    if r.mapping(path, required=("id", "requirement", "status", "problem"), optional=ITEM_KEYS) is None:
        return None
    status = r.string(path + ("status",))
    if status and status not in STATUSES:
        r.problem(path + ("status",), f"'{status}' is not one of {', '.join(STATUSES)}")
    fields = {k: r.string(path + (k,), optional=True) or "" for k in
              ("measure", "owner", "deadline", "acceptance", "severity", "title", "domain", "owner_role", "confidence")}
    ident, requirement, problem = r.string(path + ("id",)), r.string(path + ("requirement",)), r.string(path + ("problem",))
    if not (ident and requirement and problem and status):
        return None
    return MemoEntry(ident, requirement, r.string(path + ("record",), optional=True), status, problem, **fields)


def _date(r: Reader, path: tuple[Any, ...]) -> dt.date | None:
    text = r.string(path)
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        r.problem(path, f"'{text}' is not a date YYYY-MM-DD")
        return None


# --- progress ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProgressItem:
    id: str
    requirement: str
    record: str | None
    status: str  # closed | open | reopened | unverified | new
    previous_status: str | None  # None for a new item
    entry: MemoEntry | None  # the previous memo's item
    finding: Finding | None  # the gap found now, if any

    def problem(self, lang: str) -> str:
        if self.finding is not None:
            return self.finding.message.get(lang)
        return self.entry.problem if self.entry else ""


@dataclass(frozen=True)
class Progress:
    previous_file: str
    previous_date: dt.date
    items: tuple[ProgressItem, ...]

    def counts(self) -> dict[str, int]:
        c = Counter(i.status for i in self.items)
        return {s: c.get(s, 0) for s in ("closed", "open", "reopened", "unverified", "new")}

    def status_of(self, item_id: str) -> ProgressItem | None:
        return next((i for i in self.items if i.id == item_id), None)


def item_state(evaluation: Evaluation, requirement: str, record: str | None) -> str:
    """gap, ok or unknown: see the module docstring."""
    findings = [f for f in evaluation.findings if f.requirement == requirement]
    if not findings:
        return UNKNOWN
    if any(f.verdict is Verdict.GAP and f.record == record for f in findings):
        return GAP
    if any(f.verdict is Verdict.WAIVED and f.record in (record, None) for f in findings):
        return UNKNOWN  # excused by a waiver, not put right: an open item stays unverified, a closed one closed
    if record is not None:
        req = evaluation.catalogue.requirement(requirement)
        fact = evaluation.case.facts.get(req.for_each) if req is not None and req.for_each else None
        if fact is None or record not in {r.id for r in fact.value}:
            return UNKNOWN
        return UNKNOWN if any(f.verdict is Verdict.INSUFFICIENT and f.record in (record, None) for f in findings) else OK
    return UNKNOWN if any(f.verdict is Verdict.INSUFFICIENT for f in findings) else OK


def progress(evaluation: Evaluation, previous: MemoFile) -> Progress:
    """Each item of `previous` as closed, open, reopened or unverified now; and the gaps that are new."""
    district = evaluation.case.district.name
    if previous.district != district:
        raise InputError([Problem(Location(previous.file), f"the memo is for '{previous.district}', the case for '{district}'",
                                  field="case.district", suggestion="give the memo of the same district")])
    gaps = {fingerprint(f.requirement, district, f.record): f for f in evaluation.findings if f.verdict is Verdict.GAP}
    items = []
    for entry in previous.items:
        state = item_state(evaluation, entry.requirement, entry.record)
        if state == GAP:
            status = "reopened" if entry.status == "closed" else "open"
        elif state == OK:
            status = "closed"
        else:
            status = "closed" if entry.status == "closed" else "unverified"
        finding = gaps.get(fingerprint(entry.requirement, district, entry.record)) if state == GAP else None
        items.append(ProgressItem(entry.id, entry.requirement, entry.record, status, entry.status, entry, finding))
    known = {e.id for e in previous.items}
    items += [ProgressItem(fid, f.requirement, f.record, "new", None, None, f) for fid, f in gaps.items() if fid not in known]
    return Progress(previous.file, previous.evaluation_date, tuple(items))


def progress_data(p: Progress, lang: str = "zh") -> dict[str, Any]:
    """For `fazhi check --format json`: counts and one entry per item."""
    return {"previous_memo": p.previous_file, "previous_date": p.previous_date.isoformat(), "counts": p.counts(),
            "items": [{"id": i.id, "requirement": i.requirement, "record": i.record, "previous_status": i.previous_status,
                       "status": i.status, "problem": i.problem(lang)} for i in p.items]}


def progress_text(p: Progress, lang: str = "zh") -> str:
    """For `fazhi check --memo`: one line of counts, then one line per item."""
    counts = p.counts()
    total = sum(counts[s] for s in ("closed", "open", "reopened", "unverified"))
    lines = [L.label(lang, "progress") + L.label(lang, "colon") +
             L.label(lang, "progress_sentence", date=L.date_text(lang, p.previous_date), total=total, **counts)]
    for i in p.items:
        record = f" ({i.record})" if i.record else ""
        lines.append(f"[{L.status(lang, i.status)}] {i.requirement}{record} {i.problem(lang)}")
    return "\n".join(lines) + "\n"


def progress_from_file(evaluation: Evaluation, path: str) -> Progress:
    """read_memo + progress, for `fazhi check CASE --memo FILE`."""
    return progress(evaluation, read_memo(path))
