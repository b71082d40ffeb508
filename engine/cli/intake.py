"""`fazhi questionnaire`, `fazhi import` and `fazhi extract`: facts from sheets and report text.

    fazhi questionnaire [--profile P] --out q.xlsx|q.yaml [--district N] [--period YEAR]
    fazhi import q.xlsx --out cases/<district>-<year>/facts.yaml
    fazhi extract REPORT.txt --out draft-facts.yaml [--district N] [--period YEAR]

An existing output file is kept unless --force; on any input problem nothing is written and the
exit code is 2 (as every fazhi command).
"""
from __future__ import annotations

import os
from typing import Any

import click

from fazhi.errors import InputError, Location, Problem


def register(group: click.Group) -> None:
    """Add the intake commands to the `fazhi` group."""
    from fazhi.cli.main import (  # cli has defined these by the time it calls register()
        FORCE,
        LANG,
        PROFILE,
        RULES,
    )

    @group.command()
    @RULES
    @PROFILE
    @LANG
    @click.option("--out", required=True, type=click.Path(), help="q.xlsx (a workbook) or q.yaml (a commented facts file).")
    @FORCE
    @click.option("--district", help="Fill in the district's name.")
    @click.option("--period", type=click.IntRange(1990, 2100), help="Fill in the year evaluated.")
    def questionnaire(rules: tuple[str, ...], profile: str | None, lang: str, out: str, force: bool,
                      district: str | None, period: int | None) -> None:
        """Write the questionnaire (问卷) for the facts the selected requirements read."""
        from fazhi.intake.questionnaire import build_xlsx, build_yaml, select_facts
        ext = os.path.splitext(out)[1].lower()
        if ext not in (".xlsx", ".yaml", ".yml"):
            raise click.BadParameter(f"'{out}': the format follows the extension, .xlsx or .yaml", param_hint="--out")
        _refuse_overwrite(out, force)
        catalogue, chosen = _catalogue_and_profile(rules, profile)
        facts = select_facts(catalogue, chosen)
        build = build_xlsx if ext == ".xlsx" else build_yaml
        _write(out, build(catalogue, facts, lang, district, period), force)
        records = sum(1 for f in facts if f.type.value == "records")
        click.echo(_t(lang, f"问卷含{len(facts)}项事实（其中{records}项为记录）", f"{len(facts)} facts ({records} of them records)"), err=True)

    @group.command("import")
    @click.argument("workbook", type=click.Path())
    @RULES
    @LANG
    @click.option("--out", required=True, type=click.Path(), help="The facts file to write, e.g. cases/macun-2020/facts.yaml.")
    @FORCE
    def import_(workbook: str, rules: tuple[str, ...], lang: str, out: str, force: bool) -> None:
        """Read a filled questionnaire workbook back into a facts file; every problem names sheet!cell."""
        from fazhi.cli.main import _catalogue
        from fazhi.intake.importer import import_workbook
        from fazhi.intake.workbook import open_workbook
        _refuse_overwrite(out, force)
        book = open_workbook(workbook, lang)  # a file that is not a workbook fails before the rulesets are read
        imported = import_workbook(workbook, _catalogue(rules), lang, book)
        for note in imported.notes:
            click.echo(_t(lang, "注意：", "note: ") + note, err=True)
        _write(out, imported.text, force)
        click.echo(_t(lang, f"导入{len(imported.case.facts)}项事实：{imported.case.district.name}，{imported.case.period}年度",
                      f"{len(imported.case.facts)} facts imported: {imported.case.district.name}, {imported.case.period}"), err=True)

    @group.command()
    @click.argument("report", type=click.Path())
    @RULES
    @LANG
    @click.option("--out", type=click.Path(), help="The draft facts file to write [default: print it].")
    @FORCE
    @click.option("--district", help="The district's name, when the report does not give it.")
    @click.option("--period", type=click.IntRange(1990, 2100), help="The year reported on, when the title does not give it.")
    @click.option("--patterns", "patterns_dir", type=click.Path(), metavar="DIR",
                  help="Extraction pattern files [default: extraction/ beside the rulesets].")
    def extract(report: str, rules: tuple[str, ...], lang: str, out: str | None, force: bool, district: str | None,
                period: int | None, patterns_dir: str | None) -> None:
        """Propose facts from an annual report's text, each with its sentence, for a person to confirm."""
        from fazhi.cli.main import _catalogue, default_rules
        from fazhi.intake.draft import draft_yaml, summary_lines
        from fazhi.intake.extract import extract as run
        from fazhi.intake.factsyaml import check
        from fazhi.intake.patterns import load_patterns
        from fazhi.intake.reporttext import read_report
        if out:
            _refuse_overwrite(out, force)
        text = read_report(report, lang)  # a file that is not a report fails before the rulesets are read
        catalogue = _catalogue(rules)
        folder = patterns_dir or os.path.join(_rules_folder(list(rules) or [default_rules()]), "extraction")
        patterns = load_patterns(folder, catalogue)
        x = run(text, patterns, catalogue, period, district, lang)
        if not x.district:
            raise InputError([Problem(Location(report), _t(lang, "报告中找不到区县名称", "cannot find the district's name in the report"),
                                      suggestion=_t(lang, "请用 --district 给出，如 --district 马村区",
                                                    "give it with --district, e.g. --district 马村区"))])
        draft = draft_yaml(x, catalogue, lang)
        check(draft, out or "<draft>", catalogue.facts)  # the draft loads with `fazhi check`, or nothing is written
        lines = [_t(lang, f"读取 {report}（{text.encoding}）", f"read {report} ({text.encoding})")] + summary_lines(x, lang)
        if out:
            _write(out, draft, force)
            click.echo("\n".join(lines))
        else:
            click.echo(draft, nl=False)
            click.echo("\n".join(lines), err=True)


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _rules_folder(paths: list[str]) -> str:
    first = paths[0]
    return first if os.path.isdir(first) else os.path.dirname(first) or "."


def _catalogue_and_profile(rules: tuple[str, ...], profile: str | None) -> tuple[Any, Any]:
    from fazhi.cli.main import _catalogue, default_rules
    from fazhi.load.profiles import find_profile, load_profile
    catalogue = _catalogue(rules)
    if profile is None:
        return catalogue, None
    return catalogue, load_profile(find_profile(profile, list(rules) or [default_rules()]), catalogue)


def _refuse_overwrite(out: str, force: bool) -> None:
    """Fail before the work, not after it (write_atomic checks again when it writes)."""
    from fazhi.render.output import OutputExists
    if os.path.exists(out) and not force:
        raise OutputExists(f"{out}: already exists; use --force to overwrite")


def _write(out: str, content: str | bytes, force: bool) -> None:
    from fazhi.render.output import write_atomic
    write_atomic(out, content, force)
    click.echo(f"wrote {out}", err=True)
