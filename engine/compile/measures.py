"""Exact values of a requirement's variables for one case (and one record), before inference.

Ratios are computed as Fractions, so 15 of 300 is exactly 5%; dates are real dates; 工作日 come
from the official calendar with 调休, falling back to a weekends-only count outside its years.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping

from fazhi.model.case import Case, Record
from fazhi.model.conditions import Var, VarKind
from fazhi.model.catalogue import Requirement

try:  # chinese-calendar covers 2004 to its release year
    import chinese_calendar as _calendar
except ImportError:  # pragma: no cover - declared as a dependency
    _calendar = None


@dataclass
class Values:
    """Variable values for one frame: exact values, and which ones are approximate."""

    exact: dict[str, Any] = field(default_factory=dict)
    approximate: set[str] = field(default_factory=set)


def scalar_values(req: Requirement, case: Case, shared: tuple[Var, ...] | None = None) -> Values:
    """`shared`: the requirement's variables outside record_dependent, when the caller keeps them (the others
    have no value without a record)."""
    if shared is None:
        return _values(req, case, None)
    out = Values()
    exact = out.exact
    for var in shared:
        value = _value(var, case, None, out)
        if value is not None:
            exact[var.name] = value
    return out


def record_values(req: Requirement, case: Case, record: Record) -> Values:
    return _values(req, case, record)


def with_own(scalar: Values, own: Mapping[str, Any], approximate: set[str] | None) -> Values:
    """A record's values (as record_values gives them) from the shared ones and own_values' answer."""
    return Values({**scalar.exact, **own}, scalar.approximate | approximate if approximate else set(scalar.approximate))


def own_values(dependent: tuple[Var, ...], case: Case, record: Record, scalar: Mapping[str, Any]
               ) -> tuple[dict[str, Any], set[str] | None]:
    """The values of the record-dependent variables (record_dependent) for one record, given the values every
    record shares (`scalar`, which holds none of them); and the names counted approximately, if any. Runs per
    record per requirement: no Values, no copy of the shared values."""
    own: dict[str, Any] = {}
    approximate = None
    fields = record.fields
    for var in dependent:
        kind = var.kind
        if kind is _FIELD:
            name = var.args[0]
            value = record.id if name == "id" else fields.get(name)
        elif kind is _PERCENT or kind is _DAYS or kind is _WORKDAYS:  # its inputs are the record's own or shared
            a, b = var.args[0], var.args[1]
            value, exact = _derived(kind, own[a] if a in own else scalar.get(a), own[b] if b in own else scalar.get(b))
            if not exact:
                approximate = {var.name} if approximate is None else approximate | {var.name}
        else:  # the same for every record (only a caller's wider `dependent` has these)
            value = _value(var, case, record, Values())
        if value is not None:
            own[var.name] = value
    return own, approximate


def record_dependent(req: Requirement) -> tuple[Var, ...]:
    """The variables that read a record field, directly or through another variable, in order."""
    found: set[str] = set()
    for var in req.vars:
        if var.kind is VarKind.FIELD or (var.kind in _DERIVED and any(a in found for a in var.args)):
            found.add(var.name)
    return tuple(v for v in req.vars if v.name in found)


def _values(req: Requirement, case: Case, record: Record | None) -> Values:
    out = Values()
    for var in req.vars:
        value = _value(var, case, record, out)
        if value is not None:
            out.exact[var.name] = value
    return out


_DERIVED = (VarKind.PERCENT, VarKind.DAYS, VarKind.WORKDAYS)
# module constants: a global read is cheaper than an Enum class attribute, and _value runs per variable per record
_FACT, _COUNT, _FIELD, _DATE_IN_YEAR = VarKind.FACT, VarKind.COUNT, VarKind.FIELD, VarKind.DATE_IN_YEAR
_PERCENT, _DAYS, _WORKDAYS = VarKind.PERCENT, VarKind.DAYS, VarKind.WORKDAYS


def _value(var: Var, case: Case, record: Record | None, out: Values) -> Any:
    kind = var.kind
    if kind is _FIELD:  # first: the most frequent kind, read once per record
        if record is None:
            return None
        name = var.args[0]
        return record.id if name == "id" else record.fields.get(name)
    if kind is _FACT or kind is _COUNT:
        fact = case.facts.get(var.args[0])
        if fact is None:
            return None
        return fact.value if kind is _FACT else len(fact.value)
    if kind is _DATE_IN_YEAR:
        offset, month, day = var.args
        return dt.date(case.period + offset, month, day)
    exact = out.exact
    value, exact_count = _derived(kind, exact.get(var.args[0]), exact.get(var.args[1]))
    if not exact_count:
        out.approximate.add(var.name)
    return value


def _derived(kind: VarKind, a: Any, b: Any) -> tuple[Any, bool]:
    """A computed variable's value from its inputs (None when either is missing), and whether it is exact."""
    if a is None or b is None:
        return None, True
    if kind is _PERCENT:
        return (None if b == 0 else Fraction(a) * 100 / Fraction(b)), True
    if kind is _DAYS:
        return (b - a).days, True
    if kind is _WORKDAYS:
        return workdays_between(a, b)
    raise ValueError(kind)


def workdays_between(start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days after `start` up to and including `end` (negative when end is earlier).

    Returns (count, exact): exact is False when the official calendar does not cover the years
    and weekends alone were counted.
    """
    if end < start:
        count, exact = workdays_between(end, start)
        return -count, exact
    if start == end:
        return 0, True
    first = start + _ONE_DAY
    years = [_year_workdays(y) for y in range(first.year, end.year + 1)]
    if None not in years:  # every year on the official calendar: exact
        # days of the year from ordinals: date.timetuple() cost more than the rest of this function
        before_first = years[0][first.toordinal() - dt.date(first.year, 1, 1).toordinal()]  # type: ignore[index]
        through_end = years[-1][end.toordinal() - dt.date(end.year, 1, 1).toordinal() + 1]  # type: ignore[index]
        full = sum([y[-1] for y in years[:-1]])  # type: ignore[index]
        return full + through_end - before_first, True
    days = (end - first).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5 + sum(1 for i in range(rest) if (first + dt.timedelta(days=weeks * 7 + i)).weekday() < 5)
    return count, False


_ONE_DAY = dt.timedelta(days=1)


@functools.lru_cache(maxsize=None)
def _year_workdays(year: int) -> tuple[int, ...] | None:
    """Running count of 工作日 by day of the year (index 0 is 0; index n counts days 1..n), or None when
    the official calendar does not cover the year. Built once per year: chinese_calendar checks its
    whole table on every call, which made 工作日 the largest cost of an evaluation."""
    if _calendar is None:
        return None
    day = dt.date(year, 1, 1)
    try:
        _calendar.is_workday(day)
    except NotImplementedError:
        return None
    counts = [0]
    while day.year == year:
        counts.append(counts[-1] + (1 if _calendar.is_workday(day) else 0))
        day += dt.timedelta(days=1)
    return tuple(counts)


def engine_value(value: Any) -> Any:
    """A value in the form the inference engine compares correctly.

    Numbers become int or float: a float correctly rounded from an exact Fraction orders the same as
    the exact value against any threshold of a few decimals, and an exact tie stays a tie. ISO dates
    are zero-padded strings, which compare correctly as text.
    """
    if isinstance(value, bool) or isinstance(value, str) or isinstance(value, int):
        return value
    if isinstance(value, (Decimal, Fraction)):
        exact = Fraction(value)
        if exact.denominator == 1:
            return int(exact)
        number = float(exact)
        # the engine cannot read exponent notation (1e-05); such tiny magnitudes never sit near a threshold
        if abs(number) < 1e-4:
            return 0.0001 if number > 0 else -0.0001
        return number
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"unsupported value {value!r}")


def engine_frame(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: engine_value(v) for name, v in values.items()}
