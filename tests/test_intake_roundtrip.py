"""Questionnaire -> filled by a script through openpyxl, as people type -> import -> the same verdicts.

The fill (tests/data/intake/fill.py) writes 是/否, "1,109", full-width digits, 2021年2月25日, and
percentages as Excel stores a typed 98% (0.98 in a percent-formatted cell) or as "９６.２％".
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from helpers import ROOT

from fazhi.load.facts_loader import load_case

DATA = ROOT / "tests" / "data" / "intake"
if str(DATA) not in sys.path:
    sys.path.insert(0, str(DATA))
from fill import fill
from support import cached_catalogue, share_catalogue

MACUN = ROOT / "cases" / "macun-2020" / "facts.yaml"
FULL = DATA / "full-case.yaml"


@pytest.fixture(autouse=True)
def _one_catalogue(monkeypatch):
    share_catalogue(monkeypatch)


@pytest.fixture(scope="module")
def catalogue():
    return cached_catalogue([str(ROOT / "rulesets")])


@pytest.fixture(scope="module")
def kinds(catalogue):
    types = {k: s.type.value for k, s in catalogue.facts.items()}
    fields = {k: {f.name: f.type.value for f in s.fields} for k, s in catalogue.facts.items()}
    return types, fields


def verdicts(fazhi, case: Path, *options: str) -> list[tuple]:
    code, out, err = fazhi("check", str(case), "--format", "json", *options)
    assert code in (0, 1), err
    return sorted((f["requirement"], f["record"] or "", f["verdict"]) for f in json.loads(out)["findings"])


@pytest.fixture(scope="module")
def blank_all(catalogue, tmp_path_factory):
    """The questionnaire of the whole vocabulary, made once (the command itself is tested below)."""
    from fazhi.intake.questionnaire import build_xlsx, select_facts
    path = tmp_path_factory.mktemp("q") / "q.xlsx"
    path.write_bytes(build_xlsx(catalogue, select_facts(catalogue, None), "zh"))
    return path


def round_trip(fazhi, tmp_path: Path, source: Path, kinds, *options: str, blank: Path | None = None) -> Path:
    if blank is None:
        blank = tmp_path / "q.xlsx"
        code, _, err = fazhi("questionnaire", "--out", str(blank), *options)
        assert code == 0, err
    filled = tmp_path / "filled.xlsx"
    shutil.copy(blank, filled)
    fill(str(filled), str(source), *kinds)
    out = tmp_path / "case" / "facts.yaml"
    code, _, err = fazhi("import", str(filled), "--out", str(out))
    assert code == 0, err
    return out


@pytest.mark.parametrize("source", [MACUN, FULL], ids=["macun-2020", "full-case"])
def test_every_fact_round_trips_with_its_evidence(fazhi, tmp_path, catalogue, kinds, blank_all, source):
    imported = round_trip(fazhi, tmp_path, source, kinds, blank=blank_all)
    a, b = load_case(str(imported), catalogue.facts), load_case(str(source), catalogue.facts)
    assert (a.district, a.period, a.submitted_on, a.submitted_by) == (b.district, b.period, b.submitted_on, b.submitted_by)
    assert a.facts.keys() == b.facts.keys()
    for key in b.facts:
        assert a.facts[key] == b.facts[key], key  # value, records and evidence
    assert verdicts(fazhi, imported) == verdicts(fazhi, source)


def test_three_systems_profile_gives_the_same_verdicts(fazhi, tmp_path, catalogue, kinds):
    """Only the profile's facts are asked; the answers give the profile's verdicts exactly as the YAML does."""
    profile = ("--profile", "three-systems-inspection")
    wanted = [k for k in yaml.safe_load(MACUN.read_text(encoding="utf-8"))["facts"]]
    source = tmp_path / "macun-ts.yaml"
    doc = yaml.safe_load(MACUN.read_text(encoding="utf-8"))
    q = tmp_path / "probe.xlsx"
    assert fazhi("questionnaire", "--out", str(q), *profile)[0] == 0
    asked = {c.value for ws in openpyxl.load_workbook(q).worksheets for c in ws["L"] if c.value}
    doc["facts"] = {k: v for k, v in doc["facts"].items() if k in asked}
    assert doc["facts"] and len(doc["facts"]) < len(wanted)  # a real subset
    source.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    imported = round_trip(fazhi, tmp_path, source, kinds, *profile)
    assert verdicts(fazhi, imported, *profile) == verdicts(fazhi, MACUN, *profile)


def test_workbook_layout(fazhi, tmp_path):
    q = tmp_path / "q.xlsx"
    code, _, err = fazhi("questionnaire", "--profile", "three-systems-inspection", "--out", str(q))
    assert code == 0, err
    wb = openpyxl.load_workbook(q)
    assert wb.sheetnames[:2] == ["基本信息", "行政执法三项制度"]
    ws = wb["行政执法三项制度"]
    heads = [c.value for c in ws[2]]
    assert heads[:5] == ["事项", "问题", "填写", "单位", "类型和范围"] and heads[-1].startswith("key")
    assert "证据：原文摘录" in heads
    rows = {ws.cell(r, 12).value: r for r in range(3, ws.max_row + 1)}
    reviewers = rows["three_systems.legal_review.reviewers"]
    assert ws.cell(reviewers, 4).value == "人" and "不大于" in ws.cell(reviewers, 5).value
    rules = {str(cell): dv for dv in ws.data_validations.dataValidation for cell in dv.sqref.ranges}
    dv = rules[f"C{reviewers}"]
    assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert rules[f"C{rows['three_systems.henan']}"].formula1 == '"是,否"'
    # a sheet per records fact, its fields in row 5 and an enum field validated as a list
    decisions = next(s for s in wb.worksheets if s["B2"].value == "three_systems.enforcement_decisions")
    fields = [c.value for c in decisions[5] if c.value]
    assert fields[0] == "id" and "decided_on" in fields and "evidence.quote" in fields
    assert any(dv.type == "list" and "penalty" in dv.formula1 for dv in decisions.data_validations.dataValidation)


def test_english_questionnaire(fazhi, tmp_path):
    q = tmp_path / "q.xlsx"
    assert fazhi("questionnaire", "--profile", "three-systems-inspection", "--lang", "en", "--out", str(q))[0] == 0
    ws = openpyxl.load_workbook(q)["three-systems"]
    assert ws["B2"].value == "Question" and ws["B3"].value.endswith("?")


def test_yaml_questionnaire_is_a_facts_file_with_questions_as_comments(fazhi, tmp_path, catalogue):
    q = tmp_path / "q.yaml"
    code, _, err = fazhi("questionnaire", "--profile", "three-systems-inspection", "--out", str(q),
                         "--district", "样例区", "--period", "2021")
    assert code == 0, err
    text = q.read_text(encoding="utf-8")
    assert "# 法制审核人员数: 从事重大执法决定法制审核的人员共多少人？" in text.replace("法制审核人员数:", "法制审核人员数:")
    case = load_case(str(q), catalogue.facts)  # loads as it stands: every value null
    assert case.district.name == "样例区" and case.period == 2021 and not case.facts
    filled = text.replace("three_systems.legal_review.reviewers:\n    value: null", "three_systems.legal_review.reviewers:\n    value: 15")
    q.write_text(filled, encoding="utf-8")
    assert load_case(str(q), catalogue.facts).facts["three_systems.legal_review.reviewers"].value == 15


def test_questionnaire_refuses_to_overwrite_and_unknown_formats(fazhi, tmp_path):
    q = tmp_path / "q.xlsx"
    q.write_bytes(b"keep")
    code, _, err = fazhi("questionnaire", "--out", str(q))
    assert code == 2 and "--force" in err and q.read_bytes() == b"keep"
    code, _, err = fazhi("questionnaire", "--out", str(tmp_path / "q.csv"))
    assert code == 2 and ".xlsx" in err and ".yaml" in err and "q.csv" in err
