"""A filled questionnaire workbook back to a facts file, every problem named by sheet!cell.

The workbook's cells become the same structure a facts.yaml holds and go through the facts loader
(parse_case), so a value the YAML path rejects is rejected here too; each problem's path is mapped
back to the cell it came from. Every problem is reported at once, and nothing is returned unless the
whole workbook is clean.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from fazhi.errors import InputError, Location, Problem, did_you_mean
from fazhi.load.facts_loader import EVIDENCE_KEYS, MAX_RECORDS, parse_case
from fazhi.model.case import Case
from fazhi.model.catalogue import Catalogue, FactSpec
from fazhi.vocabulary import FactType
from fazhi.load.yamlio import Document, Path
from fazhi.intake import layout as L
from fazhi.intake.factsyaml import Entry, check, render
from fazhi.intake.messages import CASE_FIELDS, t
from fazhi.intake.numbers import parse_date
from fazhi.intake.workbook import (
    MAX_FACT_ROWS,
    Cells,
    as_text,
    clean,
    evidence,
    is_facts_sheet,
    is_records_sheet,
    open_workbook,
    text,
    typed,
)

_KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")


@dataclass
class Imported:
    text: str  # the facts file
    case: Case
    notes: list[str] = field(default_factory=list)  # readings a person should know about (0.98 read as 98%)


def import_workbook(path: str, catalogue: Catalogue, lang: str = "zh", workbook: Any = None) -> Imported:
    reader = _Reader(path, catalogue, lang)
    data = reader.read(workbook if workbook is not None else open_workbook(path, lang))
    problems = list(reader.problems)
    parsed = None
    try:
        parsed = parse_case(Document(path, data, reader.cells.marks), catalogue.facts)
    except InputError as exc:
        problems += [reader.at_cell(p) for p in exc.problems]
    if problems or parsed is None:
        raise InputError(problems)
    name = os.path.basename(path)
    header = [t(lang, f"由 `fazhi import` 从 {name} 导入；每项上方注明其所在工作表和单元格。",
                f"Imported by `fazhi import` from {name}; above each fact, the sheet and cell it came from.")]
    district = {"name": parsed.district.name, "level": parsed.district.level, "parent": parsed.district.parent}
    submitted = {"date": parsed.submitted_on, "by": parsed.submitted_by}
    text_out = render(header, district, parsed.period, submitted, _entries(parsed, reader.origin, catalogue))
    return Imported(text_out, check(text_out, path, catalogue.facts), reader.notes)


class _Reader:
    def __init__(self, path: str, catalogue: Catalogue, lang: str):
        self.path, self.catalogue, self.lang = path, catalogue, lang
        self.cells = Cells()
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.origin: dict[str, str] = {}  # fact key -> sheet!cell, written beside it
        self.department: dict[str, tuple[str | None, str, str]] = {}  # id/name/kind -> (value, sheet, cell)
        self.records_sheets: dict[str, Any] = {}

    def problem(self, sheet: str, coordinate: str, message: str, suggestion: str | None = None) -> None:
        self.problems.append(Problem(Location(f"{self.path}:{sheet}!{coordinate}"), message, suggestion=suggestion))

    def read(self, wb: Any) -> dict[str, Any]:
        lang = self.lang
        case: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        records = {text(ws.cell(L.REC_KEY_ROW, 2).value): ws for ws in wb.worksheets if is_records_sheet(ws)}
        self.records_sheets = records
        sheets = [ws for ws in wb.worksheets if not ws.title.startswith("_") and is_facts_sheet(ws)]
        if not sheets:
            self.problems.append(Problem(Location(self.path), t(lang, "不是 fazhi questionnaire 生成的问卷：没有带“key”列的工作表",
                                                                "not a questionnaire made by fazhi questionnaire: no sheet with a 'key' column")))
        seen: dict[str, str] = {}
        for ws in sheets:
            if ws.max_row > MAX_FACT_ROWS:
                self.problem(ws.title, f"A{ws.max_row}", t(lang, f"工作表超过{MAX_FACT_ROWS:,}行", f"more than {MAX_FACT_ROWS:,} rows"))
                continue
            for row in range(L.FIRST_ROW, ws.max_row + 1):
                key = text(ws.cell(row, L.KEY_COL).value)
                value = clean(ws.cell(row, L.VALUE_COL).value)
                where = ws.cell(row, L.VALUE_COL).coordinate
                if not key:
                    if value is not None:
                        self.problem(ws.title, where, t(lang, f"第{row}行有填写值，但L列没有事实键", f"row {row} has a value but no fact key in column L"),
                                     t(lang, "请勿修改或删除L列", "do not edit column L"))
                elif key in seen:
                    self.problem(ws.title, f"L{row}", t(lang, f"事实键“{key}”重复（另见{seen[key]}）", f"fact key '{key}' twice (also {seen[key]})"))
                elif key.startswith("case."):
                    seen[key] = f"{ws.title}!L{row}"
                    self._case(case, key, value, ws.title, where)
                elif key.startswith("department."):  # a department's own workbook (questionnaire --departments)
                    seen[key] = f"{ws.title}!L{row}"
                    self.department[key[len("department."):]] = (as_text(value) if value is not None else None, ws.title, where)
                elif key not in self.catalogue.facts:
                    self.problem(ws.title, f"L{row}", t(lang, f"未知的事实键“{key}”", f"unknown fact '{key}'"),
                                 did_you_mean(key, self.catalogue.facts))
                else:
                    seen[key] = f"{ws.title}!L{row}"
                    entry = self._fact(ws, row, self.catalogue.facts[key], value, records.get(key))
                    if entry is not None:
                        facts[key] = entry
        return {"case": case, "facts": facts}

    def _fact(self, ws: Any, row: int, spec: FactSpec, value: Any, sheet: Any) -> dict[str, Any] | None:
        lang, label = self.lang, spec.label.get(self.lang)
        where = ws.cell(row, L.VALUE_COL).coordinate
        path: Path = ("facts", spec.key)
        found = evidence(ws, row, self.cells, path + ("evidence",), label)
        self.cells.mark(path, ws.title, where, label)
        self.origin[spec.key] = f"{ws.title}!{where}"
        extra = {"evidence": found} if found else {}
        if spec.type is FactType.RECORDS:
            items = self._records(sheet, spec, path + ("records",)) if sheet is not None else None
            if value is not None and as_text(value).strip().lower() not in L.NONE_WORDS:
                self.problem(ws.title, where, t(lang, f"{label}：记录请在工作表中逐条填写；此格只可填“无”",
                                                f"{label}: records go one per row in their sheet; this cell takes only 无 (none)"))
            elif value is not None and items:
                self.problem(ws.title, where, t(lang, f"{label}：此格填了“无”，但工作表“{sheet.title}”中有记录",
                                                f"{label}: this cell says none, but sheet '{sheet.title}' lists records"))
            elif value is not None:
                return {"records": [], **extra}
            elif items:
                self.origin[spec.key] = f"{sheet.title}!A{L.REC_FIRST_ROW}"
                return {"records": items, **extra}
            if found:
                self.notes.append(t(lang, f"{ws.title}!{where}：{label} 有证据但没有记录，未导入",
                                    f"{ws.title}!{where}: {label} has evidence but no records; not imported"))
            return None
        if value is None:
            if found:
                self.notes.append(t(lang, f"{ws.title}!{where}：{label} 有证据但未填值，未导入",
                                    f"{ws.title}!{where}: {label} has evidence but no value; not imported"))
            return None
        self.cells.mark(path + ("value",), ws.title, where, label)
        return {"value": typed(ws.cell(row, L.VALUE_COL), value, spec.type, self.notes, f"{ws.title}!{where}", lang), **extra}

    def _case(self, case: dict[str, Any], key: str, value: Any, sheet: str, where: str) -> None:
        label = next((lb.get(self.lang) for k, lb, _, _ in CASE_FIELDS if k == key), key)
        parts = tuple(key.split(".")[1:])
        if len(parts) == 2 and ("case", parts[0]) not in self.cells.marks:
            self.cells.mark(("case", parts[0]), sheet, where, label)
        self.cells.mark(("case",) + parts, sheet, where, label)
        if value is None:
            return
        if key == "case.period":  # 2020, 2020年, 2020年度, ２０２０, 2020.0
            digits = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("年度").removesuffix("年")
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, str) and digits.isdigit():
                value = int(digits)
        elif key == "case.submitted.date":
            value = value.date() if isinstance(value, dt.datetime) else (parse_date(value) or value) if isinstance(value, str) else value
        elif not isinstance(value, str):
            value = as_text(value)
        if len(parts) == 1:
            case[parts[0]] = value
        else:
            case.setdefault(parts[0], {})[parts[1]] = value

    def _records(self, ws: Any, spec: FactSpec, path: Path) -> list[dict[str, Any]]:
        lang, label = self.lang, spec.label.get(self.lang)
        names = {col: text(ws.cell(L.REC_FIELDS_ROW, col).value) for col in range(1, ws.max_column + 1)}
        names = {col: name for col, name in names.items() if name}
        if "id" not in names.values():
            self.problem(ws.title, f"A{L.REC_FIELDS_ROW}", t(lang, f"第{L.REC_FIELDS_ROW}行应是字段名（含id），已被修改",
                                                             f"row {L.REC_FIELDS_ROW} must hold the field names, with id"))
            return []
        if ws.max_row - L.REC_FIRST_ROW + 1 > MAX_RECORDS:
            self.problem(ws.title, f"A{ws.max_row}", t(lang, f"记录超过{MAX_RECORDS:,}条", f"more than {MAX_RECORDS:,} records"))
            return []
        items: list[dict[str, Any]] = []
        for row in range(L.REC_FIRST_ROW, ws.max_row + 1):
            values = {col: clean(ws.cell(row, col).value) for col in names}
            if all(v is None for v in values.values()):
                continue
            ipath, item = path + (len(items),), {}
            self.cells.mark(ipath, ws.title, ws.cell(row, 1).coordinate, f"{label} ({t(lang, '第', 'row ')}{row}{t(lang, '行', '')})")
            for col, name in names.items():
                value, cell = values[col], ws.cell(row, col)
                if value is None:
                    continue
                if name.startswith("evidence."):
                    item.setdefault("evidence", {})[name[9:]] = as_text(value)
                    self.cells.mark(ipath + ("evidence", name[9:]), ws.title, cell.coordinate, f"{label}: {name}")
                elif name == "id":
                    item["id"] = as_text(value)
                    self.cells.mark(ipath + ("id",), ws.title, cell.coordinate, f"{label}: {t(lang, '编号', 'id')}")
                else:
                    fspec = spec.field_spec(name)
                    item[name] = typed(cell, value, fspec.type if fspec else FactType.TEXT, self.notes,
                                       f"{ws.title}!{cell.coordinate}", lang)
                    self.cells.mark(ipath + (name,), ws.title, cell.coordinate, f"{label}: {fspec.label.get(lang) if fspec else name}")
            items.append(item)
        return items

    def at_cell(self, p: Problem) -> Problem:
        """A facts-loader problem, moved to the cell its path came from and worded in the chosen language."""
        sheet, coordinate, label = self.cells.cell(p.location.line)
        where = Location(f"{self.path}:{sheet}!{coordinate}") if sheet else Location(self.path)
        message = p.text(self.lang)
        for key in sorted(set(_KEY.findall(message)) & set(self.catalogue.facts), key=len, reverse=True):
            name = self.catalogue.facts[key].label.get(self.lang)
            message = message.replace(key, name if self.lang == "zh" else f"{name} ({key})")
        suggestion = p.hint(self.lang)
        return Problem(where, message, field=label or p.field, suggestion=suggestion)


def _entries(case: Case, origin: dict[str, str], catalogue: Catalogue) -> list[Entry]:
    order = {f.key: i for i, f in enumerate(f for rs in catalogue.rulesets for f in rs.facts)}
    entries = []
    for key, fact in sorted(case.facts.items(), key=lambda kv: order.get(kv[0], len(order))):
        found = {k: getattr(fact.evidence, k) for k in EVIDENCE_KEYS} if fact.evidence else None
        comments = [origin.get(key, "")]
        if isinstance(fact.value, tuple):
            records = [{"id": r.id, **r.fields, **({"evidence": {k: getattr(r.evidence, k) for k in EVIDENCE_KEYS}}
                                                    if r.evidence else {})} for r in fact.value]
            entries.append(Entry(key, records=records, evidence=found, comments=comments))
        else:
            entries.append(Entry(key, fact.value, evidence=found, comments=comments))
    return entries
