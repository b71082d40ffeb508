"""The facts of one case: a district, its period, and every submitted value with its evidence."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from fazhi.errors import Location
from fazhi.vocabulary import Tier


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
    department: str | None = None  # the department it came from (a department's own, or named at district level)

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


ENFORCEMENT_AGENCY = "行政执法机关"  # the kind of department most per-agency duties bind


@dataclass(frozen=True)
class Department:
    """One body of the district (e.g. 公安分局) with the facts it reported on itself, in the same vocabulary."""

    id: str
    name: str
    kind: str  # 行政执法机关, or another kind (which per-agency requirements of that kind skip)
    facts: Mapping[str, FactValue]
    submitted: bool = True  # False: 未报送; its requirements are insufficient_facts, never met
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RollupConflict:
    """A district figure given that differs from the roll-up of its departments' figures."""

    fact: str
    given: Any
    rolled_up: Any
    parts: tuple[tuple[str, Any], ...]  # (department id, its value)


@dataclass(frozen=True)
class Case:
    district: District
    period: int
    facts: Mapping[str, FactValue]
    submitted_on: dt.date | None = None
    submitted_by: str | None = None
    file: str | None = None
    period_location: Location | None = field(default=None, compare=False)  # where the period is written
    departments: tuple[Department, ...] = ()
    # facts that rolled up from the departments into `facts` (not given at district level), and conflicts
    rolled_up: frozenset[str] = frozenset()
    conflicts: tuple[RollupConflict, ...] = ()

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == department_id), None)
