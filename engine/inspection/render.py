"""A case's parts of the outputs, rendered where the case was evaluated (a worker), ready to write.

The parent writes every case serially; the workers run side by side. So a worker turns its case's
findings into the bytes the parent needs and the parent only appends them: the case's entry in
summary.json, its rows of the findings sheet as XML, and its findings pickled for the trends (the
parent spools them unread and unpickles only a district's several years).
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass

from fazhi.inspection.cells import SharedStrings
from fazhi.inspection.results import CaseResult
from fazhi.inspection.xlsx import findings_xml


@dataclass
class Rendered:
    entry: bytes  # the case in summary.json's "cases" (JSON)
    sheet: bytes  # its rows of the findings sheet (XML)
    sheet_rows: int
    rows: bytes  # its ROW tuples, pickled; empty for a case that failed


def render(result: CaseResult, shared: SharedStrings | None) -> CaseResult:
    """Fill `result.rendered`, and drop the findings it was made from (they would cross the pipe twice)."""
    rows, result.findings = result.findings, []
    entry = result.summary_entry(rows)
    if result.error is not None:
        result.rendered = Rendered(entry, b"", 0, b"")
    else:
        result.rendered = Rendered(entry, findings_xml(result, rows, shared), len(rows),
                                   pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    return result
