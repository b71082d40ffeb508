"""`fazhi inspect` and `fazhi diff`: many districts and years at once, and what changed between runs.

    fazhi inspect cases/ bench-generated/ --out inspection [--profile annual-evaluation] [--jobs 2]
    fazhi diff inspection-2021/ inspection-2022/            # or two findings JSONs, or two case folders

inspect writes DIR/summary.json, DIR/summary.xlsx, DIR/index.html and DIR/districts/<case>/ (gap report,
memo, memo.json), and prints the summary as a table. Exit 0 no gap, 1 gaps, 2 when a case failed
(the others are still evaluated and written) or on a usage or input error, such as a waiver file
with an error (which stops the run before any case is evaluated).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from typing import Any

import click

from fazhi.errors import InputError, Location, Problem


def register(group: click.Group) -> None:
    """Add `inspect` and `diff` to the `fazhi` group."""
    from fazhi.cli.main import DATE, FOLLOW, FORCE, LANG, PROFILE, RULES

    @group.command()
    @click.argument("paths", nargs=-1, required=True, type=click.Path())
    @RULES
    @PROFILE
    @LANG
    @click.option("--out", default="inspection", show_default=True, type=click.Path(file_okay=False),
                  help="Folder for summary.json, summary.xlsx, index.html and each district's documents.")
    @click.option("--jobs", "-j", type=click.IntRange(min=0), default=0,
                  help="Worker processes [default: one per CPU]; 1 evaluates in this process.")
    @click.option("--waivers", "waiver_files", multiple=True, type=click.Path(dir_okay=False),
                  help="A waivers.yaml for every case (besides those beside the cases and at the paths given).")
    @click.option("--documents/--no-documents", default=True, show_default=True,
                  help="Write each district's gap report and memo beside the dashboard.")
    @click.option("--top", type=int, default=30, show_default=True, help="Rows of the ranking printed (0: all).")
    @FORCE
    @DATE
    @FOLLOW
    def inspect(paths: tuple[str, ...], rules: tuple[str, ...], profile: str | None, lang: str, out: str, jobs: int,
                waiver_files: tuple[str, ...], documents: bool, top: int, force: bool, on: Any) -> None:
        """Evaluate every case under PATHS in parallel; write the summary, the spreadsheet and the dashboard."""
        code = run_inspection(list(paths), rules, profile, lang, out, jobs or os.cpu_count() or 1, waiver_files,
                              documents, top, force, on.date() if on else dt.date.today())
        sys.exit(code)

    @group.command()
    @click.argument("old", type=click.Path(exists=True))
    @click.argument("new", type=click.Path(exists=True))
    @LANG
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
    @FORCE
    @DATE
    @FOLLOW
    def diff(old: str, new: str, lang: str, fmt: str, out: str | None, force: bool, on: Any) -> None:
        """Findings new, regressed, persisting, resolved, unverified or waived from OLD to NEW, with memo status.

        OLD and NEW: `fazhi inspect` outputs (folder or summary.json), findings JSONs of `fazhi check`, or case folders."""
        from fazhi.cli.main import _emit
        from fazhi.app.diff import load_sides, pair
        day = on.date() if on else None  # for case folders: the date waivers are judged on
        pairs, only_old, only_new = pair(load_sides(old, day), load_sides(new, day))
        text, changed = _diff_output(pairs, only_old, only_new, lang, fmt)
        _emit(text, out, force)
        sys.exit(1 if changed else 0)


def run_inspection(paths: list[str], rules: tuple[str, ...], profile_name: str | None, lang: str, out: str, jobs: int,
                   waiver_files: tuple[str, ...], documents: bool, top: int, force: bool, on: dt.date) -> int:
    from fazhi.inspection.outfolder import RunFolder
    with RunFolder(out, force) as folder:  # locked; written beside --out, swapped in whole at the end
        code = _inspect_into(folder, paths, rules, profile_name, lang, out, jobs, waiver_files, documents, top, on)
        folder.commit()
    summary_path = os.path.join(out, "summary.json")
    click.echo(f"wrote {summary_path}, {os.path.join(out, 'summary.xlsx')}, {os.path.join(out, 'index.html')}"
               + (f" and the districts' documents under {os.path.join(out, 'districts')}" if documents else ""),
               err=True)
    return code


def _inspect_into(folder: Any, paths: list[str], rules: tuple[str, ...], profile_name: str | None, lang: str, out: str,
                  jobs: int, waiver_files: tuple[str, ...], documents: bool, top: int, on: dt.date) -> int:
    from fazhi.cli.main import default_rules
    from fazhi.inspection.dashboard import render_dashboard
    from fazhi.inspection.discover import discover, slug
    from fazhi.inspection.ordered import InOrder
    from fazhi.inspection.runner import Options, run
    from fazhi.inspection.summary import Inspection
    from fazhi.inspection.table import render_table
    from fazhi.inspection.xlsx import SummaryBook, shared_strings
    from fazhi.render.output import write_atomic
    from fazhi.load.profiles import find_profile, load_profile
    from fazhi.load.ruleset_loader import load_catalogue
    from fazhi.checks.waivers import case_waivers_file, load_waivers

    work = folder.path
    summary_path = os.path.join(work, "summary.json")
    rule_paths = list(rules) or [default_rules()]
    catalogue = load_catalogue(rule_paths)
    profile = load_profile(find_profile(profile_name, rule_paths), catalogue) if profile_name else None
    found = discover(paths, skip=out)
    waivers = []
    for file in list(found.waiver_files) + list(waiver_files):  # any error stops the run, with file:line
        if not os.path.exists(file):
            raise InputError([Problem(Location(file), "no such waivers file")])
        waivers += load_waivers(file, catalogue)
    for case in found.cases:
        load_waivers(case_waivers_file(case), catalogue)
    taken: set[str] = set()
    tasks = [(i, case, slug(case, taken)) for i, case in enumerate(found.cases)]
    strings = shared_strings(catalogue, profile, lang)  # before the fork: the workers render with it
    options = Options(lang, on, profile, tuple(waivers), work if documents else None, strings=strings)
    label = f"evaluating {len(tasks)} cases on {min(jobs, len(tasks))} processes"
    with contextlib.ExitStack() as cleanup:
        inspection = Inspection(catalogue, profile, lang, on.isoformat(), work)
        cleanup.callback(inspection.close)
        book = SummaryBook(inspection, os.path.join(work, "summary.xlsx"), strings)
        cleanup.callback(book.abort)  # nothing to do once finished; else no partial summary.xlsx is left
        in_order = InOrder(book.add, inspection.add)  # the summary drops what it is given: it goes last
        with click.progressbar(length=len(tasks), label=label, file=sys.stderr, show_pos=True) as bar:
            for result in run(tasks, catalogue, options, jobs):
                in_order.add(result)
                bar.update(1)
        in_order.close()
        inspection.finish()
        inspection.write_json(summary_path)
        book.finish()
        write_atomic(os.path.join(work, "index.html"), render_dashboard(inspection), force=True)
        click.echo(render_table(inspection, top), nl=False)
        for r in inspection.failed:
            click.echo(f"error: {r.path}:\n  " + (r.error or "").replace("\n", "\n  "), err=True)
        if inspection.failed:
            return 2
        return 1 if any(r.counts.get("gap") for r in inspection.ok) else 0


def _diff_output(pairs: list[Any], only_old: list[Any], only_new: list[Any], lang: str, fmt: str) -> tuple[str, bool]:
    from fazhi.app.diff import compare, counts
    from fazhi.documents import labels as L
    results = [(o, n, compare(o, n)) for o, n in pairs]
    changed = any(c.category in ("new", "regressed") for _, _, cs in results for c in cs)
    if fmt == "json":
        data = {"pairs": [{"district": n.district, "parent": n.parent, "old_period": o.period, "new_period": n.period,
                           "counts": counts(cs), "changes": [c.__dict__ for c in cs]} for o, n, cs in results],
                "only_old": [{"district": s.district, "parent": s.parent, "period": s.period} for s in only_old],
                "only_new": [{"district": s.district, "parent": s.parent, "period": s.period} for s in only_new]}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n", changed
    names = {"zh": {"new": "新增", "regressed": "反弹", "persisting": "持续", "resolved": "已整改", "unverified": "待核验",
                    "waived": "已豁免"},
             "en": {k: k for k in ("new", "regressed", "persisting", "resolved", "unverified", "waived")}}[lang]
    status = dict(L.STATUS[lang], waived=names["waived"], **{"—": "—"})
    lines = []
    for o, n, cs in results:
        c = counts(cs)
        head = f"{n.parent or ''}{n.district} {o.period} → {n.period}: " + ", ".join(f"{names[k]} {v}" for k, v in c.items())
        lines.append(head)
        for ch in cs:
            record = f" ({ch.record})" if ch.record else ""
            memo = ("memo: " if lang == "en" else "整改状态：") + status.get(ch.memo_status, ch.memo_status)
            lines.append(f"  [{names[ch.category]}] {ch.requirement}{record} {ch.title} — {memo}")
    for s in only_old:
        lines.append(f"{s.parent or ''}{s.district} {s.period}: " + ("only in OLD" if lang == "en" else "仅见于旧结果"))
    for s in only_new:
        lines.append(f"{s.parent or ''}{s.district} {s.period}: " + ("only in NEW" if lang == "en" else "仅见于新结果"))
    return "\n".join(lines) + "\n", changed
