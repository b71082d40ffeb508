"""One case's result as `inspect` keeps it: small, picklable, no engine objects.

Counts are per requirement (one verdict each, as the reports count: a gap in any record makes the
requirement a gap). The share met is met ÷ (met + gap + insufficient facts), waived and
not-applicable requirements left out; `share_without_waivers` puts the waived ones back at their
original verdict. Under a profile the points are the profile's score, with and without waivers.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..documents.memo_json import fingerprint
from ..results import Evaluation, Finding
from ..vocabulary import Tier, Verdict
from ..scoring import Score, requirement_verdicts

if TYPE_CHECKING:
    from .render import Rendered

VERDICTS = ("met", "gap", "insufficient_facts", "waived", "not_applicable")
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
        return {k: v for k, v in self.__dict__.items() if k not in ("findings", "index", "rendered")}

    def summary_entry(self, rows: list[tuple[Any, ...]]) -> bytes:
        """This case in summary.json's "cases": its data, and the findings that are not met or n/a."""
        data = self.summary_data()
        if self.error is None:
            data["findings"] = [dict(zip(ROW, row)) for row in rows if row[5] in LISTED or row[10]]
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


def compact(index: int, path: str, slug: str, evaluation: Evaluation, score: Score | None, lang: str) -> CaseResult:
    case = evaluation.case
    verdicts = requirement_verdicts(evaluation.findings)
    counts = Counter(v.value for v, _ in verdicts.values())
    by_domain: dict[str, Counter[str]] = {}
    for v, f in verdicts.values():
        by_domain.setdefault(f.domain, Counter())[v.value] += 1
    before = {rid: (f.original or v) if v is Verdict.WAIVED else v for rid, (v, f) in verdicts.items()}
    result = CaseResult(index, path, slug, case.district.name, case.district.parent, case.district.level, case.period)
    result.counts = {v: counts.get(v, 0) for v in VERDICTS}
    result.by_domain = {d: {v: c.get(v, 0) for v in VERDICTS} for d, c in by_domain.items()}
    result.share = _share(v for v, _ in verdicts.values())
    result.share_without_waivers = _share(before.values())
    if score is not None:
        result.points = {"total": float(score.total), "max": float(score.maximum),
                         "without_waivers": float(score.without_waivers.total) if score.without_waivers else float(score.total),
                         "by_domain": {d.domain: [float(d.earned), float(d.points)] for d in score.by_domain}}
    result.tiers = _tiers(evaluation, verdicts)
    result.data_quality = [{"check": q.check, "kind": q.kind, "fact": q.fact, "record": q.record,
                            "message": q.message.get(lang), "expected": q.expected.get(lang), "actual": q.actual.get(lang),
                            "location": str(q.location) if q.location else ""} for q in evaluation.data_quality]
    from ..waivers import waiver_status
    result.waivers = [{"requirement": w.requirement, "record": w.record, "expires": w.expires.isoformat(),
                       "requested_by": w.requested_by, "approved_by": w.approved_by, "justification": w.justification,
                       "status": waiver_status(w, evaluation), "file": str(w.location) if w.location else ""}
                      for w in evaluation.waivers]
    district = case.district.name
    result.findings = [_row(f, district, lang) for f in evaluation.findings]
    return result


def _row(f: Finding, district: str, lang: str) -> tuple[Any, ...]:
    note = ""
    if f.waiver is not None:
        note = (f"waived until {f.waiver.expires.isoformat()}" if f.verdict is Verdict.WAIVED
                else f"waiver expired {f.waiver.expires.isoformat()}")
    return (fingerprint(f.requirement, district, f.record), f.requirement, f.record, f.domain, f.severity.value,
            f.verdict.value, f.original.value if f.original else None, f.tier.value if f.tier else None,
            f.title.get(lang), f.message.get(lang), note)


def _share(verdicts: Any) -> float | None:
    c = Counter(verdicts)
    scored = c[Verdict.MET] + c[Verdict.GAP] + c[Verdict.INSUFFICIENT]
    return round(100 * c[Verdict.MET] / scored, 1) if scored else None


def _tiers(evaluation: Evaluation, verdicts: dict[str, tuple[Verdict, Finding]]) -> dict[str, Any]:
    """How much of the result rests on verified facts."""
    facts = Counter(f.tier.value for f in evaluation.case.facts.values())
    for f in evaluation.case.facts.values():  # verified record fields count once each
        if isinstance(f.value, tuple):
            facts[Tier.VERIFIED.value] += sum(len(r.verifications) for r in f.value)
    decided = [(v, f) for v, f in verdicts.values() if v in (Verdict.MET, Verdict.GAP)]
    verified = sum(1 for _, f in decided if f.tier is Tier.VERIFIED)
    return {"facts": {t: facts.get(t, 0) for t in TIERS}, "decided": len(decided), "decided_verified": verified,
            "verified_share": round(100 * verified / len(decided), 1) if decided else None,
            "met_unverified": sum(1 for v, f in decided if v is Verdict.MET and f.tier is not Tier.VERIFIED)}

