"""Facts in: the questionnaire (问卷) to fill, a filled workbook read back, and facts proposed from a
report's text. Each returns what to write; the caller writes it.

    q = questionnaire("xlsx", profile="annual-evaluation")       # q.content (bytes), q.facts, q.records
    imported = import_facts("q.xlsx")                             # imported.text (facts YAML), .notes, .case
    draft = extract("report.txt", district="马村区")              # draft.text, draft.summary
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Sequence

from fazhi.app.rules import RuleSource, load_rules, rule_source, rules_folder
from fazhi.errors import InputError, Location, Problem

QUESTIONNAIRE_FORMATS = {".xlsx": "xlsx", ".yaml": "yaml", ".yml": "yaml"}


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


@dataclass(frozen=True)
class Questionnaire:
    content: str | bytes  # bytes for xlsx, YAML text for yaml
    fmt: str
    facts: int  # facts asked
    records: int  # of them, lists of records (one sheet each)


def questionnaire_format(path: str, lang: str = "zh") -> str:
    fmt = QUESTIONNAIRE_FORMATS.get(os.path.splitext(path)[1].lower())
    if fmt is None:
        raise InputError([Problem(Location(path), _t(lang, "格式由扩展名决定：.xlsx 或 .yaml", "the format follows the extension: .xlsx or .yaml"),
                                  field="--out")])
    return fmt


def questionnaire(fmt: str = "xlsx", rules: RuleSource | Sequence[str] | None = None, profile: str | None = None,
                  lang: str = "zh", district: str | None = None, period: int | None = None) -> Questionnaire:
    """The questionnaire for the facts the selected requirements read (all, or a profile's), as an xlsx
    workbook or a commented facts YAML, with the district and year filled in when given."""
    from fazhi.intake.questionnaire import build_xlsx, build_yaml, select_facts
    from fazhi.load.profiles import find_profile, load_profile
    source = rule_source(rules)
    catalogue = load_rules(source)
    chosen = load_profile(find_profile(profile, source.folders), catalogue) if profile else None
    facts = select_facts(catalogue, chosen)
    build = build_xlsx if fmt == "xlsx" else build_yaml
    records = sum(1 for f in facts if f.type.value == "records")
    return Questionnaire(build(catalogue, facts, lang, district, period), fmt, len(facts), records)


def department_questionnaires(departments: str, rules: RuleSource | Sequence[str] | None = None, profile: str | None = None,
                              lang: str = "zh", district: str | None = None, period: int | None = None) -> dict[str, bytes]:
    """File name -> workbook: the coordinator's (district-scoped facts and the list of departments), then
    one per department listed in `departments` (a YAML list of {id, name, kind}, or a facts file's)."""
    from fazhi.intake.departments import build_workbooks, read_departments
    from fazhi.intake.questionnaire import select_facts
    from fazhi.load.profiles import find_profile, load_profile
    listed = read_departments(departments, lang)
    source = rule_source(rules)
    catalogue = load_rules(source)
    chosen = load_profile(find_profile(profile, source.folders), catalogue) if profile else None
    return build_workbooks(catalogue, select_facts(catalogue, chosen), lang, district, period, listed)


def import_many(workbooks: Sequence[str], rules: RuleSource | Sequence[str] | None = None, lang: str = "zh") -> Any:
    """Several filled workbooks (the coordinator's and the departments') merged into one case."""
    if len(workbooks) == 1:
        return import_facts(workbooks[0], rules, lang)
    from fazhi.intake.departments import import_workbooks
    from fazhi.intake.workbook import open_workbook
    books = [open_workbook(w, lang) for w in workbooks]
    return import_workbooks(list(workbooks), books, load_rules(rules), lang)


def import_facts(workbook: str, rules: RuleSource | Sequence[str] | None = None, lang: str = "zh") -> Any:
    """A filled questionnaire workbook read back: intake.importer.Imported with .text (the facts YAML),
    .case and .notes. Every problem is an InputError naming sheet!cell."""
    from fazhi.intake.importer import import_workbook
    from fazhi.intake.workbook import open_workbook
    book = open_workbook(workbook, lang)  # a file that is not a workbook fails before the rulesets are read
    return import_workbook(workbook, load_rules(rules), lang, book)


@dataclass(frozen=True)
class Draft:
    text: str  # a facts YAML that `fazhi check` loads, each value with its sentence, for a person to confirm
    summary: list[str]  # what was read, found and not found
    encoding: str


def extract(report: str, rules: RuleSource | Sequence[str] | None = None, lang: str = "zh", district: str | None = None,
            period: int | None = None, patterns: str | None = None, file_name: str = "<draft>") -> Draft:
    """Facts proposed from an annual report's text (.txt), by the extraction patterns beside the rulesets
    (or in `patterns`)."""
    from fazhi.intake.draft import draft_yaml, summary_lines
    from fazhi.intake.extract import extract as run
    from fazhi.intake.factsyaml import check
    from fazhi.intake.patterns import load_patterns
    from fazhi.intake.reporttext import read_report
    source = rule_source(rules)
    text = read_report(report, lang)  # a file that is not a report fails before the rulesets are read
    catalogue = load_rules(source)
    folder = patterns or os.path.join(rules_folder(source), "extraction")
    x = run(text, load_patterns(folder, catalogue), catalogue, period, district, lang)
    if not x.district:
        raise InputError([Problem(Location(report), _t(lang, "报告中找不到区县名称", "cannot find the district's name in the report"),
                                  suggestion=_t(lang, "请用 --district 给出，如 --district 马村区",
                                                "give it with --district, e.g. --district 马村区"))])
    draft = draft_yaml(x, catalogue, lang)
    check(draft, file_name, catalogue.facts)  # the draft loads with `fazhi check`, or nothing is written
    lines = [_t(lang, f"读取 {report}（{text.encoding}）", f"read {report} ({text.encoding})")] + summary_lines(x, lang)
    return Draft(draft, lines, text.encoding)
