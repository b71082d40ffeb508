"""`fazhi report` and `fazhi memo`: the gap report and the remediation memo.

    fazhi report CASE [--out gap-report.md|.html|.docx] [--memo last/memo.json]
    fazhi memo   CASE [--out memo.md|.html|.docx|.json] [--memo last/memo.json] [--deadlines critical=30,...]

The format follows the extension of --out; without --out the document is printed as Markdown. An
existing file is kept unless --force. Exit 0 when the document is written, 2 on a usage or input error.
"""
from __future__ import annotations

from typing import Any, Callable

import click

from fazhi.app import documents as app
from fazhi.app.rules import RuleSource
from fazhi.cli.options import RUN, FOLLOW, DATE, FORCE, LANG, PROFILE, RULES, TEMPLATES, day, echo, refuse_overwrite, write


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.argument("case", type=click.Path()),
        RULES, PROFILE, LANG,
        click.option("--out", type=click.Path(), help="The file to write; its extension picks the format [default: Markdown to the terminal]."),
        FORCE, FOLLOW, TEMPLATES, DATE,
        click.option("--memo", "previous", type=click.Path(), metavar="FILE",
                     help="The previous memo.json: mark each of its items closed, open or reopened (整改销号)."),
    ]):
        f = option(f)
    return f


def _deliver(doc: app.Document, out: str | None, force: bool) -> None:
    for note in doc.notes:
        echo(("注意：" if RUN["lang"] == "zh" else "note: ") + note, err=True)
    if out:
        write(out, doc.content, force)
    else:
        assert isinstance(doc.content, str)
        echo(doc.content, nl=False)


@click.command()
@_common
@click.option("--issuer", metavar="TEXT", help="署名: the issuing body [default: submitted.by in the case's facts].")
@click.option("--addressee", metavar="TEXT",
              help="主送: the addressee [default: 中共<parent>委、<parent>人民政府 when the case names its parent].")
def report(case: str, rules: RuleSource, profile: str | None, lang: str, out: str | None, force: bool,
           templates: str | None, on: Any, previous: str | None, issuer: str | None, addressee: str | None) -> None:
    """Write the gap report (差距报告): summary, 存在的问题, 需补充的材料 and an annex of every requirement."""
    fmt = app.format_for(out, app.REPORT_FORMATS) if out else "md"
    refuse_overwrite(out, force)
    _deliver(app.report(case, fmt, rules, profile, lang, day(on), previous, templates, issuer, addressee), out, force)


@click.command()
@_common
@click.option("--deadlines", metavar="SEVERITY=DAYS,...",
              help="Days to remedy by severity, e.g. critical=30,major=90,minor=180,advisory=180; "
                   "a severity named here overrides the rulesets' own deadlines.")
@click.option("--owners", "owners_file", type=click.Path(), metavar="FILE",
              help="Owner roles and domains → units [default: owners.yaml beside the case's facts].")
@click.option("--issuer", metavar="TEXT", help="署名: the issuing body [default: submitted.by in the case's facts].")
def memo(case: str, rules: RuleSource, profile: str | None, lang: str, out: str | None, force: bool,
         templates: str | None, on: Any, previous: str | None, deadlines: str | None, owners_file: str | None,
         issuer: str | None) -> None:
    """Write the remediation memo (整改方案): one item per gap with measure, unit, deadline and acceptance."""
    fmt = app.format_for(out, app.MEMO_FORMATS) if out else "md"
    refuse_overwrite(out, force)
    _deliver(app.memo(case, fmt, rules, profile, lang, day(on), previous, templates, deadlines, owners_file,
                      issuer), out, force)
