"""A user's own ruleset folder on top of the built-in catalogue (--rules-overlay): a requirement with a
built-in id replaces it, any other is added, and `rules list` says which is which."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

# A test overlay, not a real local rule: it re-states TS-REVIEW-STAFF-5PCT as critical (same text and
# threshold) and adds one requirement that reads a built-in fact, citing the built-in source.
OVERLAY = """\
ruleset:
  id: local-test
  title: {zh: 本地测试规则, en: Local test rules}
  version: "1"
  domain: three-systems
requirements:
  - id: TS-REVIEW-STAFF-5PCT
    title: {zh: 法制审核人员不少于执法人员的5%（本地）, en: Legal reviewers are at least 5% of enforcement staff (local)}
    severity: critical
    citations:
      - source: GBF-2018-118
        article: 四（十一）
        quote: 原则上各级行政执法机关的法制审核人员不少于本单位执法人员总数的5%
        confidence: verbatim
    vars:
      reviewers: {fact: three_systems.legal_review.reviewers}
      staff: {fact: three_systems.enforcement.staff}
      share: {percent: [reviewers, staff], label: {zh: 法制审核人员占比, en: Share of legal reviewers}}
    check: {gte: [share, 5]}
    expected: {zh: 法制审核人员占执法人员比例不低于5%, en: legal reviewers make up at least 5% of enforcement staff}
    message:
      gap: {zh: "法制审核人员占比{{ share }}%", en: "{{ share }}% legal reviewers"}
    remediation:
      measure: {zh: 配齐法制审核人员, en: Add legal reviewers}
      owner: 司法局
  - id: LT-REVIEWERS-NAMED
    title: {zh: 有法制审核人员, en: There are legal reviewers}
    severity: advisory
    citations:
      - source: GBF-2018-118
        article: 四（十一）
        quote: 原则上各级行政执法机关的法制审核人员不少于本单位执法人员总数的5%
        confidence: paraphrased
    vars:
      reviewers: {fact: three_systems.legal_review.reviewers}
    check: {gt: [reviewers, 0]}
    expected: {zh: 法制审核人员不为零, en: at least one legal reviewer}
    message:
      gap: {zh: 没有法制审核人员, en: no legal reviewers}
    remediation:
      measure: {zh: 配备法制审核人员, en: Appoint legal reviewers}
      owner: 司法局
"""


@pytest.fixture
def overlay(tmp_path) -> Path:
    folder = tmp_path / "my-rules"
    folder.mkdir()
    (folder / "local.yaml").write_text(OVERLAY, encoding="utf-8")
    return folder


def test_an_overlay_replaces_and_adds(overlay):
    from fazhi.app.rules import RuleSource, list_rules, load_rules
    base = load_rules()
    both = load_rules(RuleSource(overlay=(str(overlay),)))
    assert len(both.requirements) == len(base.requirements) + 1
    assert both.requirement("TS-REVIEW-STAFF-5PCT").severity.value == "critical"
    assert [r.id for r in both.requirements].count("TS-REVIEW-STAFF-5PCT") == 1
    origin = {x.requirement.id: x.origin for x in list_rules(both)}
    assert origin["TS-REVIEW-STAFF-5PCT"] == "replaces" and origin["LT-REVIEWERS-NAMED"] == "overlay"
    assert origin["TS-REVIEW-QUAL"] == "built-in"


def test_rules_list_marks_the_overlay(fazhi, overlay):
    code, out, _ = fazhi("rules", "list", "--rules-overlay", overlay, "--domain", "three-systems")
    lines = {line.split()[0]: line for line in out.splitlines()[:-1]}
    assert code == 0 and "［叠加替换］" in lines["TS-REVIEW-STAFF-5PCT"] and "［叠加新增］" in lines["LT-REVIEWERS-NAMED"]
    assert "叠加" not in lines["TS-REVIEW-QUAL"]
    code, out, _ = fazhi("rules", "list", "--rules-overlay", overlay, "--format", "json")
    assert {r["id"]: r["origin"] for r in json.loads(out)}["LT-REVIEWERS-NAMED"] == "overlay"


def test_check_with_an_overlay_records_it(fazhi, overlay, tmp_path):
    case = Path(__file__).resolve().parent.parent / "cases" / "macun-2020"
    code, out, err = fazhi("check", case, "--rules-overlay", overlay, "--format", "json", "--date", "2021-06-01")
    data = json.loads(out)
    assert code == 1, err
    assert any(f["requirement"] == "LT-REVIEWERS-NAMED" for f in data["findings"])
    assert data["manifest"]["command"]["overlay"] and any(r["id"] == "local-test" for r in data["manifest"]["rulesets"])


def test_an_overlay_ruleset_id_must_be_its_own(fazhi, overlay):
    text = OVERLAY.replace("id: local-test", "id: three-systems")
    (overlay / "local.yaml").write_text(text, encoding="utf-8")
    code, _, err = fazhi("rules", "list", "--rules-overlay", overlay)
    assert code == 2 and "与内置规则集相同" in err and "local.yaml" in err and "whatever ruleset" not in err
    code, _, err = fazhi("rules", "list", "--rules-overlay", overlay, "--lang", "en")
    assert code == 2 and "already built in" in err


def test_an_empty_overlay_is_an_error(fazhi, tmp_path):
    code, _, err = fazhi("rules", "list", "--rules-overlay", tmp_path)
    assert code == 2 and "overlay" in err
