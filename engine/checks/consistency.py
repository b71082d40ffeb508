"""The `consistency:` block of a fact declaration: data checks that run before the rules.

    facts:
      litigation.win_rate_stated:
        type: percent
        consistency:
          rate: {part: litigation.cases_won, total: litigation.cases_handled}   # tolerance: optional
      litigation.cases_won:
        consistency:
          part_of: litigation.cases_handled          # or {count: <records fact>}
      reconsideration.cases_handled:
        consistency:
          same_as: {count: reconsideration.cases}    # or {fact: <key>, tolerance: 0}
      annual_report.published_on:
        consistency:
          after_period: true                         # on or after the day after the period ends
      three_systems.supervision_opinions:
        consistency:
          in_period: {year: 1}                       # year offset, before_days, after_days; `true` for the period
      reconsideration.cases:
        consistency:
          order: [received_on <= replied_on]         # dates of one record that cannot be the other way round
        fields:
          received_on: {type: date, label: …, consistency: {in_period: true}}

`order` is for what cannot happen the other way round (a reply before its request, a publication before
its decision, an opinion before the request for it): such a date is a data error. An order the law
demands and a requirement tests (the legality opinion before the discussion) is not declared here: the
other way round is a gap, and the requirement says so.

Parsing checks only the form; `check_refs` checks, once every fact is declared, that the facts a
check names exist and have types it can compare. Findings come from engine/dataquality.py.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Mapping

from fazhi.errors import Problem, did_you_mean
from fazhi.model.catalogue import DataCheck, DataRef, FactSpec
from fazhi.vocabulary import FactType
from fazhi.load.schema import Reader
from fazhi.load.yamlio import Path

KINDS = ("rate", "part_of", "same_as", "in_period", "after_period", "order")
NUMERIC = (FactType.INT, FactType.NUMBER, FactType.PERCENT)
_ALLOWED = {  # the type of the fact a check is declared on
    "rate": (FactType.PERCENT,),
    "part_of": (FactType.INT, FactType.NUMBER),
    "same_as": (FactType.INT, FactType.NUMBER, FactType.PERCENT, FactType.DATE),
    "in_period": (FactType.DATE,),
    "after_period": (FactType.DATE,),
    "order": (FactType.RECORDS,),
}
_FIELD_KINDS = ("in_period", "after_period")  # what a record field may declare
_ORDER = re.compile(r"\s*([a-z][a-z0-9_]*)\s*(?:<=|≤)\s*([a-z][a-z0-9_]*)\s*")


def parse_consistency(r: Reader, path: Path, key: str, ftype: FactType | None,
                      record_field: str | None = None) -> tuple[DataCheck, ...]:
    """The checks declared at `path` (a fact's or a record field's `consistency`)."""
    raw = r.get(path)
    if not isinstance(raw, dict):
        r.problem(path, "expected a mapping of check -> settings", f"checks: {', '.join(KINDS)}")
        return ()
    checks = []
    where = f"{key}.{record_field}" if record_field else key
    for kind in raw:
        p = path + (kind,)
        if kind not in KINDS:
            r.problem(p, f"unknown data check '{kind}'", did_you_mean(str(kind), KINDS) or f"checks: {', '.join(KINDS)}")
            continue
        if ftype is not None and ftype not in _ALLOWED[kind]:
            r.problem(p, f"'{kind}' does not apply to a {ftype.value} fact",
                      f"it applies to {', '.join(t.value for t in _ALLOWED[kind])}")
            continue
        if record_field is not None and kind not in _FIELD_KINDS:
            r.problem(p, f"a record field may only declare {' or '.join(_FIELD_KINDS)}")
            continue
        if kind == "order":
            checks += _parse_order(r, p, key)
            continue
        check = _parse(r, p, kind, key, record_field)
        if check is not None:
            checks.append(DataCheck(f"{where}:{kind}", kind, key, check[0], record_field, check[1], check[2], r.doc.where(p)))
    return tuple(checks)


def _parse_order(r: Reader, p: Path, key: str) -> list[DataCheck]:
    """`order: [earlier <= later, …]`: two date fields of each record (same day allowed)."""
    checks = []
    for i, item in enumerate(r.sequence(p)):
        m = _ORDER.fullmatch(item) if isinstance(item, str) else None
        if m is None:
            r.problem(p + (i,), "expected 'earlier_field <= later_field'", "e.g. received_on <= replied_on")
            continue
        earlier, later = m.groups()
        checks.append(DataCheck(f"{key}.{earlier}<={later}:order", "order", key, (), earlier, location=r.doc.where(p + (i,)),
                                later=later))
    return checks


def _parse(r: Reader, p: Path, kind: str, key: str, record_field: str | None
           ) -> tuple[tuple[DataRef, ...], Decimal | None, tuple[int, int, int]] | None:
    raw = r.get(p)
    if kind == "after_period":
        if raw is not True:
            r.problem(p, "after_period takes `true`")
            return None
        return (), None, (0, 0, 0)
    if kind == "in_period":
        if raw is True:
            return (), None, (0, 0, 0)
        if r.mapping(p, optional=("year", "before_days", "after_days")) is None:
            return None
        year = r.integer(p + ("year",)) or 0
        before = r.integer(p + ("before_days",), minimum=0) or 0
        after = r.integer(p + ("after_days",), minimum=0) or 0
        return (), None, (year, before, after)
    if kind == "rate":
        if r.mapping(p, required=("part", "total"), optional=("tolerance",)) is None:
            return None
        part, total = _ref(r, p + ("part",)), _ref(r, p + ("total",))
        tolerance = _tolerance(r, p + ("tolerance",))
        return ((part, total), tolerance, (0, 0, 0)) if part and total else None
    if isinstance(raw, str):
        return (DataRef(raw),), None, (0, 0, 0)
    if r.mapping(p, optional=("fact", "count", "tolerance")) is None:
        return None
    ref = _ref(r, p)
    tolerance = _tolerance(r, p + ("tolerance",)) if kind == "same_as" else None
    if kind == "part_of" and "tolerance" in raw:
        r.problem(p + ("tolerance",), "part_of takes no tolerance: a part is never above its total")
    return ((ref,), tolerance, (0, 0, 0)) if ref else None


def _ref(r: Reader, p: Path) -> DataRef | None:
    raw = r.get(p)
    if isinstance(raw, str):
        return DataRef(raw)
    if isinstance(raw, dict):
        forms = [k for k in ("fact", "count") if k in raw]
        if len(forms) != 1:
            r.problem(p, "name exactly one of 'fact' or 'count'", "e.g. {count: reconsideration.cases}")
            return None
        key = r.string(p + (forms[0],))
        return DataRef(key, forms[0] == "count") if key else None
    r.problem(p, "expected a fact key or {count: <records fact>}")
    return None


def _tolerance(r: Reader, p: Path) -> Decimal | None:
    value = r.decimal(p)
    if value is not None and value < 0:
        r.problem(p, "a tolerance is a number ≥ 0")
        return None
    return value


def check_refs(checks: list[DataCheck], facts: Mapping[str, FactSpec]) -> list[Problem]:
    """Problems with the facts the checks compare with, once every fact is declared."""
    problems = []
    for check in checks:
        if check.kind == "order":
            problems += _order_problems(check, facts)
        for ref in check.refs:
            spec = facts.get(ref.key)
            where = check.location
            if spec is None:
                problems.append(Problem(where, f"undeclared fact '{ref.key}'", field=check.id,
                                        suggestion=did_you_mean(ref.key, facts)))
            elif ref.count and spec.type is not FactType.RECORDS:
                problems.append(Problem(where, f"'{ref.key}' is not a records fact; count needs one", field=check.id))
            elif ref.count and facts[check.fact].type not in NUMERIC:
                problems.append(Problem(where, f"a count compares with a number; {check.fact} is "
                                               f"{facts[check.fact].type.value}", field=check.id))
            elif not ref.count and check.kind == "same_as" and spec.type is not facts[check.fact].type \
                    and not {spec.type, facts[check.fact].type} <= {FactType.INT, FactType.NUMBER}:
                problems.append(Problem(where, f"'{ref.key}' is {spec.type.value}; {check.fact} is "
                                               f"{facts[check.fact].type.value}", field=check.id))
            elif not ref.count and check.kind != "same_as" and spec.type not in NUMERIC:
                problems.append(Problem(where, f"'{ref.key}' is {spec.type.value}; {check.kind} compares numbers",
                                        field=check.id))
            elif ref.key == check.fact:
                problems.append(Problem(where, "a fact cannot be checked against itself", field=check.id))
    return problems


def _order_problems(check: DataCheck, facts: Mapping[str, FactSpec]) -> list[Problem]:
    spec = facts[check.fact]
    problems = []
    for name in (check.record_field, check.later):
        field = spec.field_spec(name or "")
        if field is None:
            problems.append(Problem(check.location, f"'{name}' is not a field of {check.fact}", field=check.id,
                                    suggestion=did_you_mean(name or "", [f.name for f in spec.fields])))
        elif field.type is not FactType.DATE:
            problems.append(Problem(check.location, f"'{name}' is {field.type.value}; order compares dates", field=check.id))
    if check.record_field == check.later:
        problems.append(Problem(check.location, "a date cannot be ordered against itself", field=check.id))
    return problems


def declared_checks(spec: FactSpec) -> list[DataCheck]:
    return list(spec.consistency) + [c for f in spec.fields for c in f.consistency]

