"""Evaluation → the gap report as templates see it (ReportView), in one language.

存在的问题 are the gaps, grouped by domain (the domain with the most severe gap first, then the
most severe gap first within it), numbered 一是、二是… afresh in each domain. A requirement checked
per record is one point: a count sentence, the records listed beneath. 需补充的材料 asks every
question an insufficient_facts requirement needs answered. The annex lists every requirement.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

from fazhi.formatting import number
from fazhi.model.catalogue import Catalogue
from fazhi.model.results import Evaluation, Finding
from fazhi.vocabulary import Verdict
from fazhi.evaluate.scoring import DomainScore, Score
from fazhi.documents import labels as L
from fazhi.documents.common import (Group, basis_lines, count_sentence, domain_titles, fact_lines, gap_groups_by_domain,
                     groups, header, progress_view, sections)
from fazhi.documents import tier_views
from fazhi.documents.plain import choice_free
from fazhi.documents.memo_json import Progress, fingerprint
from fazhi.documents.model import (AnnexRow, DomainProblems, DomainSummary, FactLine, InfoRequest, InfoRow, ProblemPoint, Question,
                    RecordLine, RequestRow, ReportView, Summary)


def build_report(evaluation: Evaluation, lang: str, evaluated_on: dt.date, progress: Progress | None = None,
                 score: Score | None = None, tiers: bool | None = None, issuer: str | None = None,
                 addressee: str | None = None) -> ReportView:
    """`score` is the engine's scoring.Score when the evaluation ran under a profile (`--profile`).

    `tiers`: separate the requirements met on unverified facts from those proven (default: when an
    inspector verified any fact of the case). Waivers and data-quality findings get their sections
    whenever the case has any."""
    extra = []
    if progress is not None:
        extra.append(InfoRow(L.label(lang, "previous_memo"), L.date_text(lang, progress.previous_date)))
    if tiers is None:
        tiers = any(u.verification is not None for f in evaluation.findings for u in f.facts)
    keys = (["overview", "problems"] + (["waivers"] if evaluation.waivers else []) + (["unverified"] if tiers else [])
            + (["data_quality"] if evaluation.data_quality else []) + ["rfi"] + (["progress"] if progress is not None else []))
    return ReportView(
        lang=lang,
        header=header(evaluation, lang, "report_title", evaluated_on, score.profile if score else None, extra),
        sections=sections(lang, keys),
        summary=_with_counts(summary(evaluation, lang, score), evaluation, lang),
        problems=problems(evaluation, lang, progress),
        requests=requests(evaluation, lang),
        annex=annex(evaluation, lang),
        progress=progress_view(progress, lang) if progress is not None else None,
        waivers=tier_views.waiver_rows(evaluation, lang),
        unverified=tier_views.unverified_rows(evaluation, lang) if tiers else (),
        data_quality=tier_views.data_quality_rows(evaluation, lang),
        show_unverified=tiers,
        request_rows=request_rows(evaluation, lang),
        rfi_summary=rfi_summary(evaluation, lang),
        counts_sentence=counts_sentence(evaluation, lang),
        issuer=issuer_of(evaluation, issuer),
        addressee=addressee_of(evaluation, lang, addressee),
        annexes=tuple(L.label(lang, k) for k in ("annex_details", "annex_requests", "annex_verdicts")),
    )


def _with_counts(s: Summary, evaluation: Evaluation, lang: str) -> Summary:
    """The body says once how requirements and findings relate, so its counts and `check`'s agree."""
    return replace(s, notes=s.notes + (counts_sentence(evaluation, lang),))


def issuer_of(evaluation: Evaluation, issuer: str | None) -> str:
    """署名: --issuer, else the case's submitted.by, else nothing (the date alone closes the document)."""
    return (issuer or evaluation.case.submitted_by or "").strip()


def addressee_of(evaluation: Evaluation, lang: str, addressee: str | None) -> str:
    """主送: --addressee, else the party committee and government of the level above when the case names it."""
    if addressee is not None:
        return addressee.strip()
    parent = evaluation.case.district.parent
    return L.label(lang, "addressee_default", parent=parent) if parent else ""


def counts_sentence(evaluation: Evaluation, lang: str) -> str:
    """One vocabulary for counts: requirements (one verdict each) and findings (one per record checked)."""
    return L.label(lang, "counts_sentence", requirements=len(groups(evaluation)), findings=len(evaluation.findings))


# --- summary -----------------------------------------------------------------------------------

def summary(evaluation: Evaluation, lang: str, score: Score | None = None) -> Summary:
    """Counts per domain (one verdict per requirement) and the share met; points and total under a profile."""
    titles = domain_titles(evaluation.catalogue)
    per_domain: dict[str, list[Group]] = {}
    for g in groups(evaluation):
        per_domain.setdefault(g.requirement.domain, []).append(g)
    points = {d.domain: d for d in score.by_domain} if score else {}
    rows = tuple(_count(d, titles[d].get(lang), gs, _points(lang, points.get(d))) for d, gs in per_domain.items())
    total = _count("", L.label(lang, "total"), [g for gs in per_domain.values() for g in gs], "")
    show_waived = bool(evaluation.waivers) or total.waived > 0
    total_score, notes = None, [L.label(lang, "score_note")]
    if score is not None:
        total_score = L.label(lang, "points_value", earned=_n(score.total), points=_n(score.maximum))
        total = replace(total, points=total_score)
        profile = L.label(lang, "profile_entry", title=score.profile.title.get(lang), id=score.profile.id,
                          version=score.profile.version)
        notes.append(L.label(lang, "profile_note", profile=profile))
        notes += [line.get(lang) for line in score.derivation]
    total = replace(total, score="—")
    sentence = L.label(lang, "overview_sentence", total=total.requirements, met=total.met, gap=total.gap,
                       insufficient=total.insufficient, na=total.not_applicable)
    if show_waived:
        sentence = sentence.rstrip("。.") + L.label(lang, "waived_clause", waived=total.waived)
        if score is not None and score.without_waivers is not None:
            notes.append(L.label(lang, "without_waivers_note", earned=_n(score.without_waivers.total),
                                 points=_n(score.without_waivers.maximum)))
        all_groups = [g for gs in per_domain.values() for g in gs]
        notes.append(L.label(lang, "share_without_waivers", share=_share_without_waivers(all_groups)))
    return Summary(sentence, rows, total, total_score, tuple(notes), show_waived)


def _count(domain: str, title: str, gs: list[Group], points: str) -> DomainSummary:
    n = {v: sum(1 for g in gs if g.verdict is v) for v in Verdict}
    scored = n[Verdict.MET] + n[Verdict.GAP] + n[Verdict.INSUFFICIENT]
    share = number(Decimal(100 * n[Verdict.MET]) / scored, 1) + "%" if scored else "—"
    return DomainSummary(domain, title, len(gs), n[Verdict.MET], n[Verdict.GAP], n[Verdict.INSUFFICIENT],
                         n[Verdict.NOT_APPLICABLE], share, points, n[Verdict.WAIVED])


def _share_without_waivers(gs: list[Group]) -> str:
    """The share met with every waived requirement back at the verdict it had before its waiver."""
    verdicts = []
    for g in gs:
        v = g.verdict
        if v is Verdict.WAIVED:
            v = next((f.original for f in g.findings if f.original is not None), v)
        verdicts.append(v)
    scored = sum(1 for v in verdicts if v in (Verdict.MET, Verdict.GAP, Verdict.INSUFFICIENT))
    met = sum(1 for v in verdicts if v is Verdict.MET)
    return number(Decimal(100 * met) / scored, 1) + "%" if scored else "—"


def _points(lang: str, d: DomainScore | None) -> str:
    if d is None:
        return ""
    return L.label(lang, "points_value", earned=_n(d.earned), points=_n(d.points)) if d.points else "—"


def _n(value: Decimal) -> str:
    return number(value, 2)


# --- 存在的问题 -------------------------------------------------------------------------------

def problems(evaluation: Evaluation, lang: str, progress: Progress | None) -> tuple[DomainProblems, ...]:
    titles = domain_titles(evaluation.catalogue)
    result = []
    for i, (domain, gs) in enumerate(gap_groups_by_domain(evaluation), start=1):
        heading = L.label(lang, "domain_heading", number=L.subsection_number(lang, i), title=titles[domain].get(lang))
        points = tuple(_point(evaluation, g, lang, n, progress) for n, g in enumerate(gs, start=1))
        result.append(DomainProblems(heading, domain, points))
    return tuple(result)


def _point(evaluation: Evaluation, g: Group, lang: str, n: int, progress: Progress | None) -> ProblemPoint:
    catalogue = evaluation.catalogue
    first = g.findings[0]
    mark = L.confidence_mark(lang, first.confidence)
    if g.per_record:
        text = count_sentence(catalogue, g, lang)
        shared = [u for u in first.facts if u.key in catalogue.facts]
        records = tuple(_record_line(catalogue, f, lang) for f in g.findings)
        actual = L.label(lang, "sep").join(f"{x.label}{L.label(lang, 'colon')}{x.value}" for x in fact_lines(shared, lang))
    else:
        text, shared, records, actual = first.message.get(lang), list(first.facts), (), first.actual.get(lang)
        records = _department_lines(evaluation, g.requirement.id, lang)
    if lang == "en" and len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]  # it follows "First,"
    return ProblemPoint(
        ordinal=L.point_ordinal(lang, n), sentence=L.sentence(lang, text + mark), requirement=g.requirement.id,
        title=g.requirement.title.get(lang), severity=L.severity(lang, g.requirement.severity), mark=mark,
        expected=first.expected.get(lang), actual=actual, facts=fact_lines(shared, lang),
        basis=basis_lines(catalogue, first, lang), records=records,
        progress_note=_progress_note(evaluation, g, lang, progress))


def _department_lines(evaluation: Evaluation, requirement: str, lang: str) -> tuple[RecordLine, ...]:
    """A per-department requirement's point lists the departments with a gap beneath it, each with its figures."""
    names = {d.id: d.name for d in evaluation.case.departments}
    return tuple(RecordLine(names.get(f.department or "", f.department or ""), L.sentence(lang, f.message.get(lang)),
                            fact_lines(list(f.facts), lang), "")
                 for f in evaluation.department_findings if f.requirement == requirement and f.verdict is Verdict.GAP)


def _record_line(catalogue: Catalogue, f: Finding, lang: str) -> RecordLine:
    """One record of a per-record point: its sentence, its own facts, and its evidence once."""
    lines = fact_lines([u for u in f.facts if u.key not in catalogue.facts], lang)
    evidence = next((x.evidence for x in lines if x.evidence), "")
    lines = tuple(FactLine(x.label, x.value, "" if x.evidence == evidence else x.evidence) for x in lines)
    return RecordLine(f.record or "", L.sentence(lang, f.message.get(lang)), lines, evidence)


def _progress_note(evaluation: Evaluation, g: Group, lang: str, progress: Progress | None) -> str:
    if progress is None:
        return ""
    district = evaluation.case.district.name
    statuses = [item.status for f in g.findings
                if (item := progress.status_of(fingerprint(f.requirement, district, f.record))) is not None]
    carried = [s for s in ("reopened", "open") if s in statuses]
    return L.label(lang, "carry_note", status=L.status(lang, carried[0])) if carried else ""


# --- 需补充的材料 -------------------------------------------------------------------------------

def requests(evaluation: Evaluation, lang: str) -> tuple[InfoRequest, ...]:
    result = []
    for g in groups(evaluation):
        if g.verdict is not Verdict.INSUFFICIENT:
            continue
        questions = _questions(evaluation, g.only(Verdict.INSUFFICIENT), lang)
        result.append(InfoRequest(f"{len(result) + 1}.", g.requirement.id, g.requirement.title.get(lang),
                                  L.confidence_mark(lang, g.findings[0].confidence), questions))
    return tuple(result)


def _questions(evaluation: Evaluation, g: Group, lang: str) -> tuple[Question, ...]:
    catalogue, case = evaluation.catalogue, evaluation.case
    questions: list[Question] = []
    for key in g.requirement.facts_read:
        spec = catalogue.facts.get(key)
        if spec is not None and key not in case.facts:
            questions.append(Question(spec.question.get(lang), L.label(lang, "attach_text", label=spec.label.get(lang))))
    records_spec = catalogue.facts.get(g.requirement.for_each or "")
    for f in g.findings:
        for u in f.facts:
            if f.record and u.value is None and f"[{f.record}]" in u.key and records_spec is not None:
                q = L.label(lang, "record_question", label=records_spec.label.get(lang), record=f.record, field=u.label.get(lang))
                questions.append(Question(q, L.label(lang, "attach_record", record=f.record)))
    if not questions:  # decided by nothing missing (a total of 0, say): say what the engine said
        questions = [Question(L.sentence(lang, f.message.get(lang)), "") for f in g.findings]
    return tuple(dict.fromkeys(questions))


def request_rows(evaluation: Evaluation, lang: str) -> tuple[RequestRow, ...]:
    """附件2: each missing fact asked once, whichever requirements need it. Facts of one topic (the key
    without its last part: legal_advisers.drafting.*) share a row, numbered (1)(2)…; a records fact is one
    row asking for the list with its fields named once; records already listed but missing fields are one
    row per records fact, the records named."""
    catalogue, case = evaluation.catalogue, evaluation.case
    sep = "、" if lang == "zh" else ", "
    rows: dict[str, dict] = {}  # topic → {"questions": [...], "fields": [...], "codes": [...], "records": [...]}

    def row(topic: str, header: str = "") -> dict:
        return rows.setdefault(topic, {"header": header, "questions": [], "fields": [], "codes": [], "records": []})

    def add(items: list, value: str) -> None:
        if value not in items:
            items.append(value)

    for g in groups(evaluation):
        if g.verdict is not Verdict.INSUFFICIENT:
            continue
        g = g.only(Verdict.INSUFFICIENT)
        rid = g.requirement.id
        found = False
        for key in g.requirement.facts_read:
            spec = catalogue.facts.get(key)
            if spec is None or key in case.facts:
                continue
            found = True
            if spec.fields:
                r = row(key, L.label(lang, "records_question", label=_plain_label(spec.label.get(lang), lang)))
                for f in spec.fields:
                    add(r["fields"], choice_free(f.label.get(lang), lang))
            else:
                r = row(key.rsplit(".", 1)[0] + ".*")
                add(r["questions"], choice_free(spec.question.get(lang), lang))
            add(r["codes"], rid)
        records_key = g.requirement.for_each or ""
        records_spec = catalogue.facts.get(records_key)
        for f in g.findings:
            for u in f.facts:
                if f.record and u.value is None and f"[{f.record}]" in u.key and records_spec is not None:
                    found = True
                    r = row(records_key + "[]")
                    add(r["fields"], choice_free(u.label.get(lang), lang))
                    add(r["records"], f.record)
                    add(r["codes"], rid)
        if not found:  # decided by nothing missing (a total of 0, say): say what the engine said
            add(row(rid + "#")["questions"], L.sentence(lang, g.findings[0].message.get(lang)))
            add(row(rid + "#")["codes"], rid)
    result = []
    for topic, r in rows.items():
        if topic.endswith("[]"):
            spec = catalogue.facts[topic[:-2]]
            question = L.label(lang, "records_fill_question", label=_plain_label(spec.label.get(lang), lang),
                               records=sep.join(r["records"]))
        elif r["header"]:
            question = r["header"]
        elif len(r["questions"]) == 1:
            question = r["questions"][0]
        else:
            question = "\n".join(f"（{i}）{q}" if lang == "zh" else f"({i}) {q}" for i, q in enumerate(r["questions"], 1))
        result.append(RequestRow(len(result) + 1, question, sep.join(r["fields"]), sep.join(r["codes"])))
    return tuple(result)


def _plain_label(text: str, lang: str) -> str:
    """本年度制定的行政规范性文件 → 制定的行政规范性文件 after "请列出本年度" (no doubled words)."""
    return text[3:] if lang == "zh" and text.startswith("本年度") else text


def rfi_summary(evaluation: Evaluation, lang: str) -> str:
    """The body's 需补充的材料: how many requirements lack facts, by domain, and where the list is."""
    titles = domain_titles(evaluation.catalogue)
    per_domain: dict[str, int] = {}
    for g in groups(evaluation):
        if g.verdict is Verdict.INSUFFICIENT:
            per_domain[g.requirement.domain] = per_domain.get(g.requirement.domain, 0) + 1
    if not per_domain:
        return L.label(lang, "no_rfi")
    domains = ("、" if lang == "zh" else ", ").join(
        L.label(lang, "rfi_domain_entry", title=titles[d].get(lang), count=n) for d, n in per_domain.items())
    return L.label(lang, "rfi_summary", count=sum(per_domain.values()), domains=domains,
                   rows=len(request_rows(evaluation, lang)))


# --- annex -------------------------------------------------------------------------------------

def annex(evaluation: Evaluation, lang: str) -> tuple[AnnexRow, ...]:
    titles = domain_titles(evaluation.catalogue)
    rows = []
    for g in groups(evaluation):
        g = g.only(g.verdict)
        first = g.findings[0]
        verdict = L.verdict(lang, g.verdict)
        if g.per_record:
            verdict += L.label(lang, "open_paren") + str(len(g.findings)) + L.label(lang, "close_paren")
        rows.append(AnnexRow(g.requirement.id, g.requirement.title.get(lang), titles[g.requirement.domain].get(lang),
                             L.severity(lang, g.requirement.severity), verdict, g.verdict.value,
                             _note(evaluation.catalogue, g, lang), _short_basis(evaluation.catalogue, first, lang),
                             L.confidence_mark(lang, first.confidence)))
    return tuple(rows)


def _note(catalogue: Catalogue, g: Group, lang: str) -> str:
    if g.per_record and len(g.findings) > 1:
        if g.verdict is Verdict.GAP:
            return count_sentence(catalogue, g, lang)
        return L.label(lang, "sep").join(f.message.get(lang) for f in g.findings)
    first = g.findings[0]
    computed = [u for u in first.facts if isinstance(u.value, dict)]  # a met per-record finding's values, by record
    if g.verdict is Verdict.MET and computed:
        shown = L.label(lang, "sep").join(f"{x.label}{L.label(lang, 'colon')}{x.value}" for x in fact_lines(computed, lang))
        return first.message.get(lang) + L.label(lang, "open_paren") + shown + L.label(lang, "close_paren")
    given = [u for u in first.facts if u.value is not None and u.key in catalogue.facts]
    if g.verdict is Verdict.NOT_APPLICABLE and given:  # a "no" given is not "not given": say what was supplied
        shown = L.label(lang, "sep").join(f"{x.label}{L.label(lang, 'colon')}{x.value}" for x in fact_lines(given, lang))
        return (first.message.get(lang) + L.label(lang, "open_paren") + L.label(lang, "facts_given") + shown
                + L.label(lang, "close_paren"))
    return first.message.get(lang)


def _short_basis(catalogue: Catalogue, f: Finding, lang: str) -> str:
    parts = []
    for c in f.citations:
        source = catalogue.sources.get(c.source)
        name = L.label(lang, "book", text=source.title.get(lang)) if source else c.source
        parts.append(f"{name}{' ' if lang == 'en' else ''}{c.article}")
    return L.label(lang, "sep").join(dict.fromkeys(parts))  # 第十六条第三款 cited twice is one basis


__all__ = ["build_report", "summary", "problems", "requests", "annex"]
