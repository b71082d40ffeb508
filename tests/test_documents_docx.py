"""The DOCX documents read back with python-docx: page, fonts, headings, tables, the problem sentences."""
from __future__ import annotations

import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from conftest import DOC_CASE, DOC_DATE, DOC_RULES

RULES = ("--rules", DOC_RULES, "--date", DOC_DATE)


@pytest.fixture(scope="module")
def report_docx(tmp_path_factory):
    from fazhi.documents.build import build_report
    from fazhi.documents.docx import report_docx as write
    from fazhi.evaluate.evaluator import Evaluator
    from fazhi.load.facts_loader import load_case
    from fazhi.load.ruleset_loader import load_catalogue
    import datetime as dt
    catalogue = load_catalogue([str(DOC_RULES)])
    evaluation = Evaluator(catalogue).evaluate(load_case(str(DOC_CASE), catalogue.facts))
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    path.write_bytes(write(build_report(evaluation, "zh", dt.date(2021, 3, 1))))
    return path


def paragraphs(document: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_page_is_a4_with_gbt_9704_margins(report_docx):
    section = docx.Document(str(report_docx)).sections[0]
    mm = [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                                section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]


def test_fonts_are_named_for_east_asian_text(report_docx):
    document = docx.Document(str(report_docx))
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert document.styles["Title"].font.size == Pt(22)
    assert document.styles["Title"].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    with zipfile.ZipFile(report_docx) as z:
        table = z.read("word/fontTable.xml").decode("utf-8")
    for name, fallback in (("仿宋_GB2312", "FangSong"), ("黑体", "SimHei"), ("楷体_GB2312", "KaiTi")):
        assert f'w:name="{name}"' in table and f'w:val="{fallback}"' in table


def test_headings_are_numbered_word_headings(report_docx):
    document = docx.Document(str(report_docx))
    # the report's title (fits on one line), then each annex's own title (GB/T 9704: 附件N above a centred title)
    assert paragraphs(document, "Title") == ["样例区2020年度法治政府建设差距报告", "存在问题的具体情况", "需补充材料清单", "逐项检查结果"]
    assert paragraphs(document, "Heading 1") == ["一、总体情况", "二、存在的问题", "三、需补充的材料"]
    assert paragraphs(document, "Heading 2") == ["（一）行政执法方面", "（二）重大行政决策方面"] * 2  # body, then 附件1


def test_problem_sentences_in_order(report_docx):
    texts = [p.text for p in docx.Document(str(report_docx)).paragraphs]
    body = texts[:texts.index("附件1")]
    points = [t for t in body if t[:2] in ("一是", "二是", "三是")]
    assert points == [
        "一是2件重大执法决定不符合“重大执法决定作出前须经法制审核”的要求。",
        "二是重大执法决定法制审核人员不足，法制审核人员占执法人员比例为2.1%，低于5%的要求。",
        "三是执法人员培训不足，人均培训24学时，低于40学时（依据为转述，待核实）。",
        "一是3件重大行政决策不符合“公开征求意见期限不少于30日”的要求。",
    ]
    assert "2021年3月1日" in texts


def test_real_tables_with_header_rows(report_docx):
    tables = docx.Document(str(report_docx)).tables
    info, summary, records_a, records_b, requests, annex = tables
    assert [c.text for c in info.rows[0].cells] == ["地区", "样例市样例区"]
    assert [c.text for c in summary.rows[0].cells] == ["领域", "要求数", "符合", "差距", "事实不足", "不适用", "符合率"]
    assert len(summary.rows) == 4  # two domains and the total
    assert [r.cells[0].text for r in records_b.rows] == ["事项", "JC\u201101", "JC\u201102", "JC\u201103"]  # never broken
    assert len(requests.rows) == 1 + 2 and len(annex.rows) == 1 + 8  # one row per topic or records fact, not per requirement
    assert annex.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(t.style.name == "Table Grid" for t in tables)


def test_page_numbers_in_the_footer(report_docx):
    document = docx.Document(str(report_docx))
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert footer._p.xml.count("<w:fldChar ") == 3 and " PAGE " in footer._p.xml
    assert document.sections[0].even_page_footer.paragraphs[0].text == "— 1 —"


def test_memo_docx_from_the_command(fazhi, tmp_path):
    out = tmp_path / "memo.docx"
    code, _, err = fazhi("memo", DOC_CASE, *RULES, "--out", out)
    assert code == 0, err
    document = docx.Document(str(out))
    assert paragraphs(document, "Title") == ["样例区2020年度\n法治政府建设问题整改方案"]  # too long: breaks after 年度
    # a complete 整改方案: aims, the task table, safeguards (the fixed sections from memo_fixed.zh.txt.j2)
    assert paragraphs(document, "Heading 1") == ["一、总体要求和整改目标", "二、整改任务", "三、保障措施"]
    assert paragraphs(document, "Heading 2") == ["（一）加强组织领导", "（二）强化督查督办", "（三）严格整改销号"]
    tasks = document.tables[1]
    assert [c.text for c in tasks.rows[0].cells] == ["序号", "问题", "涉及事项", "整改措施", "责任单位", "完成时限", "验收标准", "整改状态"]
    assert len(tasks.rows) == 1 + 4  # one task per requirement: the per-record gaps of one requirement are one task
    assert tasks.rows[1].cells[0].text == "整改事项1"
    third = [c.text for c in tasks.rows[2].cells]
    assert third[1].startswith("重大执法决定法制审核人员不足") and third[4:6] == ["样例区司法局", "2021年5月30日"]
    assert third[6] == "法制审核人员占比 ≥ 5%" and third[7] == "整改中"
    section = document.sections[1]  # the task table's own landscape section, as wide as the table
    assert round(section.page_width.mm) == 297
    text_width = section.page_width.mm - section.left_margin.mm - section.right_margin.mm
    assert round(sum(c.width.mm for c in tasks.rows[0].cells)) <= round(text_width)


def test_english_docx(fazhi, tmp_path):
    out = tmp_path / "report.docx"
    assert fazhi("report", DOC_CASE, *RULES, "--lang", "en", "--out", out)[0] == 0
    document = docx.Document(str(out))
    assert paragraphs(document, "Heading 1")[:2] == ["1. Overview", "2. Problems found"]
    assert any(p.text.startswith("First, major enforcement decisions: 2 fall short") for p in document.paragraphs)


def test_wide_annexes_are_landscape_sections(report_docx):
    """附件2 and 附件3 are wide tables: each starts a landscape section so IDs and 领域 need not break."""
    from docx.enum.section import WD_ORIENT
    sections = docx.Document(str(report_docx)).sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.LANDSCAPE]
    assert round(sections[-1].page_width.mm) == 297 and round(sections[-1].page_height.mm) == 210
    annex = docx.Document(str(report_docx)).tables[-1]
    assert round(sum(c.width.mm for c in annex.rows[0].cells)) == 297 - 37 - 35  # the landscape text width
