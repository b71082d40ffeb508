"""verifications.yaml beside a case: what inspectors checked. A verified value replaces the claim.

    # cases/macun-2020/verifications.yaml
    verifications:
      - fact: litigation.cases_won
        value: 12
        inspector: 李明（焦作市依法治市办）
        date: 2021-04-20
        note: 核对法院裁判文书，实际胜诉12起       # optional
      - fact: transparency.requests               # one field of one record
        record: 申请2
        field: replied
        value: false
        inspector: 李明
        date: 2021-04-20

The evaluation reads the verified value; the district's claim stays on record (FactValue.verification
.claimed) and is shown beside it. A verification that confirms the claim changes no verdict but
raises the fact to the `verified` tier. Problems are InputErrors naming file:line (exit 2).
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Mapping

from fazhi.errors import InputError, Location, Problem, did_you_mean
from fazhi.load.facts_loader import parse_value
from fazhi.model.case import Case, FactValue, Record, Verification
from fazhi.model.catalogue import FactSpec
from fazhi.vocabulary import FactType
from fazhi.load.schema import Reader
from fazhi.load.yamlio import load_file

FILE_NAME = "verifications.yaml"
KEYS = ("fact", "value", "inspector", "date", "note", "record", "field")


def case_verifications_file(case_path: str) -> str:
    folder = case_path if os.path.isdir(case_path) else os.path.dirname(case_path)
    return os.path.join(folder, FILE_NAME)


def load_verifications(path: str, vocabulary: Mapping[str, FactSpec]) -> tuple[Verification, ...]:
    """The verifications in `path`; a missing file is none."""
    if not os.path.exists(path):
        return ()
    r = Reader(load_file(path))
    if r.doc.data is None:
        return ()
    if r.mapping((), required=("verifications",)) is None:
        raise InputError(r.problems)
    out: list[Verification] = []
    seen: dict[tuple[str, str | None, str | None], int] = {}
    for i, _ in enumerate(r.sequence(("verifications",))):
        v = _entry(r, ("verifications", i), vocabulary)
        if v is None:
            continue
        key = (v.fact, v.record, v.record_field)
        if key in seen:
            r.problem(("verifications", i), f"{_name(v)} is verified twice (first at line {seen[key]})",
                      "keep one entry per fact", f"{_name(v)}核验了两次（第一次在第{seen[key]}行）", "每个事实只保留一条")
            continue
        seen[key] = v.location.line if v.location and v.location.line else 0
        out.append(v)
    if r.problems:
        raise InputError(r.problems)
    return tuple(out)


def _entry(r: Reader, p: tuple[Any, ...], vocabulary: Mapping[str, FactSpec]) -> Verification | None:
    raw = r.mapping(p, required=("fact", "value", "inspector", "date"), optional=KEYS)
    if raw is None:
        return None
    key = r.string(p + ("fact",))
    inspector = r.string(p + ("inspector",))
    day = r.date(p + ("date",), optional=False)
    note = r.string(p + ("note",), optional=True)
    spec = vocabulary.get(key or "")
    if key and spec is None:
        r.problem(p + ("fact",), f"unknown fact '{key}'", did_you_mean(key, vocabulary))
        return None
    if spec is None:
        return None
    record = r.string(p + ("record",), optional=True)
    name = r.string(p + ("field",), optional=True)
    ftype, choices, low, high = spec.type, spec.choices, spec.minimum, spec.maximum
    if spec.type is FactType.RECORDS:
        if record is None or name is None:
            r.problem(p, f"'{key}' is a list of records: name the record and the field verified",
                      "add record: <id> and field: <name>", f"“{spec.label.zh}”（{key}）是记录列表：请写明核验的是哪条记录的哪个字段",
                      "加上 record: <记录编号> 和 field: <字段名>")
            return None
        fspec = spec.field_spec(name)
        if fspec is None:
            r.problem(p + ("field",), f"unknown field '{name}' for {key}", did_you_mean(name, [f.name for f in spec.fields]),
                      f"“{spec.label.zh}”没有字段“{name}”")
            return None
        ftype, choices, low, high = fspec.type, fspec.choices, fspec.minimum, fspec.maximum
    elif record is not None or name is not None:
        r.problem(p + ("record",) if record is not None else p + ("field",),
                  f"'{key}' is not a records fact; record and field apply only to records",
                  zh=f"“{spec.label.zh}”（{key}）不是记录类事实；record 和 field 只用于记录")
        return None
    raw_value = raw.get("value")
    if raw_value is None:
        r.problem(p + ("value",), "a verification states the value found", "write the value the inspector established",
                  "核验记录须写明核实的值", "请填写督察核实的值")
        return None
    value = parse_value(r, p + ("value",), raw_value, ftype, choices, low, high)
    if value is None or not inspector or day is None:
        return None
    return Verification(key, value, inspector, day, note, record, name, None, r.doc.where(p))


def _name(v: Verification) -> str:
    return f"{v.fact}[{v.record}].{v.record_field}" if v.record else v.fact


def apply_verifications(case: Case, verifications: tuple[Verification, ...]) -> Case:
    """The case with every verified value in place of the claim, the claim kept beside it."""
    if not verifications:
        return case
    facts = dict(case.facts)
    problems = []
    for v in verifications:
        current = facts.get(v.fact)
        if v.record is None:
            claimed = current.value if current is not None else None
            facts[v.fact] = FactValue(v.fact, v.value, current.evidence if current else None,
                                      current.location if current else v.location, replace(v, claimed=claimed))
            continue
        records = list(current.value) if current is not None else []
        index = next((i for i, rec in enumerate(records) if rec.id == v.record), None)
        if index is None:
            problems.append(Problem(v.location or Location("verifications.yaml"), f"the case lists no record '{v.record}' "
                                    f"of {v.fact}", field=v.fact, suggestion="a verification corrects a listed record"))
            continue
        rec = records[index]
        fields = dict(rec.fields)
        claimed = fields.get(v.record_field)
        fields[v.record_field] = v.value
        checks = {**rec.verifications, v.record_field: replace(v, claimed=claimed)}
        records[index] = Record(rec.id, dict(sorted(fields.items())), rec.evidence, checks)
        facts[v.fact] = replace(current, value=tuple(records))
    if problems:
        raise InputError(problems)
    return replace(case, facts=dict(sorted(facts.items())))
