"""Evidence tiers, inspectors' verifications and waivers: what each changes, and what stays on record."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import ROOT

DATA = ROOT / "tests" / "data" / "inspect"
MACUN = ROOT / "cases" / "macun-2020" / "facts.yaml"


@pytest.fixture
def macun(tmp_path: Path) -> Path:
    """Macun's facts with an inspector's verifications and two waivers (one expired by 2021-06-01)."""
    folder = tmp_path / "macun-2020"
    folder.mkdir()
    shutil.copy(MACUN, folder / "facts.yaml")
    shutil.copy(DATA / "macun-verifications.yaml", folder / "verifications.yaml")
    shutil.copy(DATA / "macun-waivers.yaml", folder / "waivers.yaml")
    return folder


def check(fazhi, case: Path, *extra: str) -> tuple[int, dict]:
    code, out, err = fazhi("check", str(case), "--format", "json", "--date", "2021-06-01", *extra)
    assert code in (0, 1), err
    return code, json.loads(out)


def by_requirement(data: dict) -> dict[str, dict]:
    return {f["requirement"]: f for f in data["findings"] if f["record"] is None}


def test_plain_macun_is_documented_and_unverified(fazhi):
    _, data = check(fazhi, ROOT / "cases" / "macun-2020")
    findings = by_requirement(data)
    assert findings["AR-SUBMIT-0301"]["verdict"] == "met" and findings["AR-SUBMIT-0301"]["tier"] == "documented"
    assert data["summary"]["met_unverified"] == data["summary"]["counts"]["met"]
    assert "waived" not in data["summary"]["counts"]  # the 1.0 shape when no waiver names the district
    assert "waivers" not in data


def test_a_verified_value_replaces_the_claim_and_the_claim_stays_on_record(fazhi, macun):
    _, data = check(fazhi, macun)
    findings = by_requirement(data)
    head = findings["RL-HEAD-APPEAR"]  # no figure claimed → verified 0 unattended: insufficient → met
    assert head["verdict"] == "met" and head["tier"] == "verified"
    fact = next(f for f in head["facts"] if f["key"] == "litigation.cases_unattended")
    assert fact["value"] == 0 and fact["verification"]["claimed"] is None and fact["verification"]["inspector"].startswith("李明")
    timely = next(f for f in findings["TS-PUB-PLATFORM"]["facts"] if f["key"] == "three_systems.publicity.timely")
    assert timely["value"] is True and timely["verification"]["claimed"] is False  # the district said no
    assert data["data_quality"] == []  # the verified 92.86% agrees with 13 of 14
    assert data["summary"]["met_unverified"] == data["summary"]["counts"]["met"] - 1


def test_waived_is_counted_apart_and_an_expired_waiver_stays_a_gap(fazhi, macun):
    code, data = check(fazhi, macun, "--profile", "annual-evaluation")
    findings = by_requirement(data)
    content, party = findings["AR-CONTENT"], findings["MD-PARTY"]
    assert content["verdict"] == "waived" and content["original_verdict"] == "gap"
    assert content["waiver"]["approved_by"] == "焦作市委依法治市办" and content["waiver"]["expired"] is False
    assert party["verdict"] == "gap" and party["waiver"]["expired"] is True and "original_verdict" not in party
    assert data["summary"]["counts"]["waived"] == 1 and code == 1
    statuses = {w["requirement"]: w["status"] for w in data["waivers"]}
    assert statuses == {"AR-CONTENT": "applied", "MD-PARTY": "expired"}
    score = data["score"]
    assert score["waived"] == 1 and score["without_waivers"]["total"] != score["total"]
    assert any("不计豁免" in line for line in score["derivation"])


def test_report_separates_waivers_unverified_and_data_quality(fazhi, macun, tmp_path):
    out = tmp_path / "report.md"
    code, _, err = fazhi("report", str(macun), "--out", str(out), "--date", "2021-06-01")
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "## 三、豁免事项" in text and "已过期，不予豁免" in text and "| 已豁免 |" in text
    assert "## 四、符合但未经核验" in text and "3月1日前向上一级党委和政府报告上一年度法治政府建设情况" in text.split("## 四、符合但未经核验")[1].split("##")[0]
    plain = tmp_path / "plain.md"
    assert fazhi("report", "cases/macun-2020", "--out", str(plain), "--date", "2021-06-01")[0] == 0
    text = plain.read_text(encoding="utf-8")
    assert "豁免事项" not in text and "符合但未经核验" not in text and "## 三、数据质量问题" in text and "92.86%" in text


def test_docx_report_has_the_same_sections(fazhi, macun, tmp_path):
    docx = pytest.importorskip("docx")
    out = tmp_path / "report.docx"
    assert fazhi("report", str(macun), "--out", str(out), "--date", "2021-06-01")[0] == 0
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name.startswith("Heading")]
    assert "三、豁免事项" in headings and "四、符合但未经核验" in headings


def test_a_waiver_file_with_errors_stops_with_file_and_line(fazhi, macun):
    shutil.copy(DATA / "bad-waivers.yaml", macun / "waivers.yaml")
    code, _, err = fazhi("check", str(macun))
    assert code == 2
    assert "waivers.yaml:8:" in err and "批准人“" in err and "也是申请人" in err
    assert "waivers.yaml:10:" in err and "是否应为“AR-CONTENT”" in err
    code, _, err = fazhi("check", str(macun), "--lang", "en")
    assert code == 2 and "who also requested it" in err and "did you mean 'AR-CONTENT'" in err


def test_verification_errors_name_file_and_line(fazhi, macun):
    shutil.copy(DATA / "bad-verifications.yaml", macun / "verifications.yaml")
    code, _, err = fazhi("check", str(macun))
    assert code == 2
    assert "verifications.yaml:2:" in err and "是否应为“litigation.cases_won”" in err
    assert "verifications.yaml:6:" in err and "请写明核验的是哪条记录的哪个字段" in err
    assert "verifications.yaml:11:" in err and "应填整数" in err
    code, _, err = fazhi("check", str(macun), "--lang", "en")
    assert code == 2 and "did you mean 'litigation.cases_won'" in err and "name the record and the field" in err
    assert "expected a whole number" in err


def test_a_record_field_can_be_verified(fazhi, macun):
    (macun / "verifications.yaml").write_text(
        "verifications:\n  - {fact: transparency.requests, record: 申请2, field: replied, value: false, inspector: 李明, date: 2021-04-20}\n",
        encoding="utf-8")
    (macun / "waivers.yaml").unlink()
    _, data = check(fazhi, macun)
    uses = [u for f in data["findings"] for u in f["facts"] if u["key"] == "transparency.requests[申请2].replied"]
    assert uses and all(u["value"] is False and u["verification"]["claimed"] is True for u in uses)
    missing = macun / "verifications.yaml"
    missing.write_text("verifications:\n  - {fact: transparency.requests, record: 申请9, field: replied, value: true, "
                       "inspector: 李明, date: 2021-04-20}\n", encoding="utf-8")
    code, _, err = fazhi("check", str(macun))
    assert code == 2 and "verifications.yaml:2:" in err and "no record '申请9'" in err


def test_manifest_records_the_inspection_inputs(fazhi, macun):
    _, data = check(fazhi, macun)
    roles = {i["role"] for i in data["manifest"]["inputs"]}
    assert {"facts", "verifications", "waivers"} <= roles
