"""`fazhi import`: every problem at sheet!cell with the fact and what is wrong, all at once, nothing written."""
from __future__ import annotations

import shutil
import sys

import openpyxl
import pytest
from helpers import ROOT

DATA = ROOT / "tests" / "data" / "intake"
if str(DATA) not in sys.path:
    sys.path.insert(0, str(DATA))
from support import cached_catalogue, share_catalogue


@pytest.fixture(autouse=True)
def _one_catalogue(monkeypatch):
    share_catalogue(monkeypatch)


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    """A fresh questionnaire for the three-systems inspection (made once, copied by each test)."""
    from fazhi.intake.questionnaire import build_xlsx, select_facts
    from fazhi.load.profiles import find_profile, load_profile
    catalogue = cached_catalogue([str(ROOT / "rulesets")])
    profile = load_profile(find_profile("three-systems-inspection", [str(ROOT / "rulesets")]), catalogue)
    path = tmp_path_factory.mktemp("q") / "q.xlsx"
    path.write_bytes(build_xlsx(catalogue, select_facts(catalogue, profile), "zh", "样例区", 2021))
    return path


def rows(ws):
    return {ws.cell(r, 12).value: r for r in range(3, ws.max_row + 1) if ws.cell(r, 12).value}


def filled(blank, tmp_path, values: dict[str, object], records: dict[str, list[dict]] | None = None):
    path = tmp_path / "filled.xlsx"
    shutil.copy(blank, path)
    wb = openpyxl.load_workbook(path)
    where = {key: (ws, row) for ws in wb.worksheets if str(ws.cell(2, 12).value or "").startswith("key")
             for key, row in rows(ws).items()}
    for key, value in values.items():
        ws, row = where[key]
        ws.cell(row, 3, value)
    for key, items in (records or {}).items():
        sheet = next(ws for ws in wb.worksheets if ws["B2"].value == key)
        cols = {c.value: c.column for c in sheet[5] if c.value}
        for i, item in enumerate(items):
            for name, value in item.items():
                sheet.cell(6 + i, cols[name], value)
    wb.save(path)
    return path, {key: f"{ws.title}!C{row}" for key, (ws, row) in where.items()}


def test_all_problems_at_once_with_sheet_cell_and_fact(fazhi, blank, tmp_path):
    path, cell = filled(blank, tmp_path, {
        "three_systems.legal_review.reviewers": "约10人",
        "three_systems.henan": "也许",
        "three_systems.enforcement.staff": 100,
        "three_systems.enforcement.certified": 120,
    }, {"three_systems.enforcement_decisions": [{"id": "D1", "decided_on": "2021年2月30日", "type": "fine"},
                                                {"id": "D1", "officers": 2}]})
    out = tmp_path / "case" / "facts.yaml"
    code, _, err = fazhi("import", str(path), "--out", str(out))
    assert code == 2 and "Traceback" not in err
    assert not out.exists()
    assert f"{cell['three_systems.legal_review.reviewers']}: 法制审核人员数: 应填整数，填写的是'约10人'" in err
    assert "“约10人”“10余次”等约数请在证据说明中注明" in err
    assert f"{cell['three_systems.henan']}: " in err and "应填“是”或“否”，填写的是'也许'" in err
    assert f"{cell['three_systems.enforcement.certified']}: 持证行政执法人员数: 120大于" in err
    sheet = openpyxl.load_workbook(path)["行政执法决定"]
    col = {c.value: c.column_letter for c in sheet[5] if c.value}
    assert f"行政执法决定!{col['decided_on']}6: 行政执法决定: 决定日期: “2021年2月30日”不是有效日期" in err
    assert f"行政执法决定!{col['type']}6: " in err and "“fine”不是可选项" in err
    assert "行政执法决定!A7: 行政执法决定: 编号: 记录编号“D1”重复" in err
    assert "120大于“行政执法人员总数”（100）" in err
    assert len(err.strip().splitlines()) == 6


def test_english_messages(fazhi, blank, tmp_path):
    path, cell = filled(blank, tmp_path, {"three_systems.legal_review.reviewers": "约10人"})
    code, _, err = fazhi("import", str(path), "--out", str(tmp_path / "f.yaml"), "--lang", "en")
    assert code == 2
    assert f"{cell['three_systems.legal_review.reviewers']}: Legal reviewers" in err
    assert "expected a whole number, got '约10人'" in err


def test_values_typed_the_way_people_type_them(fazhi, blank, tmp_path):
    path, _ = filled(blank, tmp_path, {
        "three_systems.enforcement.staff": "1,109",
        "three_systems.enforcement.certified": "１１０１",
        "three_systems.henan": "是",
        "three_systems.publicity.platform": "否",
    }, {"three_systems.enforcement_decisions": [{"id": "D1", "decided_on": "2021年2月25日", "type": "penalty"}]})
    out = tmp_path / "case" / "facts.yaml"
    code, _, err = fazhi("import", str(path), "--out", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    for line in ("value: 1109", "value: 1101", "three_systems.henan:\n    value: true", "decided_on: 2021-02-25"):
        assert line in text
    assert "# 行政执法三项制度!C" in text  # where each value came from
    assert fazhi("check", str(out), "--format", "json")[0] in (0, 1)


@pytest.mark.parametrize("typed, number_format", [("98%", None), ("９８％", None), (98, None), (0.98, "0%"), (0.98, None)])
def test_percent_forms(tmp_path, typed, number_format):
    from fazhi.intake.importer import import_workbook
    from fazhi.intake.questionnaire import build_xlsx
    catalogue = cached_catalogue([str(ROOT / "rulesets")])
    q = tmp_path / "q.xlsx"
    q.write_bytes(build_xlsx(catalogue, [catalogue.facts["enforcement.random_inspection_share"]], "zh", "样例区", 2021))
    path, _ = filled(q, tmp_path, {"enforcement.random_inspection_share": typed})
    if number_format:  # how Excel stores a typed 98%
        wb = openpyxl.load_workbook(path)
        wb.worksheets[1]["C3"].number_format = number_format
        wb.save(path)
    imported = import_workbook(str(path), catalogue)
    assert imported.case.facts["enforcement.random_inspection_share"].value == 98
    assert "enforcement.random_inspection_share:\n    value: 98\n" in imported.text
    assert any("0.98 按比例读作 98" in n for n in imported.notes) == (typed == 0.98 and number_format is None)


def test_existing_facts_file_is_not_overwritten(fazhi, blank, tmp_path):
    path, _ = filled(blank, tmp_path, {"three_systems.henan": "是"})
    out = tmp_path / "facts.yaml"
    out.write_text("keep", encoding="utf-8")
    code, _, err = fazhi("import", str(path), "--out", str(out))
    assert code == 2 and "--force" in err and out.read_text(encoding="utf-8") == "keep"
    assert fazhi("import", str(path), "--out", str(out), "--force")[0] == 0
    assert "three_systems.henan" in out.read_text(encoding="utf-8")


def test_a_missing_district_is_named_at_its_cell(fazhi, blank, tmp_path):
    path, _ = filled(blank, tmp_path, {"case.district.name": None, "case.period": "2021年度"})
    wb = openpyxl.load_workbook(path)
    wb["基本信息"]["C3"] = None
    wb.save(path)
    code, _, err = fazhi("import", str(path), "--out", str(tmp_path / "f.yaml"))
    assert code == 2 and "基本信息!C3: 区县名称" in err


@pytest.mark.parametrize("content, lang, message", [(b"not a zip", "en", "not an Excel workbook"),
                                                   (b"", "zh", "不是Excel工作簿（.xlsx）")])
def test_not_a_workbook(fazhi, tmp_path, content, lang, message):
    path = tmp_path / "q.xlsx"
    path.write_bytes(content)
    code, _, err = fazhi("import", str(path), "--out", str(tmp_path / "f.yaml"), "--lang", lang)
    assert code == 2 and message in err and "Traceback" not in err


def test_a_workbook_not_made_by_fazhi(fazhi, tmp_path):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    wb.save(path)
    code, _, err = fazhi("import", str(path), "--out", str(tmp_path / "f.yaml"))
    assert code == 2 and "fazhi questionnaire" in err


def test_an_edited_key_column(fazhi, blank, tmp_path):
    path, _ = filled(blank, tmp_path, {"three_systems.henan": "是"})
    wb = openpyxl.load_workbook(path)
    ws = wb["行政执法三项制度"]
    ws["L3"] = "three_systems.hennan"
    wb.save(path)
    code, _, err = fazhi("import", str(path), "--out", str(tmp_path / "f.yaml"))
    assert code == 2 and "行政执法三项制度!L3" in err and "是否应为“three_systems.henan”" in err
