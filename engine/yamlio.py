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
            try:
                return self._scalars.construct_object(node)
            except (ValueError, yaml.YAMLError) as exc:
                self.problems.append(Problem(self._loc(node), f"cannot read value {node.value!r}: {exc}",
                                             suggestion="write dates as YYYY-MM-DD with a real day"))
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
    """Walk the flat event stream first: composing nests recursively and must not meet 10,000 levels."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise InputError([Problem(Location(file, mark.line + 1, mark.column + 1),
                                          f"nesting deeper than {MAX_DEPTH} levels", suggestion="see docs/limits.md")])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def load_text(text: str, file: str) -> Document:
    try:
        _check_depth(text, file)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
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
