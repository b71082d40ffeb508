"""View pieces both documents share: the title block, domain names, the order of gaps, evidence and basis."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Iterable

from fazhi.load.profiles import Profile
from fazhi.model.case import Evidence
from fazhi.model.catalogue import Catalogue, Requirement
from fazhi.model.results import Evaluation, FactUse, Finding
from fazhi.vocabulary import Text, Verdict
from fazhi.documents import labels as L
from fazhi.documents.memo_json import Progress, ProgressItem
from fazhi.documents.model import FactLine, Header, InfoRow, ProgressRow, ProgressView, Section


@dataclass(frozen=True)
class Group:
    """Every finding of one requirement (several when it is checked per record), in catalogue order."""

    requirement: Requirement
    findings: tuple[Finding, ...]
    position: int

    @property
    def verdict(self) -> Verdict:
        """A gap if any record is a gap, else insufficient if any is, else waived if any is, else the finding's own."""
        verdicts = {f.verdict for f in self.findings}
        return next((v for v in (Verdict.GAP, Verdict.INSUFFICIENT, Verdict.WAIVED) if v in verdicts),
                    self.findings[0].verdict)

    def only(self, verdict: Verdict) -> "Group":
        """The same requirement with only its findings of one verdict (the gaps of a per-record check)."""
        return replace(self, findings=tuple(f for f in self.findings if f.verdict is verdict))

    @property
    def per_record(self) -> bool:
        return self.requirement.for_each is not None and any(f.record for f in self.findings)


def groups(evaluation: Evaluation) -> list[Group]:
    by_req: dict[str, list[Finding]] = {}
    for f in evaluation.findings:
        by_req.setdefault(f.requirement, []).append(f)
    catalogue = {r.id: (i, r) for i, r in enumerate(evaluation.catalogue.requirements)}
    result = [Group(catalogue[rid][1], tuple(findings), catalogue[rid][0]) for rid, findings in by_req.items() if rid in catalogue]
    return sorted(result, key=lambda g: g.position)


def gap_groups_by_domain(evaluation: Evaluation) -> list[tuple[str, list[Group]]]:
    """Gaps grouped by domain: the domain with the most severe gap first, the most severe gap first within it."""
    domains: dict[str, list[Group]] = {}
    for g in groups(evaluation):
        if g.verdict is Verdict.GAP:
            domains.setdefault(g.requirement.domain, []).append(g.only(Verdict.GAP))
    for gs in domains.values():
        gs.sort(key=lambda g: (g.requirement.severity.rank, g.position))
    return sorted(domains.items(), key=lambda kv: (kv[1][0].requirement.severity.rank, kv[1][0].position))


def domain_titles(catalogue: Catalogue) -> dict[str, Text]:
    return catalogue.domain_titles


def header(evaluation: Evaluation, lang: str, title_key: str, evaluated_on: dt.date, profile: Profile | None,
           extra: Iterable[InfoRow] = ()) -> Header:
    case = evaluation.case
    district = case.district.name
    if case.district.parent:
        district = f"{case.district.name}, {case.district.parent}" if lang == "en" else case.district.parent + case.district.name
    sep = L.label(lang, "sep")
    rulesets = sep.join(L.label(lang, "ruleset_entry", title=rs.title.get(lang), id=rs.id, version=rs.version)
                        for rs in evaluation.catalogue.rulesets)
    rows = [InfoRow(L.label(lang, "district"), district),
            InfoRow(L.label(lang, "period"), L.label(lang, "period_value", period=case.period)),
            InfoRow(L.label(lang, "rulesets"), rulesets),
            InfoRow(L.label(lang, "profile"), L.label(lang, "profile_entry", title=profile.title.get(lang), id=profile.id,
                                                      version=profile.version) if profile else L.label(lang, "no_profile")),
            InfoRow(L.label(lang, "evaluated_on"), L.date_text(lang, evaluated_on)), *extra]
    title = L.label(lang, title_key, district=case.district.name, period=case.period)
    return Header(title, case.district.name, case.period, L.date_text(lang, evaluated_on), evaluated_on.isoformat(), tuple(rows))


def sections(lang: str, keys: Iterable[str]) -> dict[str, Section]:
    return {key: Section(key, L.section_number(lang, i) + ("" if lang == "zh" else " ") + L.label(lang, key))
            for i, key in enumerate(keys, start=1)}


def evidence_text(e: Evidence | None, lang: str) -> str:
    if e is None:
        return ""
    head = L.label(lang, "book", text=e.document) if e.document else ""
    if e.doc_number:
        head += f"{L.label(lang, 'open_paren')}{e.doc_number}{L.label(lang, 'close_paren')}" if head else e.doc_number
    if e.page:
        head += (", " if lang == "en" and head else "") + L.label(lang, "page", page=e.page)
    parts = [head] if head else []
    text = L.label(lang, "colon").join(parts + ([L.label(lang, "quote", text=e.quote)] if e.quote else []))
    extras = [x for x in (e.note, e.url) if x]
    if extras:
        text += L.label(lang, "open_paren") + L.label(lang, "sep").join(extras) + L.label(lang, "close_paren")
    return text.strip()


def fact_lines(uses: Iterable[FactUse], lang: str) -> tuple[FactLine, ...]:
    return tuple(FactLine(u.label.get(lang), u.display.get(lang), evidence_text(u.evidence, lang)) for u in uses)


def basis_lines(catalogue: Catalogue, finding: Finding, lang: str) -> tuple[str, ...]:
    lines = []
    for c in finding.citations:
        source = catalogue.sources.get(c.source)
        name = L.label(lang, "book", text=source.title.get(lang)) if source else c.source
        if source and source.doc_number:
            name += f"{L.label(lang, 'open_paren')}{source.doc_number}{L.label(lang, 'close_paren')}"
        article = f" {c.article}" if lang == "en" else c.article
        lines.append(f"{name}{article}{L.label(lang, 'colon')}{L.label(lang, 'quote', text=c.quote)}{L.confidence_mark(lang, c.confidence)}")
    return tuple(dict.fromkeys(lines))  # a citation repeated by the rules is read once


def count_sentence(catalogue: Catalogue, group: Group, lang: str) -> str:
    """3件重大行政决策不符合“公开征求意见期限不少于30日”的要求 — a per-record gap as one point."""
    spec = catalogue.facts.get(group.requirement.for_each or "")
    noun = spec.label.get(lang) if spec else L.label(lang, "record")
    return L.label(lang, "count_sentence", count=len(group.findings), label=noun, title=group.requirement.title.get(lang))


def progress_view(progress: Progress, lang: str) -> ProgressView:
    """The 整改销号 table for either document."""
    counts = progress.counts()
    previous_total = sum(counts[s] for s in ("closed", "open", "reopened", "unverified"))
    sentence = L.label(lang, "progress_sentence", date=L.date_text(lang, progress.previous_date), total=previous_total,
                       **{k: counts[k] for k in ("closed", "open", "reopened", "unverified", "new")})
    rows = tuple(ProgressRow(i, item.id, item.requirement, item.record, _problem(item, lang),
                             L.status(lang, item.previous_status) if item.previous_status else "",
                             L.status(lang, item.status), item.status)
                 for i, item in enumerate(progress.items, start=1))
    return ProgressView(sentence, rows)


def _problem(item: ProgressItem, lang: str) -> str:
    if item.finding is None:
        return item.problem(lang)
    return L.sentence(lang, item.problem(lang) + L.confidence_mark(lang, item.finding.confidence))
