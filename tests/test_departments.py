"""Departments: their own facts, the roll-up to the district, per-department requirements and the bad input."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fazhi.errors import InputError
from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import load_case
from fazhi.load.ruleset_loader import load_catalogue
from fazhi.vocabulary import Verdict

from helpers import ROOT, run_fazhi

STAFF, REVIEWERS = "three_systems.enforcement.staff", "three_systems.legal_review.reviewers"
CERTIFIED = "three_systems.enforcement.certified"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([str(ROOT / "rulesets")])


@pytest.fixture(scope="module")
def evaluator(catalogue):
    with Evaluator(catalogue) as ev:
        yield ev


def write_case(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "case"
    folder.mkdir(exist_ok=True)
    (folder / "facts.yaml").write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return folder


HEADER = """\
case: {district: {name: 示例区}, period: 2020}
"""


def test_counts_sum_booleans_all_records_carry_their_department(tmp_path, catalogue):
    case = load_case(write_case(tmp_path, """\
        facts:
          three_systems.enforcement_decisions:
            - {id: Q-1, department: gongan, type: penalty}
        departments:
          - id: gongan
            name: 公安分局
            kind: 行政执法机关
            facts:
              three_systems.enforcement.staff: 200
              three_systems.records.complete: true
              three_systems.enforcement_decisions: [{id: G-1, type: penalty}]
          - id: shichang
            name: 市场监管局
            kind: 行政执法机关
            facts:
              three_systems.enforcement.staff: 100
              three_systems.records.complete: false
              three_systems.enforcement_decisions: [{id: S-1, type: licence}]
        """), catalogue.facts)
    assert case.facts[STAFF].value == 300
    assert case.facts["three_systems.records.complete"].value is False
    decisions = case.facts["three_systems.enforcement_decisions"].value
    assert [(r.id, r.department) for r in decisions] == [("Q-1", "gongan"), ("G-1", "gongan"), ("S-1", "shichang")]
    assert STAFF in case.rolled_up and not case.conflicts


def test_a_department_not_submitted_leaves_a_sum_unknown_but_one_false_decides_all(tmp_path, catalogue):
    case = load_case(write_case(tmp_path, """\
        facts: {}
        departments:
          - {id: gongan, name: 公安分局, kind: 行政执法机关, facts: {three_systems.enforcement.staff: 200, three_systems.records.complete: false}}
          - {id: renshe, name: 人社局, kind: 行政执法机关, submitted: false}
          - {id: jiaoyu, name: 教育局, kind: 行政执法机关}
        """), catalogue.facts)
    assert STAFF not in case.facts  # 未报送 is unknown, never zero
    assert case.facts["three_systems.records.complete"].value is False
    assert [d.submitted for d in case.departments] == [True, False, False]


def test_a_district_figure_differing_from_the_roll_up_is_a_data_quality_finding_that_blocks(tmp_path, catalogue, evaluator):
    case = load_case(write_case(tmp_path, """\
        facts:
          three_systems.henan: true
          three_systems.enforcement.staff: 320
          three_systems.enforcement.certified: 300
          three_systems.enforcement.noncivil_enforcing: 0
        departments:
          - {id: gongan, name: 公安分局, kind: 行政执法机关, facts: {three_systems.enforcement.staff: 200, three_systems.enforcement.certified: 200}}
          - {id: shichang, name: 市场监管局, kind: 行政执法机关, facts: {three_systems.enforcement.staff: 100, three_systems.enforcement.certified: 100}}
        """), catalogue.facts)
    assert [(c.fact, c.given, c.rolled_up) for c in case.conflicts] == [(STAFF, 320, 300)]
    evaluation = evaluator.evaluate(case)
    quality = [q for q in evaluation.data_quality if q.kind == "rollup"]
    assert len(quality) == 1 and "320" in quality[0].message.zh and "300" in quality[0].message.zh
    assert "公安分局200" in quality[0].message.zh
    cert = [f for f in evaluation.findings if f.requirement == "HA-TS-CERT"]
    assert [f.verdict for f in cert] == [Verdict.INSUFFICIENT]  # it read the district staff figure
    assert "不一致" in cert[0].message.zh


def test_an_impossible_date_in_a_department_record_blocks_that_departments_verdict(tmp_path, catalogue, evaluator):
    """Statistics "published" before the year they report on ended: a data problem, never a met."""
    case = load_case(write_case(tmp_path, """\
        facts: {}
        departments:
          - id: gongan
            name: 公安分局
            kind: 行政执法机关
            facts:
              three_systems.agencies:
                - {id: 公安分局, stats_published: true, stats_published_on: 2019-01-20, stats_reported: true}
          - id: shichang
            name: 市场监管局
            kind: 行政执法机关
            facts:
              three_systems.agencies:
                - {id: 市场监管局, stats_published: true, stats_published_on: 2021-01-20, stats_reported: true}
        """), catalogue.facts)
    evaluation = evaluator.evaluate(case, only=["TS-STAT-0131"])
    dated = [q for q in evaluation.data_quality if q.kind == "after_period"]
    assert len(dated) == 1 and dated[0].record == "公安分局"  # found once, though both the district and the department read it
    own = {f.department: f for f in evaluation.department_findings}
    assert own["gongan"].verdict is Verdict.INSUFFICIENT and "2019年1月20日" in own["gongan"].message.zh
    assert own["shichang"].verdict is Verdict.MET
    [district] = evaluation.findings
    assert district.verdict is Verdict.INSUFFICIENT and "公安分局" in district.message.zh


def test_a_department_figure_that_cannot_be_divided_is_named_with_its_department(tmp_path, catalogue, evaluator):
    case = load_case(write_case(tmp_path, """\
        facts: {}
        departments:
          - {id: gongan, name: 公安分局, kind: 行政执法机关, facts: {three_systems.enforcement.staff: 0, three_systems.legal_review.reviewers: 0}}
          - {id: shichang, name: 市场监管局, kind: 行政执法机关, facts: {three_systems.enforcement.staff: 0, three_systems.legal_review.reviewers: 0}}
          - {id: ziran, name: 自然资源局, kind: 行政执法机关, facts: {three_systems.enforcement.staff: 40, three_systems.legal_review.reviewers: 2}}
        """), catalogue.facts)
    evaluation = evaluator.evaluate(case, only=["TS-REVIEW-STAFF-5PCT"])
    zero = sorted(q.message.zh.split("：")[0] for q in evaluation.data_quality if q.kind == "zero_denominator")
    assert zero == ["公安分局", "市场监管局"]  # one each, the district's sum (40) is fine
    assert all(q.message.en.startswith(("公安分局: ", "市场监管局: ")) for q in evaluation.data_quality)
    own = {f.department: f.verdict for f in evaluation.department_findings}
    assert own == {"gongan": Verdict.INSUFFICIENT, "shichang": Verdict.INSUFFICIENT, "ziran": Verdict.MET}


def test_review_staff_district_total_hides_a_department_at_zero(tmp_path, catalogue, evaluator):
    case = load_case(write_case(tmp_path, """\
        facts: {three_systems.legal_review.reviewers: 16, three_systems.enforcement.staff: 300}
        departments:
          - {id: gongan, name: 公安分局, kind: 行政执法机关, facts: {three_systems.legal_review.reviewers: 16, three_systems.enforcement.staff: 200}}
          - {id: shichang, name: 市场监管局, kind: 行政执法机关, facts: {three_systems.legal_review.reviewers: 0, three_systems.enforcement.staff: 100}}
          - {id: zonghe, name: 综合服务中心, kind: 事业单位, facts: {three_systems.enforcement.staff: 0, three_systems.legal_review.reviewers: 0}}
        """), catalogue.facts)
    evaluation = evaluator.evaluate(case, only=["TS-REVIEW-STAFF-5PCT"])
    [district] = evaluation.findings
    assert district.verdict is Verdict.GAP and district.department is None
    assert "市场监管局" in district.message.zh and "公安分局" not in district.message.zh
    assert "2个行政执法机关" in district.message.zh  # the 事业单位 is not bound by it
    own = {f.department: f.verdict for f in evaluation.department_findings}
    assert own == {"gongan": Verdict.MET, "shichang": Verdict.GAP}


def test_implementation_is_derived_from_the_departments_not_the_confession(tmp_path, catalogue, evaluator):
    case = load_case(write_case(tmp_path, """\
        facts: {three_systems.implementation.all_agencies: true}
        departments:
          - {id: gongan, name: 公安分局, kind: 行政执法机关, facts: {three_systems.legal_review.reviewers: 16, three_systems.enforcement.staff: 200}}
          - {id: shichang, name: 市场监管局, kind: 行政执法机关, facts: {three_systems.legal_review.reviewers: 0, three_systems.enforcement.staff: 100}}
        """), catalogue.facts)
    [finding] = [f for f in evaluator.evaluate(case).findings if f.requirement == "TS-IMPL-ALL"]
    assert finding.verdict is Verdict.GAP and "市场监管局" in finding.message.zh


def test_without_departments_the_confessed_boolean_still_decides(catalogue, evaluator):
    case = load_case(ROOT / "cases" / "macun-2020", catalogue.facts)
    assert not case.departments
    [finding] = [f for f in evaluator.evaluate(case).findings if f.requirement == "TS-IMPL-ALL"]
    assert finding.verdict is Verdict.GAP and not evaluator.evaluate(case).department_findings


# --- bad input: exit 2, file:line:field, Chinese and English, nothing written ---------------------------

BAD_CASES = {
    "repeated id": ("""\
        facts: {}
        departments:
          - {id: gongan, name: 公安分局, kind: 行政执法机关, facts: {}}
          - {id: gongan, name: 公安局, kind: 行政执法机关, facts: {}}
        """, "facts.yaml:5:", "部门编号“gongan”重复", "department id 'gongan' is repeated"),
    "district fact in a department": ("""\
        facts: {}
        departments:
          - {id: gongan, name: 公安分局, kind: 行政执法机关, facts: {three_systems.henan: true}}
        """, "facts.yaml:4:", "只在区级填报", "district-level fact"),
    "record's department not listed": ("""\
        facts:
          three_systems.enforcement_decisions:
            - {id: Q-1, department: nosuch, type: penalty}
        departments:
          - {id: gongan, name: 公安分局, kind: 行政执法机关, facts: {}}
        """, "facts.yaml:4:", "不在departments中", "'nosuch' is not listed"),
}


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_department_input_is_exit_2_naming_file_line_and_nothing_written(tmp_path, name):
    body, where, zh, en = BAD_CASES[name]
    folder = write_case(tmp_path, body)
    out = tmp_path / "out.json"
    result = run_fazhi("check", str(folder), "--format", "json", "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert where in result.stderr and zh in result.stderr and en in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def _ruleset(tmp_path: Path, fact: str) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "r.yaml").write_text(textwrap.dedent("""\
        ruleset: {id: demo, title: {zh: 示例, en: Demo}, version: "1", domain: demo}
        sources:
          - {id: SRC, title: {zh: 示例规定, en: Demo rules}}
        facts:
        """) + textwrap.indent(textwrap.dedent(fact), "  ") + textwrap.dedent("""\
        requirements:
          - id: DM-ONE
            title: {zh: 示例, en: Demo}
            severity: minor
            citations: [{source: SRC, article: 第一条, quote: 本单位应当如此, confidence: verbatim}]
            vars: {x: {fact: demo.x}}
            check: {eq: [x, true]}
            expected: {zh: 是, en: "it is"}
            message: {gap: {zh: 否, en: "it is not"}}
            remediation: {measure: {zh: 改, en: fix}, owner: 司法局, deadline_days: 30}
        """), encoding="utf-8")
    return rules


def test_a_roll_up_that_cannot_apply_to_the_fact_type_is_refused(tmp_path):
    rules = _ruleset(tmp_path, """\
        demo.x:
          type: bool
          label: {zh: 示例, en: Demo}
          question: {zh: 是否？, en: Is it?}
          scope: both
          rollup: sum
        """)
    result = run_fazhi("check", str(ROOT / "cases" / "macun-2020"), "--rules", str(rules))
    assert result.returncode == 2
    assert "r.yaml:" in result.stderr and "rollup" in result.stderr
    assert "汇总规则“sum”不适用于bool类事实" in result.stderr and "cannot apply to a bool fact" in result.stderr


def test_a_department_fact_at_district_level_is_refused(tmp_path):
    rules = _ruleset(tmp_path, """\
        demo.x:
          type: bool
          label: {zh: 示例, en: Demo}
          question: {zh: 是否？, en: Is it?}
          scope: department
          rollup: all
        """)
    folder = write_case(tmp_path, "facts: {demo.x: true}\n")
    result = run_fazhi("check", str(folder), "--rules", str(rules))
    assert result.returncode == 2
    assert "facts.yaml:2:" in result.stderr and "由各部门填报" in result.stderr and "department-level fact" in result.stderr
    ok = write_case(tmp_path, """\
        facts: {}
        departments:
          - {id: a, name: 甲局, kind: 行政执法机关, facts: {demo.x: true}}
        """)
    assert run_fazhi("check", str(ok), "--rules", str(rules)).returncode == 0


def test_a_subject_must_rest_on_words_its_citations_quote(tmp_path):
    rules = _ruleset(tmp_path, """\
        demo.x:
          type: bool
          label: {zh: 示例, en: Demo}
          question: {zh: 是否？, en: Is it?}
        """)
    text = (rules / "r.yaml").read_text(encoding="utf-8").replace(
        "    severity: minor\n", "    severity: minor\n    subject: {each: 行政执法机关, words: 各部门}\n")
    (rules / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="各部门"):
        load_catalogue([str(rules)])


# --- the example case: per-department findings, roll-up, unevenness, memo owners -------------------------

EXAMPLE = ROOT / "cases" / "example-departments-2020"
SHORT = ["住房和城乡建设局", "农业农村局", "文化广电和旅游局", "城市管理执法局", "交通运输局"]


@pytest.fixture(scope="module")
def example(catalogue, evaluator):
    return evaluator.evaluate(load_case(EXAMPLE, catalogue.facts))


def test_the_example_says_it_is_synthetic_and_has_22_departments(example):
    assert "SYNTHETIC" in (EXAMPLE / "facts.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert len(example.case.departments) == 22
    assert example.case.facts[STAFF].value == sum(d.facts[STAFF].value for d in example.case.departments)


def test_the_example_gives_per_department_findings_and_names_the_short_ones(example):
    [district] = [f for f in example.findings if f.requirement == "TS-REVIEW-STAFF-5PCT"]
    reviewers = example.case.facts[REVIEWERS].value
    assert reviewers * 100 >= 5 * example.case.facts[STAFF].value  # the district total would pass
    assert district.verdict is Verdict.GAP and all(name in district.message.zh for name in SHORT)
    own = [f for f in example.department_findings if f.requirement == "TS-REVIEW-STAFF-5PCT"]
    assert len(own) == 22 and sum(f.verdict is Verdict.GAP for f in own) == 5


def test_the_unevenness_statement_reads_as_an_official_writes_it(example):
    from fazhi.evaluate.unevenness import requirement_spreads, statements
    [sentence] = statements(example, "zh")
    assert sentence.startswith("一是“行政执法三项制度”落实不平衡：22个执法主体中有5个未做到“法制审核人员不少于执法人员的5%”，分别是")
    staff = next(r for r in requirement_spreads(example) if r.requirement == "TS-REVIEW-STAFF-5PCT")
    assert staff.met == 17 and staff.departments == 22 and list(staff.gaps) == SHORT
    assert staff.spread is not None and staff.spread.endswith("%") and staff.lowest[0][0] == SHORT[0]
    [english] = statements(example, "en")
    assert english.startswith("1. Implementation of the three enforcement systems is uneven: 5 of 22")


def test_the_memo_gives_each_department_its_own_item(example):
    from fazhi.documents.memo import build_memo
    import datetime as dt
    memo = build_memo(example, "zh", dt.date(2021, 3, 1))
    staff = [i for i in memo.items if i.requirement == "TS-REVIEW-STAFF-5PCT"]
    assert sorted(i.owner for i in staff) == sorted(SHORT)
    assert all(i.problem.startswith(i.owner + "：") and i.deadline_iso for i in staff)
    assert len({i.id for i in staff}) == 5


def test_json_lists_departments_only_when_there_are_some(example, catalogue, evaluator):
    from fazhi.render.output import to_json_data
    data = to_json_data(example, "zh")
    assert len(data["departments"]["list"]) == 22
    assert {f["department"] for f in data["departments"]["findings"]} >= {"gongan", "zhijian"}
    assert data["departments"]["unevenness"]["statements"]
    macun = evaluator.evaluate(load_case(ROOT / "cases" / "macun-2020", catalogue.facts))
    assert "departments" not in to_json_data(macun, "zh")
