#!/usr/bin/env python3
"""Fuzz every loader in-process: any input must give a result or a FazhiError, never another
exception, a hang, a crash of the process, or a verdict the facts do not support.

    python bench/fuzz.py --count 100000 --seed 1            # the acceptance run (prints the count)
    python bench/fuzz.py --count 2000 --seed 7 --only facts # one loader
    python bench/fuzz.py --seed 1 --replay 4711 --save x.yaml  # write input 4711 of seed 1 to a file

Inputs are deterministic in (seed, index): seeded mutations of real files (tests/data/core,
tests/data/invalid*, rulesets/) at the byte, line and YAML-tree level, splices of two files,
facts generated from the core vocabulary, random YAML with anchors, tags and nesting, texts carrying
terminal escapes, control characters, Markdown, HTML and formulas ("control"), and the input as
something other than a file in its case folder: a FIFO with and without a writer, a symlink out of
the folder (refused) or within it (read), one followed to /dev/zero, a folder, a socket. The
loaders are the table in tests/loader_targets.py (one function per loader; add a loader there).
Inputs that load go on: facts are evaluated on the core test ruleset and every verdict is
compared with a three-valued reference evaluation, rulesets are compiled and evaluated,
profiles score an evaluation; all results are rendered, and the terminal text and Markdown checked
for control characters and raw HTML; an error message may not carry a control character either.

Each input runs under a time limit (signal.setitimer; a hang inside C code is caught by the
parent, which kills the worker). Workers are separate processes, so a segfault in the inference
engine is seen as a crash of that input; the worker is replaced and the run goes on. Exit code 0
when every input gave a result or a FazhiError, 1 otherwise; failing inputs are saved under --out.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import multiprocessing as mp
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

import yaml  # noqa: E402

from fazhi.errors import FazhiError  # noqa: E402
from loader_targets import TARGETS, Target, core_catalogue, core_evaluator, random_case  # noqa: E402

# --- material for mutations -------------------------------------------------------------------

TOKENS: list[bytes] = [s.encode("utf-8") if isinstance(s, str) else s for s in (
    "&a ", "*a", "&b [*a, *a, *a]", "!!timestamp ", "!!bool ", "!!int ", "!!float ", "!!binary ", "!!str ",
    "!!set ", "!!omap ", "!!map ", "!!seq ", "!!null ", "!!python/object:os.system ", "!foo ", "!<tag:x> ",
    "<<: ", "<<: *a", "? ", "- ", ": ", "{", "}", "[", "]", ",", "\"", "'", "|", ">", "#", "%YAML 1.1\n", "%TAG ! !x\n",
    "---\n", "...\n", "\t", "\n", "\r\n", "\r", "  ", "\\", "\\0", "\\ud800", "\\x00", "\\U0010ffff", "~", "null",
    "yes", "no", "on", "off", "true", "FALSE", ".nan", ".inf", "-.inf", "-0", "0x7fffffffffffffff", "0o777", "0b1010",
    "1_000", "1:30:00", "1e-7", "1e16", "1.5e300", "1e400", "1e-999999999", "9" * 40, "0x" + "f" * 300,
    "2020-02-30", "2020-13-01", "0000-01-01", "9999-12-31", "2021-01-01 25:61:00", "2021年2月30日",
    "98%", "１２３", "３００", "1,000", "-5", "101", "约10人", "是", "否", "没有", "测试", "\u3000", "\u200b",
    "\ufeff", "\u2028", "\x85", b"\x00", b"\xff", b"\xfe", b"\xc3", b"\xe4\xb8", b"\xef\xbb\xbf",
    "测试区".encode("gbk"), "case:", "facts:", "records:", "value:", "evidence:", "id: D1", "test.staff: ",
    "test.decisions:\n  - {id: X}", "ruleset:", "requirements:", "check: ", "vars: ", "{eq: [a, b]}",
    "{any: [{gte: [rate, 50]}]}", "{not: {not: {not: {eq: [x, 1]}}}}", "{{ 9**9**9 }}", "{{ 1/0 }}",
    "{% for i in range(1000000) %}x{% endfor %}", "{{ (((((((((((((((((((( }}", "{{ record }}",
)]

VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 3, 15, 300, 10 ** 12, 10 ** 12 + 1, -10 ** 12 - 1, 2 ** 63, -2 ** 63, 10 ** 40,
    0.0, -0.0, 0.5, 1e-7, 1e-5, 5.000000000000001, 6.99999999999999999, 1e16, 1.5e300, float("inf"),
    float("nan"), "", " ", "0", "98%", "101%", "-1%", "96.2%", "１２３", "３００", "1,000", "1e-7", "1e-999999999",
    "1e999999999", "NaN", "Infinity", "6.99999999999999999999", "7.0000000000000000001%", "0.00001", "约10人",
    "是", "否", "yes", "no", "true", "2020-02-30", "2021年2月30日", "2021年13月1日", "２０２１年３月２日",
    "2021-1-5", "0001-01-01", "9999-12-31", "x" * 70_000, "y" * 10_001, "\x00", "a\x00b", "\u3000300\u3000",
    "county", "city", "D1", "TEST-SRC", "test", "all", dt.date(2020, 2, 29), dt.date(1, 1, 1),
    dt.date(9999, 12, 31), dt.date(2021, 3, 2), dt.datetime(2021, 3, 2, 23, 59, 59), [], {}, [[]], {"a": {}},
    {"value": 3}, {"value": None}, {"records": []}, {"records": [{"id": "D1"}]}, [{"id": "D1"}, {"id": "D1"}],
    {"zh": "中", "en": "en"}, {"eq": ["staff", 1]}, {"in": ["level", [{"text": "county"}]]},
]


MAX_GROWTH = 1_000_000  # mutations stop multiplying an input beyond about this many bytes


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


# --- generators -----------------------------------------------------------------------------

class Inputs:
    """Deterministic inputs: input `index` of `seed` is always the same bytes."""

    def __init__(self, seed: int, names: list[str]):
        self.seed = seed
        self.targets = [TARGETS[n] for n in names]
        self.weights = [t.weight for t in self.targets]
        self.texts = {t.name: t.seed_texts() for t in self.targets}
        self.trees: dict[tuple[str, int], Any] = {}

    def make(self, index: int) -> tuple[Target, bytes, str]:
        rng = random.Random(f"{self.seed}/{index}")
        target = rng.choices(self.targets, self.weights)[0]
        seeds = self.texts[target.name]
        strategies = ["tree", "lines", "bytes", "splice", "random"]
        weights = [40, 25, 20, 8, 7]
        if target.name == "facts":
            strategies.append("generate")
            weights.append(60)
        if target.name == "rulesets":
            strategies.append("conditions")
            weights.append(60)
        strategies += ["control", *SHAPES]  # hostile text, and the input as something other than a plain file
        weights += [8 if target.name == "facts" else 2] + [1] * len(SHAPES)
        strategy = rng.choices(strategies, weights)[0]
        pick = rng.randrange(len(seeds))
        if strategy in SHAPES:  # the content is a seed as it stands or mutated; the shape is what is tested
            data = seeds[pick] if rng.random() < 0.5 else mutate_lines(rng, seeds[pick])
            return target, data, strategy
        if strategy == "control":
            data = control_text(rng, self._tree(target, pick, seeds[pick]) if target.name != "facts" or rng.random() < 0.3
                                else _plain_tree(random_case(rng, core_catalogue())))
        elif strategy == "generate":
            data = generate_facts(rng)
        elif strategy == "conditions":
            core = next(i for i, p in enumerate(target.seeds) if p.name == "rules.yaml")
            data = generate_rules(rng, self._tree(target, core, seeds[core]))
        elif strategy == "random":
            data = random_yaml(rng).encode("utf-8", "surrogatepass")
        elif strategy == "splice":
            data = splice(rng, seeds[pick], rng.choice(seeds))
        elif strategy == "tree":
            tree = self._tree(target, pick, seeds[pick])
            data = mutate_tree(rng, tree) if tree is not None else mutate_lines(rng, seeds[pick])
        elif strategy == "lines":
            data = mutate_lines(rng, seeds[pick])
        else:
            data = mutate_bytes(rng, seeds[pick])
        if rng.random() < 0.05:  # a second round stacks mutations
            data = mutate_bytes(rng, data) if rng.random() < 0.5 else mutate_lines(rng, data)
        return target, data, strategy

    def _tree(self, target: Target, pick: int, text: bytes) -> Any:
        key = (target.name, pick)
        if key not in self.trees:
            try:
                self.trees[key] = yaml.safe_load(text.decode("utf-8"))
            except Exception:
                self.trees[key] = None
        return self.trees[key]


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 8))):
        op = rng.randrange(6)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos:pos] = rng.choice(TOKENS)
        elif op == 2:
            del buf[pos:pos + rng.randrange(1, 40)]
        elif op == 3:
            chunk = bytes(buf[pos:pos + rng.randrange(1, 200)])
            buf[pos:pos] = chunk * (rng.choice((1, 2, 50)) if len(buf) < MAX_GROWTH else 1)
        elif op == 4:
            buf[pos:pos] = bytes([rng.randrange(256)])
        else:
            del buf[pos:]
    return bytes(buf)


def mutate_lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.choice((1, 1, 2, 4))):
        i = rng.randrange(len(lines))
        op = rng.randrange(7)
        if op == 0:
            lines.insert(i, lines[i])
        elif op == 1 and len(lines) > 1:
            del lines[i]
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = b"  " + lines[i] if rng.random() < 0.5 else lines[i][2:]
        elif op == 4 and b": " in lines[i]:
            key = lines[i].split(b": ", 1)[0]
            lines[i] = key + b": " + rng.choice(TOKENS) + (rng.choice(TOKENS) if rng.random() < 0.3 else b"")
        elif op == 5:
            lines.insert(i, lines[i].split(b":")[0] + b": " + rng.choice(TOKENS))
        elif len(lines) < 2_000:
            lines[i:i] = [lines[i]] * rng.choice((2, 10, 300))
    return b"\n".join(lines)


def splice(rng: random.Random, a: bytes, b: bytes) -> bytes:
    la, lb = a.split(b"\n"), b.split(b"\n")
    return b"\n".join(la[:rng.randrange(len(la) + 1)] + lb[rng.randrange(len(lb) + 1):])


def mutate_tree(rng: random.Random, tree: Any) -> bytes:
    tree = copy.deepcopy(tree)
    budget = [1]  # one list may grow per input, so the tree stays small enough to write out
    for _ in range(rng.choice((1, 1, 2, 3, 5))):
        tree = _mutate_node(rng, tree, 0, budget)
    return dump(rng, tree)


def _mutate_node(rng: random.Random, node: Any, depth: int, budget: list[int]) -> Any:
    if isinstance(node, dict) and node and rng.random() < 0.75:
        key = rng.choice(list(node))
        op = rng.randrange(10)
        if op == 0:
            del node[key]
        elif op == 1:
            node[_typo(rng, key)] = node.pop(key)
        elif op == 2:
            node[rng.choice(("unknown", "evidence", "records", "value", "id", "<<", "note", 5, None))] = _value(rng)
        else:
            node[key] = _mutate_node(rng, node[key], depth + 1, budget)
        return node
    if isinstance(node, list) and node and rng.random() < 0.75:
        i = rng.randrange(len(node))
        op = rng.randrange(8)
        if op == 0:
            del node[i]
        elif op == 1:
            node.append(copy.deepcopy(node[i]))
        elif op == 2 and budget[0] > 0 and len(repr(node[i])) < 2_000:
            budget[0] -= 1
            node.extend(copy.deepcopy(node[i]) for _ in range(rng.choice((10, 200))))
        else:
            node[i] = _mutate_node(rng, node[i], depth + 1, budget)
        return node
    op = rng.randrange(10)
    if op == 0:
        return [node]
    if op == 1:
        return {"value": node, "evidence": _value(rng)}
    if op == 2:
        return _deep(rng.choice((10, 63, 64, 65, 200)))
    if op == 3 and isinstance(node, str) and node:
        return _typo(rng, node)
    if op == 4 and isinstance(node, (int, float)) and not isinstance(node, bool):
        return rng.choice((node + 1, -node, node * 1000, str(node), f"{node}%", node / 3))
    return _value(rng)


def _value(rng: random.Random) -> Any:
    return copy.deepcopy(rng.choice(VALUES))


def _typo(rng: random.Random, key: Any) -> Any:
    if not isinstance(key, str) or not key:
        return key
    i = rng.randrange(len(key))
    return key[:i] + rng.choice(("", "x", key[i] * 2, "．", "\u200b")) + key[i + 1:]


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(rng: random.Random, tree: Any) -> bytes:
    try:
        text = yaml.dump(tree, Dumper=_DUMPER, allow_unicode=rng.random() < 0.7, sort_keys=False,
                         default_flow_style=rng.choice((False, None, True)), width=rng.choice((80, 10 ** 6)))
    except (yaml.YAMLError, RecursionError, ValueError):
        text = repr(tree)
    return text.encode("utf-8", "surrogatepass")


def generate_facts(rng: random.Random) -> bytes:
    """A case over the core vocabulary, mostly valid, so that evaluation and the reference run."""
    return dump(rng, random_case(rng, core_catalogue(), VALUES))


HOSTILE_TEXT = ["\x1b[2J", "\x1b]0;OWNED\x07", "\x1b[31m", "\x1b]8;;http://evil\x1b\\", "\x9b31m", "\x9d0;x\x9c",
                "\r", "\x08\x08", "\x07", "\x7f", "\u202e", "\x1bP+q\x1b\\", "\n# 伪造\n", "<script>alert(1)</script>",
                "\n- x", "| a | b |", "[x](javascript:alert(1))", "=cmd|' /C calc'!A0", "{{ 7*7 }}", "\t"]


FREE_TEXT = {"name", "parent", "id", "document", "page", "quote", "doc_number", "url", "by", "title", "text", "note",
             "justification", "requested_by", "approved_by", "inspector", "zh", "en", "message", "question"}


def _plain_tree(tree: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False))


def control_text(rng: random.Random, tree: Any) -> bytes:
    """A tree with terminal escapes, control characters, Markdown, HTML and formulas put into its texts
    (the district's name first): dumped as YAML, they arrive as double-quoted escapes ("\\e[2J")."""
    tree = copy.deepcopy(tree)

    def hostile(text: str) -> str:
        picks = rng.sample(HOSTILE_TEXT, rng.randint(1, 3))
        return rng.choice(("", text)) + "".join(picks) + rng.choice(("", text))

    def walk(node: Any, key: Any = None) -> Any:
        if isinstance(node, str):  # names, ids and evidence mostly: a date or a choice would only be refused
            return hostile(node) if rng.random() < (0.5 if key in FREE_TEXT else 0.05) else node
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        return node
    if isinstance(tree, dict) and isinstance(tree.get("case"), dict) and isinstance(tree["case"].get("district"), dict):
        tree["case"]["district"]["name"] = hostile(str(tree["case"]["district"].get("name", "区")))
    tree = walk(tree)
    try:
        text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=10 ** 6)
    except (yaml.YAMLError, RecursionError, ValueError):
        text = repr(tree)
    return text.encode("utf-8", "surrogatepass")


def generate_rules(rng: random.Random, tree: Any) -> bytes:
    """The core ruleset with random (mostly valid) conditions: checks, `where` and `applies_when` built from each
    requirement's own variables, literals of their types, comparisons between variables, `in`, `not`, `exists`."""
    tree = copy.deepcopy(tree)
    catalogue = core_catalogue()
    reviews = catalogue.facts["test.reviews"]
    for raw, req in zip(tree["requirements"], catalogue.requirements):
        if rng.random() < 0.4:
            continue
        kinds = {v.name: v.value_kind.value for v in req.vars}
        choices = {v.name: catalogue.facts[v.args[0]].choices for v in req.vars if v.kind.value == "fact"}
        inner = {f.name: {"date": "date", "text": "text"}[f.type.value] for f in reviews.fields} if req.for_each else {}
        raw["check"] = random_condition(rng, kinds, choices, inner, 0)
        if req.for_each and rng.random() < 0.4:
            raw["where"] = random_condition(rng, kinds, choices, {}, 0)
        elif not req.for_each and rng.random() < 0.3:
            raw["applies_when"] = random_condition(rng, kinds, choices, {}, 0)
        raw.pop("tests", None)
    return dump(rng, tree)


LITERALS = {"number": [0, 1, 5, 7, 7.5, 14, 15, 50, 96.2, 100, 300, -1, 0.00005, 1e-7, 10 ** 13], "bool": [True, False],
            "date": [dt.date(2020, 1, 1), dt.date(2020, 9, 29), dt.date(2021, 3, 1), dt.date(2021, 3, 2)],
            "text": ["county", "city", "D1", "D2", "R1", "x"]}


def random_condition(rng: random.Random, kinds: dict[str, str], choices: dict[str, tuple[str, ...]],
                     inner: dict[str, str], depth: int) -> Any:
    roll = rng.random()
    if depth < 3 and roll < 0.3:
        op = rng.choice(("all", "any"))
        return {op: [random_condition(rng, kinds, choices, inner, depth + 1) for _ in range(rng.randrange(1, 4))]}
    if depth < 3 and roll < 0.4:
        return {"not": random_condition(rng, kinds, choices, inner, depth + 1)}
    if inner and depth < 2 and roll < 0.5:
        where = [{"eq": [{"inner": "decision"}, "decision"]}] if "decision" in kinds and rng.random() < 0.8 else []
        for _ in range(rng.randrange(0 if where else 1, 3)):
            field = rng.choice(list(inner))
            other = [n for n, k in kinds.items() if k == inner[field]]
            right = rng.choice(other) if other and rng.random() < 0.7 else _literal(rng, inner[field], ())
            ops = ("eq", "neq") if inner[field] == "text" else ("eq", "neq", "lt", "lte", "gt", "gte")
            where.append({rng.choice(ops): [{"inner": field}, right]})
        return {"exists": {"records": "test.reviews", "where": where[0] if len(where) == 1 else {"all": where}}}
    name = rng.choice(list(kinds))
    kind = kinds[name]
    if kind == "text" and rng.random() < 0.3:
        pool = choices.get(name) or tuple(LITERALS["text"])
        return {"in": [name, [{"text": t} for t in rng.sample(pool, rng.randrange(1, len(pool) + 1))]]}
    ops = ("eq", "neq") if kind in ("bool", "text") else ("eq", "neq", "lt", "lte", "gt", "gte")
    same = [n for n, k in kinds.items() if k == kind and n != name]
    right = rng.choice(same) if same and rng.random() < 0.25 else _literal(rng, kind, choices.get(name, ()))
    pair = [name, right] if rng.random() < 0.8 else [right, name]
    return {rng.choice(ops): pair}


def _literal(rng: random.Random, kind: str, choices: tuple[str, ...]) -> Any:
    value = rng.choice(choices or LITERALS[kind]) if kind == "text" else rng.choice(LITERALS[kind])
    return {"text": value} if kind == "text" else value


def random_yaml(rng: random.Random) -> str:
    anchors: list[str] = []

    def node(depth: int, indent: int) -> str:
        roll = rng.random()
        if depth > rng.choice((2, 4, 8, 70)) or roll < 0.35:
            if anchors and rng.random() < 0.15:
                return "*" + rng.choice(anchors)
            token = rng.choice(TOKENS).decode("utf-8", "replace")
            return rng.choice((token, repr(token), str(_value(rng))[:50], "'%s'" % token.replace("'", "''")))
        prefix = ""
        if rng.random() < 0.1:
            name = f"a{len(anchors)}"
            anchors.append(name)
            prefix = f"&{name} "
        if rng.random() < 0.1:
            prefix += rng.choice(("!!map ", "!!seq ", "!!set ", "!!omap ", "!foo "))
        n = rng.randrange(0, 5)
        if roll < 0.6:
            return prefix + "[" + ", ".join(node(depth + 1, indent) for _ in range(n)) + "]"
        if roll < 0.8:
            return prefix + "{" + ", ".join(f"{rng.choice(('a', 'b', 'a', '1', 'case', 'facts'))}: {node(depth + 1, indent)}"
                                            for _ in range(n)) + "}"
        pad = " " * (indent + 2)
        items = "".join(f"\n{pad}{rng.choice(('k', 'v', 'case', 'facts', 'test.staff'))}{i}: {node(depth + 1, indent + 2)}"
                        for i in range(max(n, 1)))
        return prefix + items

    return "root: " + node(0, 0) + "\n"


# --- running --------------------------------------------------------------------------------

class Hang(BaseException):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


SHAPES = ("fifo", "fifo-writer", "symlink-out", "symlink-in", "follow-out", "follow-dev-zero", "directory", "socket")
# What each shape must give: refused at once (FIFO, device, folder, socket; a symlink out of the case folder
# unless followed), or read as the file it names.
SHAPE_REFUSED = {"fifo", "fifo-writer", "symlink-out", "follow-dev-zero", "directory", "socket"}


def place(path: Path, data: bytes, strategy: str, workdir: Path) -> list[Any]:
    """The input at `path` in the shape `strategy` names; returns what to close afterwards."""
    for old in (path, workdir.parent / f"{workdir.name}-outside"):
        if old.is_symlink() or old.is_file() or old.is_fifo() or old.is_socket():
            old.unlink()
        elif old.is_dir():
            import shutil
            shutil.rmtree(old)
    opened: list[Any] = []
    if strategy == "fifo":
        os.mkfifo(path)  # no writer: reading it would wait forever
    elif strategy == "fifo-writer":
        os.mkfifo(path)
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # keeps a reader, so the writer can open
        writer = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(writer, data[:60_000])
        except BlockingIOError:
            pass
        opened += [reader, writer]
    elif strategy in ("symlink-out", "follow-out"):
        outside = workdir.parent / f"{workdir.name}-outside"
        outside.write_bytes(data)
        path.symlink_to(outside)
    elif strategy == "symlink-in":
        inside = workdir / "real.yaml"
        inside.write_bytes(data)
        path.symlink_to(inside)
    elif strategy == "follow-dev-zero":
        path.symlink_to("/dev/zero")
    elif strategy == "directory":
        path.mkdir()
    elif strategy == "socket":
        import socket
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        opened.append(sock)
    else:
        path.write_bytes(data)
    return opened


def run_one(target: Target, data: bytes, workdir: Path, limit: float, strategy: str = "") -> tuple[str, str]:
    """(outcome, detail): outcome is loaded, rejected, failure or hang. The file goes through the case
    folder's confinement first (as `fazhi check` does), followed only for the follow-* shapes."""
    from fazhi.load.reading import confine_case, follow_symlinks
    path = workdir / target.file_name
    opened = place(path, data, strategy, workdir)
    follow_symlinks(strategy.startswith("follow-"))
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        confine_case(str(workdir), (target.file_name,))
        loaded = target.load(path)
        if strategy in SHAPE_REFUSED and not (strategy == "directory" and target.name.startswith("rulesets")):
            return "failure", f"WRONG ANSWER: a {strategy} input was read instead of refused"  # (a folder of rulesets is one)
        note = target.check(loaded) if target.check is not None else None
        return ("loaded" if note is None else f"loaded ({note})"), ""
    except FazhiError as exc:
        text = str(exc)
        if "Traceback" in text:
            return "failure", "a traceback inside an error message:\n" + text[:2000]
        bad = sorted({f"U+{ord(c):04X}" for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F})
        if bad:
            return "failure", f"control characters {bad} in an error message:\n{text[:2000]!r}"
        longest = max((len(line) for line in text.split("\n")), default=0)
        if longest > 1_500:  # one problem a line; each quotes at most a short excerpt of the input
            return "failure", f"an error message line of {longest:,} characters (inputs are quoted in short excerpts)"
        return "rejected", ""
    except Hang:
        return "hang", f"no result within {limit} s"
    except AssertionError as exc:
        return "failure", "WRONG ANSWER: " + str(exc)[:2000]
    except Exception:
        return "failure", traceback.format_exc(limit=-8)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        follow_symlinks(False)
        for handle in opened:
            handle.close() if hasattr(handle, "close") else os.close(handle)


def worker(seed: int, names: list[str], limit: float, slow_after: float, tasks: Any, results: Any, current: Any,
           slot: int) -> None:
    signal.signal(signal.SIGALRM, _alarm)
    inputs = Inputs(seed, names)
    core_evaluator()  # compile once per worker, outside any time limit
    with tempfile.TemporaryDirectory(prefix="fazhi-fuzz-") as tmp:
        workdir = Path(tmp) / "case"  # the case folder; beside it, the file a symlink-out input points to
        workdir.mkdir()
        while True:
            task = tasks.get()
            if task is None:
                return
            start, end = task
            counts: Counter[str] = Counter()
            failures = []
            slow = []
            for index in range(start, end):
                current[slot], current[slot + 1], current[slot + 2] = index, int(time.time()), 0  # phase 0: generating
                target, data, strategy = inputs.make(index)
                current[slot + 1], current[slot + 2] = int(time.time()), 1  # phase 1: loading and evaluating
                began = time.perf_counter()
                outcome, detail = run_one(target, data, workdir, limit, strategy)
                took = time.perf_counter() - began
                counts[f"{target.name}:{outcome}"] += 1
                if outcome in ("failure", "hang"):
                    failures.append((index, target.name, strategy, outcome, detail))
                elif took > slow_after:
                    slow.append((took, index, target.name, len(data), outcome))
            current[slot] = -1
            results.put((start, end, dict(counts), failures, slow))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds per input before it counts as a hang (a file at the size limits takes ~20 s here)")
    parser.add_argument("--slow", type=float, default=5.0, help="report inputs that take longer than this")
    parser.add_argument("--only", help="comma-separated loaders: " + ", ".join(TARGETS))
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "fazhi-fuzz-failures"))
    parser.add_argument("--replay", type=int, help="run (or with --save, write) one input and show what happened")
    parser.add_argument("--save", help="with --replay: write the input to this file")
    parser.add_argument("--chunk", type=int, default=250)
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(TARGETS)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown loader(s) {unknown}; loaders: {', '.join(TARGETS)}")

    if args.replay is not None:
        return replay(args, names)

    ctx = mp.get_context("fork")
    tasks, results = ctx.Queue(), ctx.Queue()
    chunks = [(s, min(s + args.chunk, args.count)) for s in range(0, args.count, args.chunk)]
    for chunk in chunks:
        tasks.put(chunk)
    current = ctx.Array("q", 3 * args.jobs, lock=False)  # per worker: input index, heartbeat, phase
    procs: dict[int, Any] = {}

    def start(slot: int) -> None:
        current[slot * 3], current[slot * 3 + 1] = -1, int(time.time())
        p = ctx.Process(target=worker, args=(args.seed, names, args.timeout, args.slow, tasks, results, current, slot * 3),
                        daemon=True)
        p.start()
        procs[slot] = p

    began = time.time()
    print(f"fuzz: seed {args.seed}, {args.count:,} inputs, {args.jobs} workers, loaders: {', '.join(names)}", flush=True)
    for slot in range(args.jobs):
        start(slot)
    pending = {c: None for c in chunks}
    counts: Counter[str] = Counter()
    failures: list[tuple[int, str, str, str, str]] = []
    slow: list[tuple[float, int, str, int, str]] = []
    done = 0
    next_report = time.time() + 30
    hard_limit = args.timeout * 3 + 30
    while pending:
        try:
            s, e, c, f, w = results.get(timeout=1)
            pending.pop((s, e), None)
            counts.update(c)
            failures += f
            slow += w
            done += e - s
        except Exception:
            pass
        for slot, p in list(procs.items()):
            index, beat, phase = current[slot * 3], current[slot * 3 + 1], current[slot * 3 + 2]
            died = not p.is_alive()
            stuck = index >= 0 and time.time() - beat > hard_limit
            if not died and not stuck:
                continue
            if stuck:
                p.kill()
            p.join()
            chunk = next((c for c in pending if c[0] <= index < c[1]), None)
            if chunk is not None and index >= 0:
                kind = "hang" if stuck else "crash"
                detail = (f"worker killed after {hard_limit:.0f} s without returning to Python" if stuck
                          else f"worker process died (exit code {p.exitcode})")
                if phase == 0:  # not an input Fazhi saw: the fuzzer's own fault, reported but not counted
                    failures.append((index, "?", "?", "generator",
                                     "the fuzzer itself did not finish making this input: " + detail))
                else:
                    target, _, strategy = Inputs(args.seed, names).make(index)
                    failures.append((index, target.name, strategy, kind, detail))
                    counts[f"{target.name}:{kind}"] += 1
                done += 1
                pending.pop(chunk)
                for rest in ((chunk[0], index), (index + 1, chunk[1])):
                    if rest[0] < rest[1]:
                        pending[rest] = None
                        tasks.put(rest)
            elif p.exitcode not in (0, None):
                print(f"worker {slot} exited with {p.exitcode} between inputs", flush=True)
            start(slot)
        if time.time() > next_report:
            rate = done / max(time.time() - began, 1e-9)
            print(f"  {done:,}/{args.count:,} inputs, {len(failures)} failures, {rate:.0f}/s", flush=True)
            next_report = time.time() + 30
    for _ in procs:
        tasks.put(None)
    for p in procs.values():
        p.join(timeout=10)
        if p.is_alive():
            p.kill()

    elapsed = time.time() - began
    total = sum(counts.values())
    print(f"\nfuzz: tried {total:,} inputs in {elapsed:.0f} s (seed {args.seed})")
    for name in names:
        row = {k.split(":", 1)[1]: v for k, v in counts.items() if k.split(":", 1)[0] == name}
        print(f"  {name:18} " + ", ".join(f"{k} {v:,}" for k, v in sorted(row.items())))
    kinds = Counter(f[3] for f in failures)
    if slow:
        took, index, name, size, outcome = max(slow)
        print(f"slow: {len(slow)} inputs took more than {args.slow:.0f} s (no hang); the slowest, input {index} "
              f"({name}, {size:,} bytes, {outcome}), took {took:.1f} s")
    print(f"failures: {kinds.get('failure', 0)} (exceptions other than FazhiError, wrong answers), "
          f"hangs: {kinds.get('hang', 0)}, crashes: {kinds.get('crash', 0)}"
          + (f", fuzzer faults: {kinds['generator']}" if kinds.get("generator") else ""))
    if failures:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        inputs = Inputs(args.seed, names)
        for index, name, strategy, kind, detail in sorted(failures)[:200]:
            if kind == "generator":
                print(f"\n--- input {index}: {detail}")
                continue
            _, data, _ = inputs.make(index)
            saved = out / f"seed{args.seed}-{index}-{name}.yaml"
            saved.write_bytes(data)
            print(f"\n--- input {index} ({name}, {strategy}): {kind}; saved as {saved}")
            print(f"    replay: python bench/fuzz.py --seed {args.seed} --replay {index}" +
                  (f" --only {args.only}" if args.only else ""))
            print("    " + detail.strip().replace("\n", "\n    "))
    return 1 if any(f[3] != "generator" for f in failures) else 0


def replay(args: argparse.Namespace, names: list[str]) -> int:
    target, data, strategy = Inputs(args.seed, names).make(args.replay)
    print(f"input {args.replay} of seed {args.seed}: loader {target.name}, {strategy}, {len(data):,} bytes")
    if args.save:
        Path(args.save).write_bytes(data)
        print(f"wrote {args.save}")
        return 0
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory(prefix="fazhi-fuzz-") as tmp:
        (Path(tmp) / "case").mkdir()
        outcome, detail = run_one(target, data, Path(tmp) / "case", args.timeout, strategy)
    print(outcome, detail)
    return 1 if outcome in ("failure", "hang") else 0


if __name__ == "__main__":
    sys.exit(main())
