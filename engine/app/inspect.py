"""`inspect`: every case under some folders, evaluated in parallel, with the summary, the spreadsheet,
the dashboard and (optionally) each district's documents written under one output folder.

    result = inspect(["cases/"], out="inspection", jobs=2, on_progress=lambda done, total: ...)
    result.inspection (inspection.summary.Inspection), result.files, result.failed, result.has_gaps
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from typing import Callable, Sequence

from fazhi.app.rules import RuleSource, load_rules, rule_source
from fazhi.errors import InputError, Location, Problem


@dataclass(frozen=True)
class InspectResult:
    inspection: object  # inspection.summary.Inspection (closed: its views, totals and trends remain)
    files: tuple[str, ...]  # summary.json, summary.xlsx, index.html
    documents: str | None  # the folder of each district's documents, when written
    failed: tuple[object, ...]  # inspection.results.CaseResult with .path and .error

    @property
    def has_gaps(self) -> bool:
        return any(r.counts.get("gap") for r in self.inspection.ok)  # type: ignore[attr-defined]

    @property
    def has_data_quality(self) -> bool:
        return any(r.data_quality for r in self.inspection.ok)  # type: ignore[attr-defined]


def inspect(paths: Sequence[str], out: str = "inspection", rules: RuleSource | Sequence[str] | None = None,
            profile: str | None = None, lang: str = "zh", jobs: int = 1, waivers: Sequence[str] = (),
            documents: bool = True, force: bool = False, on: dt.date | None = None, templates: str | None = None,
            on_progress: Callable[[int, int], None] | None = None) -> InspectResult:
    """Evaluate every case under `paths` (folders with facts.yaml, symlinked ones too) on `jobs` processes.

    waivers: waivers.yaml files for every case (besides those found beside the cases and at the roots);
    templates: a folder overriding the built-in templates (documents and dashboard); on_progress(done, total)
    is called after each case. A case that fails is in `failed`; the others are still written. An input
    error that concerns every case (rulesets, profile, a waiver file, an existing output) raises InputError
    before anything is written."""
    from fazhi.checks.waivers import case_waivers_file, load_waivers
    from fazhi.inspection.dashboard import SCRIPT, render_dashboard
    from fazhi.inspection.dashboard import script as dashboard_script
    from fazhi.inspection.discover import discover, slug
    from fazhi.inspection.ordered import InOrder
    from fazhi.inspection.runner import Options, run
    from fazhi.inspection.summary import Inspection
    from fazhi.inspection.xlsx import SummaryBook, shared_strings
    from fazhi.load.profiles import find_profile, load_profile
    from fazhi.inspection.outfolder import RunFolder
    from fazhi.render.output import write_atomic

    source = rule_source(rules)
    on = on or dt.date.today()
    if templates is not None:
        from fazhi.documents.render import search_path
        search_path(templates)  # not a folder: stop before any case is evaluated
    with RunFolder(out, force) as folder:  # locked first (a second run is told it is busy); written beside --out,
        # swapped in whole at the end; nothing of a failed run is left
        catalogue = load_rules(source)
        chosen = load_profile(find_profile(profile, source.folders), catalogue) if profile else None
        found = discover(list(paths), skip=out)
        every = []
        for file in list(found.waiver_files) + list(waivers):  # any error stops the run, with file:line
            if not os.path.exists(file):
                raise InputError([Problem(Location(file), "no such waivers file", zh="没有此豁免文件")])
            every += load_waivers(file, catalogue)
        for case in found.cases:
            load_waivers(case_waivers_file(case), catalogue)
        taken: set[str] = set()
        tasks = [(i, case, slug(case, taken)) for i, case in enumerate(found.cases)]
        strings = shared_strings(catalogue, chosen, lang)  # before the fork: the workers render with it
        work = folder.path
        options = Options(lang, on, chosen, tuple(every), work if documents else None, templates=templates,
                          strings=strings)
        with contextlib.ExitStack() as cleanup:
            inspection = Inspection(catalogue, chosen, lang, on.isoformat(), work)
            cleanup.callback(inspection.close)
            book = SummaryBook(inspection, os.path.join(work, "summary.xlsx"), strings)
            cleanup.callback(book.abort)  # nothing to do once finished; else no partial summary.xlsx is left
            in_order = InOrder(book.add, inspection.add)  # the summary drops what it is given: it goes last
            for done, result in enumerate(run(tasks, catalogue, options, max(jobs, 1)), 1):
                in_order.add(result)
                if on_progress is not None:
                    on_progress(done, len(tasks))
            in_order.close()
            inspection.finish()
            inspection.write_json(os.path.join(work, "summary.json"))
            book.finish()
            write_atomic(os.path.join(work, "index.html"), render_dashboard(inspection, templates), force=True)
            write_atomic(os.path.join(work, SCRIPT), dashboard_script(), force=True)  # index.html's <script src>
        folder.commit()
    files = tuple(os.path.join(out, name) for name in ("summary.json", "summary.xlsx", "index.html"))
    return InspectResult(inspection, files, os.path.join(out, "districts") if documents else None,
                         tuple(inspection.failed))
