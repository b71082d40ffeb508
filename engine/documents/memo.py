"""Evaluation → the remediation memo (整改方案) as templates see it: one item per gap.

Deadlines count calendar days from the evaluation date. Which number of days: a severity named in
`--deadlines` always takes the table's; otherwise a requirement's own `remediation.deadline_days`;
otherwise the default table (critical 30, major 90, minor 180, advisory 180).
With a previous memo, items still gapping keep their id and become open or reopened, and the
previous items now closed or unverifiable are carried into the new memo so the record is whole.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from fazhi.errors import InputError, Location, Problem
from dataclasses import replace

from fazhi.model.results import Evaluation, Finding
from fazhi.vocabulary import Text
from fazhi.vocabulary import Severity, Verdict
from fazhi.documents import labels as L
from fazhi.documents.common import domain_titles, gap_groups_by_domain, header, progress_view, sections
from fazhi.documents.memo_json import MemoEntry, Progress, fingerprint
from fazhi.load.profiles import Profile
from fazhi.documents.model import Block, InfoRow, Section, MemoItem, MemoTask, MemoView
from fazhi.documents.plain import plain
from fazhi.documents.owners import Owners

DEFAULT_DEADLINES: Mapping[str, int] = {"critical": 30, "major": 90, "minor": 180, "advisory": 180}


@dataclass(frozen=True)
class Deadlines:
    table: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_DEADLINES))
    explicit: frozenset[str] = frozenset()

    def days(self, severity: Severity, rule_days: int | None) -> int:
        if severity.value in self.explicit or rule_days is None:
            return self.table[severity.value]
        return rule_days


def parse_deadlines(text: str | None) -> Deadlines:
    """`critical=30,major=90`: the severities named replace the defaults and win over the rulesets."""
    if not text:
        return Deadlines()
    table, explicit, problems = dict(DEFAULT_DEADLINES), set(), []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, days = part.partition("=")
        name = name.strip()
        if name not in DEFAULT_DEADLINES:
            problems.append(Problem(Location("--deadlines"), f"'{name}' is not a severity",
                                    suggestion=f"use {', '.join(DEFAULT_DEADLINES)}"))
        elif not days.strip().isdigit() or int(days) < 1:
            problems.append(Problem(Location("--deadlines"), f"'{part}': days must be a whole number of at least 1",
                                    suggestion="e.g. critical=30,major=90"))
        else:
            table[name] = int(days)
            explicit.add(name)
    if problems:
        raise InputError(problems)
    return Deadlines(table, frozenset(explicit))


def build_memo(evaluation: Evaluation, lang: str, evaluated_on: dt.date, owners: Owners | None = None,
               deadlines: Deadlines | None = None, progress: Progress | None = None,
               profile: Profile | None = None, templates: str | None = None, issuer: str | None = None) -> MemoView:
    owners, deadlines = owners or Owners(), deadlines or Deadlines()
    titles = domain_titles(evaluation.catalogue)
    rulesets = {rs.id: rs.title.get(lang) for rs in evaluation.catalogue.rulesets}
    district = evaluation.case.district.name
    items: list[MemoItem] = []
    for domain, gs in gap_groups_by_domain(evaluation):
        for g in gs:
            req = g.requirement
            days = deadlines.days(req.severity, req.remediation.deadline_days)
            due = evaluated_on + dt.timedelta(days=days)
            note = ""
            if days != deadlines.table[req.severity.value]:  # the ruleset's own deadline, said so
                note = L.label(lang, "deadline_rule", ruleset=rulesets.get(req.ruleset, req.ruleset))
            for f in _by_department(evaluation, g.findings):
                item_id = fingerprint(req.id, district, f.record if f.department is None else f"department:{f.department}")
                acceptance = plain((req.remediation.acceptance or req.expected).get(lang), evaluation.catalogue, req, lang)
                if f.record:
                    acceptance += L.label(lang, "record_acceptance", record=f.record)
                status = "open"
                if progress is not None and (p := progress.status_of(item_id)) is not None and p.status == "reopened":
                    status = "reopened"
                mark = L.confidence_mark(lang, f.confidence)
                items.append(MemoItem(
                    number=len(items) + 1, id=item_id, requirement=req.id, record=f.record, domain=titles[domain].get(lang),
                    title=req.title.get(lang), severity=L.severity(lang, req.severity), severity_code=req.severity.value,
                    mark=mark, confidence_code=f.confidence.value, problem=L.sentence(lang, f.message.get(lang) + mark),
                    measure=L.sentence(lang, req.remediation.measure.get(lang)),
                    owner=(owners.unit(req.id, req.remediation.owner, req.domain) if f.department is None
                           else _department_name(evaluation, f.department)), owner_role=req.remediation.owner,
                    deadline=L.date_text(lang, due), deadline_iso=due.isoformat(), acceptance=acceptance,
                    status=L.status(lang, status), status_code=status, deadline_note=note))
    if progress is not None:
        for p in progress.items:
            if p.status in ("closed", "unverified") and p.entry is not None:
                items.append(_carried(p.entry, p.status, len(items) + 1, lang))
    extra = [InfoRow(L.label(lang, "previous_memo"), L.date_text(lang, progress.previous_date))] if progress else []
    keys = ["tasks", "deadlines"] + (["progress"] if progress is not None else [])
    tasks = memo_tasks(items, evaluation, lang)
    table = L.label(lang, "sep").join(L.label(lang, "deadline_entry", severity=L.severity(lang, s), days=deadlines.table[s.value])
                                      for s in Severity)
    sentence = L.label(lang, "deadline_sentence", date=L.date_text(lang, evaluated_on), table=table)
    if any(i.deadline_note for i in items):
        sentence += L.label(lang, "deadline_rule_note")
    issuer_text = (issuer or evaluation.case.submitted_by or "").strip()
    severe = sum(1 for t in tasks if t.severity in (L.severity(lang, Severity.CRITICAL), L.severity(lang, Severity.MAJOR)))
    last = max((i.deadline_iso for i in items if i.status_code in ("open", "reopened")), default=evaluated_on.isoformat())
    context = {"district": evaluation.case.district.name, "period": evaluation.case.period, "tasks": len(tasks),
               "severe": severe, "evaluated_on": L.date_text(lang, evaluated_on),
               "last_deadline": L.date_text(lang, dt.date.fromisoformat(last)), "issuer": issuer_text}
    blocks = fixed_blocks(lang, context, templates)
    numbered = sum(1 for b in blocks if b.kind == "heading1")  # 整改销号情况 follows the fixed sections' numbering
    memo_sections = {**sections(lang, keys[:2]),
                     **{k: Section(k, L.section_number(lang, numbered + n) + ("" if lang == "zh" else " ") + L.label(lang, k))
                        for n, k in enumerate(keys[2:], start=1)}}
    return MemoView(lang=lang, header=header(evaluation, lang, "memo_title", evaluated_on, profile, extra),
                    sections=memo_sections, items=tuple(items),
                    deadline_sentence=sentence,
                    deadlines=dict(deadlines.table), progress=progress_view(progress, lang) if progress else None,
                    tasks=tasks, blocks=blocks, issuer=issuer_text)


def memo_tasks(items: list[MemoItem], evaluation: Evaluation, lang: str) -> tuple[MemoTask, ...]:
    """The task table: the items of one requirement (one per record) as one task, its records listed;
    the items carried over from the previous memo (closed, unverified) keep a row each."""
    from fazhi.documents.common import count_sentence, groups
    by_requirement: dict[tuple[str, str], list[MemoItem]] = {}
    for i in items:
        key = (i.requirement, i.status_code) if i.status_code in ("open", "reopened") else (i.id, i.status_code)
        by_requirement.setdefault(key, []).append(i)
    group_of = {g.requirement.id: g for g in groups(evaluation)}
    sep = "、" if lang == "zh" else ", "
    tasks = []
    for (_, status), its in by_requirement.items():
        first = its[0]
        records = [i.record for i in its if i.record]
        problem = first.problem.rstrip("。.")  # the severity follows in brackets
        g = group_of.get(first.requirement)
        if len(records) > 1 and g is not None:
            from fazhi.vocabulary import Verdict as V
            problem = count_sentence(evaluation.catalogue, g.only(V.GAP), lang) + first.mark
        acceptance = first.acceptance
        if first.record:  # the record named in each item's acceptance is named once, in the records column
            acceptance = acceptance.replace(L.label(lang, "record_acceptance", record=first.record), "")
        tasks.append(MemoTask(L.label(lang, "task_number", number=len(tasks) + 1), problem, sep.join(records),
                              first.severity, first.measure, first.owner, first.deadline + first.deadline_note,
                              acceptance, first.status))
    return tuple(tasks)


def fixed_blocks(lang: str, context: dict[str, object], templates: str | None = None) -> tuple[Block, ...]:
    """The editable fixed sections (templates/memo_fixed.<lang>.txt.j2, or the user's copy) as blocks."""
    from fazhi.documents.render import render_template
    text = render_template(f"memo_fixed.{lang}.txt.j2", context, templates)
    blocks: list[Block] = []
    for chunk in (c.strip() for c in text.replace("\r", "").split("\n\n")):
        for line in (chunk.splitlines() if chunk.startswith("#") or chunk == "@tasks" else [chunk]):
            line = line.strip()
            if not line:
                continue
            if line == "@tasks":
                blocks.append(Block("tasks"))
            elif line.startswith("## "):
                blocks.append(Block("heading2", line[3:].strip()))
            elif line.startswith("# "):
                blocks.append(Block("heading1", line[2:].strip()))
            else:
                blocks.append(Block("paragraph", " ".join(line.split("\n"))))
    return tuple(blocks)


def _carried(entry: MemoEntry, status: str, number: int, lang: str) -> MemoItem:
    """A previous item no longer gapping, kept as it was written with its new status."""
    try:
        due = dt.date.fromisoformat(entry.deadline)
        deadline = L.date_text(lang, due)
    except ValueError:
        deadline = entry.deadline
    severity = entry.severity if entry.severity in L.SEVERITY[lang] else ""
    return MemoItem(number=number, id=entry.id, requirement=entry.requirement, record=entry.record, domain=entry.domain,
                    title=entry.title, severity=L.SEVERITY[lang].get(severity, ""), severity_code=severity, mark="",
                    confidence_code=entry.confidence, problem=entry.problem, measure=entry.measure, owner=entry.owner,
                    owner_role=entry.owner_role,
                    deadline=deadline, deadline_iso=entry.deadline, acceptance=entry.acceptance,
                    status=L.status(lang, status), status_code=status)


def _by_department(evaluation: Evaluation, findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """A per-department requirement's district gap becomes one item per department with a gap, owned by it."""
    out: list[Finding] = []
    for f in findings:
        own = [replace(d, message=Text(f"{_department_name(evaluation, d.department or '')}：{d.message.zh}",
                                       f"{_department_name(evaluation, d.department or '')}: {d.message.en}"))
               for d in evaluation.department_findings
               if d.requirement == f.requirement and d.verdict is Verdict.GAP] if f.department is None else []
        out += own or [f]
    return out


def _department_name(evaluation: Evaluation, department: str) -> str:
    found = evaluation.case.department(department)
    return found.name if found else department


def has_gaps(evaluation: Evaluation) -> bool:
    return any(f.verdict is Verdict.GAP for f in evaluation.findings)
