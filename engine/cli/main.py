"""The `fazhi` command: thin wrappers that parse options, call the engine and map errors to exit codes.

Exit codes: 0 no gap, 1 at least one gap (or a failing rule test), 2 usage or input error, or an
operating-system error such as a full disk or a read-only folder (nothing is written then), 3 an
internal error (a bug in Fazhi: please report it).
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from fazhi.resources import rulesets_folder

from fazhi.errors import FazhiError, InputError
from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import facts_file
from fazhi.app.manifest import RunOptions, build_manifest
from fazhi.model.catalogue import Catalogue
from fazhi.model.results import Evaluation
from fazhi.vocabulary import Verdict
from fazhi.load.profiles import find_profile, load_profile
from fazhi.evaluate.scoring import Score, score
from fazhi.render.output import dumps, findings_document, write_atomic
from fazhi.render.render_text import manifest_footer, render_markdown, render_text
from fazhi.load.ruleset_loader import load_catalogue
from fazhi.render import catalogue_view

EXIT_OK, EXIT_GAPS, EXIT_ERROR = 0, 1, 2
LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the output.")
FORCE = click.option("--force", is_flag=True, help="Overwrite an existing output file.")


def default_rules() -> str:
    """The built-in rulesets (package data), shown relative to the current folder when inside it."""
    here = rulesets_folder()
    relative = os.path.relpath(here)
    return relative if not relative.startswith("..") else str(here)


RULES = click.option("--rules", "rules", multiple=True, type=click.Path(), help="Ruleset files or folders [default: rulesets/].")


PROFILE = click.option("--profile", help="Assessment profile: a name under rulesets/profiles/ or a YAML path.")


def _follow(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    from fazhi.load.reading import follow_symlinks
    follow_symlinks(value)


FOLLOW = click.option("--follow-symlinks", is_flag=True, expose_value=False, callback=_follow,
                      help="Read case files that are symlinks to places outside the case folder (refused by default).")


DATE = click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Evaluation date [default: today].")


def evaluate_case(catalogue: Catalogue, case: str, profile: str | None, rule_paths: list[str],
                  on: dt.date | None = None) -> tuple[Evaluation, Score | None, str | None]:
    """Load a case (with the verifications and waivers beside it) and evaluate it as of `on`, under a
    profile when one is named (which selects and scores).

    Returns the evaluation, the score (with a profile) and the profile file read.
    """
    from fazhi.evaluate.assess import assess
    if profile is None:
        with Evaluator(catalogue) as evaluator:  # closed: each one holds compiled rules in the engine
            return assess(evaluator, case, on=on), None, None
    profile_path = find_profile(profile, rule_paths)
    chosen = load_profile(profile_path, catalogue)
    only = [r.id for r in catalogue.requirements if chosen.selects(r.id, r.domain)]
    with Evaluator(catalogue) as evaluator:
        evaluation = assess(evaluator, case, only=only, on=on)
    return evaluation, score(evaluation, chosen), profile_path


def run_check(case: str, rules: tuple[str, ...], profile: str | None, lang: str, on: dt.date,
              memo_file: str | None = None) -> tuple[Evaluation, Score | None, dict[str, Any]]:
    """Evaluate a case and record what the result was computed from."""
    from fazhi.load.reading import record_reads
    rule_paths = list(rules) or [default_rules()]
    with record_reads() as read:  # the manifest records the hashes of the bytes the result was computed from
        catalogue = load_catalogue(rule_paths)
        evaluation, scored, profile_path = evaluate_case(catalogue, case, profile, rule_paths, on)
    options = RunOptions(case, tuple(rules), profile, lang, on)
    from fazhi.evaluate.assess import inputs_beside
    extra = inputs_beside(case) + ([("memo", memo_file)] if memo_file else [])
    return evaluation, scored, build_manifest(catalogue, facts_file(case), options, profile_path, extra, read)


def _catalogue(rules: tuple[str, ...]) -> Catalogue:
    return load_catalogue(list(rules) or [default_rules()])


def _emit(text: str, out: str | None, force: bool) -> None:
    if out:
        write_atomic(out, text, force)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fazhi")
def cli() -> None:
    """Fazhi (法治): check a district's facts against law-based-government requirements."""


@cli.command()
@click.argument("case", type=click.Path())
@RULES
@PROFILE
@LANG
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--out", type=click.Path(), help="Write to this file instead of standard output.")
@FORCE
@DATE
@FOLLOW
@click.option("--memo", "memo_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Last round's memo.json: mark each item closed, open, reopened or unverified (整改销号).")
def check(case: str, rules: tuple[str, ...], profile: str | None, lang: str, fmt: str, out: str | None,
          force: bool, on: Any, memo_file: str | None) -> None:
    """Check one case (a folder with facts.yaml) and print a verdict for every requirement."""
    evaluation, score, manifest = run_check(case, rules, profile, lang, on.date() if on else dt.date.today(),
                                            memo_file)
    progress = None
    if memo_file:
        from fazhi.documents.memo_json import progress_from_file
        progress = progress_from_file(evaluation, memo_file)
    if fmt == "json":
        text = dumps(findings_document(evaluation, lang, score, manifest, progress))
    else:
        if fmt == "markdown":
            text = render_markdown(evaluation, lang, score)
        else:
            text = render_text(evaluation, lang, color=out is None and sys.stdout.isatty(), score=score)
        if progress is not None:
            from fazhi.documents.memo_json import progress_text
            text += "\n" + progress_text(progress, lang)
        if fmt == "markdown":
            text += manifest_footer(manifest, lang)
    _emit(text, out, force)
    sys.exit(EXIT_GAPS if any(f.verdict is Verdict.GAP for f in evaluation.findings) else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Lint rulesets: syntax, schema, operators, facts and citations; every problem with file:line:col."""
    rule_paths = list(paths) or [default_rules()]
    catalogue = load_catalogue(rule_paths)
    n = len(catalogue.requirements)
    patterns = ""
    for folder in (os.path.join(p, "extraction") for p in rule_paths if os.path.isdir(p)):
        if os.path.isdir(folder):  # the extraction patterns name facts of these rulesets: check them together
            from fazhi.intake.patterns import load_patterns
            load_patterns(folder, catalogue)
            patterns = ", extraction patterns"
    click.echo(f"ok: {len(catalogue.rulesets)} rulesets, {n} requirements, {len(catalogue.facts)} facts, "
               f"{len(catalogue.sources)} sources{patterns}")


@cli.group()
def rules() -> None:
    """Browse and test the requirement catalogue."""


@rules.command("list")
@RULES
@click.option("--domain", help="Only this domain.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Only requirements in force on this date.")
@LANG
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(rules: tuple[str, ...], domain: str | None, as_of: Any, lang: str, fmt: str) -> None:
    """The requirements, one line each."""
    catalogue = _catalogue(rules)
    day = as_of.date() if as_of else None
    reqs = catalogue_view.select(catalogue, domain, day)
    if domain and not reqs and domain not in {r.domain for r in catalogue.requirements}:
        raise InputError([catalogue_view.unknown_domain(catalogue, domain)])
    if fmt == "json":
        click.echo(dumps([catalogue_view.requirement_data(catalogue, r, lang) for r in reqs]), nl=False)
    else:
        click.echo(catalogue_view.list_text(reqs, lang), nl=False)


@rules.command("show")
@click.argument("requirement")
@RULES
@LANG
def show_rule(requirement: str, rules: tuple[str, ...], lang: str) -> None:
    """One requirement: text, citation, facts it reads."""
    catalogue = _catalogue(rules)
    req = catalogue.requirement(requirement)
    if req is None:
        raise InputError([catalogue_view.unknown_requirement(catalogue, requirement)])
    click.echo(catalogue_view.show_text(catalogue, req, lang), nl=False)


@cli.command()
@click.argument("findings", type=click.Path(exists=True, dir_okay=False))
@FOLLOW
def verify(findings: str) -> None:
    """Re-run the inputs recorded in a findings JSON and say whether the findings are identical."""
    from fazhi.app.verify import verify_findings
    report, same = verify_findings(findings, run_check)
    click.echo(report, nl=False)
    sys.exit(EXIT_OK if same else EXIT_GAPS)


@rules.command("doc")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", type=click.Path(), help="Write to this file (e.g. docs/catalogue.md).")
@FORCE
def doc_rules(paths: tuple[str, ...], out: str | None, force: bool) -> None:
    """The catalogue as Markdown (Chinese, then English): citations, checks, questions."""
    from fazhi.render.catalogue_doc import render_catalogue
    _emit(render_catalogue(load_catalogue(list(paths) or [default_rules()])), out, force)


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="List every fixture.")
def test_rules(paths: tuple[str, ...], verbose: bool) -> None:
    """Run every requirement's fixtures; fail when one fails or a verdict lacks a fixture."""
    from fazhi.evaluate.ruletest import run_fixtures
    catalogue = load_catalogue(list(paths) or [default_rules()])
    results, coverage = run_fixtures(catalogue)
    failed = [r for r in results if not r.passed]
    for r in results:
        if verbose or not r.passed:
            click.echo(f"{'PASS' if r.passed else 'FAIL'} {r.requirement}: {r.name}" + ("" if r.passed else f" — {r.detail}"))
    for c in coverage:
        click.echo(f"MISSING {c.requirement}: no fixture for {', '.join(v.value for v in c.missing)}")
    total = len(catalogue.requirements)
    covered = total - len(coverage)
    click.echo(f"coverage: {covered}/{total} requirements have every required fixture ({100 * covered // max(total, 1)}%)")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(EXIT_GAPS if failed or coverage else EXIT_OK)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except FazhiError as exc:
        click.echo(f"error: {exc}" if not isinstance(exc, InputError) else str(exc), err=True)
        sys.exit(EXIT_ERROR)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:  # full disk, read-only folder, name too long: the user's to fix, not a bug
        from fazhi.errors import os_error_message
        click.echo(os_error_message(exc, _argv_lang()), err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # a bug in Fazhi, not in the input: say so without a traceback
        if os.environ.get("FAZHI_DEBUG"):
            raise
        click.echo(f"internal error: {exc!r} (set FAZHI_DEBUG=1 for details and please report it)", err=True)
        sys.exit(3)


def _argv_lang() -> str:
    """The --lang given, for a message written after the command has ended (Chinese by default)."""
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return "zh"


def _register_extensions() -> None:
    """Commands that live in their own modules (documents, inspection, intake) join the group here."""
    from fazhi.cli import documents as cli_documents
    from fazhi.cli import inspect as cli_inspect
    from fazhi.cli import intake as cli_intake
    cli_documents.register(cli)
    cli_intake.register(cli)
    cli_inspect.register(cli)
    from fazhi.cli import web as cli_web
    cli_web.register(cli)


_register_extensions()
