"""The documents as their readers get them (issue 14): printed by headless Chromium, read as Chinese prose.

* the gap report's body (before 附件1) is at most 12 A4 pages for Macun, and the memo's task table
  stays inside the page (no word beyond the right margin on any printed page);
* no internal identifier (`word.word`, `WORD-WORD`) in any Chinese document — Markdown, HTML and DOCX — of
  Macun and of the worst synthetic district, outside the annex columns that exist for requirement codes.
The printing part skips where Chromium or pdfinfo is missing (`.ci/run` installs them).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import print_check as pc  # noqa: E402

MACUN = str(ROOT / "cases" / "macun-2020")
ON = dt.date(2021, 3, 1)
printing = pytest.mark.skipif(pc.chromium() is None or shutil.which("pdfinfo") is None,
                              reason="needs chromium and pdfinfo (poppler-utils)")


def documents(case: str, on: dt.date) -> dict[str, str | bytes]:
    """Every Chinese document of a case, from one evaluation (the same views `fazhi report`/`memo` lay out)."""
    from fazhi.app.check import check
    from fazhi.documents.build import build_report
    from fazhi.documents.docx import memo_docx, report_docx
    from fazhi.documents.footer import with_footer
    from fazhi.documents.memo import build_memo
    from fazhi.documents.render import render
    result = check(case, on=on)
    views = {"report": build_report(result.evaluation, "zh", on), "memo": build_memo(result.evaluation, "zh", on)}
    docx = {"report": report_docx, "memo": memo_docx}
    return {f"{kind}.{fmt}": with_footer(docx[kind](view) if fmt == "docx" else render(kind, fmt, view), fmt, result.manifest, "zh")
            for kind, view in views.items() for fmt in ("md", "html", "docx")}


def leaks(docs: dict[str, str | bytes]) -> dict[str, list[str]]:
    found = {}
    for name, content in docs.items():
        if name.endswith(".md"):
            text = pc.markdown_text(content)
        elif name.endswith(".html"):
            text = pc.html_text(content)
        else:
            text = pc.docx_text(content)
        found[name] = pc.identifier_leaks(text)
    return {k: v for k, v in found.items() if v}


def test_the_scanner_finds_what_it_is_for():
    assert pc.identifier_leaks("要求：AR-CONTENT；事实 litigation.win_rate_stated:rate，见 facts.yaml") == [
        "AR-CONTENT", "litigation.win_rate_stated", "facts.yaml"]
    assert pc.identifier_leaks("2026.11版；第3.2条；见 http://www.jzmcqzf.gov.cn/a.html") == []
    assert pc.identifier_leaks(pc.html_text('<td class="id">AR-CONTENT</td><td>AR-PLAN</td>')) == ["AR-PLAN"]


def test_no_identifier_in_macuns_chinese_documents():
    assert leaks(documents(MACUN, ON)) == {}


@pytest.fixture(scope="module")
def worst_synthetic(tmp_path_factory):
    """The synthetic district with the most gaps among a few generated ones (bench/generate.py)."""
    from fazhi.app.check import check
    from fazhi.vocabulary import Verdict
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--districts", "6", "--out", str(out)],
                   check=True, capture_output=True, timeout=120)
    cases = [p for p in out.iterdir() if p.is_dir()]
    gaps = {p: sum(1 for f in check(str(p), on=dt.date(2022, 3, 1)).evaluation.findings if f.verdict is Verdict.GAP)
            for p in cases}
    return str(max(cases, key=lambda p: (gaps[p], p.name)))


def test_no_identifier_in_the_worst_synthetic_districts_documents(worst_synthetic):
    assert leaks(documents(worst_synthetic, dt.date(2022, 3, 1))) == {}


@printing
def test_macun_prints_a_short_body_and_a_memo_inside_the_page(tmp_path):
    from fazhi.app.documents import memo, report
    report_html, memo_html = tmp_path / "report.html", tmp_path / "memo.html"
    report_html.write_text(report(MACUN, "html", on=ON).content, encoding="utf-8")
    memo_html.write_text(memo(MACUN, "html", on=ON).content, encoding="utf-8")
    pc.print_pdf(report_html, tmp_path / "report.pdf")
    pc.print_pdf(memo_html, tmp_path / "memo.pdf")
    assert pc.body_pages(tmp_path / "report.pdf") <= 12
    assert overflowing_words(tmp_path / "memo.pdf") == []
    assert overflowing_words(tmp_path / "report.pdf") == []


def overflowing_words(pdf) -> list[str]:
    """Words printed beyond the right margin (less than 10 mm from the paper's edge): a table wider than the page."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    found, width = [], 0.0
    for line in bbox.splitlines():
        if (m := re.search(r'<page width="([\d.]+)"', line)) is not None:
            width = float(m.group(1))
        elif (m := re.search(r'xMax="([\d.]+)"[^>]*>([^<]*)<', line)) is not None and float(m.group(1)) > width - 28.35:
            found.append(m.group(2))
    return found
