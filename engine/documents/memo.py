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
from fazhi.documents.model import InfoRow, MemoItem, MemoView
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
               profile: Profile | None = None) -> MemoView:
    owners, deadlines = owners or Owners(), deadlines or Deadlines()
    titles = domain_titles(evaluation.catalogue)
    district = evaluation.case.district.name
    items: list[MemoItem] = []
    for domain, gs in gap_groups_by_domain(evaluation):
        for g in gs:
            req = g.requirement
            due = evaluated_on + dt.timedelta(days=deadlines.days(req.severity, req.remediation.deadline_days))
            for f in _by_department(evaluation, g.findings):
                item_id = fingerprint(req.id, district, f.record if f.department is None else f"department:{f.department}")
                acceptance = (req.remediation.acceptance or req.expected).get(lang)
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
                    status=L.status(lang, status), status_code=status))
    if progress is not None:
        for p in progress.items:
            if p.status in ("closed", "unverified") and p.entry is not None:
                items.append(_carried(p.entry, p.status, len(items) + 1, lang))
    extra = [InfoRow(L.label(lang, "previous_memo"), L.date_text(lang, progress.previous_date))] if progress else []
    keys = ["tasks", "deadlines"] + (["progress"] if progress is not None else [])
    table = L.label(lang, "sep").join(L.label(lang, "deadline_entry", severity=L.severity(lang, s), days=deadlines.table[s.value])
                                      for s in Severity)
    sentence = L.label(lang, "deadline_sentence", date=L.date_text(lang, evaluated_on), table=table)
    if len(deadlines.explicit) < len(Severity):
        sentence += L.label(lang, "deadline_rule_note")
    return MemoView(lang=lang, header=header(evaluation, lang, "memo_title", evaluated_on, profile, extra),
                    sections=sections(lang, keys), items=tuple(items),
                    deadline_sentence=sentence,
                    deadlines=dict(deadlines.table), progress=progress_view(progress, lang) if progress else None)


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
