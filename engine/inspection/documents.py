"""Each district's gap report and memo, written beside the dashboard: DIR/districts/<slug>/.

    report.html   the gap report (差距报告), with the inspection sections: waivers, met but unverified,
                  data quality
    memo.html     the remediation memo (整改方案)
    memo.json     the memo as data: next round's `--memo`, and `fazhi diff` reads its statuses
"""
from __future__ import annotations

import os
from typing import Any

from fazhi.documents.build import build_report
from fazhi.documents.memo import build_memo
from fazhi.documents.memo_json import dumps_memo
from fazhi.documents.owners import case_owners_file, load_owners
from fazhi.documents.render import render
from fazhi.model.results import Evaluation
from fazhi.render.output import write_atomic

FOLDER = "districts"


def write_documents(out: str, slug: str, case_path: str, evaluation: Evaluation, score: Any, options: Any) -> dict[str, str]:
    """Write the three files; returns their paths relative to `out` (for links)."""
    folder = os.path.join(out, FOLDER, slug)
    os.makedirs(folder, exist_ok=True)
    report = build_report(evaluation, options.lang, options.on, None, score, tiers=True)
    memo = build_memo(evaluation, options.lang, options.on, load_owners(case_owners_file(case_path)), None, None,
                      score.profile if score is not None else None)
    files = {"report": "report.html", "memo": "memo.html", "memo_json": "memo.json"}
    write_atomic(os.path.join(folder, files["report"]), render("report", "html", report, options.templates), force=True,
                 durable=False)  # the run's folder is synced once, before it is swapped in (outfolder.py)
    write_atomic(os.path.join(folder, files["memo"]), render("memo", "html", memo, options.templates), force=True, durable=False)
    write_atomic(os.path.join(folder, files["memo_json"]), dumps_memo(memo, evaluation), force=True, durable=False)
    return {k: f"{FOLDER}/{slug}/{name}" for k, name in files.items()}
