"""The requirement catalogue as a user browses it: lists, one requirement in full, and as data."""
from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Mapping

from fazhi.errors import Location, Problem, did_you_mean
from fazhi.model.conditions import VarKind
from fazhi.model.catalogue import Catalogue, Requirement
from fazhi.vocabulary import Text, enum_label


def effective_dates(catalogue: Catalogue, req: Requirement) -> tuple[dt.date | None, dt.date | None]:
    """In force from the latest start and until the earliest end of the requirement and its non-supporting sources."""
    binding = [catalogue.sources[c.source] for c in req.citations if not c.supporting]
    starts = [req.in_force_from] + [s.in_force_from for s in binding]
    ends = [req.in_force_to] + [s.in_force_to for s in binding]
    return max((d for d in starts if d), default=None), min((d for d in ends if d), default=None)


def in_force_on(catalogue: Catalogue, req: Requirement, day: dt.date) -> bool:
    start, end = effective_dates(catalogue, req)
    return (start is None or start <= day) and (end is None or day <= end)


def select(catalogue: Catalogue, domain: str | None, as_of: dt.date | None) -> list[Requirement]:
    return [r for r in catalogue.requirements
            if (domain is None or r.domain == domain) and (as_of is None or in_force_on(catalogue, r, as_of))]


def unknown_domain(catalogue: Catalogue, domain: str) -> Problem:
    domains = sorted({r.domain for r in catalogue.requirements})
    titles = catalogue.domain_titles
    hint = did_you_mean(domain, domains)
    return Problem(Location("--domain"), f"no domain '{domain}'", suggestion=hint or f"domains: {', '.join(domains)}",
                   zh=f"没有领域“{domain}”",
                   suggestion_zh=None if hint else "可选领域：" + "、".join(f"{titles[d].zh}（{d}）" for d in domains))


def unknown_requirement(catalogue: Catalogue, rid: str) -> Problem:
    ids = [r.id for r in catalogue.requirements]
    hint = did_you_mean(rid, ids)
    return Problem(Location("REQUIREMENT"), f"no requirement '{rid}'", suggestion=hint or "see `fazhi rules list`",
                   zh=f"没有要求“{rid}”", suggestion_zh=None if hint else "要求编号见 `fazhi rules list`")


def requirement_data(catalogue: Catalogue, req: Requirement, lang: str) -> dict[str, Any]:
    start, end = effective_dates(catalogue, req)
    return {
        "id": req.id, "domain": req.domain, "ruleset": req.ruleset, "severity": req.severity.value,
        "title": req.title.get(lang), "expected": req.expected.get(lang),
        "confidence": req.weakest_confidence.value,
        "in_force": {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None},
        "per_record": req.for_each,
        "facts": list(req.facts_read),
        "citations": [{"source": c.source, "article": c.article, "quote": c.quote, "confidence": c.confidence.value}
                      for c in req.citations],
    }


def _pad(text: str, width: int) -> str:
    """Left-aligned in `width` terminal columns (a Chinese character takes two)."""
    return text + " " * max(0, width - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text))


def list_text(reqs: list[Requirement], lang: str, domain_titles: Mapping[str, Text] | None = None) -> str:
    """One line a requirement: id, severity, domain and title; in Chinese the severity and domain read as words."""
    width = max((len(r.id) for r in reqs), default=10)
    if lang == "en":
        lines = [f"{r.id:<{width}}  {r.severity.value:<8}  {r.domain:<26}  {r.title.get(lang)}" for r in reqs]
    else:
        titles = domain_titles or {}
        name = {r.domain: titles[r.domain].zh if r.domain in titles else r.domain for r in reqs}
        dwidth = max((len(n) * 2 for n in name.values()), default=8)
        lines = [f"{r.id:<{width}}  {_pad(enum_label(r.severity, 'zh'), 4)}  {_pad(name[r.domain], dwidth)}  {r.title.zh}"
                 for r in reqs]
    lines.append(f"{len(reqs)} requirements" if lang == "en" else f"共{len(reqs)}项要求")
    return "\n".join(lines) + "\n"


def show_text(catalogue: Catalogue, req: Requirement, lang: str) -> str:
    en = lang == "en"
    start, end = effective_dates(catalogue, req)
    domain = req.domain if en else catalogue.domain_titles.get(req.domain, Text(req.domain, req.domain)).zh
    lines = [f"{req.id}  {req.title.get(lang)}",
             f"{'domain' if en else '领域'}: {domain}    {'severity' if en else '等级'}: {enum_label(req.severity, lang)}    "
             f"{'confidence' if en else '依据可信度'}: {enum_label(req.weakest_confidence, lang)}",
             f"{'in force' if en else '施行'}: {start or '—'} – {end or '—'}",
             f"{'requirement' if en else '要求'}: {req.expected.get(lang)}", ""]
    for c in req.citations:
        source = catalogue.sources[c.source]
        number = f" {source.doc_number}" if source.doc_number else ""
        lines.append(f"{'basis' if en else '依据'}: 《{source.title.get(lang)}》{number} {c.article}  "
                     + (f"[{c.confidence.value}]" if en else f"［{enum_label(c.confidence, lang)}］"))
        lines.append(f"    “{c.quote}”")
    lines.append("")
    each = catalogue.facts[req.for_each].label.zh if req.for_each in catalogue.facts else req.for_each
    lines.append(("facts read" if en else "所需事实") + (f" (for each record of {req.for_each})" if req.for_each and en else
                                                      f"（逐条检查“{each}”）" if req.for_each else "") + ":")
    # In Chinese each fact reads as its label, with the key it has in facts.yaml on a line of its own
    for var in req.vars:
        if var.kind is VarKind.FACT:
            spec = catalogue.facts[var.args[0]]
            lines += [f"  - {spec.key} ({spec.type.value}): {spec.question.get(lang)}"] if en else \
                [f"  - {spec.label.zh}（{enum_label(spec.type, 'zh')}）：{spec.question.zh}", f"      facts.yaml 中写作 {spec.key}"]
        elif var.kind is VarKind.FIELD:
            lines += [f"  - {req.for_each}[].{var.args[0]}: {var.label.get(lang)}"] if en else \
                [f"  - “{each}”每条记录的{var.label.zh}", f"      facts.yaml 中写作 {req.for_each} 各条的 {var.args[0]}"]
        elif var.kind is VarKind.COUNT:
            counted = catalogue.facts[var.args[0]].label.zh if var.args[0] in catalogue.facts else var.args[0]
            lines += [f"  - {var.args[0]} (number of records)"] if en else \
                [f"  - “{counted}”的记录条数", f"      facts.yaml 中写作 {var.args[0]}"]
    for key in req.facts_read:
        spec = catalogue.facts[key]
        if spec.type.value == "records" and not any(v.args and v.args[0] == key for v in req.vars):
            lines += [f"  - {key} (records): {spec.question.get(lang)}"] if en else \
                [f"  - {spec.label.zh}（记录）：{spec.question.zh}", f"      facts.yaml 中写作 {key}"]
    r = req.remediation
    if en:
        lines += ["", f"remediation: {r.measure.en} (owner: {r.owner}" + (f", {r.deadline_days} days" if r.deadline_days else "") + ")"]
    else:
        lines += ["", f"整改措施: {r.measure.zh}（责任单位：{r.owner}" + (f"，{r.deadline_days}日" if r.deadline_days else "") + "）"]
    return "\n".join(lines) + "\n"
