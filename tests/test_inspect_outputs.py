"""`fazhi inspect`'s files as the workers render them: summary.json as the parent used to write it, the
findings sheet (no cell references, blanks as <c/>, shared strings) read back, --jobs 1 = --jobs 2,
a full sheet continued on the next, and nothing partial left by an aborted run."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import pickle
import re
import zipfile
from pathlib import Path

import pytest

from helpers import inspect_population



@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    """Three generated districts over two years (trends), Macun with waivers (a waiver note in the last
    column) and one broken case (an error: no rows)."""
    return inspect_population(tmp_path_factory.mktemp("population"), seed=7, districts=3, waiver_share=0.2,
                              macun_files=("waivers.yaml",))


def inspect(population: Path, out: Path, jobs: int) -> int:
    from fazhi.cli.inspect import run_inspection
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return run_inspection([str(population)], (), "annual-evaluation", "zh", str(out), jobs, (), False, 0, True,
                              dt.date(2021, 6, 1))


@pytest.fixture(scope="module")
def recorded(population: Path, tmp_path_factory, request):
    """A run on two processes, keeping what the parent was given: each case's rows and the Inspection."""
    from fazhi.inspection.summary import Inspection
    out = tmp_path_factory.mktemp("inspection")
    rows: dict[int, list[tuple]] = {}
    seen: list[Inspection] = []
    real = Inspection.add

    def add(self, result):  # noqa: ANN001, ANN202
        rows[result.index] = pickle.loads(result.rendered.rows) if result.rendered.rows else []
        if not seen:
            seen.append(self)
        real(self, result)
    patch = pytest.MonkeyPatch()
    patch.setattr(Inspection, "add", add)
    try:
        assert inspect(population, out, 2) == 2  # the broken case
    finally:
        patch.undo()
    return out, seen[0], rows


def old_summary_json(inspection, rows: dict[int, list[tuple]]) -> bytes:
    """summary.json as the parent wrote it before the workers rendered the entries (engine/inspection/summary.py)."""
    from fazhi.inspection.results import ROW
    from fazhi.inspection.summary import KIND, SCHEMA_VERSION
    listed = ("gap", "insufficient_facts", "waived")
    head = {
        "schema_version": SCHEMA_VERSION, "kind": KIND, "evaluated_on": inspection.evaluated_on, "lang": inspection.lang,
        "profile": {"id": inspection.profile.id, "version": inspection.profile.version} if inspection.profile else None,
        "rulesets": [{"id": rs.id, "version": rs.version} for rs in inspection.catalogue.rulesets],
        "requirements": inspection.requirements,
        "domains": [{"id": d, "title": inspection.titles[d].get(inspection.lang)} for d in inspection.domains],
        "totals": inspection.totals(),
        "ranking": [r.slug for r in inspection.ranking()],
        "trends": inspection.trends,
    }
    out = io.StringIO()
    out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "cases": [\n')
    for i, r in enumerate(inspection.results):
        data = {k: v for k, v in r.__dict__.items() if k not in ("findings", "index", "rendered")
                and not (k == "departments" and not v)}  # listed only for a case with departments
        if r.error is None:
            data["findings"] = [dict(zip(ROW, row)) for row in rows[r.index] if row[5] in listed or row[10]]
        out.write(("" if i == 0 else ",\n") + json.dumps(data, ensure_ascii=False))
    out.write("\n ]\n}\n")
    return out.getvalue().encode("utf-8")


def test_summary_json_is_byte_for_byte_what_the_parent_wrote_before(recorded):
    out, inspection, rows = recorded
    written = (out / "summary.json").read_bytes()
    assert written == old_summary_json(inspection, rows)
    summary = json.loads(written)
    assert [c["slug"] for c in summary["cases"]] == [r.slug for r in inspection.results]  # in case order
    assert len(summary["trends"]) == 3 and summary["totals"]["errors"] == 1


def test_findings_sheet_reads_back_with_openpyxl(recorded):
    openpyxl = pytest.importorskip("openpyxl")
    out, inspection, rows = recorded
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["矩阵", "全部结论", "数据质量", "豁免", "趋势", "错误"]
    sheet = book["全部结论"]
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:Q{sheet.max_row}"
    assert [c.value for c in sheet[1]] == ["地区", "上级", "年度", "编号", "要求编号", "记录", "领域", "严重程度", "结论", "原结论",
                                           "证据层级", "要求", "说明", "豁免", "领域代码", "严重程度代码", "结论代码"]
    assert sheet["A1"].font.b
    got = list(sheet.iter_rows(min_row=2, values_only=True))
    words = {"critical": "严重", "major": "较重", "minor": "一般", "advisory": "提示", "met": "符合", "gap": "差距",
             "insufficient_facts": "事实不足", "waived": "已豁免", "not_applicable": "不适用", "self_declared": "自报",
             "documented": "有证明材料", "verified": "已核验", None: None}

    def note(text: str) -> str:  # the waiver note in Chinese
        return (text.replace("waived until ", "豁免有效期至") if text.startswith("waived") else
                "豁免已于" + text.removeprefix("waiver expired ") + "过期，按原结论计") if text else text

    expected = [tuple(None if v == "" else v for v in (
        r.district, r.parent, r.period, id_, req, record, inspection.titles[domain].zh, words[severity], words[verdict],
        words[original], words[tier], title, message, note(waiver), domain, severity, verdict))
        for r in inspection.ok for id_, req, record, domain, severity, verdict, original, tier, title, message, waiver
        in rows[r.index]]
    assert len(got) == len(expected) == sum(len(rows[r.index]) for r in inspection.ok)
    assert got == expected  # shared strings resolve, blanks keep the later columns in place
    blank_inside = [g for g in got if g[5] is None and g[12] is not None]  # no record, yet a message
    assert blank_inside and any(g[13] for g in got)  # and waiver notes in the last column
    with zipfile.ZipFile(out / "summary.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")  # the findings: streamed first
        shared = z.read("xl/sharedStrings.xml").decode("utf-8")
    assert " r=" not in xml and "<c/>" in xml and 't="s"' in xml and "<t>" in xml
    assert all(t != t.strip() for t in re.findall('<t xml:space="preserve">(.*?)</t>', xml))  # only where it matters
    assert "<si><t>AR-CONTENT</t></si>" in shared and "<si><t>差距</t></si>" in shared


def test_jobs_1_writes_the_same_files_as_jobs_2(recorded, population, tmp_path):
    two = recorded[0]
    one = tmp_path / "one"
    assert inspect(population, one, 1) == 2
    seconds = re.compile(rb'"seconds": [0-9.e-]+')  # time taken: the one thing that differs
    assert seconds.sub(b"", (one / "summary.json").read_bytes()) == seconds.sub(b"", (two / "summary.json").read_bytes())
    with zipfile.ZipFile(one / "summary.xlsx") as a, zipfile.ZipFile(two / "summary.xlsx") as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    assert (one / "index.html").read_bytes() == (two / "index.html").read_bytes()


def test_a_full_findings_sheet_goes_on_in_the_next(recorded, population, tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    from fazhi.inspection import xlsxwriter
    monkeypatch.setattr(xlsxwriter, "MAX_ROWS", 100)  # cases' rows are split in the middle
    out = tmp_path / "split"
    inspect(population, out, 2)
    whole = openpyxl.load_workbook(recorded[0] / "summary.xlsx")["全部结论"]
    book = openpyxl.load_workbook(out / "summary.xlsx")
    parts = [n for n in book.sheetnames if n.startswith("全部结论")]
    assert parts == ["全部结论"] + [f"全部结论 ({i})" for i in range(2, len(parts) + 1)] and len(parts) > 2
    assert book.sheetnames[:len(parts) + 1] == ["矩阵", *parts] and book.sheetnames[-1] == "错误"
    rows = []
    for name in parts:
        sheet = book[name]
        assert sheet.max_row <= 101 and sheet.auto_filter.ref == f"A1:Q{sheet.max_row}" and sheet.freeze_panes == "B2"
        assert [c.value for c in sheet[1]] == [c.value for c in whole[1]]
        rows += list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == list(whole.iter_rows(min_row=2, values_only=True))


def test_an_aborted_run_leaves_no_partial_file(population, tmp_path, monkeypatch):
    from fazhi.inspection import runner
    real = runner.run

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        for n, result in enumerate(real(*args, **kwargs)):
            if n == 3:
                raise KeyboardInterrupt
            yield result
    monkeypatch.setattr(runner, "run", failing)
    out = tmp_path / "aborted"
    with pytest.raises(KeyboardInterrupt):
        inspect(population, out, 2)
    # The run is written into a fresh folder beside --out and swapped in only at the end, so an
    # aborted run leaves --out absent (or as it was), with no summary.xlsx, temporary file or spool.
    assert not out.exists() or [p.name for p in out.iterdir()] == []
    # Beside it, only the lock file (kept between runs; flock releases it when the process ends).
    assert [p.name for p in tmp_path.iterdir() if p.name != "aborted"] in ([], [".aborted.fazhi-lock"])


def test_results_are_handed_on_in_case_order():
    from fazhi.inspection.ordered import InOrder
    from fazhi.inspection.results import CaseResult
    taken: list[tuple[str, int]] = []
    order = InOrder(lambda r: taken.append(("a", r.index)), lambda r: taken.append(("b", r.index)))
    for i in (2, 0, 3, 1, 5):
        order.add(CaseResult(i, "", ""))
    assert taken == [(x, i) for i in range(4) for x in "ab"]
    order.close()  # 4 never came: 5 still goes, last
    assert taken[-2:] == [("a", 5), ("b", 5)]


def test_cells_without_references():
    from fazhi.inspection.cells import SharedStrings, cell, row
    shared = SharedStrings(["met", "gap", "met", ""])
    assert shared.index == {"met": 0, "gap": 1}
    assert row(["x", None, "gap", 3, "", None], shared.index) == \
        '<row><c t="inlineStr"><is><t>x</t></is></c><c/><c t="s"><v>1</v></c><c><v>3</v></c></row>'
    assert cell(" a<b ") == '<c t="inlineStr"><is><t xml:space="preserve"> a&lt;b </t></is></c>'
    assert cell("a\x01b") == '<c t="inlineStr"><is><t>ab</t></is></c>' and cell(True) == '<c t="b"><v>1</v></c>'
    assert b"<si><t>met</t></si><si><t>gap</t></si>" in shared.xml()


def test_after_a_worker_crash_the_files_keep_the_case_order(recorded, population, tmp_path, monkeypatch):
    """The crashed case comes last (after its retries), the cases after it wait; the files are as without
    the crash but for that case, which is an error."""
    import os

    from fazhi.inspection import runner
    real = runner.run_case

    def crashing(index, path, slug):  # noqa: ANN001, ANN202 - inherited by the forked workers
        if path.endswith("d00001-2020"):
            os._exit(139)
        return real(index, path, slug)
    monkeypatch.setattr(runner, "run_case", crashing)
    out = tmp_path / "crashed"
    assert inspect(population, out, 2) == 2
    before = json.loads((recorded[0] / "summary.json").read_text(encoding="utf-8"))["cases"]
    after = json.loads((out / "summary.json").read_text(encoding="utf-8"))["cases"]
    assert [c["slug"] for c in after] == [c["slug"] for c in before]
    crashed = [c for c in after if c["path"].endswith("d00001-2020")]
    assert len(crashed) == 1 and "crashed its worker process" in crashed[0]["error"] and "findings" not in crashed[0]
    assert [c["findings"] for c in after if not c["error"]] == [c["findings"] for c in before
                                                                 if not c["error"] and not c["path"].endswith("d00001-2020")]
    openpyxl = pytest.importorskip("openpyxl")
    rows = list(openpyxl.load_workbook(out / "summary.xlsx")["全部结论"].iter_rows(min_row=2, values_only=True))
    lost = next(c for c in before if c["path"].endswith("d00001-2020"))
    expected = [r for r in openpyxl.load_workbook(recorded[0] / "summary.xlsx")["全部结论"].iter_rows(min_row=2, values_only=True)
                if (r[0], r[2]) != (lost["district"], lost["period"])]
    assert rows == expected


def test_dashboard_lists_the_worst_first_in_full_and_prints_on_a4_landscape(recorded):
    """Issue 14: worst districts first (each keeping its rank from the best), no clipping scroll box,
    tiles counting the latest year as the charts do, a print stylesheet, names never wrapped."""
    out, inspection, _ = recorded
    page = (out / "index.html").read_text(encoding="utf-8")
    ranking = page.split('<section id="ranking">')[1].split("</section>")[0]
    ranks = [int(n) for n in re.findall(r'<tr><td class="num">(\d+)</td><td class="name">', ranking)]
    assert sorted(ranks) == list(range(1, len(inspection.latest()) + 1))  # each keeps its rank by points
    # worst first by gaps weighted by severity (critical 3, major 2, minor 1), in their own column
    weighted = [int(n) for n in re.findall(r'<td class="num gap" data-v="(\d+)">', ranking)]
    expected = sorted((3 * r.gaps_by_severity["critical"] + 2 * r.gaps_by_severity["major"] + r.gaps_by_severity["minor"]
                       for r in inspection.latest()), reverse=True)
    assert weighted == expected
    assert all(sum(r.gaps_by_severity.values()) == r.counts["gap"] for r in inspection.ok)
    assert "max-height" not in page and "size: A4 landscape" in page and "display: table-header-group" in page
    head = ranking.split("</thead>")[0]  # gaps, insufficient facts and data quality: separate sortable columns
    assert all(f'<th data-sort="num">{name}</th>' in head for name in ("加权差距", "差距", "事实不足", "数据质量问题"))
    latest_gaps = sum(r.counts.get("gap", 0) for r in inspection.latest())
    assert f"<b>{latest_gaps}</b><span>差距</span>" in page


def test_summary_xlsx_prints_landscape_fitted_to_the_width(recorded):
    import openpyxl
    out, _, _ = recorded
    book = openpyxl.load_workbook(out / "summary.xlsx", read_only=False)
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "B2"  # header row and the district column stay in view
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert all(s.print_title_rows == "$1:$1" for s in book.worksheets)  # the header row on every printed page


def test_summary_xlsx_colours_verdicts_and_speaks_chinese(recorded):
    """Issue 14: verdicts coloured (one rule per word on the column, none per cell), Chinese in the
    waivers and trends sheets, the points of the profile filled in."""
    import openpyxl
    out, inspection, _ = recorded
    book = openpyxl.load_workbook(out / "summary.xlsx")
    rules = {(str(cf.sqref), rule.formula[0]): rule.dxf for cf in book["全部结论"].conditional_formatting for rule in cf.rules}
    assert set(rules) >= {("I2:I1048576", '"差距"'), ("I2:I1048576", '"符合"'), ("I2:I1048576", '"事实不足"'),
                          ("I2:I1048576", '"已豁免"'), ("H2:H1048576", '"严重"')}
    assert rules[("I2:I1048576", '"差距"')].fill.bgColor.rgb == "FFFFC7CE"  # red for a gap
    assert rules[("I2:I1048576", '"符合"')].fill.bgColor.rgb == "FFC6EFCE"  # green when met
    waivers = list(book["豁免"].iter_rows(values_only=True))
    assert waivers[0][3:7] == ("要求编号", "要求", "记录", "状态") and len(waivers) > 1
    titles = {r.id: r.title.zh for r in inspection.catalogue.requirements}
    assert all(w[4] == titles[w[3]] and w[6] in ("已豁免", "已过期，不予豁免", "未使用") for w in waivers[1:])
    trends = list(book["趋势"].iter_rows(values_only=True))
    assert trends[0] == ("地区", "上级", "年度", "差距数", "符合率%", "得分", "与上年相比")
    assert all(isinstance(t[5], float) for t in trends[1:])  # the profile's points
    changes = [t[6] for t in trends[1:] if t[6]]
    assert changes and all(re.fullmatch(r"(新增|反弹|持续|已整改|待核验|豁免) \d+(，(新增|反弹|持续|已整改|待核验|豁免) \d+)*", c)
                           for c in changes)
