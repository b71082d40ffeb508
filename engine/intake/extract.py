"""Report text -> proposed facts, each with the sentence it comes from and that sentence's offsets.

Nothing here knows a phrase of any report: every regex comes from the pattern files. A value is the
first sentence (in the pattern's sections) that a pattern matches, patterns tried in their order;
a figure is normalised (numbers.py) and then checked by the same parse_value as the YAML path.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fazhi.errors import InputError, Location, Problem
from fazhi.load.facts_loader import MAX_RECORDS, parse_value
from fazhi.model.catalogue import Catalogue, FactSpec
from fazhi.vocabulary import FactType, Text
from fazhi.load.schema import Reader
from fazhi.load.yamlio import Document
from fazhi.intake.messages import t
from fazhi.intake.numbers import UNIT, Quantity, parse_date, parse_quantity
from fazhi.intake.patterns import NO_VALUE, FactRules, Pattern, PatternSet, compiled
from fazhi.intake.reporttext import Coverage, ReportText, Sentence, coverage

_SCRATCH = Document("<extract>", None)
_UNIT = re.compile(UNIT)
LINE_SCAN = 500  # characters of a line a section's start regex sees


@dataclass(frozen=True)
class Proposal:
    key: str
    value: Any  # typed like the facts loader's; a list of record dicts for records
    sentence: Sentence | None  # None when proposed because nothing matched (`absent`)
    quantity: Quantity | None = None
    note: Text | None = None
    matched: str = ""


@dataclass(frozen=True)
class PartResult:
    key: str
    label: Text
    proposal: Proposal | None

    @property
    def present(self) -> bool | None:
        return None if self.proposal is None else self.proposal.value is True


@dataclass(frozen=True)
class DeadlineResult:
    key: str
    label: Text
    basis: Text | None
    deadline: dt.date
    proposal: Proposal | None

    @property
    def on_time(self) -> bool | None:
        return None if self.proposal is None else self.proposal.value <= self.deadline


@dataclass(frozen=True)
class Extraction:
    report: ReportText
    period: int
    district: str | None
    parent: str | None
    sections: tuple[tuple[str, int, int], ...]
    proposals: dict[str, Proposal]
    parts: tuple[PartResult, ...]
    deadline: DeadlineResult | None
    coverage: Coverage | None = None


def extract(report: ReportText, patterns: PatternSet, catalogue: Catalogue, period: int | None = None,
            district: str | None = None, lang: str = "zh") -> Extraction:
    rules = patterns.report
    if period is None:
        found = _first(_Index(report.sentences, []), rules.year, 0)
        quantity = parse_quantity(found[1]) if found else None
        period = int(quantity.value) if quantity and 1990 <= quantity.value <= 2100 else None
    if period is None:
        raise InputError([Problem(Location(report.file), t(lang, "找不到报告所述的年度", "cannot find the year the report covers"),
                                  suggestion=t(lang, "请用 --period 给出，如 --period 2020", "give it with --period, e.g. --period 2020"))])
    sections = _sections(report.text, rules.sections, period)
    index = _Index(report.sentences, sections)
    seen = coverage(report)
    found_district, found_parent = _district(index, rules.district, period)
    if district is None:
        district = found_district
    elif found_parent and found_district != split_place(district)[1]:
        found_parent = None  # the parent read belongs to another name than the one given
    if district is not None:
        given_parent, district = split_place(district)
        found_parent = found_parent or given_parent
    parent = found_parent
    if parent is None:
        found = _first(index, rules.parent, period)
        parent = found[1] if found else None
    proposals: dict[str, Proposal] = {}
    for key, fact_rules in patterns.facts.items():
        proposal = _propose(index, fact_rules, catalogue.facts[key], period, use_absent=not seen.truncated)
        if proposal is not None:
            proposals[key] = proposal
    parts = tuple(PartResult(k, catalogue.facts[k].label, proposals.get(k)) for k in rules.parts)
    deadline = None
    if rules.deadline_fact:
        due = dt.date(period + 1, rules.deadline_month, rules.deadline_day)
        deadline = DeadlineResult(rules.deadline_fact, catalogue.facts[rules.deadline_fact].label, rules.deadline_basis,
                                  due, proposals.get(rules.deadline_fact))
    return Extraction(report, period, district, parent, tuple(sections), proposals, parts, deadline, seen)


# a place name with its parent written before it: 台州市路桥区, 广州市花都区, 重庆市长寿区, 淮北市烈山区
_PLACE = re.compile(r"(?P<parent>[^\s]{2,7}?(?:市|自治州|州|盟|地区))(?P<name>[^\s]{2,8}[区县旗市])")


def split_place(name: str) -> tuple[str | None, str]:
    """'台州市路桥区' -> ('台州市', '路桥区'); a name without a parent before it is kept whole.

    The name after the split keeps at least two characters, so 沙市区 and 市中区 stay whole.
    """
    m = _PLACE.fullmatch(name.strip())
    if m is None:
        return None, name.strip()
    return m.group("parent"), m.group("name")


def _district(index: "_Index", patterns: Iterable[Pattern], year: int) -> tuple[str | None, str | None]:
    """The district, from the first pattern that finds one, in their order of trust (the title line,
    then a line naming the unit or the signature block, then the salutation); its parent from the
    first line that writes the same name with a city before it ("天津市静海区人民政府")."""
    name: str | None = None
    for pattern in patterns:
        for sentence in index.candidates(pattern):
            for m in pattern.regex(year).finditer(sentence.text):
                if not m.groupdict().get("value"):
                    continue
                parent, found = split_place(m.group("value"))
                parent = m.groupdict().get("parent") or parent
                if name is None:
                    name = found
                if found == name and parent:
                    return name, parent
    return name, None


def _sections(text: str, declared: Iterable[Any], year: int) -> list[tuple[str, int, int]]:
    """Each section from where its start regex first matches a line after the previous section's start.

    Regexes see one line at a time, at most LINE_SCAN characters of it, so a huge line without
    punctuation costs linear time; a `trailing` section is the run of last lines that all match.
    """
    lines = [(m.start(), m.group().rstrip()[:LINE_SCAN]) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    starts: list[tuple[str, int]] = []
    first = 0  # the first line a later section may start on
    for section in declared:
        if section.start is None:
            starts.append((section.name, 0))
            continue
        regex = compiled(section.start, year)
        found = None
        if section.trailing:
            i = len(lines)
            while i > first and regex.search(lines[i - 1][1]):
                i -= 1
            found = (i, lines[i][0]) if i < len(lines) else None
        else:
            found = next(((i, pos + m.start()) for i, (pos, line) in enumerate(lines[first:], first)
                          if (m := regex.search(line))), None)
        if found is not None:
            starts.append((section.name, found[1]))
            first = found[0] + 1
        elif section.take_over and starts:
            starts[-1] = (section.name, starts[-1][1])
    ends = [s for _, s in starts[1:]] + [len(text)]
    return [(name, start, end) for (name, start), end in zip(starts, ends)]


class _Index:
    """The report's sentences by section, so that each pattern scans only the sentences it may match."""

    def __init__(self, sentences: Iterable[Sentence], sections: list[tuple[str, int, int]]):
        self.sentences = list(sentences)
        self.restricted = bool(sections)  # before the sections are known (the year), every sentence counts
        starts = [start for _, start, _ in sections]
        self.by: dict[str, list[Sentence]] = {}
        for sentence in self.sentences:
            i = bisect.bisect_right(starts, sentence.start) - 1
            if i >= 0:
                self.by.setdefault(sections[i][0], []).append(sentence)
        self._cache: dict[tuple[tuple[str, ...], bool], list[Sentence]] = {}

    def candidates(self, pattern: Pattern) -> list[Sentence]:
        key = (pattern.sections if self.restricted and "any" not in pattern.sections else (), pattern.pick_last)
        if key not in self._cache:
            chosen = self.sentences if not key[0] else sorted(
                (s for name in key[0] for s in self.by.get(name, ())), key=lambda s: s.start)
            self._cache[key] = chosen[::-1] if pattern.pick_last else chosen
        return self._cache[key]


def _first(index: _Index, patterns: Iterable[Pattern], year: int) -> tuple[Sentence, str] | None:
    """The `value` group of the first match of header patterns (the year, the district, its parent)."""
    for pattern in patterns:
        for sentence in index.candidates(pattern):
            m = pattern.regex(year).search(sentence.text)
            if m and m.groupdict().get("value"):
                return sentence, m.group("value")
    return None


def _propose(index: _Index, rules: FactRules, spec: FactSpec, year: int, use_absent: bool = True) -> Proposal | None:
    """The first pattern that matches; else the rules' `absent` value, but only for a text that seems
    whole (use_absent): in a cut-off text, what is not found may be in the missing part."""
    for pattern in rules.patterns:
        for sentence in index.candidates(pattern):
            m = pattern.regex(year).search(sentence.text)
            if m is None:
                continue
            note = _note(pattern.note, m)
            if spec.type is FactType.RECORDS:
                records = _records(m, sentence, pattern, spec, year)
                if records is not None:
                    return Proposal(spec.key, records[0], sentence, records[1], note, m.group(0))
                continue
            if pattern.value is not NO_VALUE:
                return Proposal(spec.key, pattern.value, sentence, None, note, m.group(0))
            value = typed(_with_unit(m, sentence.text, spec.type), spec.type, spec.choices, spec.minimum, spec.maximum)
            if value is not None:
                return Proposal(spec.key, value[0], sentence, value[1], note, m.group(0))
    if rules.absent is not NO_VALUE and use_absent:
        return Proposal(spec.key, rules.absent, None)
    return None


def _with_unit(m: Any, sentence: str, ftype: FactType) -> str | None:
    """A figure with the measure word after it (10余 + 次), so the note reads '10余次 = at least 10'."""
    text = m.group("value")
    if text is None or ftype not in (FactType.INT, FactType.NUMBER):
        return text
    unit = _UNIT.match(sentence, m.end("value"))
    return text + unit.group(0) if unit else text


def typed(text: str | None, ftype: FactType, choices: tuple[str, ...] = (), minimum: Any = None,
          maximum: Any = None) -> tuple[Any, Quantity | None] | None:
    """A matched text as a value of the fact's type, accepted by the facts loader; None if it is not one."""
    if text is None:
        return None
    quantity = None
    raw: Any = text.strip()
    if ftype in (FactType.INT, FactType.NUMBER, FactType.PERCENT):
        quantity = parse_quantity(raw)
        if quantity is None or (quantity.percent and ftype is not FactType.PERCENT):
            return None
        raw = quantity.value
    elif ftype is FactType.DATE:
        raw = parse_date(raw)
        if raw is None:
            return None
    r = Reader(_SCRATCH)
    value = parse_value(r, (), raw, ftype, choices, minimum, maximum)
    return None if r.problems or value is None else (value, quantity)


def _records(m: Any, sentence: Sentence, pattern: Pattern, spec: FactSpec, year: int
             ) -> tuple[list[dict[str, Any]], Quantity | None] | None:
    quantity = parse_quantity(m.group("count")) if m.groupdict().get("count") else None
    if quantity is None or quantity.value != int(quantity.value) or not 0 <= quantity.value <= MAX_RECORDS:
        return None
    fields: dict[str, Any] = {}
    for rule in pattern.fields:
        fspec = spec.field_spec(rule.name)
        if rule.group is not None and m.groupdict().get(rule.group):
            value = typed(m.group(rule.group), fspec.type, fspec.choices, fspec.minimum, fspec.maximum)
            if value is not None:
                fields[rule.name] = value[0]
        elif rule.value is not NO_VALUE and (rule.when is None or compiled(rule.when, year).search(sentence.text)):
            fields[rule.name] = rule.value
    return [{"id": pattern.id_template.replace("{n}", str(i)), **fields} for i in range(1, int(quantity.value) + 1)], quantity


def _note(note: Text | None, m: Any) -> Text | None:
    if note is None:
        return None
    return Text(note.zh.replace("{match}", m.group(0)), note.en.replace("{match}", m.group(0)))
