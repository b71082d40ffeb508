"""The requirement catalogue as a user browses it: lists, one requirement in full, and as data."""
from __future__ import annotations

import datetime as dt
from typing import Any

from fazhi.errors import Location, Problem, did_you_mean
from fazhi.model.conditions import VarKind
from fazhi.model.catalogue import Catalogue, Requirement


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
    return Problem(Location("--domain"), f"no domain '{domain}'", suggestion=did_you_mean(domain, domains) or f"domains: {', '.join(domains)}")


def unknown_requirement(catalogue: Catalogue, rid: str) -> Problem:
    ids = [r.id for r in catalogue.requirements]
    return Problem(Location("REQUIREMENT"), f"no requirement '{rid}'", suggestion=did_you_mean(rid, ids) or "see `fazhi rules list`")


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


def list_text(reqs: list[Requirement], lang: str) -> str:
    width = max((len(r.id) for r in reqs), default=10)
    lines = [f"{r.id:<{width}}  {r.severity.value:<8}  {r.domain:<26}  {r.title.get(lang)}" for r in reqs]
    lines.append(f"{len(reqs)} requirements" if lang == "en" else f"共{len(reqs)}项要求")
    return "\n".join(lines) + "\n"


def show_text(catalogue: Catalogue, req: Requirement, lang: str) -> str:
    en = lang == "en"
    start, end = effective_dates(catalogue, req)
    lines = [f"{req.id}  {req.title.get(lang)}",
             f"{'domain' if en else '领域'}: {req.domain}    {'severity' if en else '等级'}: {req.severity.value}    "
             f"{'confidence' if en else '依据可信度'}: {req.weakest_confidence.value}",
             f"{'in force' if en else '施行'}: {start or '—'} – {end or '—'}",
             f"{'requirement' if en else '要求'}: {req.expected.get(lang)}", ""]
    for c in req.citations:
        source = catalogue.sources[c.source]
        number = f" {source.doc_number}" if source.doc_number else ""
        lines.append(f"{'basis' if en else '依据'}: 《{source.title.get(lang)}》{number} {c.article}  [{c.confidence.value}]")
        lines.append(f"    “{c.quote}”")
    lines.append("")
    lines.append(("facts read" if en else "所需事实") + (f" (for each record of {req.for_each})" if req.for_each and en else
                                                      f"（逐条检查 {req.for_each}）" if req.for_each else "") + ":")
    for var in req.vars:
        if var.kind is VarKind.FACT:
            spec = catalogue.facts[var.args[0]]
            lines.append(f"  - {spec.key} ({spec.type.value}): {spec.question.get(lang)}")
        elif var.kind is VarKind.FIELD:
            lines.append(f"  - {req.for_each}[].{var.args[0]}: {var.label.get(lang)}")
        elif var.kind is VarKind.COUNT:
            lines.append(f"  - {var.args[0]} ({'number of records' if en else '记录条数'})")
    for key in req.facts_read:
        spec = catalogue.facts[key]
        if spec.type.value == "records" and not any(v.args and v.args[0] == key for v in req.vars):
            lines.append(f"  - {key} (records): {spec.question.get(lang)}")
    r = req.remediation
    lines += ["", f"{'remediation' if en else '整改措施'}: {r.measure.get(lang)} ({'owner' if en else '责任单位'}: {r.owner}"
              + (f", {r.deadline_days} {'days' if en else '日'}" if r.deadline_days else "") + ")"]
    return "\n".join(lines) + "\n"
