"""The command as a user runs it: formats, languages, exit codes, output files and determinism."""
from __future__ import annotations

import json

from helpers import CORE_CASE, CORE_RULES, run_fazhi

RULES = ("--rules", str(CORE_RULES))


def test_check_json_contract_and_exit_code():
    result = run_fazhi("check", str(CORE_CASE), *RULES, "--format", "json")
    assert result.returncode == 1  # the core case has gaps
    data = json.loads(result.stdout)
    assert data["schema_version"] == "1.0"
    assert data["case"] == {"district": "测试区", "level": "区", "parent": "测试市", "period": 2020}
    assert data["ruleset"] == [{"id": "core-test", "version": "1"}]
    assert data["summary"]["counts"] == {"met": 6, "gap": 2, "insufficient_facts": 0, "not_applicable": 2}
    keys = {"requirement", "verdict", "severity", "domain", "title", "message", "expected", "actual", "facts",
            "citations", "remediation", "record", "confidence"}
    for finding in data["findings"]:
        assert keys <= set(finding)
        assert finding["citations"] and finding["citations"][0]["quote"]
    gap = next(f for f in data["findings"] if f["requirement"] == "TT-WITHIN-LIMIT")
    assert gap["verdict"] == "gap" and gap["record"] == "D2"
    staff = next(f for f in data["findings"] if f["requirement"] == "TT-RATIO")["facts"][1]
    assert staff == {"key": "test.staff", "label": "执法人员数", "value": 300, "display": "300",
                     "evidence": {"document": "测试报告", "quote": "共有执法人员300人"}}


def test_english_output():
    result = run_fazhi("check", str(CORE_CASE), *RULES, "--lang", "en")
    assert "[gap] TT-DEADLINE" in result.stdout and "submitted 2021-03-02, after 2021-03-01" in result.stdout


def test_markdown_output():
    result = run_fazhi("check", str(CORE_CASE), *RULES, "--format", "markdown")
    assert result.stdout.startswith("# 测试区 2020") and "| TT-DEADLINE 次年3月1日前报送 | 差距 |" in result.stdout


def test_same_input_gives_byte_identical_json():
    first = run_fazhi("check", str(CORE_CASE), *RULES, "--format", "json").stdout
    second = run_fazhi("check", str(CORE_CASE), *RULES, "--format", "json").stdout
    assert first == second


def test_out_file_is_never_silently_overwritten(tmp_path):
    out = tmp_path / "findings.json"
    assert run_fazhi("check", str(CORE_CASE), *RULES, "--format", "json", "--out", str(out)).returncode == 1
    written = out.read_text(encoding="utf-8")
    again = run_fazhi("check", str(CORE_CASE), *RULES, "--format", "json", "--out", str(out), "--lang", "en")
    assert again.returncode == 2 and "already exists" in again.stderr
    assert out.read_text(encoding="utf-8") == written
    assert run_fazhi("check", str(CORE_CASE), *RULES, "--format", "json", "--out", str(out), "--force", "--lang", "en").returncode == 1
    assert json.loads(out.read_text(encoding="utf-8"))["lang"] == "en"
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]  # no temporary file left behind


def test_failed_run_writes_nothing(tmp_path):
    out = tmp_path / "findings.json"
    bad = tmp_path / "facts.yaml"
    bad.write_text("case: {district: {name: x}, period: 2020}\nfacts: {test.staf: 1}\n", encoding="utf-8")
    assert run_fazhi("check", str(bad), *RULES, "--format", "json", "--out", str(out)).returncode == 2
    assert not out.exists()


def test_usage_errors_exit_2():
    assert run_fazhi("check").returncode == 2
    assert run_fazhi("check", str(CORE_CASE), *RULES, "--format", "pdf").returncode == 2
    assert run_fazhi("frobnicate").returncode == 2


def test_rules_commands():
    listing = run_fazhi("rules", "list", *RULES, "--format", "json")
    assert listing.returncode == 0
    assert [r["id"] for r in json.loads(listing.stdout)][:2] == ["TT-RATIO", "TT-RATE-7"]
    as_of = json.loads(run_fazhi("rules", "list", *RULES, "--format", "json", "--as-of", "2020-12-31").stdout)
    assert "TT-LATE" not in [r["id"] for r in as_of]
    shown = run_fazhi("rules", "show", "TT-RATIO", *RULES)
    assert shown.returncode == 0 and "不少于5%" in shown.stdout and "test.reviewers" in shown.stdout
    unknown = run_fazhi("rules", "show", "TT-RATOI", *RULES)
    assert unknown.returncode == 2 and "是否应为“TT-RATIO”" in unknown.stderr
    bad_domain = run_fazhi("rules", "list", *RULES, "--domain", "tset")
    assert bad_domain.returncode == 2 and "是否应为“test”" in bad_domain.stderr


def test_manifest_and_verify(tmp_path):
    case = tmp_path / "facts.yaml"
    case.write_text(CORE_CASE.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "findings.json"
    run_fazhi("check", str(case), *RULES, "--format", "json", "--out", str(out), "--date", "2026-11-29")
    manifest = json.loads(out.read_text(encoding="utf-8"))["manifest"]
    assert manifest["evaluated_on"] == "2026-11-29" and manifest["fazhi_version"]
    assert manifest["rulesets"][0]["id"] == "core-test" and manifest["rulesets"][0]["sha256"].startswith("sha256:")
    assert [i["role"] for i in manifest["inputs"]] == ["facts"]
    same = run_fazhi("verify", str(out))
    assert same.returncode == 0 and same.stdout.startswith("一致：按记录的输入逐字节重新生成了全部10条结论")
    case.write_text(case.read_text(encoding="utf-8").replace("used: 6, limit: 5", "used: 4, limit: 5"), encoding="utf-8")
    differ = run_fazhi("verify", str(out))
    assert differ.returncode == 1
    assert "结论 TT-WITHIN-LIMIT D2：原为差距，现已没有" in differ.stdout and "事实文件（" in differ.stdout and "已改动" in differ.stdout


def test_verify_rejects_a_file_without_manifest(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{}", encoding="utf-8")
    result = run_fazhi("verify", str(bad))
    assert result.returncode == 2 and "不是含清单（manifest）的结论文件" in result.stderr


def test_validate_checks_the_extraction_patterns_beside_the_rulesets(tmp_path):
    import shutil
    from helpers import ROOT
    rules = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets", rules)
    ok = run_fazhi("validate", str(rules))
    assert ok.returncode == 0 and "以及提取规则" in ok.stdout
    pattern = rules / "extraction" / "three-systems.yaml"
    pattern.write_text(pattern.read_text(encoding="utf-8").replace("three_systems.henan", "three_systemz.henan", 1),
                       encoding="utf-8")
    bad = run_fazhi("validate", str(rules))
    assert bad.returncode == 2 and "是否应为“three_systems.henan”" in bad.stderr and "three-systems.yaml:" in bad.stderr
