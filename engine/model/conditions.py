"""Conditions as a typed tree: comparisons, connectives, `exists` joins, and requirement variables."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Union

from fazhi.vocabulary import Text, ValueKind


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
