"""Data checks before the rules: a submitted fact that disagrees with its counts, its total, the period
or another statement of the same quantity becomes a data-quality finding. Never an exception.

The checks are declared on the facts (`consistency:`, see engine/consistency.py); every catalogue also
checks its percents for a fraction written in place of a percent, and its shares for a total of 0. The
findings of some kinds make the values they name doubtful (DataCheck.blocking): the evaluator reads
them as unknown, so no verdict rests on them. A check runs only
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
from fazhi.vocabulary import FactType, Text


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


# --- the kinds --------------------------------------------------------------------------------

def _rate(catalogue: Catalogue, case: Case, check: DataCheck) -> list[DataQualityFinding]:
    stated, part, total = _value(case, check.fact), _ref(case, check.refs[0]), _ref(case, check.refs[1])
    if stated is None or part is None or total is None or total == 0:
        return []
    exact = Fraction(part) * 100 / Fraction(total)
    places = _places(stated)
    tolerance = Fraction(check.tolerance) if check.tolerance is not None else Fraction(1, 2 * 10 ** places)
    if abs(Fraction(stated) - exact) <= tolerance or _fraction_fits(stated, exact, check):
        return []  # agrees, or agrees when read as a fraction: the unit check reports that
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
                     Text(f"≤ {number(total)}", f"≤ {number(total)}"), Text(number(part), number(part)),
                     doubtful=_stated_figures(check))]


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
    return [_finding(catalogue, case, check, [check.fact, *check.refs], message, y, x,
                     doubtful=_stated_figures(check))]


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
            out.append(_finding(catalogue, case, check, [check.fact], message, window, display(day),
                                doubtful=((check.fact, None, None),)))
        return out
    fact = case.facts.get(check.fact)
    field = spec.field_spec(check.record_field)
    for record in fact.value if fact is not None else ():
        day = record.fields.get(check.record_field)
        if isinstance(day, dt.date) and not first <= day <= last:
            message = Text(f"{spec.label.zh}{record.id}的{field.label.zh}为{display(day).zh}，不在{window.zh}之内",
                           f"{spec.label.en} {record.id}: {field.label.en} is {day.isoformat()}, outside {window.en}")
            use = _field_use(check.fact, fact, record, check.record_field, field.label)
            out.append(_finding(catalogue, case, check, [], message, window, display(day), record, (use,),
                                ((check.fact, record.id, check.record_field),)))
    return out


def _after_period(catalogue: Catalogue, case: Case, check: DataCheck) -> list[DataQualityFinding]:
    """A date that reports on the period (the annual report's publication) cannot come before it ends."""
    first = dt.date(case.period + 1, 1, 1)
    bound = Text(f"{first.isoformat()}或以后", f"on or after {first.isoformat()}")
    spec = catalogue.facts[check.fact]
    if check.record_field is None:
        day = _value(case, check.fact)
        if not isinstance(day, dt.date) or day >= first:
            return []
        message = Text(f"{spec.label.zh}为{display(day).zh}，早于{case.period}年度结束（应在{bound.zh}）",
                       f"{spec.label.en} is {day.isoformat()}, before the {case.period} period ended (expected {bound.en})")
        return [_finding(catalogue, case, check, [check.fact], message, bound, display(day),
                         doubtful=((check.fact, None, None),))]
    fact = case.facts.get(check.fact)
    field = spec.field_spec(check.record_field)
    out = []
    for record in fact.value if fact is not None else ():
        day = record.fields.get(check.record_field)
        if isinstance(day, dt.date) and day < first:
            message = Text(f"{spec.label.zh}{record.id}的{field.label.zh}为{display(day).zh}，早于{case.period}年度结束",
                           f"{spec.label.en} {record.id}: {field.label.en} is {day.isoformat()}, before the {case.period} "
                           f"period ended")
            out.append(_finding(catalogue, case, check, [], message, bound, display(day), record,
                                (_field_use(check.fact, fact, record, check.record_field, field.label),),
                                ((check.fact, record.id, check.record_field),)))
    return out


def _order(catalogue: Catalogue, case: Case, check: DataCheck) -> list[DataQualityFinding]:
    """Two dates of one record that cannot be the other way round: both are doubtful, whichever is wrong."""
    fact = case.facts.get(check.fact)
    if fact is None:
        return []
    spec = catalogue.facts[check.fact]
    earlier, later = check.record_field or "", check.later or ""
    first, second = spec.field_spec(earlier), spec.field_spec(later)
    out = []
    for record in fact.value:
        a, b = record.fields.get(earlier), record.fields.get(later)
        if not isinstance(a, dt.date) or not isinstance(b, dt.date) or a <= b:
            continue
        message = Text(f"{spec.label.zh}{record.id}的{second.label.zh}（{display(b).zh}）早于{first.label.zh}"
                       f"（{display(a).zh}），日期有误",
                       f"{spec.label.en} {record.id}: {second.label.en} ({b.isoformat()}) is before {first.label.en} "
                       f"({a.isoformat()}), which cannot be")
        uses = (_field_use(check.fact, fact, record, earlier, first.label),
                _field_use(check.fact, fact, record, later, second.label))
        out.append(_finding(catalogue, case, check, [], message,
                            Text(f"{second.label.zh}不早于{display(a).zh}", f"{second.label.en} on or after {a.isoformat()}"),
                            display(b), record, uses, ((check.fact, record.id, earlier), (check.fact, record.id, later))))
    return out


def _unit(catalogue: Catalogue, case: Case, check: DataCheck) -> list[DataQualityFinding]:
    """A percent above 0 and at most 1 may be a fraction (0.95 for 95%): doubtful when its own counts say
    so, or, without counts, when the district wrote its other percentages above 1."""
    stated = _value(case, check.fact)
    if stated is None or not 0 < stated <= 1:
        return []
    label = catalogue.facts[check.fact].label
    as_percent, as_fraction = display(stated), display(Fraction(stated) * 100)
    if len(check.refs) == 2 and (part := _ref(case, check.refs[0])) is not None \
            and (total := _ref(case, check.refs[1])) not in (None, 0):
        exact = Fraction(part) * 100 / Fraction(total)
        if not _fraction_fits(stated, exact, check):
            return []  # the counts agree with the percent as written, or with neither reading (the rate check says so)
        p, t = _label(catalogue, check.refs[0]), _label(catalogue, check.refs[1])
        shown = number(exact, 2)
        why = Text(f"{p.zh}{number(part)}÷{t.zh}{number(total)}＝{shown}%", f"{p.en} {number(part)} ÷ {t.en} "
                   f"{number(total)} = {shown}%")
        refs: list[Any] = [check.fact, *check.refs]
    else:
        siblings = [(key, fact.value) for key, fact in case.facts.items() if key != check.fact
                    and catalogue.facts[key].type is FactType.PERCENT and fact.value is not None and fact.value > 1]
        if not siblings:
            return []
        named = [(catalogue.facts[key].label, display(v)) for key, v in siblings[:3]]
        why = Text("本案其他百分比按百分数填写：" + "、".join(f"{lb.zh}{v.zh}%" for lb, v in named),
                   "the other percentages of the case are written as percents: "
                   + ", ".join(f"{lb.en} {v.en}%" for lb, v in named))
        refs = [check.fact]
    message = Text(f"{label.zh}填写为{as_percent.zh}：按百分数读是{as_percent.zh}%，按小数读是{as_fraction.zh}%"
                   f"（{why.zh}），请核实单位",
                   f"{label.en} is written {as_percent.en}: as a percent that is {as_percent.en}%, as a fraction "
                   f"{as_fraction.en}% ({why.en}); please check the unit")
    return [_finding(catalogue, case, check, refs, message,
                     Text(f"{as_fraction.zh}%（若为小数）", f"{as_fraction.en}% (if a fraction)"),
                     Text(f"{as_percent.zh}%", f"{as_percent.en}%"), doubtful=((check.fact, None, None),))]


def _zero_denominator(catalogue: Catalogue, case: Case, check: DataCheck) -> list[DataQualityFinding]:
    """A total of 0: the shares over it cannot be computed. The 0 itself may be true, so nothing is doubtful;
    the findings that needed a share say why they cannot decide."""
    total = _ref(case, check.refs[0])
    if total is None or total != 0:
        return []
    what, shares = _label(catalogue, check.refs[0]), check.label or Text("占比", "the share")
    message = Text(f"{what.zh}为0，无法计算{shares.zh}", f"{what.en} is 0, so {shares.en} cannot be computed")
    return [_finding(catalogue, case, check, [check.refs[0]], message, Text("> 0", "> 0"), Text("0", "0"))]


_RUNNERS: dict[str, Callable[[Catalogue, Case, DataCheck], list[DataQualityFinding]]] = {
    "rate": _rate, "part_of": _part_of, "same_as": _same_as, "in_period": _in_period, "after_period": _after_period,
    "order": _order, "unit": _unit, "zero_denominator": _zero_denominator}


# --- helpers ---------------------------------------------------------------------------------

def _value(case: Case, key: str) -> Any:
    fact = case.facts.get(key)
    return None if fact is None else fact.value


def _ref(case: Case, ref: DataRef) -> Any:
    value = _value(case, ref.key)
    if ref.count:
        return None if value is None else len(value)
    return value


def _stated_figures(check: DataCheck) -> tuple[tuple[str, None, None], ...]:
    """The figures of a contradiction, all doubtful since which one is wrong is unknown. A records list
    counted against a figure is not among them: its records stay readable one by one."""
    return ((check.fact, None, None), *((ref.key, None, None) for ref in check.refs if not ref.count))


def _label(catalogue: Catalogue, ref: DataRef) -> Text:
    label = catalogue.facts[ref.key].label
    return Text(f"{label.zh}（条数）", f"{label.en} (items listed)") if ref.count else label


def _fraction_fits(stated: Any, exact: Fraction, check: DataCheck) -> bool:
    """Whether a stated percent of at most 1 agrees with `exact` only when read as a fraction (0.95 → 95%)."""
    if not 0 < stated <= 1:
        return False
    places = max(0, _places(stated) - 2)  # 0.95 as a fraction is 95: held to half a unit, as 95 would be
    tolerance = Fraction(check.tolerance) if check.tolerance is not None else Fraction(1, 2 * 10 ** places)
    return abs(Fraction(stated) * 100 - exact) <= tolerance < abs(Fraction(stated) - exact)


def _field_use(key: str, fact: Any, record: Record, name: str, label: Text) -> FactUse:
    value = record.fields.get(name)
    return FactUse(f"{key}[{record.id}].{name}", label, value, display(value), record.evidence or fact.evidence,
                   record.tier(name, fact.evidence), record.verifications.get(name))


def _places(value: Any) -> int:
    """Decimals as stated: 92.85 -> 2, 100 -> 0."""
    if isinstance(value, Decimal):
        return max(0, -int(value.as_tuple().exponent))
    return 0


def _finding(catalogue: Catalogue, case: Case, check: DataCheck, refs: list[Any], message: Text, expected: Text,
             actual: Text, record: Record | None = None, uses: tuple[FactUse, ...] = (),
             doubtful: tuple[tuple[str, str | None, str | None], ...] = ()) -> DataQualityFinding:
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
                              record.id if record else None, location, doubtful if check.blocking else ())
