"""`fazhi check`, `fazhi validate` and `fazhi verify`: one case, the rulesets, a recorded result.

Exit codes: 0 no gap (or valid, or identical), 1 at least one gap or data-quality finding (or different), 2 usage
or input error.
"""
from __future__ import annotations

import sys
from typing import Any

import click

from fazhi.app.check import check as run_check
from fazhi.app.rules import RuleSource, validate as run_validate
from fazhi.app.verify import verify as run_verify
from fazhi.render.safe_text import terminal
from fazhi.cli.options import FOLLOW, DATE, EXIT_GAPS, EXIT_OK, FORCE, LANG, PROFILE, RULES, day, emit, refuse_overwrite, echo
from fazhi.render.output import dumps, to_json_data
from fazhi.render.render_text import manifest_footer, render_markdown, render_text


@click.command()
@click.argument("case", type=click.Path())
@RULES
@PROFILE
@LANG
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text for the terminal, json for programs (with the manifest), markdown for documents.")
@click.option("--out", type=click.Path(), help="Write to this file instead of standard output.")
@FORCE
@DATE
@FOLLOW
@click.option("--memo", "memo_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Last round's memo.json: mark each item closed, open, reopened or unverified (整改销号).")
def check(case: str, rules: RuleSource, profile: str | None, lang: str, fmt: str, out: str | None,
          force: bool, on: Any, memo_file: str | None) -> None:
    """Check one case (a folder with facts.yaml) and print a verdict for every requirement."""
    refuse_overwrite(out, force)
    result = run_check(case, rules, profile, lang, day(on), memo_file)
    evaluation, score, progress = result.evaluation, result.score, result.progress
    if fmt == "json":
        data = {**to_json_data(evaluation, lang, score), "manifest": result.manifest}
        if progress is not None:
            from fazhi.documents.memo_json import progress_data
            data["progress"] = progress_data(progress, lang)
        text = dumps(data)
    else:
        if fmt == "markdown":
            text = render_markdown(evaluation, lang, score)
        else:
            text = render_text(evaluation, lang, color=out is None and sys.stdout.isatty(), score=score)
        if progress is not None:
            from fazhi.documents.memo_json import progress_text
            text += "\n" + terminal(progress_text(progress, lang))
        if fmt == "markdown":
            text += manifest_footer(result.manifest, lang)
    emit(text, out, force, made_safe=fmt == "text")  # render_text made its lines safe, then coloured the tags
    sys.exit(EXIT_GAPS if result.has_gaps or result.has_data_quality else EXIT_OK)  # doubtful data is not "no gap"


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@LANG
def validate(paths: tuple[str, ...], lang: str) -> None:
    """Lint rulesets: syntax, schema, operators, facts and citations; every problem with file:line:col."""
    result = run_validate(paths)
    catalogue = result.catalogue
    counts = (len(catalogue.rulesets), len(catalogue.requirements), len(catalogue.facts), len(catalogue.sources))
    if lang == "en":
        patterns = ", extraction patterns" if result.patterns_checked else ""
        echo("ok: {} rulesets, {} requirements, {} facts, {} sources".format(*counts) + patterns)
    else:
        patterns = "，以及提取规则" if result.patterns_checked else ""
        echo("无误：{}个规则集，{}项要求，{}个事实，{}个依据".format(*counts) + patterns)


@click.command()
@click.argument("findings", type=click.Path(exists=True, dir_okay=False))
@FOLLOW
@LANG
def verify(findings: str, lang: str) -> None:
    """Re-run the inputs recorded in a findings JSON and say whether the findings are identical."""
    result = run_verify(findings, lang)
    echo(result.text, nl=False)
    sys.exit(EXIT_OK if result.same else EXIT_GAPS)
