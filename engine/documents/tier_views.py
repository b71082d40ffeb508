"""Report sections an inspection adds: waivers, requirements met on unverified facts, data quality."""
from __future__ import annotations

from fazhi.model.results import Evaluation
from fazhi.vocabulary import Tier, Verdict
from fazhi.documents import labels as L
from fazhi.documents.common import fact_lines, groups
from fazhi.documents.model import DataQualityRow, UnverifiedRow, WaiverRow


def waiver_rows(evaluation: Evaluation, lang: str) -> tuple[WaiverRow, ...]:
    from fazhi.checks.waivers import waiver_status
    titles = {r.id: r.title for r in evaluation.catalogue.requirements}
    rows = []
    for w in evaluation.waivers:
        status = waiver_status(w, evaluation)
        title = titles.get(w.requirement)
        rows.append(WaiverRow(w.requirement, title.get(lang) if title else "", w.record or "", w.justification,
                              w.requested_by, w.approved_by, L.date_text(lang, w.expires),
                              L.WAIVER_STATUS[lang][status], status))
    return tuple(rows)


def unverified_rows(evaluation: Evaluation, lang: str) -> tuple[UnverifiedRow, ...]:
    rows = []
    for g in groups(evaluation):
        if g.verdict is not Verdict.MET:
            continue
        tier = min((f.tier for f in g.findings if f.tier is not None), key=lambda t: t.rank, default=None)
        if tier is None or tier is Tier.VERIFIED:
            continue
        first = g.findings[0]
        shown = [u for u in first.facts if u.tier is not None and u.tier is not Tier.VERIFIED and u.value is not None]
        rows.append(UnverifiedRow(g.requirement.id, g.requirement.title.get(lang), L.TIER[lang][tier.value],
                                  fact_lines(shown, lang)))
    return tuple(rows)


def data_quality_rows(evaluation: Evaluation, lang: str) -> tuple[DataQualityRow, ...]:
    return tuple(DataQualityRow(q.check, q.record or "", L.sentence(lang, q.message.get(lang)), q.expected.get(lang),
                                q.actual.get(lang), _where(q.location, lang))
                 for q in evaluation.data_quality)


def _where(location, lang: str) -> str:
    """事实文件第162行: a reader finds the line without reading a path (file names are identifiers in prose)."""
    if location is None:
        return ""
    if location.line is None:
        return L.label(lang, "facts_file")
    return L.label(lang, "facts_line", line=location.line)
