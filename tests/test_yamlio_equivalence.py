"""engine/yamlio.py reads YAML in one pass over the parser's events; it must give exactly what the
three-pass loader it replaced gave (events pre-pass, yaml.compose, recursive node walk): the same data,
the same marks, the same errors in the same order. That loader is kept below, as it was, as the reference.

Compared on every YAML file of the repository, on generated facts files, on hostile snippets, and on
seeded random documents full of anchors, aliases, tags and odd keys, with libyaml and without it.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path as FilePath
from typing import Any, Callable

import pytest
import yaml

from fazhi.load import yamlio
from fazhi.errors import InputError, Location, Problem
from fazhi.load.yamlio import Document, Path

from helpers import ROOT

LOADERS = [pytest.param(yaml.SafeLoader, id="pure-python")]
if getattr(yaml, "CSafeLoader", None) is not None:
    LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))


# --- the reference: engine/yamlio.py before the one-pass rewrite (limits read from yamlio when used) -----

_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_PLAIN_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")


class _Converter:
    def __init__(self, file: str):
        self.file = file
        self.marks: dict[Path, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self._scalars = yaml.SafeLoader("")

    def _loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def convert(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > yamlio.MAX_NODES:
            raise _TooBig(self._loc(node), f"more than {yamlio.MAX_NODES:,} YAML nodes (after expanding aliases)")
        if depth > yamlio.MAX_DEPTH:
            raise _TooBig(self._loc(node), f"nesting deeper than {yamlio.MAX_DEPTH} levels")
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if node.tag not in _PLAIN_TAGS:
            self.problems.append(Problem(self._loc(node), f"the tag '{node.tag[:80]}' is not allowed",
                                         suggestion="write plain lists and mappings"))
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(Problem(self._loc(key_node), "merge keys ('<<') are not supported",
                                                 suggestion="write the keys out"))
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(Problem(self._loc(key_node), "a key must be a plain value"))
                    continue
                key = self.convert(key_node, path + ("<key>",), depth + 1)
                key = key if isinstance(key, str) else str(key)
                if key in result:
                    first = self.marks.get(path + (key,), (0, 0))[0]
                    self.problems.append(Problem(self._loc(key_node), f"duplicate key '{key}' (first at line {first})",
                                                 field=key, suggestion="remove or rename one of them"))
                    continue
                self.marks[path + (key,)] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
                result[key] = self.convert(value_node, path + (key,), depth + 1)
            return result
        raise _TooBig(self._loc(node), "unsupported YAML node")

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        problem = _number_problem(node)
        if problem is None:
            try:
                value = self._scalars.construct_object(node)
            except Exception as exc:
                readable = isinstance(exc, (ValueError, yaml.YAMLError))
                detail = exc if readable else f"not a valid {node.tag.rsplit(':', 1)[-1]}"
                self.problems.append(Problem(self._loc(node), f"cannot read value {_short(node.value)}: {detail}",
                                             suggestion="write dates as YYYY-MM-DD with a real day"))
                return None
            if not isinstance(value, str):
                return value
            problem = _text_problem(value)
            if problem is None:
                return value
        self.problems.append(Problem(self._loc(node), problem, suggestion="see docs/limits.md"))
        return None


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _number_problem(node: yaml.ScalarNode) -> str | None:
    if node.tag not in (_INT, _FLOAT):
        return None
    text = node.value
    if len(text) > yamlio.MAX_NUMBER_CHARS:
        return f"a number of {len(text):,} characters; the limit is {yamlio.MAX_NUMBER_CHARS}"
    if node.tag == _FLOAT and ":" not in text:
        digits = "".join(c for c in text.lower().split("e")[0] if c.isdigit()).strip("0")
        if len(digits) > yamlio.MAX_FLOAT_DIGITS:
            return (f"{_short(text)} has {len(digits)} significant digits; the limit is {yamlio.MAX_FLOAT_DIGITS} "
                    "(more would silently change when read as a number)")
    return None


def _text_problem(text: str) -> str | None:
    if text.isascii():
        position = text.find("\x00")
    else:
        try:
            text.encode("utf-8")
            position = text.find("\x00")
        except UnicodeEncodeError as exc:
            position = exc.start
    if position < 0:
        return None
    return f"text {_short(text)} contains the character U+{ord(text[position]):04X}, which is not allowed"


class _TooBig(Exception):
    def __init__(self, location: Location, message: str):
        self.location, self.message = location, message


def _check_depth(text: str, file: str) -> None:
    depth = nodes = 0
    open_: list[list[Any]] = []

    def fail(mark: Any, message: str) -> None:
        location = Location(file, mark.line + 1, mark.column + 1)
        raise InputError([Problem(location, message, suggestion="see docs/limits.md")])

    for event in yaml.parse(text, Loader=yamlio._LOADER):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
            open_.pop()
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            continue
        nodes += 1
        if nodes > yamlio.MAX_NODES:
            fail(event.start_mark, f"more than {yamlio.MAX_NODES:,} YAML nodes")
        if open_:
            top = open_[-1]
            top[1] += 1
            if top[1] > yamlio.MAX_ITEMS * top[2]:
                what = "a list of more than {:,} items" if top[2] == 1 else "a mapping of more than {:,} keys"
                fail(top[0].start_mark, what.format(yamlio.MAX_ITEMS) + f"; the limit is {yamlio.MAX_ITEMS:,}")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > yamlio.MAX_DEPTH:
                fail(event.start_mark, f"nesting deeper than {yamlio.MAX_DEPTH} levels")
            open_.append([event, 0, 2 if isinstance(event, yaml.MappingStartEvent) else 1])


def reference_load_text(text: str, file: str) -> Document:
    try:
        _check_depth(text, file)
        node = yaml.compose(text, Loader=yamlio._LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        if "nesting depth" in str(exc.problem):
            raise InputError([Problem(loc, f"nesting deeper than {yamlio.MAX_DEPTH} levels",
                                      suggestion="see docs/limits.md")]) from None
        raise InputError([Problem(loc, f"YAML syntax error: {exc.problem or exc}",
                                  suggestion="put text containing ':', '?', '#', ',' or braces in quotes")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(Location(file), f"YAML error: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(Location(file), f"nesting deeper than {yamlio.MAX_DEPTH} levels")]) from None
    if node is None:
        return Document(file, None, {(): (1, 1)})
    converter = _Converter(file)
    try:
        data = converter.convert(node, (), 0)
    except _TooBig as exc:
        raise InputError([Problem(exc.location, exc.message, suggestion="see docs/limits.md")]) from None
    except RecursionError:
        raise InputError([Problem(Location(file), f"nesting deeper than {yamlio.MAX_DEPTH} levels")]) from None
    if converter.problems:
        raise InputError(converter.problems)
    return Document(file, data, converter.marks)


# --- comparing ---------------------------------------------------------------------------------------

def outcome(load: Callable[[str, str], Document], text: str) -> tuple[Any, ...]:
    """What a loader makes of the text: data (exactly, types and key order included) and marks, or the error."""
    try:
        doc = load(text, "f.yaml")
    except InputError as exc:  # place and English head: the Chinese, a field path and a cause came later (issue 12)
        return ("error", "\n".join(f"{p.location}: {p.message.splitlines()[0]}" for p in exc.problems))
    return ("ok", repr(doc.data), doc.marks)


def assert_same(text: str) -> tuple[Any, ...]:
    expected = outcome(reference_load_text, text)
    assert outcome(yamlio.load_text, text) == expected, text[:2000]
    return expected


@pytest.fixture(params=LOADERS)
def loader(request, monkeypatch):
    monkeypatch.setattr(yamlio, "_LOADER", request.param)
    return request.param


@pytest.fixture
def limits(monkeypatch):
    """Small limits, so that every limit is met by small documents (both loaders read them when used)."""
    def set_(nodes: int = 1_000_000, items: int = 10_000, depth: int = 64) -> None:
        monkeypatch.setattr(yamlio, "MAX_NODES", nodes)
        monkeypatch.setattr(yamlio, "MAX_ITEMS", items)
        monkeypatch.setattr(yamlio, "MAX_DEPTH", depth)
    return set_


# --- files ---------------------------------------------------------------------------------------------

REPOSITORY_YAML = sorted(p for folder in ("rulesets", "cases", "tests/data") for p in (ROOT / folder).rglob("*")
                         if p.suffix in (".yaml", ".yml") and p.is_file())


def test_there_are_repository_files_to_compare():
    assert len(REPOSITORY_YAML) > 40
    assert any("invalid" in p.parts for p in REPOSITORY_YAML)


@pytest.mark.parametrize("path", REPOSITORY_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_yaml_file_loads_as_before(path):
    text = yamlio.decode(path.read_bytes(), str(path))
    expected = assert_same(text)
    if "invalid" not in str(path):
        assert expected[0] == "ok", expected


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[FilePath]:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import Generator

    from fazhi.load.ruleset_loader import load_catalogue
    root = tmp_path_factory.mktemp("generated")
    Generator(load_catalogue([str(ROOT / "rulesets")]), seed=11).write(root, 4, [2020, 2021], verify_share=0.5,
                                                                       waiver_share=0.5)
    return sorted(root.rglob("*.yaml"))


def test_generated_facts_files_load_as_before(generated):
    assert len([p for p in generated if p.name == "facts.yaml"]) == 8
    for path in generated:
        text = path.read_text(encoding="utf-8")
        assert assert_same(text)[0] == "ok", path
        assert yamlio.load_file(path) == reference_load_text(text, str(path))  # the file path, the BOM handling


def test_a_second_load_from_the_shared_value_cache_is_the_same(generated):
    text = generated[0].read_text(encoding="utf-8")
    yamlio._VALUES.clear()
    first = yamlio.load_text(text, "f.yaml")
    assert yamlio._VALUES  # the values were kept
    second = yamlio.load_text(text, "f.yaml")
    assert repr(second.data) == repr(first.data) and second.marks == first.marks
    assert all(type(v) in yamlio._IMMUTABLE for _, v in yamlio._VALUES.values())


def test_the_value_cache_is_bounded_and_forgets_values_checked_against_other_limits(monkeypatch):
    monkeypatch.setattr(yamlio, "_VALUES_LIMIT", 50)
    yamlio.load_text("\n".join(f"k{i}: v{i}" for i in range(200)), "f.yaml")
    assert len(yamlio._VALUES) <= 50
    assert yamlio.load_text("a: 123456\n", "f.yaml").data == {"a": 123456}
    monkeypatch.setattr(yamlio, "MAX_NUMBER_CHARS", 5)
    with pytest.raises(InputError, match="a number of 6 characters; the limit is 5"):
        yamlio.load_text("a: 123456\n", "f.yaml")
    assert_same("a: 123456\nb: 1.5\n")


def test_a_mutable_value_is_never_shared_between_loads():
    first = yamlio.load_text("a: !!map x\n", "f.yaml").data  # PyYAML gives {} for a scalar tagged !!map
    first["a"]["changed"] = True
    assert yamlio.load_text("a: !!map x\n", "f.yaml").data == {"a": {}}


# --- hostile snippets ------------------------------------------------------------------------------------

SNIPPETS = [
    "", "# only a comment\n", "---\n", "--- ~\n", "x\n", "[]\n", "{}\n", "a: 1\n", "- 1\n- [2, {b: c}]\n",
    # duplicate keys, also through str() of non-text keys, and "<key>" as a key
    "a: 1\nb: 2\na: 3\n", "1: x\n'1': y\n", "true: a\nTrue: b\n'True': c\n", "~: a\nnull: b\n'None': c\n",
    "2020-01-02: a\n'2020-01-02': b\n", "'<key>': 1\nb: 2\n", "a: {x: 1}\na: [2]\nb: 1\n",
    # merge keys and keys that are not plain values
    "<<: {a: 1}\nb: 2\n", "a: &m {x: 1}\nb: {<<: *m, y: 2}\n", "!!merge [a]: 1\n", "'<<': 1\n",
    "? [a, b]\n: 1\nc: 2\n", "? {a: 1}\n: x\n", "{[a]: 1, b: 2}\n",
    # tags
    "a: !!set {x, y}\n", "a: !!omap [{x: 1}]\n", "a: !!python/object/apply:os.system [ls]\n", "!foo [1]\n",
    "a: ! [1]\nb: ! {c: d}\n", "a: !!str 1\nb: !!int '2'\nc: !!float 1\nd: ! 12\n", "a: !!int x\n", "a: !!bool maybe\n",
    "a: !!python/name:os.system ''\n", "a: !!binary aGVsbG8=\nb: !!binary '@@'\n", "a: !!map x\nb: !!seq y\n",
    "a: !!timestamp 2020-13-01\n", "a: !foo x\n", "a: !!null x\n", "a: <<\n",
    # numbers, dates, text
    "a: 2020-02-30\nb: 2020-02-28\nc: 2001-12-14t21:59:43.10-05:00\n", "a: 1e3\nb: .nan\nc: -.inf\nd: 0x1F\ne: 0o17\n",
    "a: 3.141592653589793238\n", "a: " + "1" * 41 + "\n", "a: 1:20:30\n", '"a\\0b": 1\n', 'a: "x\\0"\n',
    "a: 1_000\nb: +1\nc: -0\nd: 0b101\n", "a: 寿中区\nb: '年度法治政府建设工作报告'\n",
    # anchors and aliases
    "a: &x 1\nb: *x\nc: *x\n", "a: &x [1, {b: 2}]\nc: *x\nd: [*x, *x]\n", "a: &x {k: v}\n*x : 1\n",
    "a: &x k\n*x : 1\nk: 2\n", "a: &x 2020-02-30\nb: *x\nc: [*x]\n", "a: &x !!int y\nb: *x\n",
    "a: &x !!set {q}\nb: *x\n", "a: *x\n", "a: &x 1\nb: &x 2\n", "a: &x [&x 1]\n",
    "a: &x [1, *x]\n", "a: &x {b: *x}\n", "a: &x [[[*x]]]\nb: 1\n", "a: &x {*x : 1, b: 2}\n",
    "a: &x [!!set {a: *x}, 1]\n", "a: &z [!!set {k: &y [*z]}, *y]\n", "a: &x [1, *x]\nb: *nope\n",
    "a: &x [1, *x]\nb: [\n", "a: &x [1, *x]\n---\nb: 1\n",
    # several documents
    "a: 1\n---\nb: 2\n", "a: 1\n---\nb: [\n", "--- a\n--- b\n--- c\n", "a: {b: 1}\n---\n" + "[" * 70 + "]" * 70 + "\n",
    "a: *nope\n---\nb: 1\n",
    # syntax errors, also after a problem
    "a: [\n", "a: b: c\n", "a: 1\nb: 2020-02-30\nc: [\n", "a: '\n", "\t- a\n", "a: @b\n", "a: \x07\n",
    # depth
    "[" * 64 + "]" * 64 + "\n", "[" * 65 + "]" * 65 + "\n", "a:\n" + "".join("  " * i + "- \n" for i in range(1, 80)),
    "{a: " * 70 + "1" + "}" * 70 + "\n", "[" * 3000 + "]" * 3000 + "\n", "a: &x 1\n" + "[" * 3000 + "\n",
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_hostile_snippets_load_as_before(text, loader):
    assert_same(text)


LIMITED = [
    ("a: [1, 2, 3]\nb: [1, 2, 3, 4]\n", {"items": 3}),
    ("a: 1\nb: 2\nc: 3\nd: 4\n", {"items": 3}),
    ("a: [1, 2, 3, 4]\nb: [\n", {"items": 3}),
    ("a: !!set {1, 2, 3, 4}\n", {"items": 3}),
    ("[[[[1]]]]\n", {"depth": 3}), ("[[[1]]]\n", {"depth": 3}), ("a: &x [[1]]\nb: [[*x]]\n", {"depth": 4}),
    ("a: &x [[1]]\nb: [[*x]]\nc: [\n", {"depth": 4}), ("a: &x [[1]]\nb: [[*x]]\nc: *y\n", {"depth": 4}),
    ("\n".join(f"k{i}: [1, 2, 3]" for i in range(10)), {"nodes": 20}),
    ("a: &x [1, 2, 3, 4, 5]\nb: [*x, *x, *x, *x]\n", {"nodes": 20}),
    ("a: &x [1, 2, 3, 4, 5]\nb: [*x, *x, *x, *x]\nc: 2020-02-30\n", {"nodes": 20}),
    ("a: &x [1, 2, 3, 4, 5]\nb: [*x, *x, *x, *x]\n---\nc: 1\n", {"nodes": 20}),
    ("a: &x [1, 2, 3, 4, 5]\nb: [*x, *x, *x, *x]\n" + "\n".join(f"k{i}: 1" for i in range(20)), {"nodes": 30}),
    ("a: &x [1, *x]\n", {"nodes": 30}), ("a: &x [1, 2, 3, 4, 5, 6, 7, *x]\n", {"nodes": 30, "depth": 10}),
    ("a: &x [1, 2, 3, 4, 5, 6, 7, *x]\n" + "[" * 12 + "]" * 12 + "\n", {"nodes": 30, "depth": 10}),
]


@pytest.mark.parametrize("text, small", LIMITED)
def test_documents_at_the_limits_load_as_before(text, small, limits, loader):
    limits(**small)
    assert_same(text)


def test_billion_laughs_stop_where_they_stopped(limits):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    limits(nodes=20_000)
    result = assert_same("\n".join(levels) + "\nfacts: {}\n")
    assert "more than 20,000 YAML nodes (after expanding aliases)" in result[1]


# --- seeded random documents -------------------------------------------------------------------------------

WORDS = ["a", "x y", "1", "01", "0x1F", "1.5", "1e3", "3.141592653589793238", "9" * 45, "~", "null", "true", "yes",
         "On", "2020-01-02", "2020-02-30", "2020-01-02 10:00:00", "<<", "'<<'", '"\\0x"', "'q'", '"1"', "!!str 1",
         "!!int x", "!!float 1", "!!bool maybe", "!!python/name:os.system ''", "!!binary aGVsbG8=", "!!map a",
         "!!set c", "! 12", "!foo x", "!!merge <<", ".nan", "1:20", "'<key>'", "<key>", "''", "!!str", "k", "k"]
TAGS = ["", "", "", "", "!!set ", "!!map ", "!!seq ", "!foo ", "! ", "!!omap ", "!!merge "]


def random_node(rng: random.Random, anchors: list[str], depth: int, alias_share: float) -> str:
    """A flow node with anchors (sometimes on a collection an alias inside it names), aliases, tags, odd keys."""
    if anchors and rng.random() < alias_share:
        return "*" + (rng.choice(anchors) if rng.random() < 0.995 else "nope")
    anchor = f"a{len(anchors) + 1}" if rng.random() < 0.15 else None
    prefix = f"&{anchor} " if anchor else ""
    if depth > 4 or rng.random() < 0.5:
        if anchor:
            anchors.append(anchor)
        return prefix + rng.choice(WORDS)
    if anchor and rng.random() < 0.5:
        anchors.append(anchor)  # named before its contents are read: an alias inside it is recursive
    tag = rng.choice(TAGS)
    separator = ",\n " if rng.random() < 0.3 else ", "
    if rng.random() < 0.5:
        body = "[" + separator.join(random_node(rng, anchors, depth + 1, alias_share)
                                    for _ in range(rng.randint(0, 4))) + "]"
    else:
        keys: list[str] = []
        for _ in range(rng.randint(0, 4)):
            keys.append(rng.choice(keys) if keys and rng.random() < 0.2 else
                        random_node(rng, anchors, depth + 1, alias_share) if rng.random() < 0.1 else rng.choice(WORDS))
        body = "{" + separator.join(f"? {k} : {random_node(rng, anchors, depth + 1, alias_share)}" for k in keys) + "}"
    if anchor and anchor not in anchors:
        anchors.append(anchor)
    return prefix + tag + body


def random_laughs(rng: random.Random) -> str:
    """Block mappings of anchored collections aliasing earlier ones, themselves, as keys and as merge values."""
    lines: list[str] = []
    for i in range(rng.randint(1, 6)):
        parts = []
        for _ in range(rng.randint(1, 5)):
            r = rng.random()
            earlier = f"*n{rng.randrange(i)}" if i else "x"
            parts.append(earlier if r < 0.5 else f"*n{i}" if r < 0.55 else f"!!set {{a: *n{i}}}" if r < 0.58 else
                         f"{{*n{i} : 1}}" if r < 0.6 else f"{{? {earlier} : x, <<: {earlier}}}" if r < 0.65 else
                         rng.choice(WORDS))
        body = ("[" + ", ".join(parts) + "]" if rng.random() < 0.5 else
                "{" + ", ".join(f"k{j}: {p}" for j, p in enumerate(parts)) + "}")
        lines.append(f"l{i}: &n{i} {body}")
    lines += [f"use{rng.randint(0, 9)}: *n{rng.randrange(len(lines))}" for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.2:
        lines.append(rng.choice(["bad: [", "---\nx: 1", "dup: &n0 1", "u: *nope", "deep: " + "[" * 8 + "]" * 8]))
    return "\n".join(lines) + "\n"


def raw_nodes(text: str) -> int:
    try:
        return sum(isinstance(e, (yaml.NodeEvent)) for e in yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return 0


@pytest.mark.parametrize("seed", range(4))
def test_random_documents_load_as_before(seed, limits, loader):
    rng = random.Random(seed)
    kinds = set()
    for _ in range(200):
        if rng.random() < 0.5:
            text = random_node(rng, [], 0, rng.choice([0.12, 0.3, 0.45]))
            if rng.random() < 0.1:
                text += "\n---\n" + random_node(rng, [], 0, 0.1)
        else:
            text = random_laughs(rng)
        r = rng.random()
        if r < 0.3:
            limits(nodes=rng.randint(5, 300), items=rng.randint(1, 8), depth=rng.randint(1, 8))
        elif r < 0.5:  # just above the nodes as written: only expanded aliases can go beyond
            limits(nodes=raw_nodes(text) + rng.randint(0, 40))
        else:
            limits()
        result = assert_same(text)
        kinds.add(result[0] if result[0] == "ok" else "after expanding" if "after expanding" in result[1] else
                  "nesting" if "nesting deeper" in result[1] else "error")
    assert kinds == {"ok", "error", "nesting", "after expanding"}  # the seeds reach every kind of outcome
