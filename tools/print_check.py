"""Print the Chinese documents as their readers would, and check what a reader must never see.

    python tools/print_check.py [OUTDIR]     # Macun's gap report and memo: HTML → PDF (headless Chromium), pages

* `identifier_leaks(text)`: ASCII identifiers in Chinese prose — `word.word` (fact keys, file names) and
  `WORD-WORD` (requirement codes). Requirement codes are allowed only in the annex columns that exist for
  them (附件2 涉及要求, 附件3 编号), which the scanners drop before looking.
* `print_pdf(html, pdf)`: Debian's `chromium --headless --print-to-pdf`; `pages(pdf)`: `pdfinfo`.
* `body_pages(pdf)`: the pages before the page that opens 附件1.
The test tests/test_documents_print.py uses these; the script prints the figures for a person.
"""
from __future__ import annotations

import html as html_lib
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*"
                        r"|(?<![A-Za-z0-9_])[A-Z][A-Z0-9]*-[A-Z0-9][A-Z0-9-]*")
ALLOWED_CELL_CLASSES = ("id", "ids")  # <td class="id">: the annex columns that hold requirement codes


URL = re.compile(r"https?://[^\s<>“”（）()，；]+")


def identifier_leaks(text: str) -> list[str]:
    """Identifiers outside URLs (a web address quoted as evidence is for the reader to follow)."""
    return IDENTIFIER.findall(URL.sub(" ", text))


def html_text(page: str) -> str:
    """The visible text of an HTML document without the permitted annex columns, the style and the markup."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<td class="(?:%s)">.*?</td>' % "|".join(ALLOWED_CELL_CLASSES), " ", page, flags=re.S)
    page = re.sub(r"<col\b[^>]*>|<colgroup>|</colgroup>", " ", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return html_lib.unescape(page)


def markdown_text(text: str) -> str:
    """Markdown without the permitted columns: 附件3's first column (编号) and 附件2's last (涉及要求)."""
    out, annex = [], ""
    for line in text.splitlines():
        if line.startswith("## "):
            annex = line
        if line.startswith("|") and ("附件3" in annex or "Annex 3" in annex):
            line = "|".join(line.split("|")[:1] + line.split("|")[2:])
        elif line.startswith("|") and ("附件2" in annex or "Annex 2" in annex):
            line = "|".join(line.split("|")[:-2])
        out.append(line)
    return "\n".join(out)


def docx_text(content: bytes) -> str:
    """Paragraphs and table cells of a DOCX, without the permitted annex columns (IDs carry U+2011, so a
    code that reaches any other cell with an ASCII hyphen is found)."""
    from docx import Document
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells if "\u2011" not in c.text]
    return "\n".join(parts)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(html_file: Path, pdf_file: Path) -> None:
    browser = chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={profile}", f"--print-to-pdf={pdf_file}", html_file.as_uri()],
                       check=True, capture_output=True, timeout=120)


def pages(pdf_file: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf_file)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_texts(pdf_file: Path) -> list[str]:
    n = pages(pdf_file)
    return [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf_file), "-"],
                           check=True, capture_output=True, text=True).stdout for i in range(1, n + 1)]


def body_pages(pdf_file: Path) -> int:
    """Pages before the one whose first line is 附件1 (the body ends where the annexes begin)."""
    texts = page_texts(pdf_file)
    for i, text in enumerate(texts):
        lines = [x.strip() for x in text.splitlines() if x.strip()]
        if lines and lines[0] in ("附件1", "附件2", "附件3", "附件"):
            return i
    return len(texts)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    out = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="fazhi-print-"))
    out.mkdir(parents=True, exist_ok=True)
    for kind, name in (("report", "gap-report"), ("memo", "memo")):
        html_file = out / f"{name}.html"
        subprocess.run([sys.executable, "-m", "fazhi", kind, str(root / "cases" / "macun-2020"), "--date", "2021-03-01",
                        "--out", str(html_file), "--force"], check=True, capture_output=True)
        pdf = out / f"{name}.pdf"
        print_pdf(html_file, pdf)
        body = body_pages(pdf) if kind == "report" else pages(pdf)
        print(f"{name}: {pages(pdf)} A4 pages printed, body {body}; identifier leaks: "
              f"{identifier_leaks(html_text(html_file.read_text(encoding='utf-8')))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
