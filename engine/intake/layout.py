"""Where things are in a questionnaire workbook: shared by the writer and the importer.

Fact sheets (the case sheet and one per ruleset): row 1 a title, row 2 the column headings, one fact
per row from row 3, its key in column L. Records sheets: A2 says `records`, B2 names the fact, row 4
holds the column headings, row 5 the field names, one record per row from row 6.
A sheet whose name starts with `_` is the writer's (lists for data validation) and is not read.
"""
from __future__ import annotations

import re

from fazhi.load.facts_loader import EVIDENCE_KEYS

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
LABEL_COL, QUESTION_COL, VALUE_COL, UNIT_COL, RANGE_COL = 1, 2, 3, 4, 5
EVIDENCE_COLS = {key: 6 + i for i, key in enumerate(EVIDENCE_KEYS)}  # F..K
KEY_COL = 6 + len(EVIDENCE_KEYS)  # L
KEY_MARK = "key"  # the heading of the key column starts with this

RECORDS_MARK = "records"  # A2 of a records sheet starts with this; B2 holds the fact key
REC_KEY_ROW, REC_QUESTION_ROW, REC_HEADER_ROW, REC_FIELDS_ROW, REC_FIRST_ROW = 2, 3, 4, 5, 6
REC_VALIDATED_ROWS = 1000  # rows given data validation in a fresh questionnaire

NONE_WORDS = ("无", "没有", "none", "0")  # in a records fact's value cell: "there are no records"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str, used: set[str]) -> str:
    """A valid, unused Excel sheet name (at most 31 characters) from a title."""
    base = _BAD_SHEET_CHARS.sub(" ", text).strip("' ")[:31].rstrip("' ") or "sheet"
    name, n = base, 2
    while name.lower() in {u.lower() for u in used}:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name
