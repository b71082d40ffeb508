"""Load rulesets (rulesets/*.yaml) into a Catalogue, reporting every problem of every file at once."""
from __future__ import annotations

import glob
import os
import re
from dataclasses import replace
from typing import Any, Iterable, Mapping

from fazhi.compile.compiler import MAX_CONJUNCTIONS, compile_requirement
from fazhi.checks.consistency import check_refs, declared_checks, parse_consistency
from fazhi.load.conditions import NAME, ConditionParser, alternatives
from fazhi.errors import InputError, Location, Problem, did_you_mean
from fazhi.load.departments import parse_departments, roll_up
from fazhi.load.facts_loader import MAX_PERIOD, MIN_PERIOD, parse_fact_values
from fazhi.model.case import Case, District
from fazhi.model.conditions import _var_names, VarKind
from fazhi.model.catalogue import (ROLLUPS, Catalogue, Citation, FactSpec, FieldSpec, Remediation, Requirement, Ruleset,
                                   RuleTest, Scope, Source, Subject)
from fazhi.vocabulary import Confidence, FactType, Severity, Text, Verdict
from fazhi.load.message_templates import template_problem
from fazhi.load.schema import Reader
from fazhi.load.yamlio import Path, load_file

REQUIREMENT_ID = r"[A-Z]{2,3}(-[A-Z0-9]+)+"
FACT_KEY = r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+"
REQUIREMENT_KEYS = ("id", "title", "domain", "severity", "summary", "citations", "in_force", "vars", "applies_when",
                    "for_each", "where", "check", "expected", "message", "remediation", "tests", "subject",
                    "from_departments")
FACT_KEYS = ("type", "label", "question", "unit", "min", "max", "not_above", "choices", "fields", "consistency",
             "scope", "rollup")


SOURCES_FILE = "sources.yaml"


def ruleset_files(paths: Iterable[str]) -> list[str]:
    """The YAML files of the folders and files given. A ruleset file given alone brings the sources.yaml
    beside it, where the sources its citations name are declared (`fazhi validate rulesets/three-systems.yaml`)."""
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            files += sorted(glob.glob(os.path.join(path, "*.yaml")))
        else:
            files.append(path)
    given = {os.path.normpath(f) for f in files}
    for file in list(files):
        beside = os.path.join(os.path.dirname(file), SOURCES_FILE)
        if os.path.normpath(beside) not in given and os.path.basename(file) != SOURCES_FILE and os.path.isfile(beside):
            files.append(beside)
            given.add(os.path.normpath(beside))
    return files


def load_catalogue(paths: Iterable[str], overlay: Iterable[str] = ()) -> Catalogue:
    """The rulesets at `paths`, with the rulesets at `overlay` on top: an overlay requirement whose id is
    already in `paths` replaces that requirement; any other is added (docs/rulesets.md, "Overlays")."""
    paths, overlay = list(paths), list(overlay)
    base_files = ruleset_files(paths)
    if not base_files:
        raise InputError([Problem(Location(", ".join(paths) or "."), "no ruleset files (*.yaml) found")])
    overlay_files = ruleset_files(overlay)
    if overlay and not overlay_files:
        raise InputError([Problem(Location(", ".join(overlay)), "no ruleset files (*.yaml) found in the overlay")])
    files = base_files + [f for f in overlay_files if f not in base_files]
    on_top = set(overlay_files) - set(base_files)
    problems: list[Problem] = []
    parsed: list[tuple[Reader, dict[str, Any]]] = []
    for file in files:
        try:
            reader = Reader(load_file(file))
        except InputError as exc:
            problems += exc.problems
            continue
        if not isinstance(reader.doc.data, dict):
            reader.mapping(())
            problems += reader.problems
            continue
        header = _sources_only(reader) if _is_sources_file(reader) else _header(reader)
        parsed.append((reader, header))
    sources: dict[str, Source] = {}
    facts: dict[str, FactSpec] = {}
    for reader, header in parsed:
        for source in header["sources"]:
            if source.id in sources:
                reader.problem(("sources",), f"source '{source.id}' is declared in two rulesets")
            sources[source.id] = source
        for spec in header["facts"]:
            if spec.key in facts:
                reader.problem(("facts", spec.key), f"fact '{spec.key}' is already declared in ruleset '{facts[spec.key].ruleset}'")
            facts[spec.key] = spec
    for reader, _ in parsed:
        _check_not_above(reader, facts)
    problems += check_refs([c for spec in facts.values() for c in declared_checks(spec)], facts)
    rulesets: list[Ruleset] = []
    seen_ids: dict[str, str] = {}
    replaced: dict[str, str] = {}  # built-in requirement id -> the overlay file that replaces it
    for reader, header in parsed:
        requirements = []
        from_overlay = reader.doc.file in on_top
        for i, _ in enumerate(reader.sequence(("requirements",), optional=header["id"] is None)):
            req = _requirement(reader, ("requirements", i), header, facts, sources)
            if req is None:
                continue
            if req.id in seen_ids and from_overlay and seen_ids[req.id] not in on_top:
                replaced[req.id] = reader.doc.file
            elif req.id in seen_ids:
                reader.problem(("requirements", i, "id"), f"requirement id '{req.id}' is also used in {seen_ids[req.id]}")
            seen_ids[req.id] = reader.doc.file
            if _too_many_alternatives(reader, ("requirements", i), req):
                continue
            try:  # compiling finds what parsing cannot, e.g. a condition with too many alternatives
                compile_requirement(req)
            except InputError as exc:
                reader.problems.extend(exc.problems)
                continue
            requirements.append(req)
        problems += reader.problems
        if header["id"]:
            if from_overlay and any(rs.id == header["id"] for rs in rulesets):
                reader.problem(("ruleset", "id"), f"ruleset id '{header['id']}' is already built in",
                               suggestion="give the overlay's ruleset an id of its own; requirements with a built-in id "
                                          "replace the built-in ones whatever ruleset they are in",
                               zh=f"规则集编号“{header['id']}”与内置规则集相同",
                               suggestion_zh="请给叠加的规则集另起编号；与内置要求编号相同的要求，无论在哪个规则集中，都会替换内置要求")
                problems += reader.problems[-1:]
            mine = tuple(r.id for r in requirements if r.id in replaced) if from_overlay else ()
            rulesets.append(Ruleset(header["id"], header["title"], header["version"], reader.doc.file,
                                    tuple(header["sources"]), tuple(header["facts"]), tuple(requirements),
                                    header["domain"], overlay=from_overlay, replaces=mine))
    if problems:
        raise InputError(problems)
    if replaced:  # the built-in requirement gives way to the overlay's
        rulesets = [rs if rs.overlay else replace(rs, requirements=tuple(r for r in rs.requirements if r.id not in replaced))
                    for rs in rulesets]
    return Catalogue(tuple(rulesets), dict(sorted(facts.items())), dict(sorted(sources.items())))


def _is_sources_file(r: Reader) -> bool:
    """A file holding only `sources:` declares legal sources that several rulesets cite."""
    return isinstance(r.doc.data, dict) and set(r.doc.data) == {"sources"}


def _sources_only(r: Reader) -> dict[str, Any]:
    sources = [s for i, _ in enumerate(r.sequence(("sources",))) if (s := _source(r, ("sources", i))) is not None]
    return {"id": None, "title": None, "version": "", "domain": "", "sources": sources, "facts": []}


def _header(r: Reader) -> dict[str, Any]:
    r.mapping((), required=("ruleset", "requirements"), optional=("sources", "facts"))
    meta = r.mapping(("ruleset",), required=("id", "title", "version", "domain"))
    header: dict[str, Any] = {"id": None, "title": None, "version": "", "domain": "", "sources": [], "facts": []}
    if meta is not None:
        header.update(id=r.string(("ruleset", "id"), pattern=r"[a-z][a-z0-9-]*"), title=r.text(("ruleset", "title")),
                      version=r.string(("ruleset", "version")) or "", domain=r.string(("ruleset", "domain")) or "")
    for i, _ in enumerate(r.sequence(("sources",), optional=True)):
        source = _source(r, ("sources", i))
        if source is not None:
            header["sources"].append(source)
    raw_facts = r.get(("facts",))
    if isinstance(raw_facts, dict):
        for key in raw_facts:
            spec = _fact(r, ("facts", key), key, header["id"] or "?")
            if spec is not None:
                header["facts"].append(spec)
    elif raw_facts is not None and "facts" in r.doc.data:  # a ruleset may declare no facts (e.g. an overlay's)
        r.problem(("facts",), "expected a mapping of fact key -> declaration")
    return header


def _source(r: Reader, path: Path) -> Source | None:
    if r.mapping(path, required=("id", "title"), optional=("doc_number", "issuer", "date", "in_force", "read_at")) is None:
        return None
    in_force = r.get(path + ("in_force",))
    start = end = None
    if isinstance(in_force, dict):
        r.mapping(path + ("in_force",), optional=("from", "to"))
        start, end = r.date(path + ("in_force", "from")), r.date(path + ("in_force", "to"))
    source_id = r.string(path + ("id",), pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]*")
    title = r.text(path + ("title",))
    if not source_id or not title:
        return None
    return Source(source_id, title, r.string(path + ("doc_number",), optional=True), r.string(path + ("issuer",), optional=True),
                  r.date(path + ("date",)), start, end, r.string(path + ("read_at",), optional=True))


def _fact(r: Reader, path: Path, key: str, ruleset: str) -> FactSpec | None:
    if not re.fullmatch(FACT_KEY, key):
        r.problem(path, f"fact key '{key}' must be namespaced lower_snake_case, e.g. three_systems.legal_review.reviewers")
    spec = r.mapping(path, required=("type", "label", "question"), optional=FACT_KEYS)
    if spec is None:
        return None
    ftype = r.enum(path + ("type",), FactType)
    label, question = r.text(path + ("label",)), r.text(path + ("question",))
    fields: list[FieldSpec] = []
    if ftype is FactType.RECORDS:
        raw_fields = r.get(path + ("fields",))
        if not isinstance(raw_fields, dict) or not raw_fields:
            r.problem(path, "a records fact needs 'fields'")
        else:
            for name in raw_fields:
                fspec = _field(r, path + ("fields", name), name, key)
                if fspec is not None:
                    fields.append(fspec)
    elif "fields" in spec:
        r.problem(path + ("fields",), "only records facts have fields")
    choices = _choices(r, path, ftype, spec)
    checks = parse_consistency(r, path + ("consistency",), key, ftype) if "consistency" in spec else ()
    scope, rollup = _scope(r, path, ftype, spec)
    if ftype is None or label is None or question is None:
        return None
    return FactSpec(key, ftype, label, question, ruleset, r.text(path + ("unit",), optional=True),
                    r.decimal(path + ("min",)), r.decimal(path + ("max",)),
                    r.string(path + ("not_above",), optional=True), choices, tuple(fields), r.doc.where(path), checks,
                    scope, rollup)


def _scope(r: Reader, path: Path, ftype: FactType | None, spec: Mapping[str, Any]) -> tuple[str, str | None]:
    """Where a fact may be given (district, department or both) and how departments' values roll up."""
    scope = r.string(path + ("scope",), optional=True) or Scope.DISTRICT
    if scope not in Scope.ALL:
        r.problem(path + ("scope",), f"范围“{scope}”无效，应为district、department或both / scope '{scope}' is not one of "
                  f"{', '.join(Scope.ALL)}")
        scope = Scope.DISTRICT
    rollup = r.string(path + ("rollup",), optional=True)
    if rollup is None:
        return scope, None
    if rollup not in ROLLUPS:
        r.problem(path + ("rollup",), f"汇总规则“{rollup}”无效 / roll-up '{rollup}' is not one of {', '.join(ROLLUPS)}")
        return scope, None
    if ftype is not None and ftype not in ROLLUPS[rollup]:
        allowed = ", ".join(t.value for t in ROLLUPS[rollup])
        r.problem(path + ("rollup",), f"汇总规则“{rollup}”不适用于{ftype.value}类事实（只适用于{allowed}） / roll-up "
                  f"'{rollup}' cannot apply to a {ftype.value} fact (only to {allowed})")
        return scope, None
    if scope == Scope.DISTRICT:
        r.problem(path + ("rollup",), "只在区级填报的事实没有部门数据可汇总 / a district-only fact has no department "
                  "values to roll up", "declare scope: both or scope: department")
        return scope, None
    return scope, rollup


def _field(r: Reader, path: Path, name: str, key: str = "") -> FieldSpec | None:
    if not re.fullmatch(NAME, name) or name in ("id", "evidence"):
        r.problem(path, f"field name '{name}' must be lower_snake_case and not 'id' or 'evidence'")
    spec = r.mapping(path, required=("type", "label"), optional=("unit", "min", "max", "choices", "consistency"))
    if spec is None:
        return None
    ftype = r.enum(path + ("type",), FactType)
    if ftype is FactType.RECORDS:
        r.problem(path + ("type",), "records cannot nest")
        return None
    label = r.text(path + ("label",))
    checks = parse_consistency(r, path + ("consistency",), key, ftype, name) if "consistency" in spec else ()
    if ftype is None or label is None:
        return None
    return FieldSpec(name, ftype, label, r.text(path + ("unit",), optional=True), r.decimal(path + ("min",)),
                     r.decimal(path + ("max",)), _choices(r, path, ftype, spec), checks)


def _choices(r: Reader, path: Path, ftype: FactType | None, spec: Mapping[str, Any]) -> tuple[str, ...]:
    if ftype is FactType.ENUM:
        choices = spec.get("choices")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
            r.problem(path, "an enum needs 'choices', a list of text")
            return ()
        return tuple(choices)
    if "choices" in spec:
        r.problem(path + ("choices",), "only enum facts have choices")
    return ()


def _check_not_above(r: Reader, facts: Mapping[str, FactSpec]) -> None:
    raw = r.get(("facts",))
    if not isinstance(raw, dict):
        return
    for key in raw:
        spec = facts.get(key)
        if spec is None or spec.not_above is None or spec.ruleset != (r.get(("ruleset", "id"))):
            continue
        total = facts.get(spec.not_above)
        if total is None:
            r.problem(("facts", key, "not_above"), f"undeclared fact '{spec.not_above}'", did_you_mean(spec.not_above, facts))
        elif total.type not in (FactType.INT, FactType.NUMBER) or spec.type not in (FactType.INT, FactType.NUMBER):
            r.problem(("facts", key, "not_above"), "not_above compares two int or number facts")


def _requirement(r: Reader, path: Path, header: Mapping[str, Any], facts: Mapping[str, FactSpec],
                 sources: Mapping[str, Source]) -> Requirement | None:
    raw = r.mapping(path, required=("id", "title", "severity", "citations", "vars", "check", "expected", "message",
                                    "remediation"), optional=REQUIREMENT_KEYS)
    if raw is None:
        return None
    before = len(r.problems)
    rid = r.string(path + ("id",), pattern=REQUIREMENT_ID)
    severity = r.enum(path + ("severity",), Severity)
    citations = _citations(r, path + ("citations",), sources)
    if citations and severity not in (None, Severity.ADVISORY) and any(c.confidence is not Confidence.VERBATIM for c in citations):
        r.problem(path + ("severity",), "a requirement resting on a paraphrased or uncertain source must be 'advisory'",
                  "never raise an unconfirmed threshold to a hard rule")
    for_each = r.string(path + ("for_each",), optional=True)
    if for_each is not None:
        spec = facts.get(for_each)
        if spec is None:
            r.problem(path + ("for_each",), f"undeclared fact '{for_each}'", did_you_mean(for_each, facts))
            for_each = None
        elif spec.type is not FactType.RECORDS:
            r.problem(path + ("for_each",), f"'{for_each}' is not a records fact")
            for_each = None
    parser = ConditionParser(r, facts, for_each)
    variables = parser.parse_vars(path + ("vars",))
    check = parser.parse(path + ("check",))
    applies_when = parser.parse(path + ("applies_when",)) if "applies_when" in raw else None
    where = None
    if "where" in raw:
        if for_each is None:
            r.problem(path + ("where",), "'where' filters records and needs 'for_each'")
        else:
            where = parser.parse(path + ("where",))
    if applies_when is not None and for_each is not None and _uses_fields(applies_when, variables):
        r.problem(path + ("applies_when",), "applies_when reads the case, not a record; filter records with 'where'")
    messages = _messages(r, path + ("message",))
    expected = r.text(path + ("expected",))
    remediation = _remediation(r, path + ("remediation",))
    in_force = r.get(path + ("in_force",))
    start = end = None
    if isinstance(in_force, dict):
        r.mapping(path + ("in_force",), optional=("from", "to"))
        start, end = r.date(path + ("in_force", "from")), r.date(path + ("in_force", "to"))
    title = r.text(path + ("title",))
    summary = r.text(path + ("summary",), optional=True)
    domain = r.string(path + ("domain",), optional=True) or header.get("domain") or ""
    if len(r.problems) > before or not (rid and severity and title and check and expected and remediation and messages):
        return None
    subject = _subject(r, path, raw, citations)
    from_departments = r.string(path + ("from_departments",), optional=True)
    req = Requirement(rid, header["id"] or "?", domain, title, severity, tuple(citations), variables, check, messages,
                      expected, remediation, applies_when, for_each, where, start, end, summary, (), r.doc.where(path),
                      subject, from_departments)
    tests = _tests(r, path + ("tests",), req, facts)
    return Requirement(**{**req.__dict__, "tests": tests})


def _subject(r: Reader, path: Path, raw: Mapping[str, Any], citations: list[Citation]) -> Subject | None:
    """`subject: district` (the default) or `subject: {each: 行政执法机关, words: 本单位}`: the words of a
    citation's quote that make the requirement bind each department on its own."""
    value = raw.get("subject")
    if value is None or value == "district":
        return None
    if r.mapping(path + ("subject",), required=("each", "words")) is None:
        return None
    kind, words = r.string(path + ("subject", "each")), r.string(path + ("subject", "words"))
    if not kind or not words:
        return None
    if not any(words in c.quote for c in citations):
        r.problem(path + ("subject", "words"), f"引文中没有“{words}”：按部门适用须有法律原文依据 / '{words}' is in "
                  "none of its citations' quotes: a per-department subject must rest on the law's words")
        return None
    return Subject(kind, words)


def _too_many_alternatives(r: Reader, path: Path, req: Requirement) -> bool:
    """The conditions the compiler will expand, counted first: expanding 10^10 alternatives would never end."""
    from fazhi.model.conditions import AllOf, NotOf
    conditions = []
    if req.applies_when is not None:
        conditions += [("applies_when", req.applies_when), ("applies_when", NotOf(req.applies_when))]
    scope = req.where
    conditions += [("check", AllOf((scope, req.check)) if scope else req.check),
                   ("check", AllOf((scope, NotOf(req.check))) if scope else NotOf(req.check))]
    if scope is not None:
        conditions.append(("where", NotOf(scope)))
    for key, cond in conditions:
        if alternatives(cond, MAX_CONJUNCTIONS + 1) > MAX_CONJUNCTIONS:
            r.problem(path + (key,), f"the condition expands to more than {MAX_CONJUNCTIONS} alternatives",
                      "split the requirement")
            return True
    return False


def _uses_fields(cond: Any, variables: tuple[Any, ...]) -> bool:
    field_vars = {v.name for v in variables if v.kind is VarKind.FIELD}
    return bool(_var_names(cond) & field_vars)


def _citations(r: Reader, path: Path, sources: Mapping[str, Source]) -> list[Citation]:
    citations = []
    items = r.sequence(path)
    if not items:
        r.problem(path, "every requirement cites at least one source")
    for i, _ in enumerate(items):
        p = path + (i,)
        if r.mapping(p, required=("source", "article", "quote", "confidence"), optional=("note", "supporting")) is None:
            continue
        source = r.string(p + ("source",))
        if source and source not in sources:
            r.problem(p + ("source",), f"undeclared source '{source}'", did_you_mean(source, sources))
        quote = r.string(p + ("quote",))
        article = r.string(p + ("article",))
        confidence = r.enum(p + ("confidence",), Confidence)
        if source and quote and article and confidence:
            supporting = r.get(p + ("supporting",))
            if supporting not in (True, False) and "supporting" in (r.get(p) or {}):
                r.problem(p + ("supporting",), "expected true or false")
            citations.append(Citation(source, article, quote, confidence, r.string(p + ("note",), optional=True),
                                      supporting is True))
    return citations


def _messages(r: Reader, path: Path) -> dict[Verdict, Text] | None:
    raw = r.mapping(path, required=("gap",), optional=("met", "not_applicable"))
    if raw is None:
        return None
    messages: dict[Verdict, Text] = {}
    for key in [k for k in raw if k in ("gap", "met", "not_applicable")]:  # an unknown key is reported above
        text = r.text(path + (key,))
        if text is None:
            continue
        for lang in ("zh", "en"):
            problem = template_problem(text.get(lang))
            if problem is not None:
                r.problem(path + (key, lang), problem[0], problem[1])
        messages[Verdict(key)] = text
    return messages


def _remediation(r: Reader, path: Path) -> Remediation | None:
    if r.mapping(path, required=("measure", "owner"), optional=("deadline_days", "acceptance")) is None:
        return None
    measure = r.text(path + ("measure",))
    owner = r.string(path + ("owner",))
    days = r.integer(path + ("deadline_days",), minimum=1)
    acceptance = r.text(path + ("acceptance",), optional=True)
    return Remediation(measure, owner, days, acceptance) if measure and owner else None


def _tests(r: Reader, path: Path, req: Requirement, facts: Mapping[str, FactSpec]) -> tuple[RuleTest, ...]:
    tests = []
    for i, _ in enumerate(r.sequence(path, optional=True)):
        p = path + (i,)
        if r.mapping(p, required=("name", "expect", "facts"), optional=("period", "gap_records", "departments",
                                                                          "gap_departments")) is None:
            continue
        name = r.string(p + ("name",)) or f"test {i + 1}"
        expect = r.enum(p + ("expect",), Verdict)
        period = r.integer(p + ("period",))
        if period is not None and not MIN_PERIOD <= period <= MAX_PERIOD:
            r.problem(p + ("period",), f"period {period} is not a plausible year")
        period = period or 2020
        values = parse_fact_values(r, p + ("facts",), facts)
        gap_records = tuple(str(x) for x in r.sequence(p + ("gap_records",), optional=True))
        gap_departments = tuple(str(x) for x in r.sequence(p + ("gap_departments",), optional=True))
        departments = parse_departments(r, p + ("departments",), facts, values) if "departments" in r.get(p) else ()
        if expect is not None:
            case = Case(District("fixture"), period, values, file=r.doc.file)
            if departments:
                case = roll_up(case, departments, facts)
            tests.append(RuleTest(name, case, expect, gap_records, r.doc.where(p), gap_departments))
    return tuple(tests)

