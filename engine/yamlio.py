"""Safe YAML loading that keeps a line:column for every node and refuses what PyYAML lets slip.

PyYAML silently keeps the last of two duplicate keys; in a legal ruleset that would silently drop
a requirement, so duplicates are errors here. Aliases are expanded under a node budget, so a
"billion laughs" document fails fast instead of eating memory.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import InputError, Location, Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000
MAX_ITEMS = 10_000  # entries of one list or mapping (so 100,000 records stop at the 10,001st, not after parsing all)
MAX_NUMBER_CHARS = 40  # a longer number is an error (huge ints cannot be printed; 1:2:3:... takes quadratic time)
MAX_FLOAT_DIGITS = 15  # a float with more significant digits would silently change when read
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_PLAIN_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Document:
    """Plain data loaded from one YAML file, with the position of every node."""

    file: str
    data: Any
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict, compare=False)

    def where(self, path: Path) -> Location:
        """Location of the node at `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.marks:
                line, col = self.marks[path]
                return Location(self.file, line, col)
            path = path[:-1]
        line, col = self.marks.get((), (1, 1))
        return Location(self.file, line, col)


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
        if self.nodes > MAX_NODES:
            raise _TooBig(self._loc(node), f"more than {MAX_NODES:,} YAML nodes (after expanding aliases)")
        if depth > MAX_DEPTH:
            raise _TooBig(self._loc(node), f"nesting deeper than {MAX_DEPTH} levels")
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if node.tag not in _PLAIN_TAGS:  # e.g. !!python/object/apply:… on a list; !!set, !!omap would change types
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
            except Exception as exc:  # PyYAML's constructors also raise KeyError, IndexError, AttributeError
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
    if len(text) > MAX_NUMBER_CHARS:
        return f"a number of {len(text):,} characters; the limit is {MAX_NUMBER_CHARS}"
    if node.tag == _FLOAT and ":" not in text:
        digits = "".join(c for c in text.lower().split("e")[0] if c.isdigit()).strip("0")
        if len(digits) > MAX_FLOAT_DIGITS:
            return (f"{_short(text)} has {len(digits)} significant digits; the limit is {MAX_FLOAT_DIGITS} "
                    "(more would silently change when read as a number)")
    return None


def _text_problem(text: str) -> str | None:
    """NUL and lone surrogates (from escapes such as "\\0" or "\\ud800") cannot be printed, written or matched."""
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


def decode(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM is allowed); anything else is an error that says where and what to do."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError([Problem(Location(file, line), "the file contains a NUL byte",
                                  suggestion="is this a binary file? facts and rulesets are UTF-8 text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "save it as UTF-8"
        try:
            raw.decode("gb18030")
            hint = "it looks like GBK/GB18030 text; save it as UTF-8"
        except UnicodeDecodeError:
            pass
        raise InputError([Problem(Location(file, line), f"not valid UTF-8 (byte {exc.start})", suggestion=hint)]) from None


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster, same marks


def _check_depth(text: str, file: str) -> None:
    """Walk the flat event stream first: composing nests recursively and must not meet 10,000 levels,
    and a file over the node or list limits stops at the first node beyond them, before anything is built."""
    depth = nodes = 0
    open_: list[list[Any]] = []  # [start event, entries so far, events per entry] of each open collection

    def fail(mark: Any, message: str) -> None:
        location = Location(file, mark.line + 1, mark.column + 1)
        raise InputError([Problem(location, message, suggestion="see docs/limits.md")])

    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
            open_.pop()
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            continue
        nodes += 1
        if nodes > MAX_NODES:
            fail(event.start_mark, f"more than {MAX_NODES:,} YAML nodes")
        if open_:
            top = open_[-1]
            top[1] += 1
            if top[1] > MAX_ITEMS * top[2]:
                what = "a list of more than {:,} items" if top[2] == 1 else "a mapping of more than {:,} keys"
                fail(top[0].start_mark, what.format(MAX_ITEMS) + f"; the limit is {MAX_ITEMS:,}")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                fail(event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
            open_.append([event, 0, 2 if isinstance(event, yaml.MappingStartEvent) else 1])


def load_text(text: str, file: str) -> Document:
    try:
        _check_depth(text, file)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        if "nesting depth" in str(exc.problem):  # libyaml >= 0.2.5 (PyYAML 6.0.4 wheels) stops deep flows itself
            raise InputError([Problem(loc, f"nesting deeper than {MAX_DEPTH} levels",
                                      suggestion="see docs/limits.md")]) from None
        raise InputError([Problem(loc, f"YAML syntax error: {exc.problem or exc}",
                                  suggestion="put text containing ':', '?', '#', ',' or braces in quotes")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(Location(file), f"YAML error: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(Location(file), f"nesting deeper than {MAX_DEPTH} levels")]) from None
    if node is None:
        return Document(file, None, {(): (1, 1)})
    converter = _Converter(file)
    try:
        data = converter.convert(node, (), 0)
    except _TooBig as exc:
        raise InputError([Problem(exc.location, exc.message, suggestion="see docs/limits.md")]) from None
    except RecursionError:
        raise InputError([Problem(Location(file), f"nesting deeper than {MAX_DEPTH} levels")]) from None
    if converter.problems:
        raise InputError(converter.problems)
    return Document(file, data, converter.marks)


def load_file(path: str | os.PathLike[str]) -> Document:
    file = str(path)
    try:
        size = os.path.getsize(file)
        if size > MAX_FILE_BYTES:
            raise InputError([Problem(Location(file), f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                                      suggestion="split the case or remove embedded documents")])
        with open(file, "rb") as handle:
            raw = handle.read()
    except IsADirectoryError:
        raise InputError([Problem(Location(file), "is a directory, expected a YAML file")]) from None
    except OSError as exc:
        raise InputError([Problem(Location(file), f"cannot read: {exc.strerror}")]) from None
    return load_text(decode(raw, file), file)
