"""`fazhi rules list|show|doc|test`: browse and test the requirement catalogue."""
from __future__ import annotations

import sys
from typing import Any

import click

from fazhi.app import rules as app
from fazhi.app.rules import RuleSource
from fazhi.cli.options import EXIT_GAPS, EXIT_OK, FORCE, LANG, RULES, emit, refuse_overwrite, echo
from fazhi.render import catalogue_view
from fazhi.render.output import dumps

ORIGIN = {"zh": {"overlay": "［叠加新增］", "replaces": "［叠加替换］"}, "en": {"overlay": "[overlay: added]", "replaces": "[overlay: replaces]"}}


@click.group()
def rules() -> None:
    """Browse and test the requirement catalogue."""


@rules.command("list")
@RULES
@click.option("--domain", help="Only this domain: its id (three-systems) or its title (三项制度).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only requirements in force on this date.")
@LANG
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for the terminal, json for programs.")
def list_rules(rules: RuleSource, domain: str | None, as_of: Any, lang: str, fmt: str) -> None:
    """The requirements, one line each; those from an overlay are marked."""
    catalogue = app.load_rules(rules)
    listed = app.list_rules(catalogue, domain, as_of.date() if as_of else None)
    if fmt == "json":
        echo(dumps([{**catalogue_view.requirement_data(catalogue, x.requirement, lang), "origin": x.origin}
                          for x in listed]), nl=False)
        return
    lines = catalogue_view.list_text([x.requirement for x in listed], lang, catalogue.domain_titles).splitlines()
    marks = [ORIGIN[lang].get(x.origin, "") for x in listed]
    echo("\n".join([f"{line}  {mark}" if mark else line for line, mark in zip(lines, marks)] + lines[len(listed):]) + "\n",
               nl=False)


@rules.command("show")
@click.argument("requirement")
@RULES
@LANG
def show_rule(requirement: str, rules: RuleSource, lang: str) -> None:
    """One requirement (its id in any case): text, citation, facts it reads."""
    catalogue = app.load_rules(rules)
    echo(catalogue_view.show_text(catalogue, app.show_rule(catalogue, requirement), lang), nl=False)


@rules.command("doc")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", type=click.Path(), help="Write to this file (e.g. docs/catalogue.md).")
@FORCE
def doc_rules(paths: tuple[str, ...], out: str | None, force: bool) -> None:
    """The catalogue as Markdown (Chinese, then English): citations, checks, questions."""
    refuse_overwrite(out, force)
    emit(app.catalogue_doc(paths), out, force)


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="List every fixture.")
def test_rules(paths: tuple[str, ...], verbose: bool) -> None:
    """Run every requirement's fixtures; fail when one fails or a verdict lacks a fixture."""
    result = app.test_rules(paths)
    for r in result.results:
        if verbose or not r.passed:
            echo(f"{'PASS' if r.passed else 'FAIL'} {r.requirement}: {r.name}" + ("" if r.passed else f" — {r.detail}"))
    for c in result.coverage:
        echo(f"MISSING {c.requirement}: no fixture for {', '.join(v.value for v in c.missing)}")
    covered = result.total - len(result.coverage)
    echo(f"coverage: {covered}/{result.total} requirements have every required fixture "
               f"({100 * covered // max(result.total, 1)}%)")
    echo(f"{len(result.results) - len(result.failed)} passed, {len(result.failed)} failed")
    sys.exit(EXIT_OK if result.ok else EXIT_GAPS)
