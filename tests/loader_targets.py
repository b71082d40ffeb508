"""Every Fazhi loader as one function: a file in, a loaded object or a FazhiError out.

The hostile-input tests (tests/test_properties.py, tests/test_hostile.py) and the fuzz run
(bench/fuzz.py) drive the loaders through this table. To cover a new loader (questionnaire
import, waivers, verifications, owners), write one `load_*` function taking the path of the
input file, optionally a `check_*` function for what runs on a successful load, and add one
`Target` to TARGETS with its seed files. Nothing else changes.

`check_*` functions raise AssertionError when a loaded input produces a wrong answer; the
central one is `assert_sound`, a three-valued reference evaluation of every requirement that a
verdict from the engine must equal (so a `met` the facts do not support is caught).
"""
from __future__ import annotations

import datetime as dt
import glob
import json
import random
import zlib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from fazhi.load import yamlio
from fazhi.errors import FazhiError
from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import load_case, parse_case
from fazhi.compile.measures import record_values, scalar_values
from fazhi.model.case import Case, District
from fazhi.model.conditions import (_var_names, AllOf, AnyOf, Compare, Exists, InnerRef, Literal, NotOf, Op, VarKind, VarRef)
from fazhi.model.catalogue import Catalogue, Requirement
from fazhi.model.results import Evaluation
from fazhi.vocabulary import Verdict
from fazhi.render.output import dumps, to_json_data
from fazhi.load.profiles import Profile, load_profile
from fazhi.render.render_text import render_markdown, render_text
from fazhi.load.ruleset_loader import load_catalogue
from fazhi.evaluate.scoring import score, score_data

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CORE_RULES = DATA / "core" / "rules.yaml"
CORE_CASE = DATA / "core" / "case.yaml"
CORE_PROFILE = DATA / "core" / "profiles" / "test-scheme.yaml"
SOURCES = ROOT / "rulesets" / "sources.yaml"


# --- shared state: the core test catalogue, compiled once per process ------------------------

@lru_cache(maxsize=None)
def core_catalogue() -> Catalogue:
    return load_catalogue([str(CORE_RULES)])


@lru_cache(maxsize=None)
def core_evaluator() -> Evaluator:
    return Evaluator(core_catalogue())


@lru_cache(maxsize=None)
def core_evaluation() -> Evaluation:
    return core_evaluator().evaluate(load_case(CORE_CASE, core_catalogue().facts))


def release(evaluator: Evaluator) -> None:
    """Unload an evaluator's rules from the shared engine."""
    evaluator.close()


# --- the loaders ---------------------------------------------------------------------------

def load_yaml(path: Path) -> Any:
    return yamlio.load_file(path)


def load_rulesets(path: Path) -> Catalogue:
    return load_catalogue([str(path)])


def load_rulesets_with_sources(path: Path) -> Catalogue:
    """A domain ruleset of rulesets/ cites the shared sources.yaml, so it loads beside it."""
    return load_catalogue([str(SOURCES), str(path)])


def load_facts(path: Path) -> Case:
    return load_case(path, core_catalogue().facts)


def load_profile_file(path: Path) -> Profile:
    return load_profile(str(path), core_catalogue())


# --- what runs when an input loads -----------------------------------------------------------

def check_document(doc: Any) -> None:
    json.dumps(doc.data, default=str, ensure_ascii=False)


def check_case(case: Case) -> str | None:
    """Evaluate the case on the core ruleset, check every verdict against the reference, render it.
    Returns "incomplete" when the engine left undecided what the reference decides (sound, but less known)."""
    evaluation = core_evaluator().evaluate(case)
    incomplete = assert_sound(evaluation, core_evaluator())
    render(evaluation)
    return "incomplete" if incomplete else None


def check_catalogue(catalogue: Catalogue) -> str | None:
    """Compile a loaded catalogue, then evaluate an empty case, (some of) the fixtures it carries and a few
    random cases over its vocabulary, each checked against the reference."""
    evaluator = Evaluator(catalogue)
    incomplete = 0
    try:
        cases = [Case(District("fuzz"), 2020, {})] + [t.facts for r in catalogue.requirements for t in r.tests][:20]
        rng = random.Random(zlib.crc32(repr([(r.check, r.where, r.applies_when) for r in catalogue.requirements]).encode()))
        for _ in range(PROBES):
            text = yaml.safe_dump(random_case(rng, catalogue), allow_unicode=True, sort_keys=False)
            try:
                cases.append(parse_case(yamlio.load_text(text, "probe.yaml"), catalogue.facts))
            except FazhiError:
                pass
        for case in cases:
            evaluation = evaluator.evaluate(case)
            incomplete += assert_sound(evaluation, evaluator)
            render(evaluation)
    finally:
        release(evaluator)
    return "incomplete" if incomplete else None


def check_profile(profile: Profile) -> None:
    evaluation = core_evaluation()
    only = [r for r in core_catalogue().requirements if profile.selects(r.id, r.domain)]
    selected = Evaluation(evaluation.case, evaluation.catalogue,
                          tuple(f for f in evaluation.findings if f.requirement in {r.id for r in only}))
    scored = score(selected, profile)
    for lang in ("zh", "en"):
        dumps(score_data(scored, lang))


PROBES = 6  # random cases evaluated on every catalogue that loads


def random_case(rng: random.Random, catalogue: Catalogue, odd_values: list[Any] = ()) -> dict[str, Any]:
    """A case (as YAML data) over a catalogue's vocabulary: mostly valid values of each fact's type, near the
    thresholds the test rules use, some facts left out, and now and then a value from `odd_values`."""
    facts: dict[str, Any] = {}
    for key, spec in catalogue.facts.items():
        if rng.random() < 0.35:
            continue
        if spec.type.value == "records":
            records = []
            for n in range(rng.choice((0, 1, 2, 3, 5))):
                record: dict[str, Any] = {"id": rng.choice((f"D{n}", f"R{n}", n, f"D{n}"))}
                for f in spec.fields:
                    if rng.random() < 0.7:
                        record[f.name] = _typed(rng, f.type.value, f.choices, odd_values)
                records.append(record)
            facts[key] = records if rng.random() < 0.8 else {"records": records, "evidence": {"quote": "q"}}
        else:
            value = _typed(rng, spec.type.value, spec.choices, odd_values)
            facts[key] = value if rng.random() < 0.8 else {"value": value, "evidence": {"document": "d"}}
    period = rng.choice((2019, 2020, 2020, 2021, 2022, 2023))
    return {"case": {"district": {"name": "测试区"}, "period": period}, "facts": facts}


def _typed(rng: random.Random, ftype: str, choices: tuple[str, ...], odd_values: list[Any]) -> Any:
    if odd_values and rng.random() < 0.08:
        return rng.choice(odd_values)
    if ftype == "bool":
        return rng.choice((True, False, "是", "否", "yes", "no"))
    if ftype == "int":
        return rng.choice((0, 1, 5, 14, 15, 16, 20, 100, 299, 300, 301, 10 ** 12, "３００", "1,000", str(rng.randrange(400))))
    if ftype == "percent":
        return rng.choice((0, 6.99, 7, 7.0, "7%", "7.0001%", 49.99, 50, "50%", 96.2, "96.2%", 100, "１００%",
                           round(rng.uniform(0, 100), rng.randrange(5))))
    if ftype == "number":
        return round(rng.uniform(-1000, 1000), rng.randrange(4))
    if ftype == "date":
        day = dt.date(2019, 12, 1) + dt.timedelta(days=rng.randrange(0, 900))
        return rng.choice((day, day.isoformat(), f"{day.year}年{day.month}月{day.day}日", dt.date(2021, 3, 1),
                           dt.date(2021, 3, 2), dt.date(2020, 9, 29)))
    if ftype == "enum":
        return rng.choice(choices + ("country",))
    return rng.choice(("D0", "D1", "D2", "R1", "文本"))


def render(evaluation: Evaluation) -> None:
    """Every output of the evaluation, checked: the terminal text carries no control character (with
    colour, none but Fazhi's own verdict tags), the Markdown no raw HTML of the input's."""
    import click
    from fazhi.render.render_text import VERDICT_TEXT
    own = [click.style(f"[{zh if lang == 'zh' else en}]", fg=fg, bold=v is Verdict.GAP)
           for v, (zh, en, fg) in VERDICT_TEXT.items() for lang in ("zh", "en")]
    own.append(click.style("[数据质量]", fg="magenta", bold=True))
    own.append(click.style("[data quality]", fg="magenta", bold=True))
    for lang in ("zh", "en"):
        dumps(to_json_data(evaluation, lang)).encode("utf-8")
        for color in (False, True):
            text = render_text(evaluation, lang, color=color)
            text.encode("utf-8")
            for tag in own:
                text = text.replace(tag, "")
            bad = sorted({f"U+{ord(c):04X}" for c in text if _control(c)})
            assert not bad, f"control characters in the terminal text (color={color}): {bad}"
        markdown = render_markdown(evaluation, lang)
        markdown.encode("utf-8")
        assert "<" not in markdown.replace("<br>", ""), "raw HTML in the Markdown checklist"
        bad = sorted({f"U+{ord(c):04X}" for c in markdown if _control(c)})
        assert not bad, f"control characters in the Markdown checklist: {bad}"


def _control(c: str) -> bool:
    return (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F


# --- the table -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    name: str
    file_name: str  # the input is written under this name
    load: Callable[[Path], Any]  # returns what was loaded; raises FazhiError for bad input
    seeds: tuple[Path, ...]
    check: Callable[[Any], str | None] | None = None  # runs on a load; AssertionError = wrong answer; a note to count
    weight: int = 1  # share of the fuzz run's inputs

    def seed_texts(self) -> list[bytes]:
        return [p.read_bytes() for p in self.seeds]


def _files(*patterns: str) -> tuple[Path, ...]:
    out: list[Path] = []
    for pattern in patterns:
        out += sorted(Path(p) for p in glob.glob(str(ROOT / pattern)))
    return tuple(out)


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("yaml", "any.yaml", load_yaml,
           _files("tests/data/core/*.yaml", "tests/data/invalid/*.yaml", "tests/data/invalid-facts/*.yaml"),
           check_document, weight=2),
    Target("facts", "facts.yaml", load_facts,
           _files("tests/data/core/case.yaml", "tests/data/invalid-facts/*.yaml"), check_case, weight=10),
    Target("rulesets", "rules.yaml", load_rulesets,
           _files("tests/data/core/rules.yaml", "tests/data/invalid/*.yaml"), check_catalogue, weight=3),
    Target("rulesets+sources", "rules.yaml", load_rulesets_with_sources,
           tuple(p for p in _files("rulesets/*.yaml") if p.name != "sources.yaml"), check_catalogue, weight=1),
    Target("profiles", "profile.yaml", load_profile_file,
           _files("tests/data/core/profiles/*.yaml", "rulesets/profiles/*.yaml"), check_profile, weight=2),
)}


# --- the reference: three-valued evaluation of a requirement, straight from the condition tree --

Outcome = tuple[Verdict, "str | None"]


def assert_sound(evaluation: Evaluation, evaluator: Evaluator, strict: bool = False) -> int:
    """Every requirement has a verdict, and every verdict the engine decides (met, gap, not applicable) is the
    reference's: no `met` or `gap` the facts do not support. The engine may know less than the reference
    (`insufficient_facts` where the reference decides); that is counted and returned, or an error when strict.
    """
    case, catalogue = evaluation.case, evaluation.catalogue
    got = verdicts(evaluation)
    incomplete = 0
    for req in catalogue.requirements:
        assert req.id in got, f"{req.id}: no verdict"
        if case.departments and (req.subject is not None or req.from_departments):
            continue  # judged per department, not on the district's facts (tests/test_departments.py)
        want = expected_outcomes(req, case, evaluator)
        if got[req.id] == want:
            pass
        elif strict:
            raise AssertionError(f"{req.id}: engine gave {_show(got[req.id])}, reference {_show(want)}")
        else:
            unsupported = {o for o in got[req.id] if o[0] is not Verdict.INSUFFICIENT and o not in want}
            assert not unsupported, (f"{req.id}: engine gave {_show(got[req.id])}, reference {_show(want)}: "
                                     f"{_show(unsupported)} not supported by the facts")
            incomplete += 1
        if any(v is Verdict.MET for v, _ in got[req.id]):
            assert_met_supported(req, case)
    extra = set(got) - {r.id for r in catalogue.requirements}
    assert not extra, f"verdicts for unknown requirements {extra}"
    return incomplete


def _show(outcomes: set[Outcome]) -> str:
    return ", ".join(f"{v.value}" + (f"[{rid}]" if rid is not None else "") for v, rid in sorted(outcomes, key=str))


def assert_met_supported(req: Requirement, case: Case) -> None:
    """The brief's property, independent of the reference: a `met` rests on facts that are there. Some fact its
    check reads is given (unless the check reads only fixed dates), and a per-record requirement has its records."""
    names = _var_names(req.check)
    if all(v.kind is not VarKind.DATE_IN_YEAR for v in req.vars if v.name in names):  # else a fixed date may decide
        read = facts_of(req, names) | {j.records for j in _exists(req.check)}
        assert not read or any(k in case.facts for k in read), f"{req.id}: met, but none of {sorted(read)} is given"
    if req.for_each:
        assert req.for_each in case.facts, f"{req.id}: met, but {req.for_each} is not given"


def facts_of(req: Requirement, names: Iterable[str]) -> set[str]:
    """The fact keys behind some of a requirement's variables (a ratio reads both of its facts)."""
    by_name = {v.name: v for v in req.vars}
    keys: set[str] = set()
    todo = list(names)
    while todo:
        var = by_name.get(todo.pop())
        if var is None:
            continue
        if var.kind in (VarKind.FACT, VarKind.COUNT):
            keys.add(var.args[0])
        elif var.kind is VarKind.FIELD:
            keys.add(req.for_each or "")
        elif var.kind in (VarKind.PERCENT, VarKind.DAYS, VarKind.WORKDAYS):
            todo += list(var.args)
    return keys


def _exists(cond: Any) -> list[Exists]:
    if isinstance(cond, Exists):
        return [cond]
    if isinstance(cond, (AllOf, AnyOf)):
        return [e for item in cond.items for e in _exists(item)]
    if isinstance(cond, NotOf):
        return _exists(cond.item)
    return []


def expected_outcomes(req: Requirement, case: Case, evaluator: Evaluator) -> set[Outcome]:
    if evaluator._not_in_force(req, case.period) is not None:
        return {(Verdict.NOT_APPLICABLE, None)}
    values = scalar_values(req, case).exact
    if req.applies_when is not None:
        applies = kleene(req.applies_when, values, case)
        if applies is False:
            return {(Verdict.NOT_APPLICABLE, None)}
        if applies is None:
            return {(Verdict.INSUFFICIENT, None)}
    if req.for_each is None:
        result = kleene(req.check, values, case)
        return {({True: Verdict.MET, False: Verdict.GAP, None: Verdict.INSUFFICIENT}[result], None)}
    if req.for_each not in case.facts:
        return {(Verdict.INSUFFICIENT, None)}
    records = case.facts[req.for_each].value
    if not records:
        return {(Verdict.NOT_APPLICABLE, None)}
    state: dict[str, str] = {}
    for record in records:
        rvalues = record_values(req, case, record).exact
        scope = kleene(req.where, rvalues, case) if req.where is not None else True
        if scope is False:
            state[record.id] = "out"
        elif scope is None:
            state[record.id] = "undecided"
        else:
            result = kleene(req.check, rvalues, case)
            state[record.id] = {True: "met", False: "gap", None: "undecided"}[result]
    gaps = {(Verdict.GAP, rid) for rid, s in state.items() if s == "gap"}
    undecided = {(Verdict.INSUFFICIENT, rid) for rid, s in state.items() if s == "undecided"}
    if gaps:  # the gaps, and beside them the records that still lack facts
        return gaps | undecided
    if undecided:
        return undecided
    if all(s == "out" for s in state.values()):
        return {(Verdict.NOT_APPLICABLE, None)}
    return {(Verdict.MET, None)}


def kleene(cond: Any, values: dict[str, Any], case: Case, inner: Any = None) -> bool | None:
    """Strong Kleene logic: None is 'not known from the facts given'."""
    if isinstance(cond, Compare):
        left, right = _operand(cond.left, values, inner), _operand(cond.right, values, inner)
        if left is None or right is None:
            return None
        return _compare(cond.op, left, right)
    if isinstance(cond, AllOf):
        results = [kleene(c, values, case, inner) for c in cond.items]
        return False if False in results else (None if None in results else True)
    if isinstance(cond, AnyOf):
        results = [kleene(c, values, case, inner) for c in cond.items]
        return True if True in results else (None if None in results else False)
    if isinstance(cond, NotOf):
        result = kleene(cond.item, values, case, inner)
        return None if result is None else not result
    if isinstance(cond, Exists):
        # like any other literal, `exists` is decided only on facts that are there: the records fact and the
        # outer variables it compares with (with no review at all, "reviewed before the decision?" needs the date)
        fact = case.facts.get(cond.records)
        outer = [o.name for c in cond.where for o in (c.left, c.right) if isinstance(o, VarRef)]
        if fact is None or any(values.get(name) is None for name in outer):
            result: bool | None = None
        else:
            results = [kleene(AllOf(cond.where), values, case, record) for record in fact.value]
            result = True if True in results else (None if None in results else False)
        return result if result is None or not cond.negated else not result
    raise TypeError(cond)


def _operand(operand: Any, values: dict[str, Any], inner: Any) -> Any:
    if isinstance(operand, Literal):
        value = operand.value
    elif isinstance(operand, VarRef):
        value = values.get(operand.name)
    elif isinstance(operand, InnerRef):
        value = inner.id if operand.field == "ref" else inner.fields.get(operand.field)
    else:
        raise TypeError(operand)
    if isinstance(value, (int, Decimal, Fraction)) and not isinstance(value, bool):
        return Fraction(value)
    return value


def _compare(op: Op, a: Any, b: Any) -> bool:
    if isinstance(a, dt.date) != isinstance(b, dt.date) or isinstance(a, bool) != isinstance(b, bool):
        raise AssertionError(f"reference compares {a!r} with {b!r}")
    return {Op.EQ: a == b, Op.NEQ: a != b, Op.LT: a < b, Op.LTE: a <= b, Op.GT: a > b, Op.GTE: a >= b}[op]


def verdicts(evaluation: Evaluation) -> dict[str, set[Outcome]]:
    out: dict[str, set[Outcome]] = {}
    for f in evaluation.findings:
        out.setdefault(f.requirement, set()).add((f.verdict, f.record))
    return out


def targets(names: Iterable[str] | None = None) -> list[Target]:
    return [TARGETS[n] for n in names] if names else list(TARGETS.values())
