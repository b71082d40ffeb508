"""Rules and rulesets: sources, the fact vocabulary, citations, requirements and the catalogue. Raw dicts end at the loaders."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from fazhi.errors import Location
from fazhi.model.case import Case
from fazhi.model.conditions import Condition, Exists, Var, VarKind, _exists_in, _var_names
from fazhi.vocabulary import Confidence, FactType, Severity, Text, Verdict


@dataclass(frozen=True)
class Source:
    id: str
    title: Text
    doc_number: str | None
    issuer: str | None
    date: dt.date | None
    in_force_from: dt.date | None
    in_force_to: dt.date | None
    read_at: str | None


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FactType
    label: Text
    unit: Text | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[str, ...] = ()
    consistency: tuple["DataCheck", ...] = ()


@dataclass(frozen=True)
class FactSpec:
    key: str
    type: FactType
    label: Text
    question: Text
    ruleset: str
    unit: Text | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    not_above: str | None = None  # key of a fact this one may not exceed (part <= total)
    choices: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    location: Location | None = field(default=None, compare=False)
    consistency: tuple["DataCheck", ...] = ()  # data checks declared on this fact (and none on its fields)
    scope: str = "district"  # where it may be given: district, department, or both (Scope)
    rollup: str | None = None  # how departments' values make the district's (Rollup); None: they do not

    def field_spec(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


class Scope:
    DISTRICT, DEPARTMENT, BOTH = "district", "department", "both"
    ALL = (DISTRICT, DEPARTMENT, BOTH)


# roll-up rule -> the fact types it can apply to
ROLLUPS: dict[str, tuple[FactType, ...]] = {
    "sum": (FactType.INT, FactType.NUMBER),
    "all": (FactType.BOOL,), "any": (FactType.BOOL,),
    "earliest": (FactType.DATE,), "latest": (FactType.DATE,),
    "concat": (FactType.RECORDS,),
}


@dataclass(frozen=True)
class Subject:
    """Whom a requirement binds: each department of `kind`, because its source says so in `words`."""

    kind: str
    words: str  # e.g. 本单位, found in one of its citations' quotes


BLOCKING_CHECKS = frozenset({"part_of", "same_as", "in_period", "after_period", "order", "unit"})


@dataclass(frozen=True)
class DataRef:
    """A fact a data check compares with: its value, or (count=True) the number of its records."""

    key: str
    count: bool = False


@dataclass(frozen=True)
class DataCheck:
    """A consistency check on submitted facts, run before the rules (see engine/dataquality.py).

    kind: rate (a stated percent against part / total), part_of (not above a total), same_as (the same
    quantity stated elsewhere), in_period (a date inside the period, give or take days), after_period (a date
    after the period ended), order (two dates of one record that cannot be the other way round); and, made
    from the catalogue rather than declared, unit (a percent written as a fraction) and zero_denominator
    (a share whose total is 0).
    """

    id: str  # "<fact>:<kind>" or "<fact>.<field>:<kind>"
    kind: str
    fact: str
    refs: tuple[DataRef, ...] = ()
    record_field: str | None = None  # a field of every record of a records fact (order: the earlier date)
    tolerance: Decimal | None = None  # rate: percentage points (None: half a unit of the last decimal stated)
    window: tuple[int, int, int] = (0, 0, 0)  # in_period: (year offset, days before, days after)
    location: Location | None = field(default=None, compare=False)
    later: str | None = None  # order: the field that cannot come before record_field
    label: Text | None = None  # zero_denominator: the shares that cannot be computed

    @property
    def blocking(self) -> bool:
        """Whether a finding of this check makes the values it names doubtful: read as unknown by the rules.
        A part above its total, or one quantity stated as two different figures, cannot both be true and
        which one is wrong is unknown, so both stated figures are doubtful (a list of records counted
        against a figure stays readable: a short list may only be incomplete). So are an impossible date,
        a date outside its period and a percent that reads as a fraction. A stated rate that disagrees with
        its counts is reported beside the verdicts: the counts are read on their own, and a rounding slip
        such as 92.85 for 13 of 14 should not hide the verdicts that read them."""
        return self.kind in BLOCKING_CHECKS

    @property
    def facts_read(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.fact, *(r.key for r in self.refs))))


@dataclass(frozen=True)
class Citation:
    source: str
    article: str
    quote: str
    confidence: Confidence
    note: str | None = None
    supporting: bool = False  # corroborates only: its source's in-force dates do not narrow the requirement's


@dataclass(frozen=True)
class Remediation:
    measure: Text
    owner: str  # an owner role such as 司法局; a case's owners.yaml maps it to a unit
    deadline_days: int | None
    acceptance: Text | None = None


@dataclass(frozen=True)
class RuleTest:
    name: str
    facts: "Case"
    expect: Verdict
    gap_records: tuple[str, ...] = ()
    location: Location | None = field(default=None, compare=False)
    gap_departments: tuple[str, ...] = ()  # the departments whose gap the district finding must name


@dataclass(frozen=True)
class Requirement:
    id: str
    ruleset: str
    domain: str
    title: Text
    severity: Severity
    citations: tuple[Citation, ...]
    vars: tuple[Var, ...]
    check: Condition
    messages: Mapping[Verdict, Text]
    expected: Text
    remediation: Remediation
    applies_when: Condition | None = None
    for_each: str | None = None
    where: Condition | None = None
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = None
    summary: Text | None = None
    tests: tuple[RuleTest, ...] = ()
    location: Location | None = field(default=None, compare=False)
    subject: Subject | None = None  # None: the district; else each department of a kind
    from_departments: str | None = None  # a domain: with departments, the verdict is theirs in it (the fact a fallback)

    def var(self, name: str) -> Var:
        return next(v for v in self.vars if v.name == name)

    @functools.cached_property
    def joins(self) -> tuple["Exists", ...]:
        return tuple(_exists_in(self.check))

    @functools.cached_property
    def facts_read(self) -> tuple[str, ...]:
        keys = [self.for_each] if self.for_each else []
        keys += [v.args[0] for v in self.vars if v.kind in (VarKind.FACT, VarKind.COUNT)]
        keys += [e.records for e in _exists_in(self.check)]
        return tuple(dict.fromkeys(keys))

    @functools.cached_property
    def decisive_vars(self) -> frozenset[str]:
        """Variables the verdict depends on (not those used only in the wording), with their inputs."""
        names = set()
        for cond in (self.check, self.applies_when, self.where):
            names |= _var_names(cond)
        frontier = list(names)
        while frontier:
            var = self.var(frontier.pop())
            for arg in var.args if var.kind in (VarKind.PERCENT, VarKind.DAYS, VarKind.WORKDAYS) else ():
                if arg not in names:
                    names.add(arg)
                    frontier.append(arg)
        return frozenset(names)

    @functools.cached_property
    def weakest_confidence(self) -> Confidence:
        order = list(Confidence)
        return max((c.confidence for c in self.citations), key=order.index)


@dataclass(frozen=True)
class Ruleset:
    id: str
    title: Text
    version: str
    file: str
    sources: tuple[Source, ...]
    facts: tuple[FactSpec, ...]
    requirements: tuple[Requirement, ...]
    domain: str = ""
    overlay: bool = False  # from a user's overlay folder (--rules-overlay), on top of the built-in catalogue
    replaces: tuple[str, ...] = ()  # the built-in requirements its requirements of the same id replace


@dataclass(frozen=True)
class Catalogue:
    """Every loaded ruleset, with the fact vocabulary and sources they share."""

    rulesets: tuple[Ruleset, ...]
    facts: Mapping[str, FactSpec]
    sources: Mapping[str, Source]

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return tuple(r for rs in self.rulesets for r in rs.requirements)

    def requirement(self, rid: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == rid), None)

    @property
    def data_checks(self) -> tuple[DataCheck, ...]:
        """The checks declared on the facts, then those every catalogue gets: a percent that may be written
        as a fraction, and a share whose total may be 0 (engine/checks/dataquality.py)."""
        checks = []
        for spec in self.facts.values():
            checks += spec.consistency
            checks += [c for f in spec.fields for c in f.consistency]
        rates = {c.fact: c.refs for c in checks if c.kind == "rate"}
        checks += [DataCheck(f"{key}:unit", "unit", key, rates.get(key, ()), location=spec.location)
                   for key, spec in self.facts.items() if spec.type is FactType.PERCENT]
        checks += _zero_denominator_checks(self.requirements)
        return tuple(checks)

    @property
    def domain_titles(self) -> dict[str, Text]:
        """Each domain reads as the title of the ruleset that declares it, else as its id."""
        titles = {rs.domain: rs.title for rs in self.rulesets if rs.domain}
        for r in self.requirements:
            titles.setdefault(r.domain, Text(r.domain, r.domain))
        return titles


def _zero_denominator_checks(requirements: tuple[Requirement, ...]) -> list[DataCheck]:
    """One check per total that a requirement divides by (a fact, or the number of records of one): when
    it is 0, the shares over it cannot be computed, and the findings say so instead of "missing"."""
    shares: dict[tuple[str, bool], list[Text]] = {}
    where: dict[tuple[str, bool], Location | None] = {}
    for req in requirements:
        by_name = {v.name: v for v in req.vars}
        for var in req.vars:
            if var.kind is not VarKind.PERCENT:
                continue
            total = by_name.get(var.args[1])
            if total is None or total.kind not in (VarKind.FACT, VarKind.COUNT):
                continue  # a record's own field: one record's total, not the case's
            key = (total.args[0], total.kind is VarKind.COUNT)
            labels = shares.setdefault(key, [])
            if all(var.label.zh != seen.zh for seen in labels):  # two requirements may name one share alike
                labels.append(var.label)
            where.setdefault(key, req.location)
    return [DataCheck(f"{key}{':count' if count else ''}:zero_denominator", "zero_denominator", key,
                      (DataRef(key, count),), location=where[(key, count)],
                      label=Text("、".join(t.zh for t in labels), ", ".join(t.en for t in labels)))
            for (key, count), labels in shares.items()]
