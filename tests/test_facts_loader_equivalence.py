"""engine/facts_loader.py parses a facts document with a fast path for the common, valid forms; it must give
exactly what the implementation it replaced gave: the same Case (values, their types, evidence and locations)
or the same problems (text, file:line:col, field, suggestion, in the same order). That implementation is kept
below, as it was, as the reference (limits read from fazhi.load.facts_loader).

Compared on every facts file of the repository (also the invalid ones), the facts of every rule test in the
rulesets, generated districts, and random documents: real files mutated, and trees holding values YAML
never gives (Decimal, datetime, -0.0, NaN, str subclasses) in every place a fact or field can be.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import unicodedata
from decimal import Decimal
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any, Callable, Mapping

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.load import facts_loader
from fazhi.model.case import Case, District, Evidence, FactValue, Record
from fazhi.errors import InputError, did_you_mean
from fazhi.load.facts_loader import (_CN_DATE, _ISO_DATE, EVIDENCE_KEYS, MAX_DIGITS, MAX_MAGNITUDE, MAX_PERIOD,
                                 MAX_PLACES, MAX_RECORDS, MAX_TEXT, MIN_PERIOD)
from fazhi.model.catalogue import FactSpec, FieldSpec
from fazhi.load.ruleset_loader import load_catalogue
from fazhi.load.schema import Reader, to_decimal, to_decimal_text
from fazhi.vocabulary import FactType, Text
from fazhi.load.yamlio import Document, Path, load_file, load_text

from helpers import DATA, ROOT
from test_properties import VALUES, mutated


# --- the reference: engine/facts_loader.py before the fast path ------------------------------------------

def ref_parse_case(doc: Document, vocabulary: Mapping[str, FactSpec], base: Path = ()) -> Case:
    r = Reader(doc)
    top = r.mapping(base, required=("case", "facts"))
    if top is None:
        raise InputError(r.problems)
    meta = r.mapping(base + ("case",), optional=("district", "period", "submitted")) if "case" in top else None
    district, period, submitted_on, submitted_by = District("?"), 0, None, None
    if meta is not None:  # since issue 12: a key missing is one problem, at its own path
        for key in ("district", "period"):
            if key not in meta:
                r.problem(base + ("case", key), f"missing required key '{key}'")
        dmap = r.mapping(base + ("case", "district"), required=("name",), optional=("level", "parent")) \
            if "district" in meta else None
        if dmap is not None:
            district = District((r.string(base + ("case", "district", "name")) if "name" in dmap else None) or "?",
                                r.string(base + ("case", "district", "level"), optional=True),
                                r.string(base + ("case", "district", "parent"), optional=True))
        period = r.integer(base + ("case", "period"), optional=False) if "period" in meta else None
        if period is not None and not MIN_PERIOD <= period <= MAX_PERIOD:
            r.problem(base + ("case", "period"), f"period {period} is not a plausible year")
        period = period or 0
        if "submitted" in meta and r.mapping(base + ("case", "submitted"), optional=("date", "by")) is not None:
            submitted_on = r.date(base + ("case", "submitted", "date"))
            submitted_by = r.string(base + ("case", "submitted", "by"), optional=True)
    facts = ref_parse_fact_values(r, base + ("facts",), vocabulary) if "facts" in top else {}
    if r.problems:
        raise InputError(r.problems)
    return Case(district, period, facts, submitted_on, submitted_by, doc.file,
                doc.where(base + ("case", "period")) if meta is not None else None)  # where the period is (issue 15)


def ref_parse_fact_values(r: Reader, path: Path, vocabulary: Mapping[str, FactSpec]) -> dict[str, FactValue]:
    raw = r.get(path)
    if raw is None or raw == {}:
        return {}
    if not isinstance(raw, dict):
        r.problem(path, "expected a mapping of fact key -> value")
        return {}
    values: dict[str, FactValue] = {}
    for key in raw:
        spec = vocabulary.get(key)
        if spec is None:
            r.problem(path + (key,), f"unknown fact '{key}'",
                      did_you_mean(key, vocabulary) or "see `fazhi rules facts` for the vocabulary")
            continue
        value = ref_parse_fact(r, path + (key,), spec)
        if value is not None:
            values[key] = value
    ref_check_not_above(r, path, values, vocabulary)
    return dict(sorted(values.items()))


def ref_parse_fact(r: Reader, path: Path, spec: FactSpec) -> FactValue | None:
    raw = r.get(path)
    evidence = None
    body_key = "records" if spec.type is FactType.RECORDS else "value"
    if isinstance(raw, dict):
        if r.mapping(path, required=(body_key,), optional=("evidence",)) is None:
            return None
        evidence = ref_evidence(r, path + ("evidence",)) if "evidence" in raw else None
        path = path + (body_key,)
        raw = raw.get(body_key)
    if raw is None:
        return None  # stated as unknown: same as absent
    if spec.type is FactType.RECORDS:
        records = ref_records(r, path, spec)
        return FactValue(spec.key, records, evidence, r.doc.where(path)) if records is not None else None
    value = ref_parse_value(r, path, raw, spec.type, spec.choices, spec.minimum, spec.maximum)
    return FactValue(spec.key, value, evidence, r.doc.where(path)) if value is not None else None


def ref_records(r: Reader, path: Path, spec: FactSpec) -> tuple[Record, ...] | None:
    items = r.get(path)
    if not isinstance(items, list):
        r.problem(path, f"'{spec.key}' is a list of records; got {type(items).__name__}")
        return None
    if len(items) > MAX_RECORDS:
        r.problem(path, f"{len(items):,} records; the limit is {MAX_RECORDS:,}", "see docs/limits.md")
        return None
    records, seen = [], {}
    names = [f.name for f in spec.fields]
    for i, item in enumerate(items):
        ipath = path + (i,)
        if not isinstance(item, dict):
            r.problem(ipath, "each record is a mapping of field -> value")
            continue
        rid = item.get("id")
        if isinstance(rid, bool) or not isinstance(rid, (str, int)) or not str(rid).strip():
            r.problem(ipath, "each record needs an 'id'")
            continue
        rid = str(rid)
        if len(rid) > MAX_TEXT:
            r.problem(ipath + ("id",), f"an id of {len(rid):,} characters; the limit is {MAX_TEXT:,}")
            continue
        if rid in seen:
            r.problem(ipath + ("id",), f"duplicate record id '{rid}' (also item {seen[rid] + 1})")
            continue
        seen[rid] = i
        fields: dict[str, Any] = {}
        for name, value in item.items():
            if name in ("id", "evidence"):
                continue
            fspec = spec.field_spec(name)
            if fspec is None:
                r.problem(ipath + (name,), f"unknown field '{name}' for {spec.key}",
                          did_you_mean(name, names) or f"fields: {', '.join(names)}")
                continue
            if value is None:
                continue
            parsed = ref_parse_value(r, ipath + (name,), value, fspec.type, fspec.choices, fspec.minimum, fspec.maximum)
            if parsed is not None:
                fields[name] = parsed
        evidence = ref_evidence(r, ipath + ("evidence",)) if "evidence" in item else None
        records.append(Record(rid, dict(sorted(fields.items())), evidence))
    return tuple(records)


def ref_parse_value(r: Reader, path: Path, raw: Any, ftype: FactType, choices: tuple[str, ...] = (),
                minimum: Decimal | None = None, maximum: Decimal | None = None) -> Any:
    """One typed value, accepting the forms people write (是/否, 98%, ９８, 2021年2月25日)."""
    if ftype is FactType.BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("是", "有", "yes", "true"):
            return True
        if text in ("否", "无", "没有", "no", "false"):
            return False
        r.problem(path, f"expected yes/no (true/false, 是/否), got {raw!r}")
        return None
    if ftype is FactType.DATE:
        return ref_date(r, path, raw)
    if ftype in (FactType.TEXT, FactType.ENUM):
        if isinstance(raw, (dict, list)) or isinstance(raw, bool):
            r.problem(path, f"expected text, got {raw!r}")
            return None
        text = str(raw)
        if len(text) > MAX_TEXT:
            r.problem(path, f"text of {len(text):,} characters; the limit is {MAX_TEXT:,}")
            return None
        if ftype is FactType.ENUM and text not in choices:
            r.problem(path, f"'{text}' is not one of {', '.join(choices)}", did_you_mean(text, choices))
            return None
        return text
    number = ref_number(raw, ftype)
    if number is None:
        what = {FactType.INT: "a whole number", FactType.PERCENT: "a percentage such as 96.2 or '96.2%'"}.get(ftype, "a number")
        r.problem(path, f"expected {what}, got {raw!r}",
                  "give the figure alone; put approximations ('约10人', '10余次') in the evidence note")
        return None
    if number.copy_abs() > MAX_MAGNITUDE:  # copy_abs: abs() rounds to the context and overflows on 1e999999999
        r.problem(path, f"{number} is larger than the limit {MAX_MAGNITUDE:,}")
        return None
    digits, places = ref_precision(number)
    if digits > MAX_DIGITS or places > MAX_PLACES:
        r.problem(path, f"{number} has {digits} significant digits and {places} decimal places; the limit is "
                  f"{MAX_DIGITS} digits and {MAX_PLACES} places", "round the figure; the evidence keeps the exact text")
        return None
    if ftype is FactType.INT and number != number.to_integral_value():
        r.problem(path, f"expected a whole number, got {raw!r}")
        return None
    low = minimum if minimum is not None else (Decimal(0) if ftype in (FactType.INT, FactType.PERCENT) else None)
    high = maximum if maximum is not None else (Decimal(100) if ftype is FactType.PERCENT else None)
    if low is not None and number < low:
        r.problem(path, f"{number} is below the minimum {low}")
        return None
    if high is not None and number > high:
        r.problem(path, f"{number} is above the maximum {high}")
        return None
    return int(number) if ftype is FactType.INT else number


def ref_precision(number: Decimal) -> tuple[int, int]:
    """(significant digits, decimal places) of a finite number, ignoring trailing zeros: 96.20 is (3, 1)."""
    _, digits, exponent = number.as_tuple()
    text = "".join(map(str, digits)).lstrip("0")
    trailing = len(text) - len(text.rstrip("0"))
    return len(text) - trailing, max(0, -(int(exponent) + trailing))


def ref_number(raw: Any, ftype: FactType) -> Decimal | None:
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        if ftype is FactType.PERCENT and text.endswith("%"):
            text = text[:-1]
        return to_decimal_text(text)
    return to_decimal(raw)


def ref_date(r: Reader, path: Path, raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        match = _CN_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                r.problem(path, f"'{raw}' is not a real date")
                return None
    r.problem(path, f"expected a date (YYYY-MM-DD), got {raw!r}")
    return None


def ref_evidence(r: Reader, path: Path) -> Evidence | None:
    raw = r.get(path)
    if isinstance(raw, str):
        return Evidence(quote=raw)
    if r.mapping(path, optional=EVIDENCE_KEYS) is None:
        return None
    return Evidence(**{k: r.string(path + (k,), optional=True) for k in EVIDENCE_KEYS})


def ref_check_not_above(r: Reader, path: Path, values: Mapping[str, FactValue], vocabulary: Mapping[str, FactSpec]) -> None:
    for key, fact in values.items():
        total_key = vocabulary[key].not_above
        if total_key and total_key in values:
            part, total = fact.value, values[total_key].value
            if part > total:
                r.problem(path + (key,), f"{part} is larger than {total_key} ({total})",
                          "a part cannot exceed its total; check both figures")



# --- comparing -----------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def vocabularies() -> tuple[Mapping[str, FactSpec], ...]:
    """The real rulesets' vocabulary, those of the test rulesets (core, documents) and SYNTHETIC (below)."""
    return tuple(load_catalogue([str(p)]).facts for p in (ROOT / "rulesets", DATA / "core" / "rules.yaml",
                                                           DATA / "documents" / "rules")) + (SYNTHETIC,)


def typed(value: Any) -> Any:
    """What == and repr leave out: the type of every value (1, True and Decimal(1) are equal; a str subclass
    has the repr of a str), so equal results are the same values of the same types, at the same locations."""
    if dataclasses.is_dataclass(value):
        return type(value).__name__, tuple((f.name, typed(getattr(value, f.name))) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return "dict", tuple((typed(k), typed(v)) for k, v in value.items())
    if isinstance(value, (tuple, list)):
        return type(value).__name__, tuple(typed(v) for v in value)
    return type(value).__name__, repr(value)


def outcome(parse: Callable[[Document, Mapping[str, FactSpec]], Case], doc: Document,
            vocabulary: Mapping[str, FactSpec]) -> tuple[Any, ...]:
    try:
        case = parse(doc, vocabulary)
    except InputError as exc:
        return "error", english(exc.problems)
    return "ok", case, typed(case)


def english(problems: Any) -> list[tuple[Any, ...]]:
    """What the reference knows of a problem: place, field and English head. The Chinese (zh, suggestion_zh,
    field_zh), a cause on the lines below and the expected form after "; write it as:" came later (issue 12)."""
    return [(p.location, p.field, p.message.split("\n")[0].split("; write it as:")[0],
             None if "\n" in p.message else _SUGGESTIONS.get(p.suggestion, p.suggestion)) for p in problems]


_SUGGESTIONS = {"see `fazhi rules doc` for the facts": "see `fazhi rules facts` for the vocabulary"}


def assert_same(doc: Document, vocabulary: Mapping[str, FactSpec]) -> tuple[Any, ...]:
    expected = outcome(ref_parse_case, doc, vocabulary)
    assert outcome(facts_loader.parse_case, doc, vocabulary) == expected
    # the facts that parse, also when others do not (a case with any problem gives only the problems)
    old, new = Reader(doc), Reader(doc)
    values = ref_parse_fact_values(old, ("facts",), vocabulary)
    assert typed(facts_loader.parse_fact_values(new, ("facts",), vocabulary)) == typed(values)
    assert english(new.problems) == english(old.problems)
    return expected


def facts_documents(folder: FilePath) -> list[FilePath]:
    found = []
    for path in sorted(folder.rglob("*.yaml")):
        try:
            data = load_file(path).data
        except InputError:
            continue
        if isinstance(data, dict) and "facts" in data and "rules" not in data and "requirements" not in data:
            found.append(path)
    return found


REPOSITORY_FACTS = facts_documents(ROOT / "cases") + facts_documents(DATA)
VALID = [ROOT / "cases" / "macun-2020" / "facts.yaml", DATA / "core" / "case.yaml", DATA / "documents" / "case" / "facts.yaml",
         DATA / "intake" / "full-case.yaml"]


def test_there_are_repository_facts_files_to_compare():
    assert set(VALID) <= set(REPOSITORY_FACTS)
    assert len([p for p in REPOSITORY_FACTS if "invalid-facts" in p.parts]) >= 10


@pytest.mark.parametrize("path", REPOSITORY_FACTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_facts_file_parses_as_before(path):
    doc = load_file(path)
    results = [assert_same(doc, vocabulary)[0] for vocabulary in vocabularies()]
    if path in VALID:
        assert "ok" in results
    if "invalid-facts" in path.parts:
        assert results[1] == "error"  # against the core vocabulary they are written for


def rule_test_facts(data: Any, path: Path = ()) -> list[Path]:
    """The path of the `facts` of every rule test in a ruleset document."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "facts" and len(path) >= 2 and path[-2] == "tests":
                found.append(path + (key,))
            else:
                found += rule_test_facts(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += rule_test_facts(value, path + (i,))
    return found


RULESET_FILES = sorted((ROOT / "rulesets").glob("*.yaml")) + [DATA / "core" / "rules.yaml"] + sorted(
    (DATA / "documents" / "rules").glob("*.yaml")) + sorted((DATA / "invalid").glob("*.yaml"))


def test_the_facts_of_every_rule_test_parse_as_before():
    """engine/ruleset_loader.py reads them with parse_fact_values, from a Reader of the ruleset file."""
    compared = 0
    for file in RULESET_FILES:
        try:
            doc = load_file(file)
        except InputError:
            continue
        for path in rule_test_facts(doc.data):
            for vocabulary in vocabularies():
                old, new = Reader(doc), Reader(doc)
                expected = ref_parse_fact_values(old, path, vocabulary)
                assert typed(facts_loader.parse_fact_values(new, path, vocabulary)) == typed(expected)
                assert english(new.problems) == english(old.problems)
                compared += 1
    assert compared > 100


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[FilePath]:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import Generator
    root = tmp_path_factory.mktemp("generated")
    Generator(load_catalogue([str(ROOT / "rulesets")]), seed=5).write(root, 6, [2020, 2021])
    return sorted(root.rglob("facts.yaml"))


def test_generated_facts_files_parse_as_before(generated):
    assert len(generated) == 12
    for path in generated:
        assert assert_same(load_file(path), vocabularies()[0])[0] == "ok", path


def test_equal_evidence_is_one_object_within_a_case(generated):
    case = facts_loader.parse_case(load_file(generated[0]), vocabularies()[0])
    evidence = [f.evidence for f in case.facts.values() if f.evidence is not None]
    evidence += [r.evidence for f in case.facts.values() if isinstance(f.value, tuple) for r in f.value if r.evidence]
    assert len({id(e) for e in evidence}) == len(set(evidence)) < len(evidence)


def test_a_plan_is_made_once_per_spec_and_never_for_another():
    spec = next(iter(vocabularies()[1].values()))
    assert facts_loader._plan(spec) is facts_loader._plan(spec)
    twin = FactSpec(**{**spec.__dict__, "type": FactType.TEXT})
    assert facts_loader._plan(twin) is not facts_loader._plan(spec) and facts_loader._plan(twin).records is False


# --- every edge, in every place a value can be ------------------------------------------------------------

class Words(str):
    """A str subclass: no YAML file gives one, but a Document built in code may."""


# The edges of every check: types, bounds, limits, the written forms parse_value accepts
EDGES = [
    True, False, 0, -0.0, 0.0, 1, -1, -3, -4, 7, 8, 14, 99, 100, 101, 10 ** 12, 10 ** 12 + 1, -10 ** 12, -10 ** 12 - 1,
    10 ** 15, 0.5, 1.5, 2.5, -2.5, 2.50001, 96.25, 99.5, 100.0, 100.00001, 12.34567, 1e-05, 1e20, float("nan"),
    float("inf"), Decimal("5"), Decimal("-0.0"), Decimal("0.5"), Decimal("96.2000"), Decimal("NaN"), Decimal("1E+3"),
    "是", "否", "有", "没有", "yes", " TRUE ", "maybe", "98%", "９８", "1,000", " 3 ", "2.5", "1e3", "-1", "a", "b", "x",
    "county", "city", "合法", "", " ", "x" * MAX_TEXT, "x" * (MAX_TEXT + 1), "2021年2月25日", "2021-02-30", "2021-2-5",
    dt.date(2020, 5, 1), dt.datetime(2020, 5, 1, 12, 30), Words("county"), Words("a"), Words("是"), Words("3"),
    None, [], {}, [1], {"a": 1}, ("a",)]

def _spec(key: str, ftype: FactType, minimum: Any = None, maximum: Any = None, choices: tuple[str, ...] = (),
          fields: tuple[FieldSpec, ...] = ()) -> FactSpec:
    text = Text(key, key)
    return FactSpec(key, ftype, text, text, "synthetic", minimum=minimum, maximum=maximum, choices=choices,
                    fields=fields)


def _field(name: str, ftype: FactType, minimum: Any = None, maximum: Any = None,
           choices: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(name, ftype, Text(name, name), minimum=minimum, maximum=maximum, choices=choices)


# Every type, unbounded and with bounds no real vocabulary has yet (fractional, negative, beyond the limit, infinite)
BOUNDS = [(None, None), (Decimal(-3), Decimal(7)), (Decimal("0.5"), Decimal("99.5")), (Decimal("-2.5"), Decimal("2.5")),
          (Decimal(50), None), (None, Decimal(10) ** 13), (-Decimal(10) ** 13, None), (Decimal("-Inf"), Decimal("Inf"))]
CHOICES = ("a", "b", "是", "x" * (MAX_TEXT + 1))
SCALAR_SPECS = [(t, low, high) for t in (FactType.INT, FactType.NUMBER, FactType.PERCENT) for low, high in BOUNDS] + [
    (t, None, None) for t in (FactType.BOOL, FactType.DATE, FactType.TEXT, FactType.ENUM)]
FIELDS = tuple(_field(f"f{i}", t, low, high, CHOICES if t is FactType.ENUM else ())
               for i, (t, low, high) in enumerate(SCALAR_SPECS))
SYNTHETIC = {spec.key: spec for spec in [
    *(_spec(f"s.{i}", t, low, high, CHOICES if t is FactType.ENUM else ()) for i, (t, low, high) in enumerate(SCALAR_SPECS)),
    # a field named like a record's own keys, and a name declared twice (the first declaration counts)
    _spec("s.records", FactType.RECORDS, fields=FIELDS + (_field("id", FactType.INT), _field("evidence", FactType.BOOL),
                                                          _field("f0", FactType.TEXT)))]}


def test_every_edge_value_of_every_type_parses_as_before():
    for value in EDGES:
        for key, spec in SYNTHETIC.items():
            if spec.type is FactType.RECORDS:
                items = [{"id": "R1", **{f.name: value for f in FIELDS}}, {"id": "R2", "evidence": value, "f0": value},
                         {"id": value, "f1": 1}, value]
                forms = [items, {"records": items}, {"records": value}, value]
            else:
                forms = [value, {"value": value}, {"value": value, "evidence": {"page": "1"}}, {"values": value}]
            for form in forms:
                assert_same(Document("facts.yaml", {"case": {"district": {"name": "x"}, "period": 2020},
                                                    "facts": {key: form}}, {}), SYNTHETIC)
        evidence = [value, {"page": value}, {"document": "报告", "quote": value}, {"pages": value}]
        facts = {f"s.{i}": {"value": 1, "evidence": e} for i, e in enumerate(evidence)}
        facts["s.records"] = [{"id": f"R{i}", "evidence": e} for i, e in enumerate(evidence)]
        assert_same(Document("facts.yaml", {"case": {"district": {"name": "x"}, "period": 2020}, "facts": facts}, {}),
                    SYNTHETIC)


# --- random documents ------------------------------------------------------------------------------------

QUICK = settings(max_examples=150, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


ODD = st.one_of(VALUES, st.sampled_from(EDGES), st.integers(-10 ** 13, 10 ** 13), st.floats(), st.decimals(),
                st.text(max_size=6))
EVIDENCE = st.one_of(st.none(), st.text(max_size=4), st.sampled_from(["p. 3", ""]), st.dictionaries(
    st.sampled_from([*EVIDENCE_KEYS, "pages", "id"]), st.one_of(st.sampled_from(["报告", "3", " ", ""]), ODD),
    max_size=3))


@st.composite
def fact_trees(draw, vocabulary: Mapping[str, FactSpec]) -> dict[str, Any]:
    """A case with a few facts of the vocabulary, each written in one of the forms a file may take."""
    facts: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(sorted(vocabulary) + ["test.unknown"]), max_size=6, unique=True)):
        spec = vocabulary.get(key)
        if spec is not None and spec.type is FactType.RECORDS:
            names = [f.name for f in spec.fields] + ["id", "evidence", "unknown"]
            items = draw(st.lists(st.one_of(ODD, st.dictionaries(
                st.sampled_from(names), st.one_of(ODD, st.sampled_from(["D1", "D2", 1, True])), max_size=5).map(
                lambda item: item if "evidence" not in item else {**item, "evidence": {"page": "1"}})), max_size=4))
            value: Any = items if draw(st.booleans()) else draw(ODD)
        else:
            value = draw(ODD)
        form = draw(st.sampled_from(["bare", "body", "evidence", "extra"]))
        body = "records" if spec is not None and spec.type is FactType.RECORDS else "value"
        if form == "body":
            value = {body: value}
        elif form == "evidence":
            value = {body: value, "evidence": draw(EVIDENCE)}
        elif form == "extra":
            value = draw(st.dictionaries(st.sampled_from([body, "evidence", "values", "note"]), ODD, max_size=3))
        facts[key] = value
    return {"case": {"district": {"name": "x"}, "period": draw(st.sampled_from([2020, 1800, "2020"]))}, "facts": facts}


@QUICK
@given(st.data())
def test_random_trees_parse_as_before(data):
    vocabulary = data.draw(st.sampled_from(vocabularies()))
    tree = data.draw(fact_trees(vocabulary))
    assert_same(Document("facts.yaml", tree, {}), vocabulary)  # no marks: every location is the file's start
    try:
        text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
        doc = load_text(text, "facts.yaml")
    except (yaml.YAMLError, InputError):  # a Decimal or Words is not YAML; a NaN Decimal comes back as text
        return
    assert_same(doc, vocabulary)


@QUICK
@given(st.data())
def test_mutated_repository_files_parse_as_before(data):
    path = data.draw(st.sampled_from(VALID + [p for p in REPOSITORY_FACTS if "invalid-facts" in p.parts]))
    tree = yaml.safe_load(path.read_text(encoding="utf-8").replace("2021年2月30日", "x"))
    try:
        doc = load_text(yaml.safe_dump(data.draw(mutated(tree)), allow_unicode=True, sort_keys=False), str(path))
    except InputError:
        return
    for vocabulary in vocabularies():
        assert_same(doc, vocabulary)
