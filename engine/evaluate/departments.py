"""Per-department requirements: each department judged on its own facts, and the district finding made
from theirs; roll-up conflicts as data-quality findings that block the verdicts reading the figure.

A requirement whose law binds each body on its own (本单位, 本机关) declares `subject: {each: <kind>}`.
With departments listed, every department of that kind gets its own finding, evaluated with the same
compiled rules on a case holding only that department's facts (and the district-only facts, such as
whether Henan's rules apply). The district finding is then: gap if any department has a gap;
insufficient_facts if none has but some lack facts or have not submitted (未报送); met only if all are met.
"""
from __future__ import annotations

import dataclasses
from typing import Iterable, Mapping, Sequence

from fazhi.formatting import display
from fazhi.model.case import Case, Department, District, RollupConflict
from fazhi.model.catalogue import Catalogue, Requirement, Scope
from fazhi.model.results import DataQualityFinding, FactUse, Finding
from fazhi.vocabulary import Text, Verdict, weakest_tier

NOT_SUBMITTED = Text("未报送", "not submitted")


def department_case(case: Case, department: Department, catalogue: Catalogue) -> Case:
    """The case one department is judged on: its own facts, and the district-only facts (never a roll-up)."""
    facts = {key: value for key, value in case.facts.items()
             if catalogue.facts[key].scope == Scope.DISTRICT}
    facts.update(department.facts)
    return Case(District(department.name), case.period, facts, case.submitted_on, case.submitted_by, case.file)


def named_quality(finding: DataQualityFinding, department: Department) -> DataQualityFinding:
    """A data-quality finding on a department's own figures, its message naming the department."""
    message = Text(f"{department.name}：{finding.message.zh}", f"{department.name}: {finding.message.en}")
    return dataclasses.replace(finding, message=message)


def per_department(requirements: Iterable[Requirement], case: Case) -> list[Requirement]:
    """The requirements judged per department in this case: those with a subject whose kind has departments."""
    kinds = {d.kind for d in case.departments}
    return [r for r in requirements if r.subject is not None and r.subject.kind in kinds]


def department_verdict(findings: Sequence[Finding]) -> Verdict:
    """One department's verdict on one requirement, from its findings (several for a list of records)."""
    verdicts = {f.verdict for f in findings}
    for verdict in (Verdict.GAP, Verdict.INSUFFICIENT, Verdict.MET, Verdict.WAIVED):
        if verdict in verdicts:
            return verdict
    return Verdict.NOT_APPLICABLE


def not_submitted(req: Requirement, department: Department) -> Finding:
    message = Text(f"{department.name}未报送，无法判断", f"{department.name} has not submitted its facts: cannot decide")
    return Finding(req.id, Verdict.INSUFFICIENT, req.severity, req.domain, req.title, message, req.expected, (),
                   req.citations, req.remediation, None, req.weakest_confidence, None, department=department.id)


def district_finding(req: Requirement, case: Case, findings: Sequence[Finding]) -> Finding:
    """The district's finding of a per-department requirement, from its departments' findings."""
    kind = req.subject.kind if req.subject else ""
    departments = [d for d in case.departments if d.kind == kind]
    by_department = {d.id: [f for f in findings if f.department == d.id] for d in departments}
    verdicts = {d.id: department_verdict(by_department[d.id]) for d in departments}
    names = {d.id: d.name for d in departments}
    gaps = [d for d, v in verdicts.items() if v is Verdict.GAP]
    lacking = [d for d, v in verdicts.items() if v is Verdict.INSUFFICIENT]
    n = len(departments)
    if gaps:
        verdict = Verdict.GAP
        listed = "、".join(names[d] for d in gaps)
        message = Text(f"{n}个{kind}中有{len(gaps)}个不符合要求，分别是{listed}",
                       f"{len(gaps)} of {n} departments fall short: {', '.join(names[d] for d in gaps)}")
    elif lacking:
        verdict = Verdict.INSUFFICIENT
        listed = "、".join(names[d] + ("（未报送）" if not case.department(d).submitted else "") for d in lacking)
        message = Text(f"{n}个{kind}中有{len(lacking)}个缺少判断所需的事实：{listed}",
                       f"{len(lacking)} of {n} departments lack the facts to decide: {', '.join(names[d] for d in lacking)}")
    elif any(v is Verdict.MET or v is Verdict.WAIVED for v in verdicts.values()):
        verdict = Verdict.MET
        message = Text(f"{n}个{kind}均符合要求", f"all {n} departments meet it")
    else:
        verdict = Verdict.NOT_APPLICABLE
        message = Text(f"对{n}个{kind}均不适用", f"applies to none of the {n} departments")
    uses = _uses(verdicts, names)
    tier = weakest_tier(f.tier for f in findings)
    return Finding(req.id, verdict, req.severity, req.domain, req.title, message, req.expected, uses, req.citations,
                   req.remediation, None, req.weakest_confidence, tier)


def derived_finding(req: Requirement, case: Case, department_findings: Sequence[Finding],
                    catalogue: Catalogue) -> Finding | None:
    """A requirement `from_departments: <domain>` (TS-IMPL-ALL): with departments, its verdict is theirs in
    that domain, whatever the district confessed; None when no department was judged in it."""
    domain = req.from_departments
    mine = [f for f in department_findings if f.domain == domain]
    judged = [d for d in case.departments if any(f.department == d.id for f in mine)]
    if not judged:
        return None
    verdicts = {d.id: department_verdict([f for f in mine if f.department == d.id]) for d in judged}
    names = {d.id: d.name for d in judged}
    gaps = [d for d, v in verdicts.items() if v is Verdict.GAP]
    lacking = [d for d, v in verdicts.items() if v is Verdict.INSUFFICIENT]
    n = len(judged)
    if gaps:
        verdict = Verdict.GAP
        from fazhi.evaluate.unevenness import uneven_text  # it reads this module's verdicts
        message = uneven_text(case, catalogue, mine, domain) or Text("", "")
    elif lacking:
        verdict = Verdict.INSUFFICIENT
        message = Text(f"{n}个执法主体中有{len(lacking)}个缺少判断所需的事实：{'、'.join(names[d] for d in lacking)}",
                       f"{len(lacking)} of {n} enforcement bodies lack the facts to decide: {', '.join(names[d] for d in lacking)}")
    else:
        verdict = Verdict.MET
        message = Text(f"{n}个执法主体均已全面落实", f"all {n} enforcement bodies fully implement them")
    uses = _uses(verdicts, names)
    tier = weakest_tier(f.tier for f in mine)
    return Finding(req.id, verdict, req.severity, req.domain, req.title, message, req.expected, uses, req.citations,
                   req.remediation, None, req.weakest_confidence, tier)


def _uses(verdicts: Mapping[str, Verdict], names: Mapping[str, str]) -> tuple[FactUse, ...]:
    """What the district finding shows: how many departments meet it, then each one that does not."""
    met = sum(1 for v in verdicts.values() if v is Verdict.MET or v is Verdict.WAIVED)
    shown = Text(f"{met}/{len(verdicts)}", f"{met}/{len(verdicts)}")
    head = FactUse("departments", Text("符合要求的部门", "Departments meeting it"), met, shown, None, None)
    return (head,) + tuple(FactUse(f"departments[{d}]", Text(names[d], names[d]), v.value, _verdict_text(v), None, None)
                           for d, v in verdicts.items() if v is not Verdict.MET and v is not Verdict.NOT_APPLICABLE)


_VERDICT_TEXT = {Verdict.MET: Text("符合", "met"), Verdict.GAP: Text("不符合", "gap"),
                 Verdict.INSUFFICIENT: Text("事实不足", "insufficient facts"),
                 Verdict.NOT_APPLICABLE: Text("不适用", "not applicable"), Verdict.WAIVED: Text("豁免", "waived")}


def _verdict_text(verdict: Verdict) -> Text:
    return _VERDICT_TEXT[verdict]


# --- roll-up conflicts ---------------------------------------------------------------------------------

def conflict_findings(catalogue: Catalogue, case: Case) -> tuple[DataQualityFinding, ...]:
    out = []
    for c in case.conflicts:
        spec = catalogue.facts[c.fact]
        given, rolled = display(c.given), display(c.rolled_up)
        parts_zh = "＋".join(f"{_name(case, d)}{display(v).zh}" for d, v in c.parts)
        parts_en = " + ".join(f"{_name(case, d)} {display(v).en}" for d, v in c.parts)
        message = Text(f"{spec.label.zh}：区级填报{given.zh}，各部门合计{rolled.zh}（{parts_zh}），两者不一致；"
                       "读取该数字的要求在核实前均判为事实不足",
                       f"{spec.label.en}: the district gives {given.en}, its departments add up to {rolled.en} "
                       f"({parts_en}); every requirement reading it is insufficient_facts until this is resolved")
        fact = case.facts.get(c.fact)
        use = FactUse(c.fact, spec.label, c.given, given, fact.evidence if fact else None, fact.tier if fact else None)
        out.append(DataQualityFinding(f"{c.fact}:rollup", "rollup", c.fact, message, rolled, given, (use,), None,
                                      fact.location if fact else None))
    return tuple(out)


def _name(case: Case, department_id: str) -> str:
    d = case.department(department_id)
    return d.name if d else department_id


def without_conflicts(case: Case) -> Case:
    """The case the rules read: a district figure in conflict with its roll-up is not read at all."""
    blocked = {c.fact for c in case.conflicts}
    return dataclasses.replace(case, facts={k: v for k, v in case.facts.items() if k not in blocked})


def block(findings: list[Finding], requirements: Mapping[str, Requirement], conflicts: Sequence[RollupConflict],
          catalogue: Catalogue) -> list[Finding]:
    """Every finding reading a figure in conflict becomes insufficient_facts, saying why (one per requirement)."""
    blocked = {c.fact: c for c in conflicts}
    out: list[Finding] = []
    done: set[str] = set()
    for f in findings:
        req = requirements.get(f.requirement)
        hit = [blocked[k] for k in (req.facts_read if req else ()) if k in blocked]
        if not hit or f.verdict is Verdict.NOT_APPLICABLE and f.message.zh.startswith("该要求"):
            out.append(f)
            continue
        if f.requirement in done:
            continue
        done.add(f.requirement)
        labels = [catalogue.facts[c.fact].label for c in hit]
        message = Text("区级填报数与各部门汇总数不一致，核实前无法判断：" + "、".join(l.zh for l in labels),
                       "the district figure differs from its departments' total; cannot decide until it is resolved: "
                       + ", ".join(l.en for l in labels))
        out.append(dataclasses.replace(f, verdict=Verdict.INSUFFICIENT, message=message, record=None))
    return out
