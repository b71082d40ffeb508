"""`fazhi questionnaire`, `fazhi import` and `fazhi extract`: facts from sheets and report text.

    fazhi questionnaire [--profile P] --out q.xlsx|q.yaml [--district N] [--period YEAR]
    fazhi import q.xlsx --out cases/macun-2021/facts.yaml
    fazhi extract REPORT.txt --out draft-facts.yaml [--district N] [--period YEAR]

An existing output file is kept unless --force; on any input problem nothing is written and the
exit code is 2 (as every fazhi command).
"""
from __future__ import annotations

import os

import click

from fazhi.app import intake as app
from fazhi.app.rules import RuleSource
from fazhi.cli.options import FORCE, LANG, PROFILE, RULES, refuse_overwrite, t, write, echo


@click.command()
@RULES
@PROFILE
@LANG
@click.option("--out", required=True, type=click.Path(), help="q.xlsx (a workbook) or q.yaml (a commented facts file).")
@FORCE
@click.option("--district", help="Fill in the district's name.")
@click.option("--period", type=click.IntRange(1990, 2100), help="Fill in the year evaluated.")
@click.option("--departments", "departments", type=click.Path(), metavar="FILE",
              help="A YAML list of departments (id, name, kind): --out is then a folder with one workbook per "
                   "department and the coordinator's.")
def questionnaire(rules: RuleSource, profile: str | None, lang: str, out: str, force: bool,
                  district: str | None, period: int | None, departments: str | None) -> None:
    """Write the questionnaire (问卷) for the facts the selected requirements read."""
    if departments is not None:
        files = app.department_questionnaires(departments, rules, profile, lang, district, period)
        targets = [os.path.join(out, name) for name in files]
        for target in targets:
            refuse_overwrite(target, force)
        os.makedirs(out, exist_ok=True)
        for target, content in zip(targets, files.values()):
            write(target, content, force)
        click.echo(t(lang, f"已写出{len(files)}个工作簿：区级汇总1个，部门{len(files) - 1}个",
                     f"{len(files)} workbooks written: the coordinator's and {len(files) - 1} departments'"), err=True)
        return
    fmt = app.questionnaire_format(out, lang)
    refuse_overwrite(out, force)
    q = app.questionnaire(fmt, rules, profile, lang, district, period)
    write(out, q.content, force)
    echo(t(lang, f"问卷含{q.facts}项事实（其中{q.records}项为记录）", f"{q.facts} facts ({q.records} of them records)"), err=True)


@click.command("import")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path())
@RULES
@LANG
@click.option("--out", required=True, type=click.Path(), help="The facts file to write, e.g. cases/macun-2021/facts.yaml.")
@FORCE
def import_(workbooks: tuple[str, ...], rules: RuleSource, lang: str, out: str, force: bool) -> None:
    """Read filled questionnaire workbooks back into a facts file (several: the coordinator's and the
    departments', merged); every problem names workbook, sheet and cell."""
    refuse_overwrite(out, force)
    imported = app.import_many(workbooks, rules, lang)
    for note in imported.notes:
        echo(t(lang, "注意：", "note: ") + note, err=True)
    write(out, imported.text, force)
    echo(t(lang, f"导入{len(imported.case.facts)}项事实：{imported.case.district.name}，{imported.case.period}年度",
                 f"{len(imported.case.facts)} facts imported: {imported.case.district.name}, {imported.case.period}"), err=True)


@click.command()
@click.argument("report", type=click.Path())
@RULES
@LANG
@click.option("--out", type=click.Path(), help="The draft facts file to write [default: print it].")
@FORCE
@click.option("--district", help="The district's name, when the report does not give it.")
@click.option("--period", type=click.IntRange(1990, 2100), help="The year reported on, when the title does not give it.")
@click.option("--patterns", "patterns_dir", type=click.Path(), metavar="DIR",
              help="Extraction pattern files [default: extraction/ beside the rulesets].")
def extract(report: str, rules: RuleSource, lang: str, out: str | None, force: bool, district: str | None,
            period: int | None, patterns_dir: str | None) -> None:
    """Propose facts from an annual report's text, each with its sentence, for a person to confirm."""
    refuse_overwrite(out, force)
    draft = app.extract(report, rules, lang, district, period, patterns_dir, out or "<draft>")
    if out:
        write(out, draft.text, force)
        echo("\n".join(draft.summary))
    else:
        echo(draft.text, nl=False)
        echo("\n".join(draft.summary), err=True)
