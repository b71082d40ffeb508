"""`fazhi inspect` and `fazhi diff`: many districts and years at once, and what changed between runs.

    fazhi inspect cases/ --out inspection [--profile annual-evaluation] [--jobs 2]
    fazhi diff cases/macun-2020 cases/macun-2021-example     # or two inspect outputs, or two findings JSONs

inspect writes DIR/summary.json, DIR/summary.xlsx, DIR/index.html and DIR/districts/<case>/ (gap report,
memo, memo.json), and prints the summary as a table. Exit 0 no gap, 1 gaps, 2 when a case failed
(the others are still evaluated and written) or on a usage or input error, such as a waiver file
with an error (which stops the run before any case is evaluated).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any

import click

from fazhi.app.diff import diff as run_diff
from fazhi.app.inspect import inspect as run_inspect
from fazhi.app.rules import RuleSource
from fazhi.cli.options import FOLLOW, DATE, EXIT_ERROR, EXIT_GAPS, EXIT_OK, FORCE, LANG, PROFILE, RULES, TEMPLATES, day, echo, emit, t


@click.command()
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
@TEMPLATES
@FOLLOW
def inspect(paths: tuple[str, ...], rules: RuleSource, profile: str | None, lang: str, out: str, jobs: int,
            waiver_files: tuple[str, ...], documents: bool, top: int, force: bool, on: Any, templates: str | None) -> None:
    """Evaluate every case under PATHS in parallel; write the summary, the spreadsheet and the dashboard."""
    sys.exit(run_inspection(list(paths), rules, profile, lang, out, jobs or os.cpu_count() or 1, waiver_files,
                            documents, top, force, day(on), templates))


def run_inspection(paths: list[str], rules: RuleSource | tuple[str, ...], profile: str | None, lang: str, out: str,
                   jobs: int, waiver_files: tuple[str, ...], documents: bool, top: int, force: bool, on: dt.date,
                   templates: str | None = None) -> int:
    """The inspection with a progress bar, the ranking table and the files written; returns the exit code."""
    from fazhi.inspection.table import render_table
    with click.progressbar(length=0, label=t(lang, "评估中", "evaluating"), file=sys.stderr, show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            if bar.length != total:
                bar.length = total
                bar.label = t(lang, f"用{min(jobs, total)}个进程评估{total}个案例",
                              f"evaluating {total} cases on {min(jobs, total)} processes")
            bar.update(1)
        result = run_inspect(paths, out, rules, profile, lang, jobs, waiver_files, documents, force, on, templates, progress)
    inspection: Any = result.inspection
    echo(render_table(inspection, top), nl=False)
    if lang == "en":
        echo("wrote " + ", ".join(result.files)
                   + (f" and {len(inspection.ok)} districts' documents under {result.documents}" if result.documents else ""),
                   err=True)
    else:
        echo("已写入 " + "、".join(result.files)
                   + (f"，以及{result.documents}下{len(inspection.ok)}个地区的文书" if result.documents else ""), err=True)
    for r in result.failed:
        echo(t(lang, "错误：", "error: ") + f"{r.path}:\n  " + (r.error or "").replace("\n", "\n  "), err=True)  # type: ignore[attr-defined]
    if result.failed:
        return EXIT_ERROR
    return EXIT_GAPS if result.has_gaps or result.has_data_quality else EXIT_OK


@click.command()
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@LANG
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for the terminal, json for programs.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@FORCE
@DATE
@FOLLOW
def diff(old: str, new: str, lang: str, fmt: str, out: str | None, force: bool, on: Any) -> None:
    """Findings new, regressed, persisting, resolved, unverified or waived from OLD to NEW, with memo status.

    OLD and NEW: `fazhi inspect` outputs (folder or summary.json), findings JSONs of `fazhi check`, or case folders."""
    result = run_diff(old, new, on.date() if on else None)  # for case folders: the date waivers are judged on
    text = json.dumps(result.data(), ensure_ascii=False, indent=2) + "\n" if fmt == "json" else result.text(lang)
    emit(text, out, force)
    sys.exit(EXIT_GAPS if result.changed else EXIT_OK)
