"""Worksheet rows as XML, without cell references, and the shared-string table.

ECMA-376 lets rows and cells leave out `r`: a row is then the one after the row before, a cell the
column after the cell before. So every cell up to the last one with a value is written, a blank as
`<c/>`, and a worker can render its case's rows not knowing where they will land. Strings fixed by
the catalogue (ids, titles, verdicts …) are shared (`t="s"`, an index into xl/sharedStrings.xml, the
table built before the fork so workers and parent agree); any other text is an inline string.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping
from xml.sax.saxutils import escape

MAX_TEXT = 32_767  # characters a cell holds
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what `text` must drop or escape
_BLANK = "<c/>"
_BLANKS = {None: _BLANK, "": _BLANK}


def text(value: str) -> str:
    """A `<t>` element; xml:space only where it matters (leading or trailing blanks)."""
    if len(value) > MAX_TEXT or _SPECIAL.search(value):  # rare: most texts go in as they are
        value = _BAD.sub("", value)[:MAX_TEXT]
        body = escape(value)
    else:
        body = value
    if value != value.strip():
        return f'<t xml:space="preserve">{body}</t>'
    return f"<t>{body}</t>"


def cell(value: Any, shared: Mapping[str, int] | None = None, style: str = "") -> str:
    """One `<c>`; `style` is a ready attribute such as ' s="1"'."""
    if value is None or value == "":
        return _BLANK
    if isinstance(value, str):
        index = shared.get(value) if shared is not None else None
        if index is not None:
            return f'<c t="s"{style}><v>{index}</v></c>'
        return f'<c t="inlineStr"{style}><is>{text(value)}</is></c>'
    if isinstance(value, bool):
        return f'<c t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f"<c{style}><v>{value}</v></c>"
    return f'<c t="inlineStr"{style}><is>{text(str(value))}</is></c>'


def row(values: Iterable[Any], shared: Mapping[str, int] | None = None, style: str = "", prefix: str = "") -> str:
    """One `<row>`; `prefix` is cells already rendered (the same first cells on every row of a case).
    Blanks at the end are left out: no later cell needs them to keep its column."""
    cells = prefix + "".join([cell(v, shared, style) for v in values])
    while cells.endswith(_BLANK):
        cells = cells[:-len(_BLANK)]
    return f"<row>{cells}</row>"


def rows(all_values: Iterable[Iterable[Any]], shared: SharedStrings | None = None, prefix: str = "") -> str:
    """Many `row`s of scalars (no style) at once: a shared string's or a blank's cell is one lookup (the
    findings sheet's hot path: most of its cells are catalogue strings)."""
    get = (shared.cells if shared is not None else _BLANKS).get
    start = f"<row>{prefix}"
    out: list[str] = []
    for values in all_values:
        found = [get(v) or _unshared(v) for v in values]
        while found and found[-1] == _BLANK:
            found.pop()
        if found:
            out.append(start)
            out += found
            out.append("</row>")
        else:  # no value at all: blanks trimmed from the prefix too
            out.append(row((), prefix=prefix))
    return "".join(out)


def _unshared(value: Any) -> str:
    """`cell(value)` for a value not in the table, most often a text: inline, with no more checks."""
    if type(value) is str:
        return f'<c t="inlineStr"><is>{text(value)}</is></c>'
    return cell(value)


class SharedStrings:
    """The shared-string table: each string once, its index in the order first given."""

    def __init__(self, strings: Iterable[str] = ()):
        self.index: dict[str, int] = {}
        for s in strings:
            if s and s not in self.index:
                self.index[s] = len(self.index)
        # Each string's cell, and a blank's, ready (`rows`); built before the fork, like the index.
        self.cells: dict[str | None, str] = {s: f'<c t="s"><v>{i}</v></c>' for s, i in self.index.items()}
        self.cells.update(_BLANKS)

    def __len__(self) -> int:
        return len(self.index)

    def xml(self) -> bytes:
        """xl/sharedStrings.xml."""
        items = "".join(f"<si>{text(s)}</si>" for s in self.index)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main" uniqueCount="{len(self.index)}">{items}</sst>').encode("utf-8")
