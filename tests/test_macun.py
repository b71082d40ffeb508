"""The worked example: Macun District's 2020 report, checked from the facts it states."""
from __future__ import annotations

import json

import pytest

from helpers import ROOT, run_fazhi

SEED = ROOT.parent / "shared" / "seeds" / "macun-2020-annual-report.txt"


@pytest.fixture(scope="module")
def result():
    return run_fazhi("check", "cases/macun-2020", "--format", "json")


@pytest.fixture(scope="module")
def findings(result):
    return {(f["requirement"], f["record"]): f for f in json.loads(result.stdout)["findings"]}


def test_check_exits_1_with_a_mix_of_verdicts(result):
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert len(data["findings"]) >= 25
    counts = data["summary"]["counts"]
    assert counts["met"] and counts["gap"] and counts["insufficient_facts"] and counts["not_applicable"]


def test_no_legal_reviewer_count_means_insufficient(findings):
    assert findings[("TS-REVIEW-STAFF-5PCT", None)]["verdict"] == "insufficient_facts"


@pytest.mark.parametrize("requirement, admitted", [
    ("TS-IMPL-ALL", "部门间不同程度上存在差异"),             # uneven implementation across departments
    ("TS-ENF-REGULATED", "存在细节上的纰漏"),                # details wrong in penalty enforcement
    ("MD-PARTY", "一些重大决策事项报告制度不完善"),            # major-decision reporting incomplete
    ("TS-PUB-PLATFORM", "没有及时在网上公开发布"),            # works not published online in time
    ("TR-OGI-ACTIVE-20WD", "没有及时在网上公开发布"),
    ("TS-REC-FULL", "原始材料不齐全"),                        # original materials incomplete
])
def test_each_admitted_shortcoming_is_a_gap_traced_to_the_report(findings, requirement, admitted):
    finding = findings[(requirement, None)]
    assert finding["verdict"] == "gap"
    assert finding["citations"] and all(c["quote"] for c in finding["citations"])
    quotes = [f["evidence"]["quote"] for f in finding["facts"] if f["evidence"]]
    assert any(admitted in q for q in quotes), quotes


def test_fazhi_finds_more_than_the_report_admitted(findings):
    content = findings[("AR-CONTENT", None)]
    assert content["verdict"] == "gap"  # no account of the heads' first-responsible duties (督察规定 第二十五条(三))
    assert "第一责任人" in content["message"]


def test_law_in_force_in_2020(findings):
    # the 2021 Penalty Law and the 2023 Reconsideration Law did not apply to 2020
    assert findings[("TS-PENALTY-90D", None)]["verdict"] == "not_applicable"
    assert findings[("RL-REC-DECIDE-60D", None)]["verdict"] == "not_applicable"
    assert findings[("RL-REC-DECIDE-60D-2017", None)]["verdict"] == "insufficient_facts"


def test_every_evidence_quote_is_in_the_report(findings):
    if not SEED.exists():
        pytest.skip("the seed report is not beside the checkout")
    report = SEED.read_text(encoding="utf-8")
    quotes = {f["evidence"]["quote"] for finding in findings.values() for f in finding["facts"]
              if f["evidence"] and f["evidence"].get("quote") and not f["evidence"].get("url")}
    assert quotes
    missing = [q for q in quotes if q not in report]
    assert not missing, missing


def test_memo_round_trip_closes_what_the_next_year_fixed(tmp_path):
    memo = tmp_path / "memo.json"
    assert run_fazhi("memo", "cases/macun-2020", "--out", str(memo), "--date", "2021-03-01").returncode == 0
    items = json.loads(memo.read_text(encoding="utf-8"))["items"]
    assert {i["requirement"] for i in items} >= {"TS-REC-FULL", "MD-PARTY", "AR-CONTENT"}
    assert all(i["owner"] and i["deadline"] and i["acceptance"] for i in items)
    next_year = tmp_path / "macun-2021"
    next_year.mkdir()
    facts = (ROOT / "cases" / "macun-2020" / "facts.yaml").read_text(encoding="utf-8")
    fixed = facts.replace("three_systems.records.complete:\n    value: false", "three_systems.records.complete:\n    value: true")
    assert fixed != facts
    (next_year / "facts.yaml").write_text(fixed, encoding="utf-8")
    result = run_fazhi("check", str(next_year), "--memo", str(memo), "--format", "json")
    progress = json.loads(result.stdout)["progress"]
    status = {i["requirement"]: i["status"] for i in progress["items"]}
    assert status["TS-REC-FULL"] == "closed" and status["MD-PARTY"] == "open"


@pytest.mark.parametrize("suffix", ["md", "html", "docx"])
def test_every_document_carries_the_manifest_in_its_footer(tmp_path, suffix):
    import hashlib
    out = tmp_path / f"gap-report.{suffix}"
    assert run_fazhi("report", "cases/macun-2020", "--out", str(out), "--date", "2021-03-01").returncode == 0
    facts_hash = hashlib.sha256((ROOT / "cases" / "macun-2020" / "facts.yaml").read_bytes()).hexdigest()[:12]
    if suffix == "docx":
        from docx import Document
        text = Document(str(out)).paragraphs[-1].text
    else:
        text = out.read_text(encoding="utf-8").strip().splitlines()[-3 if suffix == "html" else -1]
    # the Chinese colophon (生成信息): version, date, digests; no file name or ruleset ID in Chinese prose
    assert text.count("生成信息") == 1 and "2021-03-01" in text and facts_hash in text and "three-systems" not in text
