"""Text safe for a terminal and for Markdown: user-supplied text never controls the reader's screen or document.

A district name or any fact text may carry terminal escape sequences (`\\x1b[2J` clears the screen,
`\\x1b]0;…\\x07` retitles the window, `\\x1b[31m` fakes a red verdict) or line-leading Markdown and raw
HTML. `terminal()` drops every control sequence and character except newline and tab; the colours
Fazhi adds itself are applied after that, with `colour()`, to text already made safe.
`markdown_text()` and `markdown_cell()` escape user text for the Markdown writers (report, memo,
`check --format markdown`, the catalogue).
"""
from __future__ import annotations

import re

import click

# ESC followed by: a CSI sequence, an OSC / DCS / SOS / PM / APC string up to its terminator (or the
# end of the text), or a two-character sequence; then the 8-bit forms (CSI 0x9b, OSC 0x9d, DCS 0x90 …).
ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|[ -/]*[0-~]?)"
    r"|\x9b[0-?]*[ -/]*[@-~]?|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?")
# C0 but tab and newline; DEL; C1; the bidirectional overrides that reorder what a reader sees.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal(text: str) -> str:
    """`text` without escape sequences and control characters (newline and tab kept); a CR-LF is a newline."""
    return CONTROL.sub("", ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n")))


def colour(text: str, fg: str, bold: bool = False) -> str:
    """Fazhi's own colour around text made safe first: the only escape sequences that reach the terminal."""
    return click.style(terminal(text), fg=fg, bold=bold)


_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINE_START = re.compile(r"^([ \t]*)(#{1,6}(?=[ \t]|$)|[-+*](?=[ \t]|$)|>|=+[ \t]*$|-{3,}[ \t]*$|\d{1,9}(?=[.)][ \t])"
                         r"|`{3,}|~{3,}|\|)", re.M)
_INLINE = re.compile(r"([\\`\[\]|])")  # code spans, links and images, table columns (emphasis is left: it hides nothing)


class MarkdownText(str):
    """Text already escaped by markdown_text (the `cell` filter then only turns its newlines into <br>)."""


def markdown_text(text: object, inline: bool = True) -> str:
    """User text as Markdown that shows it as written: no raw HTML, no heading, list, quote, fence or
    rule started by the text's own lines, no code span, link, image or table column. Control characters
    are dropped (* and _ stay as written: paths and ids keep them, and emphasis hides nothing). `inline`: a newline becomes a space (a name or a title inside a line or a heading)."""
    value = terminal(str(value_text(text)))
    value = "".join(_HTML.get(ch, ch) for ch in value)
    value = _INLINE.sub(r"\\\1", value)
    if inline:
        value = " ".join(value.split("\n"))
    return MarkdownText(_LINE_START.sub(_escape_line_start, value))


def markdown_cell(text: object) -> str:
    """User text inside a Markdown table cell: escaped as markdown_text, a newline as <br>."""
    return "<br>".join(markdown_text(line) for line in str(value_text(text)).replace("\r\n", "\n").split("\n"))


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark = match.group(1), match.group(2)
    if mark[0].isdigit():  # "1. " would start a numbered list: escape the dot or parenthesis after it
        return indent + mark + "\\"
    return indent + "\\" + mark


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """Text for a spreadsheet cell that no spreadsheet reads as a formula (OWASP, CSV/formula injection):
    a text starting with = + - @, a tab or a carriage return gets a leading apostrophe. Written as a
    string cell as well (set_text_cell), so `=HYPERLINK(…)` in a district name stays text everywhere."""
    return "'" + text if text.startswith(FORMULA_START) else text


def from_spreadsheet_text(text: str) -> str:
    """The text spreadsheet_text was given: the apostrophe it added is dropped when the workbook is read back."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def set_text_cell(ws: object, row: int, column: int, value: object) -> object:
    """An openpyxl cell holding `value`; text is neutralised (spreadsheet_text) and typed as a string, never a formula."""
    cell = ws.cell(row, column)  # type: ignore[attr-defined]
    if isinstance(value, str):
        cell.value = spreadsheet_text(terminal(value))
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def value_text(value: object) -> str:
    return "" if value is None else str(value)


__all__ = ["MarkdownText", "colour", "from_spreadsheet_text", "set_text_cell", "spreadsheet_text", "markdown_cell", "markdown_text", "terminal"]
