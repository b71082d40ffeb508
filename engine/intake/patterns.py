"""Extraction patterns (rulesets/extraction/*.yaml): which sentences of a report give which facts.

One file per ruleset, keyed by the facts it declares; every problem is reported with file:line:col.
See docs/intake.md for the format. Regexes may use {num}, {pct}, {date}, {year} and {next_year}.
"""
from __future__ import annotations

import functools
import glob
import os
import re
from dataclasses import dataclass, field
from typing import Any

from fazhi.errors import InputError, Location, Problem, did_you_mean
from fazhi.load.facts_loader import parse_value
from fazhi.model.catalogue import Catalogue, FactSpec
from fazhi.vocabulary import FactType, Text
from fazhi.load.schema import Reader
from fazhi.load.yamlio import Path, load_file
from fazhi.intake.numbers import DATE_RE, NUM_RE, PCT_RE

NO_VALUE = object()
ANY = "any"
PATTERN_KEYS = ("regex", "section", "value", "pick", "note")
RECORD_KEYS = ("regex", "section", "note", "id", "fields")
_MACRO = re.compile(r"\{(num|pct|date|year|next_year)\}")


def expand(source: str, year: int) -> str:
    macros = {"num": NUM_RE, "pct": PCT_RE, "date": DATE_RE, "year": str(year), "next_year": str(year + 1)}
    return _MACRO.sub(lambda m: macros[m.group(1)], source)


@functools.lru_cache(maxsize=2048)
def compiled(source: str, year: int) -> re.Pattern[str]:
    return re.compile(expand(source, year), re.MULTILINE)


@dataclass(frozen=True)
class FieldRule:
    """A field of every record a records pattern proposes: a fixed value when `when` matches, or a group."""

    name: str
    value: Any = NO_VALUE
    when: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Pattern:
    source: str
    location: Location
    sections: tuple[str, ...] = ()  # () = anywhere
    value: Any = NO_VALUE  # a fixed value when it matches (a bool from an admission, say)
    pick_last: bool = False
    note: Text | None = None
    id_template: str = ""  # records: '申请{n}'
    fields: tuple[FieldRule, ...] = ()

    def regex(self, year: int) -> re.Pattern[str]:
        return compiled(self.source, year)


@dataclass(frozen=True)
class FactRules:
    key: str
    patterns: tuple[Pattern, ...]
    absent: Any = NO_VALUE  # proposed (and marked so) when no pattern matches
    location: Location | None = None


@dataclass(frozen=True)
class Section:
    name: str
    start: str | None  # regex matched line by line; None for the first section, which starts at the text's start
    take_over: bool = False  # when its start is not found, the previous section becomes this one
    trailing: bool = False  # the run of last lines that all match (a signature block), not the first match


@dataclass(frozen=True)
class ReportRules:
    """How a report is structured: its year, district, parent, sections, the five parts and the deadline."""

    year: tuple[Pattern, ...]
    district: tuple[Pattern, ...]
    parent: tuple[Pattern, ...]
    sections: tuple[Section, ...]
    parts: tuple[str, ...]
    deadline_fact: str | None = None
    deadline_month: int = 3
    deadline_day: int = 1
    deadline_basis: Text | None = None


@dataclass(frozen=True)
class PatternSet:
    facts: dict[str, FactRules]
    report: ReportRules
    files: tuple[str, ...] = field(default=())


def load_patterns(folder: str, catalogue: Catalogue) -> PatternSet:
    files = sorted(glob.glob(os.path.join(folder, "*.yaml"))) if os.path.isdir(folder) else []
    if not files:
        raise InputError([Problem(Location(folder), "no extraction pattern files (*.yaml)",
                                  suggestion="the patterns live in rulesets/extraction/; see docs/intake.md")])
    problems: list[Problem] = []
    facts: dict[str, FactRules] = {}
    report: ReportRules | None = None
    readers: list[tuple[Reader, list[Pattern]]] = []
    for file in files:
        try:
            r = Reader(load_file(file))
        except InputError as exc:
            problems += exc.problems
            continue
        loaded, file_report, used = _file(r, catalogue, facts)
        if file_report is not None:
            if report is not None:
                r.problem(("report",), "`report:` is already declared in another pattern file")
            report = file_report
        facts.update(loaded)
        readers.append((r, used))
    if report is None and not problems:
        problems.append(Problem(Location(folder), "no pattern file declares `report:` (the report's structure)",
                                suggestion="see rulesets/extraction/annual-report.yaml"))
    names = {s.name for s in report.sections} | {ANY} if report else {ANY}
    for r, used in readers:
        for p in used:
            for s in p.sections:
                if s not in names:
                    r.problems.append(Problem(p.location, f"no section '{s}'",
                                              suggestion=did_you_mean(s, names) or f"sections: {', '.join(sorted(names))}"))
        problems += r.problems
    if problems:
        raise InputError(problems)
    order = {f.key: i for i, f in enumerate(f for rs in catalogue.rulesets for f in rs.facts)}
    assert report is not None
    return PatternSet(dict(sorted(facts.items(), key=lambda kv: order[kv[0]])), report, tuple(files))


def _file(r: Reader, catalogue: Catalogue, seen: dict[str, FactRules]
          ) -> tuple[dict[str, FactRules], ReportRules | None, list[Pattern]]:
    top = r.mapping((), required=("ruleset",), optional=("facts", "report"))
    if top is None:
        return {}, None, []
    rid = r.string(("ruleset",))
    ruleset = next((rs for rs in catalogue.rulesets if rs.id == rid), None)
    if rid and ruleset is None:
        r.problem(("ruleset",), f"no ruleset '{rid}'", did_you_mean(rid, [rs.id for rs in catalogue.rulesets]))
    used: list[Pattern] = []
    facts: dict[str, FactRules] = {}
    raw = r.get(("facts",))
    if isinstance(raw, dict):
        for key in raw:
            path: Path = ("facts", key)
            spec = catalogue.facts.get(key)
            if spec is None:
                r.problem(path, f"unknown fact '{key}'", did_you_mean(key, catalogue.facts))
                continue
            if ruleset is not None and spec.ruleset != ruleset.id:
                r.problem(path, f"'{key}' is declared in ruleset '{spec.ruleset}'",
                          f"put its patterns in rulesets/extraction/{spec.ruleset}.yaml, beside the fact")
                continue
            if key in seen:
                r.problem(path, f"patterns for '{key}' are already declared in another file")
                continue
            rules = _fact(r, path, spec)
            if rules is not None:
                facts[key] = rules
                used += rules.patterns
    elif "facts" in top and raw is not None:
        r.problem(("facts",), "expected a mapping of fact key -> patterns")
    report = _report(r, catalogue, used) if "report" in top else None
    return facts, report, used


def _fact(r: Reader, path: Path, spec: FactSpec) -> FactRules | None:
    body = "records" if spec.type is FactType.RECORDS else "patterns"
    if r.mapping(path, required=(body,), optional=("absent",)) is None:
        return None
    patterns = tuple(p for i, _ in enumerate(r.sequence(path + (body,)))
                     if (p := _pattern(r, path + (body, i), spec)) is not None)
    absent = NO_VALUE
    if "absent" in r.get(path):
        absent = _typed(r, path + ("absent",), r.get(path + ("absent",)), spec.type, spec.choices)
    return FactRules(spec.key, patterns, absent, r.doc.where(path))


def _pattern(r: Reader, path: Path, spec: FactSpec | None, group: str = "value") -> Pattern | None:
    records = spec is not None and spec.type is FactType.RECORDS
    if r.mapping(path, required=("regex",), optional=RECORD_KEYS if records else PATTERN_KEYS) is None:
        return None
    source = r.string(path + ("regex",))
    if source is None:
        return None
    try:
        regex = compiled(source, 2000)
    except re.error as exc:
        r.problem(path + ("regex",), f"not a valid regular expression: {exc.msg}")
        return None
    sections = r.get(path + ("section",))
    sections = tuple(str(s) for s in (sections if isinstance(sections, list) else [sections])) if "section" in r.get(path) else ()
    note = r.text(path + ("note",), optional=True)
    pick = r.get(path + ("pick",))
    if "pick" in r.get(path) and pick not in ("first", "last"):
        r.problem(path + ("pick",), f"'{pick}' is not one of first, last")
    value = NO_VALUE
    if "value" in r.get(path):
        value = _typed(r, path + ("value",), r.get(path + ("value",)), spec.type, spec.choices) if spec else NO_VALUE
    elif records:
        group = "count"
    if value is NO_VALUE and group not in regex.groupindex and not (spec and spec.type is FactType.BOOL and not records):
        r.problem(path + ("regex",), f"the regex has no group (?P<{group}>…) and the pattern gives no `value`")
    fields: tuple[FieldRule, ...] = ()
    id_template = ""
    if records:
        id_template = r.string(path + ("id",), optional=True) or "R{n}"
        if "{n}" not in id_template:
            r.problem(path + ("id",), "the id template needs {n}, the record's number")
        fields = _fields(r, path + ("fields",), spec, regex) if "fields" in r.get(path) else ()
    elif spec is not None and spec.type is FactType.BOOL and "value" not in r.get(path) and "value" not in regex.groupindex:
        r.problem(path, "a yes/no fact needs `value: true` or `value: false` (what the sentence means)")
    return Pattern(source, r.doc.where(path + ("regex",)), sections, value, pick == "last", note, id_template, fields)


def _fields(r: Reader, path: Path, spec: FactSpec, regex: re.Pattern[str]) -> tuple[FieldRule, ...]:
    raw = r.get(path)
    if not isinstance(raw, dict):
        r.problem(path, "expected a mapping of field -> {when, value} or {group}")
        return ()
    rules = []
    for name in raw:
        fpath = path + (name,)
        fspec = spec.field_spec(name)
        if fspec is None:
            r.problem(fpath, f"unknown field '{name}' for {spec.key}", did_you_mean(name, [f.name for f in spec.fields]))
            continue
        if r.mapping(fpath, optional=("when", "value", "group")) is None:
            continue
        when = r.string(fpath + ("when",), optional=True)
        if when is not None:
            try:
                compiled(when, 2000)
            except re.error as exc:
                r.problem(fpath + ("when",), f"not a valid regular expression: {exc.msg}")
        group = r.string(fpath + ("group",), optional=True)
        if group is not None and group not in regex.groupindex:
            r.problem(fpath + ("group",), f"the regex has no group '{group}'")
        value = NO_VALUE
        if "value" in raw[name]:
            value = _typed(r, fpath + ("value",), raw[name]["value"], fspec.type, fspec.choices)
        elif group is None:
            r.problem(fpath, "give `value` (with an optional `when`) or `group`")
        rules.append(FieldRule(name, value, when, group))
    return tuple(rules)


def _typed(r: Reader, path: Path, raw: Any, ftype: FactType, choices: tuple[str, ...]) -> Any:
    value = parse_value(r, path, raw, ftype, choices)
    return NO_VALUE if value is None else value


def _report(r: Reader, catalogue: Catalogue, used: list[Pattern]) -> ReportRules | None:
    path: Path = ("report",)
    keys = ("year", "district", "parent", "sections", "parts", "deadline")
    if r.mapping(path, required=("year", "district", "sections", "parts"), optional=keys) is None:
        return None
    lists = {}
    for name in ("year", "district", "parent"):
        items = r.sequence(path + (name,), optional=name == "parent")
        lists[name] = tuple(p for i, _ in enumerate(items) if (p := _pattern(r, path + (name, i), None)) is not None)
        used += lists[name]
    sections: list[Section] = []
    for i, _ in enumerate(r.sequence(path + ("sections",))):
        spath = path + ("sections", i)
        if r.mapping(spath, required=("name",), optional=("start", "missing", "trailing")) is None:
            continue
        name = r.string(spath + ("name",)) or "?"
        start = r.string(spath + ("start",), optional=True)
        if start is None and i > 0:
            r.problem(spath, "every section but the first needs `start` (a regex)")
        elif start is not None:
            try:
                compiled(start, 2000)
            except re.error as exc:
                r.problem(spath + ("start",), f"not a valid regular expression: {exc.msg}")
        missing = r.get(spath + ("missing",))
        if "missing" in r.get(spath) and missing != "take_over":
            r.problem(spath + ("missing",), "the only choice is `take_over`")
        trailing = r.get(spath + ("trailing",))
        if "trailing" in r.get(spath) and not isinstance(trailing, bool):
            r.problem(spath + ("trailing",), "expected true or false")
        sections.append(Section(name, start, missing == "take_over", trailing is True))
    parts = [str(k) for k in r.sequence(path + ("parts",))]
    for i, key in enumerate(parts):
        if key not in catalogue.facts:
            r.problem(path + ("parts", i), f"unknown fact '{key}'", did_you_mean(key, catalogue.facts))
    deadline = r.mapping(path + ("deadline",), required=("fact", "month", "day"), optional=("basis",)) \
        if "deadline" in r.get(path) else None
    fact, month, day, basis = None, 3, 1, None
    if deadline is not None:
        fact = r.string(path + ("deadline", "fact"))
        if fact and (fact not in catalogue.facts or catalogue.facts[fact].type is not FactType.DATE):
            r.problem(path + ("deadline", "fact"), f"'{fact}' is not a date fact")
        month = r.integer(path + ("deadline", "month"), minimum=1) or 3
        day = r.integer(path + ("deadline", "day"), minimum=1) or 1
        basis = r.text(path + ("deadline", "basis"), optional=True)
    return ReportRules(lists["year"], lists["district"], lists.get("parent", ()), tuple(sections), tuple(parts),
                       fact, month, day, basis)
