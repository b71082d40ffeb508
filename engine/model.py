"""The typed vocabulary every module shares: rules, facts and findings. Raw dicts end at the loaders."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, Iterable, Mapping, Union

from .errors import Location


class Verdict(str, Enum):
    MET = "met"
    GAP = "gap"
    INSUFFICIENT = "insufficient_facts"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"  # a gap or missing fact excused by an approved, unexpired waiver (waivers.yaml)


class Tier(str, Enum):
    """How far a fact is proven: claimed bare, claimed with a cited document, or checked by an inspector."""

    SELF_DECLARED = "self_declared"
    DOCUMENTED = "documented"
    VERIFIED = "verified"

    @property
    def rank(self) -> int:
        return _TIER_RANK[self]


_TIER_RANK = {Tier.SELF_DECLARED: 0, Tier.DOCUMENTED: 1, Tier.VERIFIED: 2}


def weakest_tier(tiers: "Iterable[Tier | None]") -> "Tier | None":
    known = [t for t in tiers if t is not None]
    return min(known, key=lambda t: t.rank) if known else None


class Severity(str, Enum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    ADVISORY = "advisory"  # the source is paraphrased or uncertain: reported, never a hard rule

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Confidence(str, Enum):
    VERBATIM = "verbatim"
    PARAPHRASED = "paraphrased"
    UNCERTAIN = "uncertain"


class FactType(str, Enum):
    BOOL = "bool"
    INT = "int"
    NUMBER = "number"
    PERCENT = "percent"
    DATE = "date"
    TEXT = "text"
    ENUM = "enum"
    RECORDS = "records"


class ValueKind(str, Enum):
    """What a condition operand holds, which decides the operators allowed on it."""

    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    TEXT = "text"


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


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

    def field_spec(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class DataRef:
    """A fact a data check compares with: its value, or (count=True) the number of its records."""

    key: str
    count: bool = False


@dataclass(frozen=True)
class DataCheck:
    """A consistency check on submitted facts, run before the rules (see engine/dataquality.py).

    kind: rate (a stated percent against part / total), part_of (not above a total), same_as (the same
    quantity stated elsewhere), in_period (a date inside the period, give or take days).
    """

    id: str  # "<fact>:<kind>" or "<fact>.<field>:<kind>"
    kind: str
    fact: str
    refs: tuple[DataRef, ...] = ()
    record_field: str | None = None  # a field of every record of a records fact
    tolerance: Decimal | None = None  # rate: percentage points (None: half a unit of the last decimal stated)
    window: tuple[int, int, int] = (0, 0, 0)  # in_period: (year offset, days before, days after)
    location: Location | None = field(default=None, compare=False)

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


# --- conditions -----------------------------------------------------------------------------

class Op(str, Enum):
    EQ = "eq"
    NEQ = "neq"
    LT = "lt"
    LTE = "lte"
    GT = "gt"
    GTE = "gte"

    @property
    def negated(self) -> "Op":
        return _NEGATED[self]

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]


_NEGATED = {Op.EQ: Op.NEQ, Op.NEQ: Op.EQ, Op.LT: Op.GTE, Op.GTE: Op.LT, Op.GT: Op.LTE, Op.LTE: Op.GT}
_SYMBOLS = {Op.EQ: "=", Op.NEQ: "≠", Op.LT: "<", Op.LTE: "≤", Op.GT: ">", Op.GTE: "≥"}


@dataclass(frozen=True)
class VarRef:
    """A requirement variable (see `Var`); in an `exists` clause, a variable of the outer record."""

    name: str


@dataclass(frozen=True)
class InnerRef:
    """A field of the inner record of an `exists` clause."""

    field: str


@dataclass(frozen=True)
class Literal:
    value: Any  # bool, int, Decimal, date or str


Operand = Union[VarRef, InnerRef, Literal]


@dataclass(frozen=True)
class Compare:
    op: Op
    left: Operand
    right: Operand


@dataclass(frozen=True)
class AllOf:
    items: tuple["Condition", ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple["Condition", ...]


@dataclass(frozen=True)
class NotOf:
    item: "Condition"


@dataclass(frozen=True)
class Exists:
    """True when some record of `records` satisfies every comparison of `where`."""

    records: str
    where: tuple[Compare, ...]
    negated: bool = False


Condition = Union[Compare, AllOf, AnyOf, NotOf, Exists]


class VarKind(str, Enum):
    FACT = "fact"  # a scalar fact of the case
    FIELD = "field"  # a field of the record being checked (for_each)
    PERCENT = "percent"  # 100 * a / b, exact
    DAYS = "days"  # calendar days from a to b
    WORKDAYS = "workdays"  # 工作日 from a to b on the official calendar
    DATE_IN_YEAR = "date_in_year"  # a fixed month/day in the period's year + offset
    COUNT = "count"  # number of records of a records fact


@dataclass(frozen=True)
class Var:
    name: str
    kind: VarKind
    value_kind: ValueKind
    args: tuple[Any, ...]  # fact key / field name / names of other vars / (offset, month, day)
    label: Text
    unit: Text | None = None


@dataclass(frozen=True)
class RuleTest:
    name: str
    facts: "Case"
    expect: Verdict
    gap_records: tuple[str, ...] = ()
    location: Location | None = field(default=None, compare=False)


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


def _var_names(cond: Condition | None) -> set[str]:
    if cond is None:
        return set()
    if isinstance(cond, Compare):
        return {o.name for o in (cond.left, cond.right) if isinstance(o, VarRef)}
    if isinstance(cond, Exists):
        return {o.name for c in cond.where for o in (c.left, c.right) if isinstance(o, VarRef)}
    if isinstance(cond, NotOf):
        return _var_names(cond.item)
    return {n for item in cond.items for n in _var_names(item)}


def _exists_in(cond: Condition | None) -> list[Exists]:
    if cond is None:
        return []
    if isinstance(cond, Exists):
        return [cond]
    if isinstance(cond, (AllOf, AnyOf)):
        return [e for item in cond.items for e in _exists_in(item)]
    if isinstance(cond, NotOf):
        return _exists_in(cond.item)
    return []


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
        checks = []
        for spec in self.facts.values():
            checks += spec.consistency
            checks += [c for f in spec.fields for c in f.consistency]
        return tuple(checks)

    @property
    def domain_titles(self) -> dict[str, Text]:
        """Each domain reads as the title of the ruleset that declares it, else as its id."""
        titles = {rs.domain: rs.title for rs in self.rulesets if rs.domain}
        for r in self.requirements:
            titles.setdefault(r.domain, Text(r.domain, r.domain))
        return titles


# --- facts of a case --------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    document: str | None = None
    doc_number: str | None = None
    url: str | None = None
    page: str | None = None
    quote: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Verification:
    """An inspector's check of one fact (or one field of one record): the value found replaces the claim."""

    fact: str
    value: Any
    inspector: str
    date: dt.date
    note: str | None = None
    record: str | None = None
    record_field: str | None = None
    claimed: Any = None  # the district's value, kept on record (None: it claimed nothing)
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Record:
    id: str
    fields: Mapping[str, Any]
    evidence: Evidence | None = None
    verifications: Mapping[str, Verification] = field(default_factory=dict)  # field name -> verification

    def tier(self, name: str, fallback: Evidence | None = None) -> Tier:
        if name in self.verifications:
            return Tier.VERIFIED
        return Tier.DOCUMENTED if (self.evidence or fallback) is not None else Tier.SELF_DECLARED


@dataclass(frozen=True)
class FactValue:
    key: str
    value: Any  # bool, int, Decimal, date, str, or tuple[Record, ...] for records
    evidence: Evidence | None = None
    location: Location | None = field(default=None, compare=False)
    verification: Verification | None = None  # set when an inspector verified it; `value` is then the verified one

    @property
    def tier(self) -> Tier:
        if self.verification is not None:
            return Tier.VERIFIED
        return Tier.DOCUMENTED if self.evidence is not None else Tier.SELF_DECLARED


@dataclass(frozen=True)
class District:
    name: str
    level: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Case:
    district: District
    period: int
    facts: Mapping[str, FactValue]
    submitted_on: dt.date | None = None
    submitted_by: str | None = None
    file: str | None = None


# --- results ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FactUse:
    key: str
    label: Text
    value: Any
    display: str
    evidence: Evidence | None
    tier: Tier | None = None  # None: nothing was given
    verification: Verification | None = None  # with the claim it replaced


@dataclass(frozen=True)
class Waiver:
    """An approved exception: the requirement (for one record, or all) is not held against the district."""

    requirement: str
    district: str
    justification: str
    requested_by: str
    approved_by: str
    expires: dt.date
    record: str | None = None
    location: Location | None = field(default=None, compare=False)

    def expired(self, on: dt.date) -> bool:
        return self.expires < on


@dataclass(frozen=True)
class Finding:
    requirement: str
    verdict: Verdict
    severity: Severity
    domain: str
    title: Text
    message: Text
    expected: Text
    actual: Text
    facts: tuple[FactUse, ...]
    citations: tuple[Citation, ...]
    remediation: Remediation
    record: str | None = None
    confidence: Confidence = Confidence.VERBATIM
    tier: Tier | None = None  # the weakest tier of the facts it rests on; None when it rests on none
    waiver: Waiver | None = None  # the waiver that applies (verdict WAIVED), or an expired one (verdict unchanged)
    original: Verdict | None = None  # the verdict before a waiver applied

    @property
    def unverified(self) -> bool:
        """Met, but resting on a fact no inspector has verified."""
        return self.verdict is Verdict.MET and self.tier is not None and self.tier is not Tier.VERIFIED


@dataclass(frozen=True)
class DataQualityFinding:
    """A submitted fact that does not agree with itself, its total, the period or another statement."""

    check: str  # DataCheck.id
    kind: str
    fact: str
    message: Text
    expected: Text
    actual: Text
    facts: tuple[FactUse, ...]
    record: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Evaluation:
    case: Case
    catalogue: Catalogue
    findings: tuple[Finding, ...]
    data_quality: tuple[DataQualityFinding, ...] = ()
    waivers: tuple[Waiver, ...] = ()  # the waivers that named this district (applied, expired or unused)
    waivers_on: dt.date | None = None  # the date expiry was judged on
