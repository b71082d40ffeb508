"""`fazhi report` and `fazhi memo`: the gap report and the remediation memo.

    fazhi report CASE --out gap-report.md|.html|.docx [--memo last/memo.json]
    fazhi memo   CASE --out memo.md|.html|.docx|.json [--memo last/memo.json] [--deadlines critical=30,...]

The format follows the extension of --out; an existing file is kept unless --force. Exit 0 when the
document is written, 2 on a usage or input error (as every fazhi command).
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Any, Callable

import click

from fazhi.errors import InputError, Location, Problem
from fazhi.model.results import Evaluation

FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".json": "json"}


def output_format(out: str, allowed: tuple[str, ...]) -> str:
    fmt = FORMATS.get(os.path.splitext(out)[1].lower())
    if fmt not in allowed:
        names = ", ".join(sorted({ext for ext, f in FORMATS.items() if f in allowed and ext in (".md", ".html", ".docx", ".json")}))
        raise click.BadParameter(f"'{out}': the format follows the extension, one of {names}", param_hint="--out")
    return fmt


def register(group: click.Group) -> None:
    """Add the document commands to the `fazhi` group."""
    from fazhi.cli.main import FOLLOW, FORCE, LANG, PROFILE, RULES  # cli has defined these by the time it calls register()

    def common(f: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed([
            click.argument("case", type=click.Path()),
            RULES, PROFILE, LANG,
            click.option("--out", required=True, type=click.Path(), help="The file to write; its extension picks the format."),
            FORCE, FOLLOW,
            click.option("--templates", "templates", type=click.Path(), metavar="DIR",
                         help="A folder of templates that override the built-in ones (Markdown and HTML)."),
            click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                         help="The date of evaluation [default: today]; deadlines count from it."),
            click.option("--memo", "previous", type=click.Path(), metavar="FILE",
                         help="The previous memo.json: mark each of its items closed, open or reopened (整改销号)."),
        ]):
            f = option(f)
        return f

    @group.command()
    @common
    def report(case: str, rules: tuple[str, ...], profile: str | None, lang: str, out: str, force: bool,
               templates: str | None, day: Any, previous: str | None) -> None:
        """Write the gap report (差距报告): summary, 存在的问题, 需补充的材料 and an annex of every requirement."""
        from fazhi.documents.build import build_report
        fmt = output_format(out, ("md", "html", "docx"))
        _refuse_overwrite(out, force)
        evaluation, score, progress, evaluated_on, manifest = _prepare(case, rules, profile, previous, day, lang)
        view = build_report(evaluation, lang, evaluated_on, progress, score)
        _write(out, force, fmt, "report", view, templates, manifest)

    @group.command()
    @common
    @click.option("--deadlines", metavar="SEVERITY=DAYS,...",
                  help="Days to remedy by severity, e.g. critical=30,major=90,minor=180,advisory=180; "
                       "a severity named here overrides the rulesets' own deadlines.")
    @click.option("--owners", "owners_file", type=click.Path(), metavar="FILE",
                  help="Owner roles and domains → units [default: owners.yaml beside the case's facts].")
    def memo(case: str, rules: tuple[str, ...], profile: str | None, lang: str, out: str, force: bool,
             templates: str | None, day: Any, previous: str | None, deadlines: str | None, owners_file: str | None) -> None:
        """Write the remediation memo (整改方案): one item per gap with measure, unit, deadline and acceptance."""
        from fazhi.documents.memo import build_memo, parse_deadlines
        from fazhi.documents.owners import case_owners_file, load_owners, require_file
        fmt = output_format(out, ("md", "html", "docx", "json"))
        _refuse_overwrite(out, force)
        table = parse_deadlines(deadlines)
        if owners_file is not None:
            require_file(owners_file)
        owners = load_owners(owners_file or case_owners_file(case))
        evaluation, score, progress, evaluated_on, manifest = _prepare(case, rules, profile, previous, day, lang,
                                                                       owners_file or case_owners_file(case))
        view = build_memo(evaluation, lang, evaluated_on, owners, table, progress, score.profile if score else None)
        if fmt == "json":
            import json
            from fazhi.documents.memo_json import dumps_memo
            from fazhi.render.output import dumps, write_atomic
            write_atomic(out, dumps({**json.loads(dumps_memo(view, evaluation)), "manifest": manifest}), force)
            click.echo(f"wrote {out}", err=True)
        else:
            _write(out, force, fmt, "memo", view, templates, manifest)


def _refuse_overwrite(out: str, force: bool) -> None:
    """Fail before the work, not after it (write_atomic checks again when it writes)."""
    from fazhi.render.output import OutputExists
    if os.path.exists(out) and not force:
        raise OutputExists(f"{out}: already exists; use --force to overwrite")


def _prepare(case: str, rules: tuple[str, ...], profile: str | None, previous: str | None, day: Any, lang: str,
             owners_file: str | None = None) -> tuple[Evaluation, Any, Any, dt.date, dict[str, Any]]:
    """Evaluate the case (under the profile, when named), compare it with the previous memo, if any, and record
    what the result was computed from (the manifest in the document's footer)."""
    from fazhi.cli.main import run_check
    from fazhi.documents.memo_json import progress, read_memo
    evaluated_on = day.date() if day is not None else dt.date.today()
    last = None
    if previous is not None:
        if not os.path.isfile(previous):
            raise InputError([Problem(Location(previous), "no such memo file", suggestion="give the memo.json that `fazhi memo` wrote")])
        last = read_memo(previous)
    evaluation, score, manifest = run_check(case, rules, profile, lang, evaluated_on, previous)
    if owners_file and os.path.exists(owners_file):
        from fazhi.app.manifest import file_hash, portable
        manifest["inputs"].append({"role": "owners", "file": portable(owners_file), "sha256": file_hash(owners_file)})
    return evaluation, score, (progress(evaluation, last) if last is not None else None), evaluated_on, manifest


def _write(out: str, force: bool, fmt: str, kind: str, view: Any, templates: str | None,
           manifest: dict[str, Any]) -> None:
    from fazhi.documents.footer import with_footer
    from fazhi.render.output import write_atomic
    if fmt == "docx":
        from fazhi.documents.docx import memo_docx, report_docx
        if templates:
            click.echo("note: --templates applies to Markdown and HTML; the DOCX layout is built in", err=True)
        content: str | bytes = report_docx(view) if kind == "report" else memo_docx(view)
    else:
        from fazhi.documents.render import render
        content = render(kind, fmt, view, templates)
    write_atomic(out, with_footer(content, fmt, manifest, view.lang), force)
    click.echo(f"wrote {out}", err=True)
