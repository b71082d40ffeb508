"""A case's departments (its enforcement bodies' own facts) and their roll-up to the district.

    departments:
      - id: gongan
        name: 公安分局
        kind: 行政执法机关
        facts: {three_systems.enforcement.staff: 120, ...}
      - {id: renshe, name: 人社局, kind: 行政执法机关, submitted: false}   # 未报送

Each fact declares where it may be given (`scope`: district, department or both) and how the
departments' values make the district's (`rollup`: sum, all, any, earliest, latest, concat). A roll-up
is made only when every department has reported the fact: a department that has not (or has not
submitted at all) leaves the district figure unknown, as absence is never "no" and never zero. A
district figure that is given and differs from a complete roll-up is kept, recorded as a conflict
(the evaluator turns it into a data-quality finding and blocks the verdicts reading it).
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any, Callable, Mapping

from fazhi.model.case import Case, Department, Evidence, FactValue, Record, RollupConflict
from fazhi.model.catalogue import FactSpec, Scope
from fazhi.load.schema import Reader
from fazhi.load.yamlio import Path

ROLLED_UP_NOTE = "各部门报送数汇总 / rolled up from the departments' figures"


def parse_departments(r: Reader, path: Path, vocabulary: Mapping[str, FactSpec],
                      district: Mapping[str, FactValue]) -> tuple[Department, ...]:
    """The departments listed at `path`; problems (a repeated id, a district-only fact) go to `r`."""
    from fazhi.load.facts_loader import parse_fact_values  # the loader imports this module
    items = r.sequence(path, optional=True)
    departments: list[Department] = []
    seen: dict[str, int] = {}
    for i, _ in enumerate(items):
        p = path + (i,)
        raw = r.mapping(p, required=("id", "name", "kind"), optional=("submitted", "facts"))
        if raw is None:
            continue
        did, name, kind = r.string(p + ("id",)), r.string(p + ("name",)), r.string(p + ("kind",))
        if not did or not name or not kind:
            continue
        if did in seen:
            r.problem(p + ("id",), f"部门编号“{did}”重复（另见第{seen[did] + 1}个部门） / department id '{did}' is "
                      f"repeated (also department {seen[did] + 1})", "give each department its own id")
            continue
        seen[did] = i
        submitted = raw.get("submitted", True)
        if not isinstance(submitted, bool):
            r.problem(p + ("submitted",), f"应填true或false / expected true or false, got {submitted!r}")
            submitted = False
        facts = parse_fact_values(r, p + ("facts",), vocabulary) if "facts" in raw else {}
        for key in facts:
            if vocabulary[key].scope == Scope.DISTRICT:
                r.problem(p + ("facts", key), f"“{key}”只在区级填报，不能由部门填报 / '{key}' is a district-level "
                          "fact; a department cannot give it", "move it under the case's facts")
        facts = {key: _own_records(value, did) for key, value in facts.items()}
        departments.append(Department(did, name, kind, facts, submitted and "facts" in raw, r.doc.where(p)))
    return tuple(departments)


def check_district_scope(r: Reader, path: Path, facts: Mapping[str, FactValue], vocabulary: Mapping[str, FactSpec],
                         department_ids: set[str]) -> None:
    """A department-only fact given at district level is an error, and so is a record naming an unknown department."""
    raw = r.get(path)
    for key, value in facts.items():
        if vocabulary[key].scope == Scope.DEPARTMENT:
            r.problem(path + (key,), f"“{key}”由各部门填报，不能在区级填报 / '{key}' is a department-level fact; "
                      "give it under each department's facts", "see `departments:` in docs/facts.md")
        if isinstance(value.value, tuple):
            items = raw.get(key) if isinstance(raw, dict) else None
            rpath = path + (key,)
            if isinstance(items, dict):
                items, rpath = items.get("records"), rpath + ("records",)
            for i, record in enumerate(value.value):
                if record.department is not None and record.department not in department_ids:
                    where = rpath + (i, "department") if isinstance(items, list) and i < len(items) else rpath
                    r.problem(where, f"记录{record.id}的部门“{record.department}”不在departments中 / record "
                              f"{record.id}: department '{record.department}' is not listed under departments",
                              ", ".join(sorted(department_ids)) or "list the department under departments:")


def _own_records(value: FactValue, department: str) -> FactValue:
    """A department's records carry its id (a record it names itself is its own too)."""
    if not isinstance(value.value, tuple):
        return value
    return dataclasses.replace(value, value=tuple(dataclasses.replace(rec, department=department) for rec in value.value))


# --- roll-up -------------------------------------------------------------------------------------------

def _sum(values: list[Any]) -> Any:
    total: Any = 0
    for v in values:
        total += v
    return total


def _all(values: list[Any]) -> Any:
    return all(values)


def _any(values: list[Any]) -> Any:
    return any(values)


_ROLL: dict[str, Callable[[list[Any]], Any]] = {
    "sum": _sum, "all": _all, "any": _any, "earliest": min, "latest": max,
    "concat": lambda values: tuple(rec for v in values for rec in v),
}


def roll_up(case: Case, departments: tuple[Department, ...], vocabulary: Mapping[str, FactSpec],
            problem: Callable[[str], None] | None = None) -> Case:
    """The case with its departments, each rolled-up fact added to the district's facts where it was not
    given, and a conflict for each given district figure that differs from its roll-up."""
    facts = dict(case.facts)
    rolled: set[str] = set()
    conflicts: list[RollupConflict] = []
    for key, spec in vocabulary.items():
        if spec.rollup is None:
            continue
        parts = [(d, d.facts.get(key)) for d in departments]
        if not any(value is not None for _, value in parts):
            continue
        known = [(d.id, value) for d, value in parts if d.submitted and value is not None]
        complete = len(known) == len(parts)
        value = _partial(spec.rollup, [v.value for _, v in known], complete)
        if value is None:
            continue
        given = facts.get(key)
        if spec.rollup == "concat":
            own = given.value if given is not None else ()
            value = own + value
            ids: dict[str, str | None] = {}
            for rec in value:
                if rec.id in ids and problem is not None:
                    problem(f"记录编号“{rec.id}”在{ids[rec.id] or '区级'}和{rec.department or '区级'}中重复 / record id "
                            f"'{rec.id}' of {key} is used by {ids[rec.id] or 'the district'} and {rec.department or 'the district'}")
                ids[rec.id] = rec.department
            if given is not None and not complete:
                continue
        elif given is not None:
            if given.value != value:
                conflicts.append(RollupConflict(key, given.value, value, tuple((d, v.value) for d, v in known)))
            continue
        evidence = Evidence(note=ROLLED_UP_NOTE) if all(v.evidence is not None for _, v in known) else None
        facts[key] = FactValue(key, value, evidence if given is None else given.evidence, given.location if given else None)
        rolled.add(key)
    return dataclasses.replace(case, facts=dict(sorted(facts.items())), departments=departments,
                               rolled_up=frozenset(rolled), conflicts=tuple(conflicts))


def _partial(rule: str, values: list[Any], complete: bool) -> Any:
    """The roll-up of the values known; None when it is unknown: an incomplete sum, date or list is unknown,
    while one `false` decides `all` (and one `true` decides `any`) whatever the others say."""
    if rule == "all" and not all(values):
        return False
    if rule == "any" and any(values):
        return True
    if not complete or not values:
        return None
    result = _ROLL[rule](values)
    if rule == "sum" and any(isinstance(v, Decimal) for v in values):
        result = Decimal(result)
    return result
