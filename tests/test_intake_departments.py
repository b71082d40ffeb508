"""`fazhi questionnaire --departments` and `fazhi import` of many workbooks: 22 department workbooks and the
coordinator's, filled by a script as people type, import to the same verdicts as the YAML they were filled from."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from helpers import ROOT

from fazhi.load.ruleset_loader import load_catalogue
from fazhi.model.catalogue import Scope

DATA = ROOT / "tests" / "data" / "intake"
if str(DATA) not in sys.path:
    sys.path.insert(0, str(DATA))
from fill import fill

EXAMPLE = ROOT / "cases" / "example-departments-2020" / "facts.yaml"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([str(ROOT / "rulesets")])


def _kinds(catalogue):
    types = {k: s.type.value for k, s in catalogue.facts.items()}
    fields = {k: {f.name: f.type.value for f in s.fields} for k, s in catalogue.facts.items()}
    return types, fields


def _verdicts(data: dict) -> list[tuple]:
    found = [(f["requirement"], f["record"] or "", "", f["verdict"]) for f in data["findings"]]
    found += [(f["requirement"], f["record"] or "", f["department"], f["verdict"])
              for f in data.get("departments", {}).get("findings", [])]
    return sorted(found)


def _check(fazhi, case: Path) -> dict:
    code, out, err = fazhi("check", str(case), "--format", "json", "--date", "2021-03-01")
    assert code in (0, 1), err
    return json.loads(out)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The questionnaire folder written by the command, made once for the module."""
    from fazhi.app.intake import department_questionnaires
    folder = tmp_path_factory.mktemp("q")
    files = department_questionnaires(str(EXAMPLE), lang="zh", district="示例区（虚构）", period=2020)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder, list(files)


def test_questionnaire_writes_the_coordinators_and_one_workbook_per_department(fazhi, tmp_path, catalogue):
    code, _, err = fazhi("questionnaire", "--departments", str(EXAMPLE), "--out", str(tmp_path / "q"))
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "q").iterdir())
    assert len(names) == 23 and "区级汇总.xlsx" in names and "公安分局.xlsx" in names
    keys = {}
    for name in ("区级汇总.xlsx", "公安分局.xlsx"):
        wb = openpyxl.load_workbook(tmp_path / "q" / name)
        keys[name] = {ws.cell(r, 12).value for ws in wb.worksheets for r in range(3, ws.max_row + 1)} - {None}
    scope = {k: s.scope for k, s in catalogue.facts.items()}
    assert all(scope[k] != Scope.DEPARTMENT for k in keys["区级汇总.xlsx"] if k in scope)
    assert all(scope[k] != Scope.DISTRICT for k in keys["公安分局.xlsx"] if k in scope)
    assert "three_systems.henan" in keys["区级汇总.xlsx"] and "three_systems.henan" not in keys["公安分局.xlsx"]
    assert {"department.id", "three_systems.legal_review.reviewers"} <= keys["公安分局.xlsx"]


@pytest.fixture(scope="module")
def filled_once(workbooks, tmp_path_factory, catalogue) -> list[Path]:
    """The 23 workbooks filled from the example's YAML, once for the module; tests copy them."""
    tmp_path = tmp_path_factory.mktemp("filled")
    folder, names = workbooks
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    types, fields = _kinds(catalogue)
    filled = []
    by_name = {d["name"]: d for d in doc["departments"]}
    for name in names:
        target = tmp_path / name
        target.write_bytes((folder / name).read_bytes())
        stem = name[:-5]
        facts = doc["facts"] if stem == "区级汇总" else by_name[stem].get("facts", {})
        facts = {k: {"records": v} if isinstance(v, list) else v for k, v in facts.items()}
        part = tmp_path / f"{stem}.yaml"
        part.write_text(yaml.safe_dump({"case": doc["case"], "facts": facts}, allow_unicode=True), encoding="utf-8")
        fill(str(target), str(part), types, fields)
        filled.append(target)
    return filled


def _fill_all(filled_once, tmp_path) -> list[Path]:
    copies = []
    for path in filled_once:
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    return copies


def test_22_department_workbooks_round_trip_to_the_same_verdicts(fazhi, filled_once, tmp_path):
    filled = _fill_all(filled_once, tmp_path)
    assert len(filled) == 23
    out = tmp_path / "imported" / "facts.yaml"
    out.parent.mkdir()
    code, _, err = fazhi("import", *map(str, filled), "--out", str(out))
    assert code == 0, err
    assert "公安分局.xlsx" in out.read_text(encoding="utf-8")
    assert _verdicts(_check(fazhi, out.parent)) == _verdicts(_check(fazhi, EXAMPLE.parent))


def test_a_department_twice_or_unknown_is_an_error_and_nothing_is_written(fazhi, filled_once, tmp_path):
    filled = _fill_all(filled_once, tmp_path)
    out = tmp_path / "facts.yaml"
    police = next(p for p in filled if p.name == "公安分局.xlsx")
    twice = tmp_path / "公安分局-副本.xlsx"
    twice.write_bytes(police.read_bytes())
    code, _, err = fazhi("import", *map(str, filled), str(twice), "--out", str(out))
    assert code == 2 and "出现两次" in err and "公安分局-副本.xlsx 基本信息!C" in err and not out.exists()
    wb = openpyxl.load_workbook(police)
    ws = wb.worksheets[0]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 12).value == "department.id")
    ws.cell(row, 3, "nosuch")
    wb.save(police)
    code, _, err = fazhi("import", *map(str, filled), "--out", str(out))
    assert code == 2 and "nosuch" in err and f"公安分局.xlsx 基本信息!C{row}" in err and not out.exists()


def test_a_bad_value_names_workbook_sheet_and_cell(fazhi, filled_once, tmp_path):
    filled = _fill_all(filled_once, tmp_path)
    police = next(p for p in filled if p.name == "公安分局.xlsx")
    wb = openpyxl.load_workbook(police)
    ws, row = next((ws, r) for ws in wb.worksheets for r in range(3, ws.max_row + 1)
                   if ws.cell(r, 12).value == "three_systems.enforcement.staff")
    ws.cell(row, 3, "很多")
    wb.save(police)
    out = tmp_path / "facts.yaml"
    code, _, err = fazhi("import", *map(str, filled), "--out", str(out))
    assert code == 2 and f"公安分局.xlsx {ws.title}!C{row}" in err and "应填整数" in err and not out.exists()
