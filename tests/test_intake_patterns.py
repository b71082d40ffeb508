"""Extraction pattern files (rulesets/extraction/*.yaml): loaded with file:line errors, not read as rulesets."""
from __future__ import annotations

import shutil
import sys

import pytest
from helpers import ROOT

from fazhi.errors import InputError
from fazhi.intake.patterns import load_patterns
from fazhi.load.ruleset_loader import ruleset_files

PATTERNS = ROOT / "rulesets" / "extraction"

DATA = ROOT / "tests" / "data" / "intake"
if str(DATA) not in sys.path:
    sys.path.insert(0, str(DATA))
from support import cached_catalogue, share_catalogue


@pytest.fixture(autouse=True)
def _one_catalogue(monkeypatch):
    share_catalogue(monkeypatch)


@pytest.fixture(scope="module")
def catalogue():
    return cached_catalogue([str(ROOT / "rulesets")])


def test_the_shipped_patterns_load_one_file_per_ruleset(catalogue):
    patterns = load_patterns(str(PATTERNS), catalogue)
    assert {p.rsplit("/", 1)[-1][:-5] for p in patterns.files} <= {rs.id for rs in catalogue.rulesets}
    assert len(patterns.facts) >= 30
    assert patterns.report.parts[0] == "annual_report.content.measures"


def test_the_ruleset_loader_does_not_read_the_subfolder():
    assert not any("extraction" in f for f in ruleset_files([str(ROOT / "rulesets")]))


BAD = """\
ruleset: three-systems
facts:
  three_systems.subjects.count:
    patterns:
      - regex: '(?P<value>{num}个行政执法主体'
  three_systems.subject.count:
    patterns:
      - regex: 'x(?P<value>\\d+)'
  three_systems.enforcement.flaws:
    patterns:
      - regex: '纰漏'
  three_systems.casefile_review.count:
    patterns:
      - regex: '评查(\\d+)次'
  three_systems.henan:
    patterns:
      - regex: '河南'
        value: 也许
        section: bodyy
  transparency.active_items_published:
    patterns:
      - regex: '(?P<value>{num})条'
"""


def test_every_problem_of_a_pattern_file_with_its_line(tmp_path, catalogue):
    folder = tmp_path / "extraction"
    shutil.copytree(PATTERNS, folder)
    (folder / "three-systems.yaml").write_text(BAD, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_patterns(str(folder), catalogue)
    text = str(err.value)
    file = str(folder / "three-systems.yaml")
    assert f"{file}:5:" in text and "not a valid regular expression" in text
    assert f"{file}:7:" in text and "unknown fact 'three_systems.subject.count'" in text and "did you mean" in text
    assert f"{file}:11:" in text and "needs `value: true` or `value: false`" in text
    assert f"{file}:14:" in text and "no group (?P<value>" in text
    assert f"{file}:18:" in text and "expected yes/no" in text
    assert len(text.splitlines()) == 7  # one problem each, all at once
    assert "no section 'bodyy'" in text and "did you mean 'body'" in text
    assert "declared in ruleset 'transparency'" in text


def test_cli_reports_pattern_problems_with_exit_2(fazhi, tmp_path):
    folder = tmp_path / "extraction"
    shutil.copytree(PATTERNS, folder)
    (folder / "three-systems.yaml").write_text(BAD, encoding="utf-8")
    report = tmp_path / "r.txt"
    report.write_text("2020年度法治政府建设工作报告\n", encoding="utf-8")
    code, _, err = fazhi("extract", str(report), "--patterns", str(folder), "--out", str(tmp_path / "d.yaml"))
    assert code == 2 and "three-systems.yaml:5:" in err and "Traceback" not in err
    assert not (tmp_path / "d.yaml").exists()


def test_a_folder_without_patterns(fazhi, tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("2020年度法治政府建设工作报告\n", encoding="utf-8")
    code, _, err = fazhi("extract", str(report), "--patterns", str(tmp_path), "--out", str(tmp_path / "d.yaml"))
    assert code == 2 and "no extraction pattern files" in err


# --- issue 15: each defect measured on unseen reports, as a test named after it -----------------------

from fazhi.intake.extract import extract, split_place  # noqa: E402
from fazhi.intake.reporttext import ReportText, split_sentences  # noqa: E402

OPENING = ("静海区2023年度法治政府建设情况报告\n"
           "一、区政府主要负责同志履行推进法治建设第一责任人职责情况\n"
           "深入贯彻落实中央、市委和市政府关于法治政府建设的决策部署,坚持高位推动法治政府建设工作。\n"
           "二、依法全面履行政府职能,推动经济社会高质量发展\n"
           "深入推进“互联网+政务服务”建设,加强政府网站管理,全年政府网站共发布各类信息8700条,年访问量累计2986")


@pytest.fixture(scope="module")
def patterns(catalogue):
    return load_patterns(str(PATTERNS), catalogue)


def run(text: str, patterns, catalogue, **options):
    return extract(ReportText("r.txt", text, "UTF-8", tuple(split_sentences(text))), patterns, catalogue, **options)


def values(x) -> dict:
    return {k: p.value for k, p in x.proposals.items()}


def test_report_without_salutation_finds_district(fazhi, tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("广州市花都区人民政府2022年法治政府建设年度报告\n"
                      "2022年,花都区坚持以习近平法治思想为指引,全面贯彻落实中央、省、市关于法治政府建设的总体部署。\n"
                      "一、2022年法治政府建设主要举措和成效\n", encoding="utf-8")
    code, _, err = fazhi("extract", str(report), "--out", str(tmp_path / "d.yaml"))
    assert code == 0, err
    draft = (tmp_path / "d.yaml").read_text(encoding="utf-8")
    assert 'name: "花都区"' in draft and 'parent: "广州市"' in draft
    assert "normative_documents.has_rulemaking_power:\n    value: false" in draft  # the title was looked at


def test_city_prefix_of_the_district_becomes_its_parent(patterns, catalogue):
    x = run("中共台州市路桥区委 台州市路桥区人民政府关于2020年度法治政府建设情况的报告\n"
            "2020年,路桥区坚持以习近平新时代中国特色社会主义思想为指导。\n", patterns, catalogue)
    assert (x.district, x.parent) == ("路桥区", "台州市")


@pytest.mark.parametrize("name, split", [
    ("台州市路桥区", ("台州市", "路桥区")), ("重庆市长寿区", ("重庆市", "长寿区")), ("广州市花都区", ("广州市", "花都区")),
    ("荆州市沙市区", ("荆州市", "沙市区")), ("沙市区", (None, "沙市区")), ("市中区", (None, "市中区")), ("赵县", (None, "赵县")),
])
def test_split_place_keeps_short_names_whole(name, split):
    assert split_place(name) == split


def test_district_title_line_is_trusted_before_the_salutation(patterns, catalogue):
    x = run("静海区2023年度法治政府建设情况报告\n中共天津市西青区委:\n2023年,静海区坚持依法行政。\n", patterns, catalogue)
    assert x.district == "静海区"


def test_truncated_report_gives_no_false(patterns, catalogue):
    x = run(OPENING, patterns, catalogue)
    assert x.coverage.truncated and x.coverage.headings == 2 and not x.coverage.ends_cleanly
    assert [k for k, v in values(x).items() if v is False and k.startswith("annual_report.")] == []
    assert {p.key for p in x.parts if p.proposal is None} >= {"annual_report.content.shortcomings",
                                                              "annual_report.content.next_year"}


def test_truncated_report_is_flagged_in_the_draft(fazhi, tmp_path):
    report = tmp_path / "r.txt"
    report.write_text(OPENING, encoding="utf-8")
    code, out, err = fazhi("extract", str(report), "--out", str(tmp_path / "d.yaml"))
    assert code == 0, err
    draft = (tmp_path / "d.yaml").read_text(encoding="utf-8")
    assert "正文可能不完整，未找到的项目未填写" in draft and "正文可能不完整，未找到的项目未填写" in out + err
    assert "找到标题2个" in draft and "结尾在句中断开" in draft
    assert "content.measures:\n    value: true" in draft and "content.shortcomings" not in draft


def test_complete_report_still_says_a_part_is_absent(patterns, catalogue):
    """The one exception: a whole text (long, ending cleanly) that lacks a part states its absence."""
    body = "".join(f"{i}是推进依法行政工作,完成年度任务。" for i in "一二三四五六七八九十" * 12)
    text = f"样例县2020年度法治政府建设情况报告\n一、2020年主要举措和成效\n{body}\n样例县人民政府\n2021年2月20日\n"
    x = run(text, patterns, catalogue)
    assert not x.coverage.truncated
    assert values(x)["annual_report.content.next_year"] is False


@pytest.mark.parametrize("line, day", [
    ("来源:静海区人民政府办公室 发布时间:2024-03-28 09:18", "2024-03-28"),
    ("文章来源:司法局 更新时间:2021/03/29 11:30:01", "2021-03-29"),
    ("[ 成文日期 ]2021-07-23 [ 发布日期 ]2021-07-24 [ 体裁分类 ]工作报告", "2021-07-24"),
])
def test_page_header_dates_give_published_on(line, day, patterns, catalogue):
    x = run(f"城口县2020年度法治政府建设情况报告\n{line}\n2020年,城口县坚持依法行政。\n", patterns, catalogue)
    assert str(values(x)["annual_report.published_on"]) == day


def test_page_clock_is_not_a_publication_date(patterns, catalogue):
    x = run("今天是:2019年10月31日 星期三\n2020年静海区法治政府建设情况报告\n2020年,静海区坚持依法行政。\n", patterns, catalogue)
    assert "annual_report.published_on" not in x.proposals and x.period == 2020


@pytest.mark.parametrize("sentence, key, value", [
    ("拟定了《2020年重大行政决策事项目录》并报区政府审定。", "major_decisions.catalog.adopted", True),
    ("认真落实《样例县法治政府建设实施方案(2021—2025年)》,分解任务。", "annual_report.implementation_plan", True),
    ("制定《样例县2020年度法治政府建设工作安排》,细化分解任务。", "annual_report.annual_plan", True),
    ("印发《2020年样例县法治政府建设工作要点与责任分工》,明确责任。", "annual_report.annual_plan", True),
    ("全年政府网站共发布各类信息8700条。", "transparency.active_items_published", 8700),
])
def test_widened_verbs_and_plan_names(sentence, key, value, patterns, catalogue):
    x = run(f"样例县2020年度法治政府建设情况报告\n一、2020年主要举措和成效\n{sentence}\n", patterns, catalogue)
    assert values(x).get(key) == value


def test_title_citation_of_first_responsible_rule_is_not_part_three(patterns, catalogue):
    for sentence in ("严格执行《党政主要负责人履行推进法治建设第一责任人职责规定》,坚持高位推动。",
                     "认真落实党政主要负责人履行推进法治建设第一责任人职责规定,坚持同部署、同推进。",
                     "推动各级党政主要负责人履行法治建设第一责任人职责落实落地。"):
        x = run(f"样例县2020年度法治政府建设情况报告\n一、2020年主要举措和成效\n{sentence}\n", patterns, catalogue)
        assert "annual_report.content.first_responsible" not in x.proposals, sentence
    x = run("样例县2020年度法治政府建设情况报告\n一、2020年主要举措和成效\n"
            "县委、县政府主要负责人切实履行法治建设第一责任人职责,亲自研究督办重大法治问题。\n", patterns, catalogue)
    assert values(x)["annual_report.content.first_responsible"] is True


def test_report_opening_with_part_three_does_not_take_it_as_part_one(patterns, catalogue):
    x = run("静海区2023年度法治政府建设情况报告\n一、区政府主要负责同志履行推进法治建设第一责任人职责情况\n"
            "坚持高位推动法治政府建设工作。\n", patterns, catalogue)
    assert values(x)["annual_report.content.first_responsible"] is True
    assert "annual_report.content.measures" not in x.proposals
    x = run(OPENING, patterns, catalogue)
    assert x.proposals["annual_report.content.measures"].sentence.text.startswith("二、")


def test_model_district_plan_is_not_the_implementation_plan(patterns, catalogue):
    x = run("舞阳县2021年度法治政府建设情况报告\n一、切实履行法治政府建设职责\n"
            "制定《舞阳县2021年度法治政府建设工作安排》《舞阳县法治政府建设示范创建工作实施方案》等文件。\n",
            patterns, catalogue)
    assert "annual_report.implementation_plan" not in x.proposals
    assert values(x)["annual_report.annual_plan"] is True


def test_provincial_plan_is_not_the_county_plan(patterns, catalogue):
    x = run("汉源县2019年度法治政府建设情况报告\n一、2019年主要举措和成效\n"
            "深入贯彻落实《四川省法治政府建设实施方案》,扎实部署。\n", patterns, catalogue)
    assert "annual_report.implementation_plan" not in x.proposals
