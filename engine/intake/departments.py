"""Questionnaires per department, and many filled workbooks merged into one case.

    fazhi questionnaire --departments depts.yaml --out q/     # q/区级汇总.xlsx + q/公安分局.xlsx + …
    fazhi import q/*.xlsx --out cases/example-2021/facts.yaml

The coordinator's workbook (区级汇总) asks the district-scoped facts and lists the departments; each
department's workbook asks only the department-scoped facts and carries its id, name and kind. The
import merges them into one facts file with `departments:`; a department listed without a workbook is
written as `submitted: false` (未报送). Every problem names the workbook, sheet and cell
(`公安分局.xlsx 执法人员!C4`); a department given twice, or a workbook of a department the coordinator
did not list, is an error, and nothing is written.
"""
from __future__ import annotations

import os
import re
from typing import Any, Mapping, Sequence

from fazhi.errors import InputError, Location, Problem
from fazhi.intake.factsyaml import check, render, scalar
from fazhi.intake.importer import _KEY, Imported, _entries, _Reader
from fazhi.intake.messages import t
from fazhi.intake.questionnaire import DEPARTMENTS_KEY, build_xlsx, departments_spec
from fazhi.intake.workbook import Cells
from fazhi.load.facts_loader import parse_case
from fazhi.load.yamlio import Document, load_file
from fazhi.model.catalogue import Catalogue, FactSpec, Scope

COORDINATOR_NAME = ("区级汇总", "district")


def department_facts(facts: Sequence[FactSpec]) -> list[FactSpec]:
    return [f for f in facts if f.scope in (Scope.DEPARTMENT, Scope.BOTH)]


def district_facts(facts: Sequence[FactSpec]) -> list[FactSpec]:
    return [f for f in facts if f.scope in (Scope.DISTRICT, Scope.BOTH)]


def read_departments(path: str, lang: str = "zh") -> list[dict[str, str]]:
    """The departments to ask: a YAML list of {id, name, kind}, or a facts file's `departments:`."""
    doc = load_file(path)
    items = doc.data.get("departments") if isinstance(doc.data, dict) else doc.data
    problems, out, seen = [], [], set()
    if not isinstance(items, list) or not items:
        raise InputError([Problem(Location(path), t(lang, "应为部门列表（每项含id、name、kind）",
                                                    "expected a list of departments, each with id, name and kind"))])
    base = ("departments",) if isinstance(doc.data, dict) else ()
    for i, item in enumerate(items):
        where = doc.where(base + (i,))
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item[k].strip() for k in ("id", "name", "kind")):
            problems.append(Problem(where, t(lang, "每个部门都要有id、name、kind（文字）", "each department needs id, name and kind (text)")))
            continue
        if item["id"] in seen:
            problems.append(Problem(where, t(lang, f"部门编号“{item['id']}”重复", f"department id '{item['id']}' is repeated")))
            continue
        seen.add(item["id"])
        out.append({k: item[k] for k in ("id", "name", "kind")})
    if problems:
        raise InputError(problems)
    return out


def _file_name(name: str, used: set[str]) -> str:
    base = re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "department"
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate, n = f"{base}_{n}", n + 1
    used.add(candidate.lower())
    return candidate + ".xlsx"


def build_workbooks(catalogue: Catalogue, facts: list[FactSpec], lang: str, district: str | None, period: int | None,
                    departments: list[dict[str, str]]) -> dict[str, bytes]:
    """File name -> workbook: the coordinator's first, then one per department."""
    used: set[str] = set()
    files = {_file_name(t(lang, *COORDINATOR_NAME), used):
             build_xlsx(catalogue, district_facts(facts), lang, district, period, departments=departments)}
    mine = department_facts(facts)
    for d in departments:
        files[_file_name(d["name"], used)] = build_xlsx(catalogue, mine, lang, district, period, department=d)
    return files


class _Named(_Reader):
    """A reader whose problems name the workbook by its file name: `公安分局.xlsx 执法人员!C4`."""

    def problem(self, sheet: str, coordinate: str, message: str, suggestion: str | None = None) -> None:
        self.problems.append(Problem(Location(f"{self.path} {sheet}!{coordinate}"), message, suggestion=suggestion))


def import_workbooks(paths: Sequence[str], books: Sequence[Any], catalogue: Catalogue, lang: str = "zh") -> Imported:
    readers: list[tuple[str, _Named, dict[str, Any]]] = []
    problems: list[Problem] = []
    for path, book in zip(paths, books):
        name = os.path.basename(path)
        reader = _Named(name, catalogue, lang)
        readers.append((name, reader, reader.read(book)))
        problems += reader.problems
    coordinators = [r for r in readers if not r[1].department]
    if len(coordinators) != 1:
        names = "、".join(r[0] for r in coordinators) or "—"
        problems.append(Problem(Location(", ".join(os.path.basename(p) for p in paths)), t(
            lang, f"应有且只有一个区级汇总工作簿（不含部门编号的那个），现有：{names}",
            f"expected exactly one coordinator's workbook (the one without a department id), got: {names}")))
        raise InputError(problems)
    coord_name, coord, coord_data = coordinators[0]
    cells = Cells()
    _copy_marks(cells, coord, coord_name, ())
    listed: dict[str, dict[str, Any]] = {}
    sheet = coord.records_sheets.get(DEPARTMENTS_KEY)
    if sheet is None:
        problems.append(Problem(Location(coord_name), t(lang, "区级汇总工作簿中没有“各部门”工作表",
                                                        "the coordinator's workbook has no sheet listing the departments")))
    else:
        before = len(coord.problems)
        for item in coord._records(sheet, departments_spec(), ("listed",)):
            if "id" in item and item["id"] in listed:
                problems.append(Problem(Location(f"{coord_name} {sheet.title}"), t(
                    lang, f"部门编号“{item['id']}”重复", f"department id '{item['id']}' is listed twice")))
            elif "id" in item:
                listed[item["id"]] = item
        problems += coord.problems[before:]
    given: dict[str, tuple[str, dict[str, Any], _Named]] = {}
    for name, reader, data in readers:
        if not reader.department:
            continue
        did, sheet_name, cell = reader.department.get("id", (None, "", ""))
        where = Location(f"{name} {sheet_name}!{cell}")
        if not did:
            problems.append(Problem(where, t(lang, "缺少部门编号", "the department id is missing")))
        elif did not in listed:
            problems.append(Problem(where, t(lang, f"部门“{did}”不在区级汇总的部门列表中", f"department '{did}' is not in the "
                                                 "coordinator's list of departments"),
                                    suggestion=", ".join(sorted(listed)) or None))
        elif did in given:
            problems.append(Problem(where, t(lang, f"部门“{did}”出现两次（另见{given[did][0]}）",
                                             f"department '{did}' is given twice (also {given[did][0]})")))
        else:
            given[did] = (name, data, reader)
    if problems:
        raise InputError(problems)
    departments = []
    for i, (did, item) in enumerate(listed.items()):
        entry: dict[str, Any] = {"id": did, "name": item.get("name") or did, "kind": item.get("kind") or ""}
        if did in given:
            name, data, reader = given[did]
            entry["facts"] = data["facts"]
            _copy_marks(cells, reader, name, ("departments", i))
        else:
            entry["submitted"] = False
        departments.append(entry)
    merged = {"case": coord_data["case"], "facts": coord_data["facts"], "departments": departments}
    label = ", ".join(os.path.basename(p) for p in paths)
    try:
        own = parse_case(Document(coord_name, {"case": coord_data["case"], "facts": coord_data["facts"]}, cells.marks),
                         catalogue.facts)
        parsed = parse_case(Document(label, merged, cells.marks), catalogue.facts)
    except InputError as exc:
        raise InputError([_at_cell(cells, p, catalogue, lang) for p in exc.problems]) from None
    header = [t(lang, f"由 `fazhi import` 从{len(paths)}个工作簿合并导入：{label}",
                f"Merged by `fazhi import` from {len(paths)} workbooks: {label}")]
    district = {"name": own.district.name, "level": own.district.level, "parent": own.district.parent}
    submitted = {"date": own.submitted_on, "by": own.submitted_by}
    text_out = render(header, district, own.period, submitted, _entries(own, coord.origin, catalogue))
    text_out += _departments_yaml(parsed, given, catalogue)
    notes = [n for _, reader, _ in readers for n in reader.notes]
    return Imported(text_out, check(text_out, label, catalogue.facts), notes)


def _copy_marks(cells: Cells, reader: _Reader, workbook: str, prefix: tuple[Any, ...]) -> None:
    for path, (index, _) in reader.cells.marks.items():
        if not path or (prefix and path[0] != "facts"):
            continue
        sheet, coordinate = reader.cells.cells[index]
        cells.mark(prefix + path, f"{workbook} {sheet}", coordinate, reader.cells.labels.get(index))


def _at_cell(cells: Cells, p: Problem, catalogue: Catalogue, lang: str) -> Problem:
    sheet, coordinate, label = cells.cell(p.location.line)
    where = Location(f"{sheet}!{coordinate}") if sheet else p.location
    message = p.text(lang)
    for key in sorted(set(_KEY.findall(message)) & set(catalogue.facts), key=len, reverse=True):
        name = catalogue.facts[key].label.get(lang)
        message = message.replace(key, name if lang == "zh" else f"{name} ({key})")
    return Problem(where, message, field=label or p.field, suggestion=p.hint(lang))


def _departments_yaml(parsed: Any, given: Mapping[str, Any], catalogue: Catalogue) -> str:
    lines = ["departments:"]
    for d in parsed.departments:
        workbook = given[d.id][0] if d.id in given else None
        lines.append(f"  - id: {scalar(d.id)}")
        lines.append(f"    name: {scalar(d.name)}")
        lines.append(f"    kind: {scalar(d.kind)}")
        if workbook is None:
            lines.append("    submitted: false   # 未报送: no workbook")
            continue
        origin = given[d.id][2].origin
        body = render([], {}, 0, None, _entries(_Facts(d.facts), {k: f"{workbook} {v}" for k, v in origin.items()},
                                                 catalogue)).splitlines()
        start = next(i for i, line in enumerate(body) if line.startswith("facts:"))
        lines += ["    " + line for line in body[start:]]
    return "\n".join(lines) + "\n"


class _Facts:
    """What _entries reads of a case: its facts."""

    def __init__(self, facts: Mapping[str, Any]):
        self.facts = facts

