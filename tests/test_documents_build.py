"""The report view: grouping by domain, most severe first, 一是/二是 numbering, per-record points,
the request for information, the annex, confidence marks and the summary."""
from __future__ import annotations

import datetime as dt

import pytest

from fazhi.documents import labels as L
from fazhi.documents.build import build_report
from fazhi.documents.memo import build_memo

DAY = dt.date(2021, 3, 1)


@pytest.fixture(scope="module")
def report(doc_evaluate):
    return build_report(doc_evaluate(), "zh", DAY)


@pytest.mark.parametrize("n, text", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"),
                                     (99, "九十九"), (100, "一百"), (105, "一百零五"), (110, "一百一十"), (123, "一百二十三")])
def test_chinese_numerals(n, text):
    assert L.chinese_numeral(n) == text


def test_ordinals_and_headings():
    assert [L.point_ordinal("zh", n) for n in (1, 2, 3)] == ["一是", "二是", "三是"]
    assert L.point_ordinal("en", 2) == "Second," and L.point_ordinal("en", 12) == "(12)"
    assert L.section_number("zh", 4) == "四、" and L.subsection_number("zh", 2) == "（二）"


def test_sentence_gets_one_full_stop():
    assert L.sentence("zh", "低于5%的要求；") == "低于5%的要求。"
    assert L.sentence("en", "below 5%.") == "below 5%."


def test_title_block(report):
    h = report.header
    assert h.title == "样例区2020年度法治政府建设差距报告"
    rows = {r.label: r.value for r in h.rows}
    assert rows["地区"] == "样例市样例区" and rows["年度"] == "2020年度" and rows["评估日期"] == "2021年3月1日"
    assert rows["规则集及版本"] == "重大行政决策（2026.2版）；行政执法（2026.1版）"  # no ruleset ID in Chinese prose
    assert rows["评分方案"].startswith("未使用")


def test_domains_with_the_most_severe_gap_first(report):
    assert [g.heading for g in report.problems] == ["（一）行政执法方面", "（二）重大行政决策方面"]
    enforcement = report.problems[0].points
    assert [p.requirement for p in enforcement] == ["DE-REVIEW-BEFORE", "DE-REVIEW-STAFF", "DE-TRAINING-40H"]
    assert [p.ordinal for p in enforcement] == ["一是", "二是", "三是"]
    assert report.problems[1].points[0].ordinal == "一是"  # numbering starts again in each domain


def test_a_point_reads_like_an_official_report(report):
    point = report.problems[0].points[1]
    assert point.sentence == "重大执法决定法制审核人员不足，法制审核人员占执法人员比例为2.1%，低于5%的要求。"
    assert point.expected == "法制审核人员占执法人员比例不低于5%"
    facts = {f.label: (f.value, f.evidence) for f in point.facts}
    assert facts["法制审核人员占比"] == ("2.1%", "")
    assert facts["行政执法人员总数"] == ("333", "《2020年法治政府建设年度报告》第3页：“全区共有行政执法人员333人”")
    assert facts["法制审核人员数"][1] == "《样例区司法局关于法制审核工作的报告》（样司〔2021〕5号）"
    assert point.basis == ("《关于全面推行行政执法三项制度的指导意见》（国办发〔2018〕118号）四（十一）："
                           "“原则上各级行政执法机关的法制审核人员不少于本单位执法人员总数的5%”",)
    assert point.severity == "较重" and point.mark == ""


def test_per_record_gaps_are_one_point_with_the_records_beneath(report):
    point = report.problems[1].points[0]
    assert point.sentence == "3件重大行政决策不符合“公开征求意见期限不少于30日”的要求。"
    assert [r.record for r in point.records] == ["JC-01", "JC-02", "JC-03"]
    assert point.records[1].sentence == "重大行政决策JC-02公开征求意见仅10日，不足30日。"
    assert ("征求意见天数", "10日") in {(f.label, f.value) for f in point.records[1].facts}
    decisions = report.problems[0].points[0]
    assert decisions.records[0].evidence == "《行政处罚决定书》（样市监罚〔2020〕12号）"
    assert all(f.evidence == "" for f in decisions.records[0].facts)  # the record's evidence is said once


def test_paraphrased_sources_are_marked_wherever_they_appear(report, doc_evaluate):
    mark = "（依据为转述，待核实）"
    point = report.problems[0].points[2]
    assert point.mark == mark and point.sentence.endswith(mark + "。") and point.basis[0].endswith(mark)
    assert next(a for a in report.annex if a.requirement == "DE-TRAINING-40H").mark == mark
    memo = build_memo(doc_evaluate(), "zh", DAY)
    item = next(i for i in memo.items if i.requirement == "DE-TRAINING-40H")
    assert mark in item.problem and item.confidence_code == "paraphrased"
    en = build_report(doc_evaluate(), "en", DAY)
    assert "(source paraphrased; to be verified)" in en.problems[0].points[2].sentence


def test_request_for_information(report):
    assert [r.requirement for r in report.requests] == ["DD-EXPERT", "DD-CATALOGUE"]
    expert, catalogue = report.requests
    assert [q.question for q in expert.questions][0] == "重大行政决策JC-01的“是否经专家论证”是什么？"
    assert len(expert.questions) == 4
    assert catalogue.questions[0].question == "本年度重大行政决策事项目录是否已向社会公布？"
    assert "决策事项目录是否公布" in catalogue.questions[0].attach


def test_annex_lists_every_requirement_with_its_verdict(report, doc_evaluate):
    ids = {f.requirement for f in doc_evaluate().findings}
    assert {a.requirement for a in report.annex} == ids and len(report.annex) == len(ids)
    verdicts = {a.requirement: a.verdict for a in report.annex}
    assert verdicts["DD-COMMENT-30D"] == "差距（3）" and verdicts["DD-HEARING"] == "不适用"
    assert verdicts["DD-ADVISER"] == "符合" and verdicts["DD-CATALOGUE"] == "事实不足"


def test_summary_counts_one_verdict_per_requirement(report):
    s = report.summary
    assert s.sentence == "本次对照8项要求进行检查，其中符合1项，存在差距4项，事实不足2项，不适用1项。"
    by_domain = {d.domain: d for d in s.domains}
    assert (by_domain["decisions"].met, by_domain["decisions"].gap, by_domain["decisions"].insufficient,
            by_domain["decisions"].not_applicable, by_domain["decisions"].score) == (1, 1, 2, 1, "25%")
    assert by_domain["enforcement"].score == "0%"
    assert s.total_score is None and s.total.requirements == 8


def test_summary_under_a_profile_has_points_and_a_total(doc_evaluator, doc_evaluate):
    from conftest import DOC_RULES
    from fazhi.load.profiles import load_profile
    from fazhi.evaluate.scoring import score
    profile = load_profile(str(DOC_RULES / "profiles" / "doc-scheme.yaml"), doc_evaluator.catalogue)
    evaluation = doc_evaluate()
    view = build_report(evaluation, "zh", DAY, score=score(evaluation, profile))
    assert view.summary.total_score == "10 / 100"
    assert {d.domain: d.points for d in view.summary.domains} == {"decisions": "10 / 40", "enforcement": "0 / 60"}
    assert any("测试考评方案" in n and "doc-scheme" not in n for n in view.summary.notes)  # no profile ID in prose
    assert {r.label: r.value for r in view.header.rows}["评分方案"] == "测试考评方案（1版）"


def test_english_view(doc_evaluate):
    en = build_report(doc_evaluate(), "en", DAY)
    assert en.sections["problems"].heading == "2. Problems found"
    assert en.problems[0].points[1].sentence == "too few legal reviewers: 2.1% of enforcement staff, below the 5% required."
    assert en.problems[1].points[0].sentence == ("major administrative decisions: 3 fall short of "
                                                 "“Public comment periods last at least 30 days”.")


def test_no_gap_says_so(doc_evaluate, tmp_path):
    import yaml
    from conftest import DOC_CASE
    data = yaml.safe_load((DOC_CASE / "facts.yaml").read_text(encoding="utf-8"))
    data["facts"] = {"doc.decisions.adviser": True}
    (tmp_path / "facts.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    view = build_report(doc_evaluate(tmp_path), "zh", DAY)
    assert view.problems == () and len(view.requests) == 7  # every requirement but the one met
    from fazhi.documents.render import render
    assert "本次检查未发现差距。" in render("report", "md", view)
    assert "本次检查未发现需整改的问题。" in render("memo", "html", build_memo(doc_evaluate(tmp_path), "zh", DAY))


def test_issuer_and_addressee(doc_evaluate):
    """主送 defaults to the level above (the case names its parent 样例市); 署名 from --issuer or submitted.by."""
    view = build_report(doc_evaluate(), "zh", DAY)
    assert view.addressee == "中共样例市委、样例市人民政府"
    view = build_report(doc_evaluate(), "zh", DAY, issuer="样例区司法局", addressee="样例区人民政府")
    assert (view.issuer, view.addressee) == ("样例区司法局", "样例区人民政府")


def test_requests_ask_each_fact_once(doc_evaluate):
    """附件2: one row per missing fact or records fact, whichever requirements need it; no doubled words."""
    rows = build_report(doc_evaluate(), "zh", DAY).request_rows
    questions = [r.question for r in rows]
    assert len(questions) == len(set(questions))
    assert all("注明文件名称" not in q for q in questions)  # the advice is said once, in the table header
    assert rows[0].question == "请补充下列重大行政决策的情况：JC-01、JC-02、JC-03、JC-04。" and rows[0].fields == "是否经专家论证"
