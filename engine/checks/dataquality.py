"""Data checks before the rules: a submitted fact that disagrees with its counts, its total, the period
or another statement of the same quantity becomes a data-quality finding. Never an exception.

The checks are declared on the facts (`consistency:`, see engine/consistency.py). A check runs only
when every fact it reads was given; otherwise there is nothing to compare and no finding. Rates
are exact: 13 of 14 is 92.857142…%, and a stated 92.85% with no declared tolerance is held to half a
unit of its last decimal (±0.005), so it should have read 92.86%.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable

from fazhi.formatting import display, number
from fazhi.model.case import Case, Record
from fazhi.model.catalogue import Catalogue, DataCheck, DataRef
from fazhi.model.results import DataQualityFinding, FactUse
from fazhi.vocabulary import Text


def run_data_checks(catalogue: Catalogue, case: Case,
                    checks: tuple[DataCheck, ...] | None = None) -> tuple[DataQualityFinding, ...]:
    """`checks`: catalogue.data_checks, when the caller keeps them (they are gathered from every fact)."""
    findings: list[DataQualityFinding] = []
    for check in catalogue.data_checks if checks is None else checks:
        try:
            findings += _RUNNERS[check.kind](catalogue, case, check)
        except (ArithmeticError, TypeError, ValueError, KeyError) as exc:  # a check must never stop an evaluation
            findings.append(_finding(catalogue, case, check, [], Text(f"数据核验未能完成：{exc}", f"the data check could not run: {exc}"),
                                     Text("—", "—"), Text("—", "—")))
    return tuple(findings)


# --- the four kinds --------------------------------------------------------------------------

def _rate(catalogue: Catalogue, case: Case, check: DataCheck) -> list[DataQualityFinding]:
    stated, part, total = _value(case, check.fact), _ref(case, check.refs[0]), _ref(case, check.refs[1])
    if stated is None or part is None or total is None or total == 0:
        return []
    exact = Fraction(part) * 100 / Fraction(total)
    places = _places(stated)
    tolerance = Fraction(check.tolerance) if check.tolerance is not None else Fraction(1, 2 * 10 ** places)
    if abs(Fraction(stated) - exact) <= tolerance:
        return []
    shown = number(exact, max(places, 2))
    tol = number(tolerance, 6)
    p, t = _label(catalogue, check.refs[0]), _label(catalogue, check.refs[1])
    label = catalogue.facts[check.fact].label
    message = Text(f"{label.zh}为{display(stated).zh}%，但{p.zh}{number(part)}÷{t.zh}{number(total)}＝{shown}%（容差±{tol}个百分点）",
                   f"{label.en} is {display(stated).en}%, but {p.en} {number(part)} ÷ {t.en} {number(total)} = {shown}% "
                   f"(tolerance ±{tol} points)")
    return [_finding(catalogue, case, check, [check.fact, *check.refs], message,
                     Text(f"{shown}%（±{tol}）", f"{shown}% (±{tol})"), Text(f"{display(stated).zh}%", f"{display(stated).en}%"))]


def _part_of(catalogue: Catalogue, case: Case, check: DataCheck) -> list[DataQualityFinding]:
    part, total = _value(case, check.fact), _ref(case, check.refs[0])
    if part is None or total is None or part <= total:
        return []
    a, b = catalogue.facts[check.fact].label, _label(catalogue, check.refs[0])
    message = Text(f"{a.zh}（{number(part)}）大于其总数{b.zh}（{number(total)}）",
                   f"{a.en} ({number(part)}) is larger than its total, {b.en} ({number(total)})")
    return [_finding(catalogue, case, check, [check.fact, *check.refs], message,
                     Text(f"≤ {number(total)}", f"≤ {number(total)}"), Text(number(part), number(part)))]


def _same_as(catalogue: Catalogue, case: Case, check: DataCheck) -> list[DataQualityFinding]:
    mine, other = _value(case, check.fact), _ref(case, check.refs[0])
    if mine is None or other is None:
        return []
    if isinstance(mine, dt.date) or isinstance(other, dt.date):
        same = mine == other
    else:
        same = abs(Fraction(mine) - Fraction(other)) <= Fraction(check.tolerance or 0)
    if same:
        return []
    a, b = catalogue.facts[check.fact].label, _label(catalogue, check.refs[0])
    x, y = display(mine), display(other)
    message = Text(f"同一数量两处表述不一致：{a.zh}为{x.zh}，{b.zh}为{y.zh}",
                   f"the same quantity is stated differently: {a.en} is {x.en}, {b.en} is {y.en}")
    return [_finding(catalogue, case, check, [check.fact, *check.refs], message, y, x)]


def _in_period(catalogue: Catalogue, case: Case, check: DataCheck) -> list[DataQualityFinding]:
    year, before, after = check.window
    first = dt.date(case.period + year, 1, 1) - dt.timedelta(days=before)
    last = dt.date(case.period + year, 12, 31) + dt.timedelta(days=after)
    window = Text(f"{first.isoformat()}至{last.isoformat()}", f"{first.isoformat()} to {last.isoformat()}")
    spec = catalogue.facts[check.fact]
    out = []
    if check.record_field is None:
        day = _value(case, check.fact)
        if isinstance(day, dt.date) and not first <= day <= last:
            message = Text(f"{spec.label.zh}为{display(day).zh}，不在{window.zh}之内",
                           f"{spec.label.en} is {day.isoformat()}, outside {window.en}")
            out.append(_finding(catalogue, case, check, [check.fact], message, window, display(day)))
        return out
    fact = case.facts.get(check.fact)
    field = spec.field_spec(check.record_field)
    for record in fact.value if fact is not None else ():
        day = record.fields.get(check.record_field)
        if isinstance(day, dt.date) and not first <= day <= last:
            message = Text(f"{spec.label.zh}{record.id}的{field.label.zh}为{display(day).zh}，不在{window.zh}之内",
                           f"{spec.label.en} {record.id}: {field.label.en} is {day.isoformat()}, outside {window.en}")
            use = FactUse(f"{check.fact}[{record.id}].{check.record_field}", field.label, day, display(day),
                          record.evidence or fact.evidence, record.tier(check.record_field, fact.evidence))
            out.append(_finding(catalogue, case, check, [], message, window, display(day), record, (use,)))
    return out


_RUNNERS: dict[str, Callable[[Catalogue, Case, DataCheck], list[DataQualityFinding]]] = {
    "rate": _rate, "part_of": _part_of, "same_as": _same_as, "in_period": _in_period}


# --- helpers ---------------------------------------------------------------------------------

def _value(case: Case, key: str) -> Any:
    fact = case.facts.get(key)
    return None if fact is None else fact.value


def _ref(case: Case, ref: DataRef) -> Any:
    value = _value(case, ref.key)
    if ref.count:
        return None if value is None else len(value)
    return value


def _label(catalogue: Catalogue, ref: DataRef) -> Text:
    label = catalogue.facts[ref.key].label
    return Text(f"{label.zh}（条数）", f"{label.en} (items listed)") if ref.count else label


def _places(value: Any) -> int:
    """Decimals as stated: 92.85 -> 2, 100 -> 0."""
    if isinstance(value, Decimal):
        return max(0, -int(value.as_tuple().exponent))
    return 0


def _finding(catalogue: Catalogue, case: Case, check: DataCheck, refs: list[Any], message: Text, expected: Text,
             actual: Text, record: Record | None = None, uses: tuple[FactUse, ...] = ()) -> DataQualityFinding:
    facts = list(uses)
    for ref in refs:
        key, count = (ref.key, ref.count) if isinstance(ref, DataRef) else (ref, False)
        fact = case.facts.get(key)
        value = None if fact is None else (len(fact.value) if count else fact.value)
        label = _label(catalogue, DataRef(key, count))
        facts.append(FactUse(key, label, value, display(value), fact.evidence if fact else None,
                             fact.tier if fact else None, fact.verification if fact else None))
    fact = case.facts.get(check.fact)
    location = fact.location if fact is not None else check.location
    return DataQualityFinding(check.id, check.kind, check.fact, message, expected, actual, tuple(facts),
                              record.id if record else None, location)
