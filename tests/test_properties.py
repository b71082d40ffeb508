"""Properties of every loader, in-process, with hypothesis: any input gives a result or a FazhiError
(an InputError naming file:line), never another exception; whatever loads evaluates, and every verdict
agrees with the three-valued reference (tests/loader_targets.py).

The loaders are the table tests/loader_targets.py:TARGETS (rulesets, facts, profiles, plain YAML), so a
loader added there is covered here too. Example counts are kept small for the suite; bench/fuzz.py is
the long run.
"""
from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.load import yamlio
from fazhi.errors import FazhiError, InputError
from fazhi.load.facts_loader import parse_case
from loader_targets import TARGETS, assert_sound, core_catalogue, core_evaluator

QUICK = settings(max_examples=60, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                        HealthCheck.data_too_large, HealthCheck.filter_too_much])

# YAML's sharp edges, as text that may end up anywhere in a document
TOKENS = ["&a ", "*a", "*b", "!!timestamp ", "!!bool ", "!!int ", "!!float ", "!!binary ", "!!set ", "!!omap ",
          "!!python/object/apply:os.system ", "!foo ", "<<: ", "? ", "- ", ": ", "{", "}", "[", "]", ", ", "\"", "'",
          "|\n", ">\n", "#", "%YAML 1.1\n", "---\n", "...\n", "\t", "\n", "  ", "\\0", "\\ud800", "~", "yes", "no",
          ".nan", ".inf", "0x7f", "0o17", "1_000", "1:30", "1e-7", "1.0e+16", "9" * 30, "2020-02-30", "2021年2月30日",
          "98%", "３００", "1,000", "-5", "是", "\ufeff", "\u2028", "\x85", "case:", "facts:", "test.staff: ",
          "test.decisions:\n  - {id: D1}\n", "records: ", "value: ", "evidence: ", "id: "]

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10 ** 13, 10 ** 13), st.sampled_from([0, 15, 300, 2 ** 63, -1]),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=False, places=4).map(float),
    st.text(max_size=12), st.sampled_from(["98%", "101%", "３００", "1,000", "1e-999999999", "6.99999999999999999999",
                                           "2020-02-30", "2021年2月30日", "是", "否", "county", "D1", "{{ 7*7 }}",
                                           "x" * 10_001]),
    st.dates(min_value=dt.date(1, 1, 1)), st.datetimes(min_value=dt.datetime(1, 1, 1)),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(
        ["value", "records", "evidence", "id", "zh", "en", "eq", "all", "not", "fact", "text"])), inner, max_size=4)),
    max_leaves=12)


def dump(tree) -> str:
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, default_flow_style=None)


@st.composite
def mutated(draw, tree):
    """The tree with a few changes at random places: a value replaced, a key dropped, renamed or added, a list grown."""
    tree = copy.deepcopy(tree)
    for _ in range(draw(st.integers(1, 3))):
        node, steps = tree, draw(st.integers(0, 6))
        for _ in range(steps):
            children = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
            if not children:
                break
            key = draw(st.sampled_from(list(children)))
            if not isinstance(node[key], (dict, list)) or draw(st.integers(0, 3)) == 0:
                action = draw(st.sampled_from(["replace", "drop", "rename", "add", "grow"]))
                if action == "replace":
                    node[key] = draw(VALUES)
                elif action == "drop":
                    del node[key]
                elif action == "rename" and isinstance(node, dict):
                    node[str(key) + draw(st.sampled_from(["x", "_", "．", "\u200b"]))] = node.pop(key)
                elif action == "add" and isinstance(node, dict):
                    node[draw(st.text(min_size=1, max_size=8))] = draw(VALUES)
                elif action == "grow" and isinstance(node, list):
                    node.extend(copy.deepcopy(node[key]) for _ in range(draw(st.integers(1, 3))))
                break
            node = node[key]
    return tree


def seed_trees(target):
    trees = []
    for text in target.seed_texts():
        try:
            trees.append(yaml.safe_load(text.decode("utf-8")))
        except Exception:  # the invalid seeds include what PyYAML cannot read (2020-02-30)
            pass
    return [t for t in trees if isinstance(t, (dict, list))]


def load(target, path: Path, content: bytes) -> None:
    """The property: a result (which then evaluates soundly) or a FazhiError; anything else fails the test."""
    path.write_bytes(content)
    try:
        loaded = target.load(path)
    except FazhiError as exc:
        assert "Traceback" not in str(exc)
        return
    if target.check is not None:
        target.check(loaded)


SLOW = {"rulesets+sources": 8}  # the real rulesets take 0.1-0.2 s to load: fewer examples


@pytest.mark.parametrize("name", list(TARGETS))
def test_every_loader_takes_mutated_real_files(name, tmp_path):
    target = TARGETS[name]
    trees = seed_trees(target)

    @settings(QUICK, max_examples=SLOW.get(name, QUICK.max_examples))
    @given(st.data())
    def run(data):
        tree = data.draw(st.sampled_from(trees))
        load(target, tmp_path / target.file_name, dump(data.draw(mutated(tree))).encode("utf-8", "surrogatepass"))

    run()


@pytest.mark.parametrize("name", list(TARGETS))
def test_every_loader_takes_yamlish_text_and_bytes(name, tmp_path):
    target = TARGETS[name]
    seeds = target.seed_texts()

    @settings(QUICK, max_examples=SLOW.get(name, QUICK.max_examples))
    @given(st.data())
    def run(data):
        kind = data.draw(st.sampled_from(["tokens", "spliced", "bytes"]))
        if kind == "tokens":
            content = "".join(data.draw(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=30)))
            raw = content.encode("utf-8", "surrogatepass")
        elif kind == "spliced":
            seed = data.draw(st.sampled_from(seeds))
            at = data.draw(st.integers(0, len(seed)))
            raw = seed[:at] + data.draw(st.sampled_from(TOKENS)).encode("utf-8", "surrogatepass") + seed[at:]
        else:
            raw = data.draw(st.binary(max_size=200))
        load(target, tmp_path / target.file_name, raw)

    run()


@QUICK
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=200))
def test_load_text_gives_a_document_or_an_input_error(text):
    try:
        doc = yamlio.load_text(text, "any.yaml")
    except InputError as exc:
        assert all(p.location.file == "any.yaml" for p in exc.problems)
        return
    assert doc.where(()).file == "any.yaml"


@QUICK
@given(st.binary(max_size=300))
def test_decode_gives_text_or_an_input_error_with_a_line(raw):
    try:
        yamlio.decode(raw, "any.yaml")
    except InputError as exc:
        assert exc.problems[0].location.line is not None


@st.composite
def facts_documents(draw):
    """A case whose facts are mostly keys of the core vocabulary, with values of any shape."""
    keys = list(core_catalogue().facts) + ["test.staf", "unknown"]
    facts = draw(st.dictionaries(st.sampled_from(keys), VALUES, max_size=6))
    case = draw(st.one_of(st.just({"district": {"name": "x"}, "period": 2020}), VALUES))
    return {"case": case, "facts": facts}


@QUICK
@given(facts_documents())
def test_parse_case_gives_a_case_or_an_input_error_and_cases_evaluate_soundly(document):
    try:
        case = parse_case(yamlio.load_text(dump(document), "facts.yaml"), core_catalogue().facts)
    except InputError as exc:
        assert exc.problems and all(p.location.file == "facts.yaml" for p in exc.problems)
        return
    assert_sound(core_evaluator().evaluate(case), core_evaluator())


@pytest.mark.parametrize("number", ["7", "7.0", "96.2", "0.0001", "999999999999", "1,000", "３００", "1e3"])
def test_numbers_within_the_limits_are_read_exactly(number):
    doc = yamlio.load_text(f"case: {{district: {{name: x}}, period: 2020}}\nfacts: {{test.rate: '{number}'}}\n", "f.yaml")
    catalogue = core_catalogue()
    spec = catalogue.facts["test.rate"]
    expected = Decimal(number.replace(",", "").replace("３００", "300"))
    if expected > 100:
        with pytest.raises(InputError, match="above the maximum"):
            parse_case(doc, {"test.rate": spec})
        return
    assert parse_case(doc, {"test.rate": spec}).facts["test.rate"].value == expected


def test_without_libyaml_lone_surrogates_are_refused_too(monkeypatch):
    monkeypatch.setattr(yamlio, "_LOADER", yaml.SafeLoader)  # the pure-Python parser accepts "\ud800"
    with pytest.raises(InputError, match=r"U\+D800, which is not allowed") as caught:
        yamlio.load_text('facts:\n  a: "x\\ud800"\n', "f.yaml")
    assert str(caught.value.problems[0].location) == "f.yaml:2:6"


def test_the_node_limit_stops_the_first_pass(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 1_000)  # 1,000,000 nodes take seconds to parse; the mechanism is the same
    text = "\n".join(f"k{i}: [" + ",".join(["0"] * 50) + "]" for i in range(40))  # 2,081 nodes, no list too long
    with pytest.raises(InputError, match=r"more than 1,000 YAML nodes \(see") as caught:
        yamlio.load_text(text, "f.yaml")
    assert caught.value.problems[0].location.line == 20
