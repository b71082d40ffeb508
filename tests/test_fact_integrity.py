"""Issue 15, fact integrity: each measured defect has a test named after it.

Impossible date orders and dates outside their period become data-quality findings that make the dates
doubtful: the rules read them as unknown, so no verdict rests on them (never met, never a negative day
count). A part above its total and a quantity stated twice differently make both figures doubtful.
A percent written as a fraction is flagged with both readings; a total of 0 says what is 0;
met per-record findings keep what they computed; not_applicable findings keep the facts given.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from fazhi.errors import InputError
from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import load_case
from fazhi.load.ruleset_loader import load_catalogue
from fazhi.render.output import to_json_data
from fazhi.vocabulary import Verdict
from helpers import ROOT


@pytest.fixture(scope="module")
def evaluator():
    with Evaluator(load_catalogue([str(ROOT / "rulesets")])) as e:
        yield e


def write_case(folder: Path, facts: str, period: int = 2020) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = textwrap.indent(textwrap.dedent(facts).strip(), "  ")
    (folder / "facts.yaml").write_text(f"case:\n  district: {{name: 测试区}}\n  period: {period}\nfacts:\n{body}\n",
                                       encoding="utf-8")
    return folder


def evaluate(evaluator, tmp_path, facts: str, only: list[str], period: int = 2020):
    case = load_case(str(write_case(tmp_path / "case", facts, period)), evaluator.catalogue.facts)
    return evaluator.evaluate(case, only=only)


def verdicts(evaluation, requirement: str) -> dict[str | None, Verdict]:
    return {f.record: f.verdict for f in evaluation.findings if f.requirement == requirement}


def finding(evaluation, requirement: str, record: str | None = None):
    return next(f for f in evaluation.findings if f.requirement == requirement and f.record == record)


def quality(evaluation, kind: str):
    return [q for q in evaluation.data_quality if q.kind == kind]


# --- dates in the wrong order -------------------------------------------------------------------

def test_penalty_published_before_decided_is_not_met(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        three_systems.enforcement_decisions:
          - {id: P1, type: penalty, publication: published, decided_on: 2020-09-28, published_on: 2020-09-20}
          - {id: P2, type: penalty, publication: published, decided_on: 2020-11-02, published_on: 2020-11-06}
        """, ["TS-PUB-POST-7WD"])
    assert verdicts(e, "TS-PUB-POST-7WD") == {"P1": Verdict.INSUFFICIENT}  # was met; P2 alone cannot make it met
    [q] = quality(e, "order")
    assert q.record == "P1" and "2020年9月20日" in q.message.zh and "2020年9月28日" in q.message.zh
    assert "2020-09-20" in q.message.en and "2020-09-28" in q.message.en and "P1" in q.message.en
    assert set(q.doubtful) == {("three_systems.enforcement_decisions", "P1", "decided_on"),
                               ("three_systems.enforcement_decisions", "P1", "published_on")}
    f = finding(e, "TS-PUB-POST-7WD", "P1")
    assert f.message.zh.startswith("事项P1：数据存疑，无法判断：") and q.message.zh in f.message.zh
    shown = {u.key.rsplit(".", 1)[-1]: u.display.zh for u in f.facts}
    assert shown["published_on"] == "2020年9月20日（存疑，见数据质量问题）"  # as given, not 未提供
    assert "-" not in shown["wd"] and shown["wd"] == "未提供"  # never a negative working-day count


def test_reply_before_request_is_not_met(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        transparency.requests:
          - {id: Q1, consulted_others: false, received_on: 2020-06-10, replied: true, replied_on: 2020-06-01}
        """, ["TR-OGI-REPLY-20WD"])
    assert verdicts(e, "TR-OGI-REPLY-20WD") == {"Q1": Verdict.INSUFFICIENT}
    [q] = quality(e, "order")
    assert q.check == "transparency.requests.received_on<=replied_on:order"
    assert "答复日期（2020年6月1日）早于收到申请日期（2020年6月10日）" in q.message.zh


def test_discussed_before_sent_for_review_is_a_gap_without_a_negative_count(evaluator, tmp_path):
    """Discussing before the review is the breach the law names (a gap), not a date that cannot be."""
    e = evaluate(evaluator, tmp_path, """
        major_decisions.decisions:
          - {id: D1, legality_reviewed: true, legality_review_sent_on: 2020-06-22, discussed_on: 2020-05-28}
        """, ["MD-LEGAL-7WD"])
    f = finding(e, "MD-LEGAL-7WD", "D1")
    assert f.verdict is Verdict.GAP and e.data_quality == ()
    assert "-16" not in f.message.zh and "仅" not in f.message.zh and "讨论前没有审查时间" in f.message.zh
    assert "no review time before the discussion" in f.message.en


def test_opinion_before_the_request_for_review_is_data_quality(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        major_decisions.decisions:
          - {id: D1, legality_reviewed: true, legality_review_sent_on: 2020-07-10, legality_opinion_on: 2020-07-05,
             discussed_on: 2020-07-28, legality_conclusion: 合法}
        """, ["MD-LEGAL-MANDATORY", "MD-LEGAL-7WD"])
    assert [q.check for q in e.data_quality] == ["major_decisions.decisions.legality_review_sent_on<=legality_opinion_on:order"]
    assert verdicts(e, "MD-LEGAL-MANDATORY") == {"D1": Verdict.INSUFFICIENT}  # was met on an opinion of 07-05
    assert verdicts(e, "MD-LEGAL-7WD") == {"D1": Verdict.INSUFFICIENT}


def test_opinion_after_discussion_stays_a_gap(evaluator, tmp_path):
    """An order the law demands is not declared: its gap fixtures still hold."""
    e = evaluate(evaluator, tmp_path, """
        major_decisions.decisions:
          - {id: D1, legality_reviewed: true, legality_review_sent_on: 2020-05-01, legality_opinion_on: 2020-06-03,
             discussed_on: 2020-06-01, legality_conclusion: 合法}
          - {id: D2, hearing_held: true, hearing_on: 2020-08-10, hearing_materials_sent_on: 2020-08-12,
             hearing_participants_published_on: 2020-08-01}
        """, ["MD-LEGAL-MANDATORY", "MD-HEARING-7D"])
    assert e.data_quality == ()
    assert verdicts(e, "MD-LEGAL-MANDATORY")["D1"] is Verdict.GAP
    hearing = finding(e, "MD-HEARING-7D", "D2")
    assert hearing.verdict is Verdict.GAP and "-2" not in hearing.message.zh and "晚于听证会" in hearing.message.zh


def test_comment_end_before_start_is_not_met(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        major_decisions.decisions:
          - {id: D1, public_consultation: true, comment_start: 2020-03-01, comment_end: 2020-02-01, shortened_reason_stated: false}
        """, ["MD-PUBLIC-30D"])
    assert verdicts(e, "MD-PUBLIC-30D") == {"D1": Verdict.INSUFFICIENT}  # was a gap of -29 days
    assert [q.kind for q in e.data_quality] == ["order"]


# --- dates outside the period -------------------------------------------------------------------

def test_2020_report_published_2019_03_01_is_not_met(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, "annual_report.published_on: 2019-03-01", ["AR-PUBLISH-0401"])
    assert verdicts(e, "AR-PUBLISH-0401") == {None: Verdict.INSUFFICIENT}
    [q] = e.data_quality
    assert q.check == "annual_report.published_on:after_period" and q.doubtful == (("annual_report.published_on", None, None),)
    assert "2019年3月1日" in q.message.zh and "早于2020年度结束" in q.message.zh
    assert "before the 2020 period ended" in q.message.en


def test_2020_report_submitted_2020_02_20_is_not_met_and_exits_1(evaluator, tmp_path, fazhi):
    e = evaluate(evaluator, tmp_path, "annual_report.reported_upward_on: 2020-02-20", ["AR-SUBMIT-0301"])
    assert verdicts(e, "AR-SUBMIT-0301") == {None: Verdict.INSUFFICIENT}
    f = finding(e, "AR-SUBMIT-0301")
    assert "数据存疑" in f.message.zh and "2020年2月20日" in f.message.zh
    case = write_case(tmp_path / "cli", "annual_report.reported_upward_on: 2020-02-20")
    code, out, _ = fazhi("check", case, "--format", "json", "--date", "2021-06-01")
    data = json.loads(out)
    assert code == 1 and data["summary"]["counts"]["gap"] == 0  # no gap, but the data is not clean: not exit 0
    assert data["summary"]["data_quality"] == 1
    assert data["data_quality"][0]["doubtful"] == ["annual_report.reported_upward_on"]
    code, out, _ = fazhi("check", case, "--date", "2021-06-01")
    assert code == 1 and "数据质量问题：1条" in out


def test_a_report_published_years_late_is_still_a_gap(evaluator, tmp_path):
    """Only a date before the period ended is impossible; a late one is the gap the requirement finds."""
    e = evaluate(evaluator, tmp_path, "annual_report.published_on: 2022-05-01", ["AR-PUBLISH-0401"])
    assert verdicts(e, "AR-PUBLISH-0401") == {None: Verdict.GAP} and e.data_quality == ()


def test_statistics_of_the_year_published_before_it_ended_are_not_met(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        three_systems.agencies: [{id: 区市场监管局, stats_published: true, stats_published_on: 2020-06-01, stats_reported: true}]
        """, ["TS-STAT-0131"])
    assert [q.check for q in e.data_quality] == ["three_systems.agencies.stats_published_on:after_period"]
    reading = [f for f in e.findings if any(u.key.endswith(".stats_published_on") for u in f.facts)]
    assert reading and all(f.verdict is Verdict.INSUFFICIENT for f in reading)  # was met: 2020-06-01 ≤ 2021-01-31


def test_major_decision_dates_are_checked(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        major_decisions.decisions:
          - {id: D1, legality_reviewed: true, legality_review_sent_on: 2019-12-01, legality_opinion_on: 2019-12-10,
             discussed_on: 2019-12-20, legality_conclusion: 合法}
        """, ["MD-LEGAL-MANDATORY"])
    [q] = e.data_quality
    assert q.check == "major_decisions.decisions.discussed_on:in_period" and q.record == "D1"
    assert verdicts(e, "MD-LEGAL-MANDATORY") == {"D1": Verdict.INSUFFICIENT}


def test_period_2031_is_an_input_error(evaluator, tmp_path, fazhi):
    case = write_case(tmp_path / "future", "reconsideration.committee_established: true", period=2031)
    code, out, err = fazhi("check", case, "--date", "2026-12-05")
    assert code == 2 and out == ""
    assert f"{case / 'facts.yaml'}:3:" in err and "case.period" in err
    assert "评估年度2031晚于评估日期2026-12-05，该年度尚未开始" in err and "--date" in err and "Traceback" not in err
    code, out, err = fazhi("check", case, "--date", "2026-12-05", "--lang", "en")
    assert code == 2 and "period 2031 is after the evaluation date 2026-12-05: the year has not begun" in err
    code, _, _ = fazhi("check", case, "--date", "2031-01-01", "--format", "json")
    assert code in (0, 1)  # once the year has begun it can be checked


# --- units and zero totals ---------------------------------------------------------------------

def test_percent_written_0_95_is_flagged_with_both_readings(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        enforcement.random_inspection_share: 0.95
        litigation.win_rate_stated: 92.86
        litigation.cases_won: 13
        litigation.cases_handled: 14
        """, ["OT-SRS-ALL"])
    [q] = quality(e, "unit")
    assert "0.95%" in q.message.zh and "95%" in q.message.zh.replace("0.95%", "")
    assert "0.95%" in q.message.en and "as a fraction 95%" in q.message.en
    assert verdicts(e, "OT-SRS-ALL") == {None: Verdict.INSUFFICIENT}  # was a gap with no warning


def test_percent_0_95_against_its_counts_is_a_unit_finding_not_a_rate_one(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        litigation.win_rate_stated: 0.95
        litigation.cases_won: 19
        litigation.cases_handled: 20
        """, [])
    assert [q.kind for q in e.data_quality] == ["unit"]
    assert "19÷" in e.data_quality[0].message.zh and "95%" in e.data_quality[0].message.zh


def test_a_small_percent_its_counts_confirm_is_no_finding(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        litigation.win_rate_stated: 0.5
        litigation.cases_won: 1
        litigation.cases_handled: 200
        enforcement.random_inspection_share: 100
        """, [])
    assert e.data_quality == ()


def test_0_staff_0_reviewers_says_what_is_zero(evaluator, tmp_path):
    e = evaluate(evaluator, tmp_path, """
        three_systems.enforcement.staff: 0
        three_systems.legal_review.reviewers: 0
        """, ["TS-REVIEW-STAFF-5PCT"])
    f = finding(e, "TS-REVIEW-STAFF-5PCT")
    assert f.verdict is Verdict.INSUFFICIENT
    assert f.message.zh == "行政执法人员总数为0，无法计算法制审核人员占比" and "缺少" not in f.message.zh
    assert f.message.en.endswith("is 0, so Share of legal reviewers cannot be computed")
    [q] = quality(e, "zero_denominator")
    assert q.fact == "three_systems.enforcement.staff" and "为0，无法计算" in q.message.zh and "法制审核人员占比" in q.message.zh
    assert q.doubtful == ()  # 0 staff may be true: nothing else is blocked
    share = next(u for u in f.facts if u.key.endswith(".share"))
    assert share.display.zh == "无法计算（行政执法人员总数为0）"



# --- figures that contradict each other ----------------------------------------------------------

# A test overlay, not a rule of law: two requirements that only read the figures a part_of and a same_as
# check compare, so the test sees whether a contradiction reaches a verdict. Each cites the article the
# figure comes from and says it is a test.
CONTRADICTION_OVERLAY = """\
ruleset: {id: test-contradictions, title: {zh: 测试用规则, en: Test rules}, version: "1", domain: reconsideration-litigation}
requirements:
  - id: TT-HEARD
    title: {zh: （测试）开庭审理案件数已填报, en: (test) cases heard are stated}
    severity: advisory
    citations:
      - {source: ALL-2017, article: 第三条第三款, quote: 被诉行政机关负责人应当出庭应诉。, confidence: paraphrased}
    vars:
      heard: {fact: litigation.cases_heard}
    check: {gte: [heard, 0]}
    expected: {zh: 测试, en: test}
    message:
      gap: {zh: 测试, en: test}
    remediation:
      measure: {zh: 测试, en: test}
      owner: 司法局
  - id: TT-RECON-HANDLED
    title: {zh: （测试）行政复议案件数已填报, en: (test) reconsideration cases are stated}
    severity: advisory
    citations:
      - {source: ALL-2017, article: 第三条第三款, quote: 被诉行政机关负责人应当出庭应诉。, confidence: paraphrased}
    vars:
      handled: {fact: reconsideration.cases_handled}
    check: {gte: [handled, 0]}
    expected: {zh: 测试, en: test}
    message:
      gap: {zh: 测试, en: test}
    remediation:
      measure: {zh: 测试, en: test}
      owner: 司法局
"""


@pytest.fixture(scope="module")
def contradiction_evaluator(tmp_path_factory):
    folder = tmp_path_factory.mktemp("overlay")
    (folder / "test.yaml").write_text(CONTRADICTION_OVERLAY, encoding="utf-8")
    with Evaluator(load_catalogue([str(ROOT / "rulesets")], [str(folder)])) as e:
        yield e


def test_more_cases_heard_than_answered_is_not_met(contradiction_evaluator, tmp_path):
    """A total below its part: neither figure can be read, whichever is wrong."""
    e = evaluate(contradiction_evaluator, tmp_path, """
        litigation.cases_handled: 14
        litigation.cases_heard: 20
        """, ["TT-HEARD"])
    [q] = quality(e, "part_of")
    assert set(q.doubtful) == {("litigation.cases_heard", None, None), ("litigation.cases_handled", None, None)}
    f = finding(e, "TT-HEARD")
    assert f.verdict is Verdict.INSUFFICIENT  # was met: 20 >= 0
    assert f.message.zh.startswith("数据存疑，无法判断：") and q.message.zh in f.message.zh
    assert next(u for u in f.facts if u.key.endswith("heard")).display.zh == "20（存疑，见数据质量问题）"
    agreeing = evaluate(contradiction_evaluator, tmp_path / "ok", """
        litigation.cases_handled: 14
        litigation.cases_heard: 10
        """, ["TT-HEARD"])
    assert finding(agreeing, "TT-HEARD").verdict is Verdict.MET and not agreeing.data_quality


def test_a_count_stated_unlike_the_cases_listed_is_not_met(contradiction_evaluator, tmp_path):
    """The same quantity stated twice, differently: the stated figure is doubtful; the listed cases, each
    true or not on its own, stay readable."""
    e = evaluate(contradiction_evaluator, tmp_path, """
        reconsideration.cases_handled: 4
        reconsideration.cases:
          - {id: R1, received_on: 2020-03-02}
          - {id: R2, received_on: 2020-05-06}
        """, ["TT-RECON-HANDLED"])
    [q] = quality(e, "same_as")
    assert q.doubtful == (("reconsideration.cases_handled", None, None),)
    assert finding(e, "TT-RECON-HANDLED").verdict is Verdict.INSUFFICIENT


def test_a_rate_stated_unlike_its_counts_blocks_nothing(evaluator, tmp_path):
    """Macun's 92.85% for 13 of 14: reported beside the verdicts, the counts still read."""
    e = evaluate(evaluator, tmp_path, """
        litigation.cases_handled: 14
        litigation.cases_won: 13
        litigation.win_rate_stated: 92.85
        """, [])
    [q] = quality(e, "rate")
    assert q.doubtful == ()

# --- findings keep what they computed and were given -------------------------------------------

def test_met_per_record_findings_show_computed_values(evaluator, tmp_path, fazhi):
    facts = """
        three_systems.enforcement_decisions:
          - {id: P1, type: penalty, publication: published, decided_on: 2020-11-02, published_on: 2020-11-06}
          - {id: L1, type: licence, publication: published, decided_on: 2020-09-28, published_on: 2020-10-14}
        """
    e = evaluate(evaluator, tmp_path, facts, ["TS-PUB-POST-7WD"])
    f = finding(e, "TS-PUB-POST-7WD")
    assert f.verdict is Verdict.MET
    wd = next(u for u in f.facts if u.key == "TS-PUB-POST-7WD.wd")
    assert wd.value == {"P1": 4, "L1": 7} and wd.display.zh == "P1 4个工作日，L1 7个工作日"
    assert "公开用时：P1 4个工作日" in f.actual.zh and "未提供" not in f.actual.zh
    data = to_json_data(e, "zh")
    use = next(u for u in data["findings"][0]["facts"] if u["key"] == "TS-PUB-POST-7WD.wd")
    assert use["value"] == {"P1": 4, "L1": 7}
    case = write_case(tmp_path / "doc", facts)
    code, out, _ = fazhi("report", case, "--date", "2021-06-01")
    assert code == 0 and "P1 4个工作日" in out  # the report's section on met findings resting on unverified facts


def test_not_applicable_keeps_supplied_facts(evaluator, tmp_path, fazhi):
    e = evaluate(evaluator, tmp_path, "reconsideration.committee_established: false", ["RL-REC-COMMITTEE"])
    f = finding(e, "RL-REC-COMMITTEE")
    assert f.verdict is Verdict.NOT_APPLICABLE  # the 2023 law is not in force in 2020
    assert [(u.key, u.display.zh) for u in f.facts] == [("reconsideration.committee_established", "否")]
    assert "未提供" not in f.actual.zh
    case = write_case(tmp_path / "doc", "reconsideration.committee_established: false")
    code, out, _ = fazhi("report", case, "--date", "2021-06-01")
    row = next(line for line in out.splitlines() if line.startswith("| RL-REC-COMMITTEE"))
    assert "不适用" in row and "所填事实：区政府行政复议委员会：否" in row


# --- the declaration ---------------------------------------------------------------------------

def test_order_declarations_are_checked_with_file_and_line(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(textwrap.dedent("""\
        ruleset: {id: t, title: {zh: 测试, en: test}, version: "1", domain: t}
        facts:
          t.items:
            type: records
            label: {zh: 事项, en: items}
            question: {zh: 列出？, en: list?}
            consistency:
              order:
                - received_on <= replied_on
                - received_on <= replyed_on
                - received_on <= note
                - received_on before note
            fields:
              received_on: {type: date, label: {zh: 收到, en: received}}
              replied_on: {type: date, label: {zh: 答复, en: replied}}
              note: {type: text, label: {zh: 备注, en: note}}
        requirements: []
        """), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_catalogue([str(rules)])
    text = str(err.value)
    assert "rules.yaml:10:" in text and "'replyed_on' is not a field of t.items" in text and "replied_on" in text
    assert "rules.yaml:11:" in text and "'note' is text; order compares dates" in text
    assert "rules.yaml:12:" in text and "expected 'earlier_field <= later_field'" in text
    assert "rules.yaml:9:" not in text


def test_every_declared_order_names_two_date_fields_of_its_records():
    catalogue = load_catalogue([str(ROOT / "rulesets")])
    orders = [c for c in catalogue.data_checks if c.kind == "order"]
    assert len(orders) >= 20
    for check in orders:
        spec = catalogue.facts[check.fact]
        assert spec.field_spec(check.record_field).type.value == "date"
        assert spec.field_spec(check.later).type.value == "date"
