"""Safe YAML loading that keeps a line:column for every node and refuses what PyYAML lets slip.

PyYAML silently keeps the last of two duplicate keys; in a legal ruleset that would silently drop
a requirement, so duplicates are errors here. Aliases are expanded under a node budget, so a
"billion laughs" document fails fast instead of eating memory.

The data is built in one pass over the parser's events with an explicit stack (no recursion, no
node tree), and every limit is checked at the event that exceeds it, before the rest is built.
The errors are those of the classic three steps, in the same order of precedence: first a syntax
error or a limit of the file as written (nodes, items, depth), whichever comes first in the file;
then what `yaml.compose` refuses (undefined or duplicate anchors, several documents); then a limit
met while expanding aliases; then every other problem, all together.
"""
from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from fazhi.errors import InputError, Location, Problem
from fazhi.load.reading import read_bytes

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000
MAX_ITEMS = 10_000  # entries of one list or mapping (so 100,000 records stop at the 10,001st, not after parsing all)
MAX_NUMBER_CHARS = 40  # a longer number is an error (huge ints cannot be printed; 1:2:3:... takes quadratic time)
MAX_FLOAT_DIGITS = 15  # a float with more significant digits would silently change when read
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_STR, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"
_PLAIN_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")  # also what the resolver gives untagged ones

_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAP_START, _SEQ_START = yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END = yaml.MappingEndEvent, yaml.SequenceEndEvent

# Constructed scalars, shared by every load: the files a worker reads repeat most of their strings,
# and resolving plus constructing a scalar costs more than the rest of its handling. Only values
# without a problem are kept, and only immutable ones, so a cached value is never changed by a caller.
# Key: the text of an untagged plain scalar (the resolver picks its tag from the text), else (tag, text).
# Value: (resolved tag, value).
_VALUES: dict[str | tuple[str, str], tuple[str, Any]] = {}
_VALUES_LIMIT = 100_000
_VALUES_CHECKED = (MAX_NUMBER_CHARS, MAX_FLOAT_DIGITS)
_IMMUTABLE = frozenset({str, int, float, bool, type(None), datetime.date, datetime.datetime})

Path = tuple[Any, ...]

# What the next node of an open collection is.
_ROOT, _ITEM, _KEY, _VALUE, _SKIP_VALUE = range(5)
_UNREAD = object()  # a scalar's value before it is constructed


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


class _Stop(Exception):
    """Nothing more is built: the rest of the file is only read and checked."""


class _TooBig(_Stop):
    def __init__(self, location: Location, message: str):
        self.location, self.message = location, message


class _Recursive(_Stop):
    """An alias inside the node it names: it can only be expanded once that node has been read."""

    def __init__(self, anchor: str):
        self.anchor = anchor


class _Converter:
    """Builds plain data from parse events: one node at a time, into the innermost open collection.

    Every node gets the checks the node-tree converter gave it: the node budget (counting aliases
    expanded), the depth, its mark, and tags, merge keys, non-scalar and duplicate keys, numbers and
    text. A node that would not have been converted (the contents of a refused collection, the value
    of a refused key) is skipped without checks. An alias is expanded by replaying the events its
    anchor recorded.
    """

    def __init__(self, file: str):
        self.file = file
        self.marks: dict[Path, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self.data: Any = None
        # [container, path, what comes next, key of the value that comes next, path of its keys until marked]
        # of each open collection
        self.stack: list[list[Any]] = [[None, (), _ROOT, None, None]]
        self.skip = 0  # > 0 inside a collection that is not converted: the number of its levels open
        self.recorded: list[Any] = []  # the events from the first anchor on
        self.anchors: dict[str, list[Any]] = {}  # anchor -> [index of its first event, of its last or None while open]
        self._scalars = yaml.SafeLoader("")  # resolves and constructs scalars: the safe constructors only
        self._nodes: dict[Any, yaml.ScalarNode] = {}  # event -> the node constructed from it
        self.too_big: _TooBig | None = None  # the first limit met while converting: nothing more is built
        self.recursive: str | None = None  # the anchor of an alias met inside its own node: nothing more is built

    def stop(self, exc: _Stop) -> bool:
        """Keep the failure that stopped the building; False, for `building`."""
        if isinstance(exc, _TooBig):
            self.too_big = exc
        else:
            self.recursive = exc.anchor
        return False

    def _at(self, event: Any) -> Location:
        mark = event.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def _too_big(self, event: Any, depth: int) -> None:
        if self.nodes > MAX_NODES:
            raise _TooBig(self._at(event), f"more than {MAX_NODES:,} YAML nodes (after expanding aliases)")
        if depth > MAX_DEPTH:  # only an expanded alias gets here: the file as written is checked first
            raise _TooBig(self._at(event), f"nesting deeper than {MAX_DEPTH} levels")

    # --- one event -------------------------------------------------------------------------------

    def scalar(self, event: Any) -> None:
        if self.skip:
            return
        frame = self.stack[-1]
        state = frame[2]
        if state == _SKIP_VALUE:
            frame[2] = _KEY
            return
        text = event.value
        tag = event.tag
        if tag is None or tag == "!":  # the tag is resolved from the text of a plain scalar, else it is str
            cache_key = text if event.implicit[0] else (_STR, text)
        else:
            cache_key = (tag, text)
        hit = _VALUES.get(cache_key)
        if hit is not None:
            resolved, value = hit
        else:
            resolved, value = self._resolve(event), _UNREAD
        if state == _KEY and resolved == _MERGE:  # refused before it is read
            self.problems.append(Problem(self._at(event), "merge keys ('<<') are not supported",
                                         suggestion="write the keys out", zh="不支持合并键（'<<'）", suggestion_zh="请逐项写出各键"))
            frame[2] = _SKIP_VALUE
            return
        if value is _UNREAD:  # problems come out in the same order when the value is read before it is counted
            value = self._construct(event, resolved, cache_key, frame)
        self.nodes += 1
        if state == _VALUE:
            key = frame[3]
            path = frame[1] + (key,)
            mark = event.start_mark
            self.marks[path] = (mark.line + 1, mark.column + 1)  # an entry is marked where its value starts
            if self.nodes > MAX_NODES or len(path) > MAX_DEPTH:
                self._too_big(event, len(path))
            frame[0][key] = value
            frame[2] = _KEY
        elif state == _KEY:
            if self.nodes > MAX_NODES or len(frame[1]) >= MAX_DEPTH:
                self._too_big(event, len(frame[1]) + 1)
            if frame[4] is not None:  # the keys of a mapping share one path, marked where the first one starts
                mark = event.start_mark
                self.marks.setdefault(frame[4], (mark.line + 1, mark.column + 1))
                frame[4] = None
            key = value if isinstance(value, str) else str(value)
            if key in frame[0]:
                first = self.marks.get(frame[1] + (key,), (0, 0))[0]
                self.problems.append(Problem(self._at(event), f"duplicate key '{key}' (first at line {first})",
                                             field=_field([None, frame[1], _VALUE, key]), suggestion="remove or rename one of them",
                                             zh=f"键“{key}”重复（第一次在第{first}行）", suggestion_zh="删除或改名其中之一"))
                frame[2] = _SKIP_VALUE
            else:
                frame[3] = key
                frame[2] = _VALUE
        else:
            path = frame[1] + (len(frame[0]),) if state == _ITEM else ()
            if self.nodes > MAX_NODES or len(path) > MAX_DEPTH:
                self._too_big(event, len(path))
            mark = event.start_mark
            self.marks.setdefault(path, (mark.line + 1, mark.column + 1))
            if state == _ITEM:
                frame[0].append(value)
            else:
                self.data = value

    def start(self, event: Any) -> None:
        if self.skip:
            self.skip += 1
            return
        frame = self.stack[-1]
        state = frame[2]
        if state == _KEY:
            self._bad_key(frame, event)
            self.skip = 1
            return
        if state == _SKIP_VALUE:
            frame[2] = _KEY
            self.skip = 1
            return
        tag = event.tag
        plain = tag is None or tag == "!" or tag in _PLAIN_TAGS
        # placed now, filled as its entries come: the order of keys is the same
        value: Any = ({} if event.__class__ is _MAP_START else []) if plain else None
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1)
        if state == _VALUE:
            key = frame[3]
            path = frame[1] + (key,)
            self.marks[path] = where
            frame[0][key] = value
            frame[2] = _KEY
        else:
            if state == _ITEM:
                path = frame[1] + (len(frame[0]),)
                frame[0].append(value)
            else:
                path = ()
                self.data = value
            self.marks.setdefault(path, where)
        self.nodes += 1
        if self.nodes > MAX_NODES or len(path) > MAX_DEPTH:
            self._too_big(event, len(path))
        if not plain:  # e.g. !!python/object/apply:… on a list; !!set, !!omap would change types
            self.problems.append(Problem(self._at(event), f"the tag '{tag[:80]}' is not allowed",
                                         suggestion="write plain lists and mappings", zh=f"不允许使用标签“{tag[:80]}”",
                                         suggestion_zh="请写普通的列表和映射"))
            self.skip = 1
        elif value.__class__ is dict:
            self.stack.append([value, path, _KEY, None, path + ("<key>",)])
        else:
            self.stack.append([value, path, _ITEM, None, None])

    def end(self) -> None:
        if self.skip:
            self.skip -= 1
        else:
            self.stack.pop()

    def alias(self, event: Any) -> tuple[int, int] | None:
        """The span of recorded events to replay for this alias, or None if there is nothing to replay."""
        if self.skip:
            return None
        frame = self.stack[-1]
        if frame[2] == _SKIP_VALUE:
            frame[2] = _KEY
            return None
        first, last = self.anchors[event.anchor]
        if frame[2] == _KEY:  # a key is judged by its first event, and a collection key is not expanded
            head = self.recorded[first]
            if head.__class__ is _SCALAR:
                self.scalar(head)
            else:
                self._bad_key(frame, head)
            return None
        if last is None:
            raise _Recursive(event.anchor)
        return first, last

    def expand(self, first: int, last: int) -> None:
        """Replay the recorded events first..last, and those of the aliases among them, as if written here."""
        recorded = self.recorded
        replays = [iter(recorded[first:last + 1])]
        while replays:
            for event in replays[-1]:
                cls = event.__class__
                if cls is _SCALAR:
                    self.scalar(event)
                elif cls is _MAP_START or cls is _SEQ_START:
                    self.start(event)
                elif cls is _ALIAS:
                    span = self.alias(event)
                    if span is not None:
                        replays.append(iter(recorded[span[0]:span[1] + 1]))
                        break
                else:
                    self.end()
            else:
                replays.pop()

    # --- parts -----------------------------------------------------------------------------------

    def _bad_key(self, frame: list[Any], event: Any) -> None:
        """A collection as a key: refused, and so is its value."""
        if event.tag == _MERGE:
            self.problems.append(Problem(self._at(event), "merge keys ('<<') are not supported",
                                         suggestion="write the keys out", zh="不支持合并键（'<<'）", suggestion_zh="请逐项写出各键"))
        else:
            self.problems.append(Problem(self._at(event), "a key must be a plain value", zh="键只能是普通的值（文字或数字）"))
        frame[2] = _SKIP_VALUE

    def _resolve(self, event: Any) -> str:
        """The scalar's tag as yaml.compose gives it."""
        tag = event.tag
        if tag is None or tag == "!":
            return self._scalars.resolve(yaml.ScalarNode, event.value, event.implicit)
        return tag

    def _construct(self, event: Any, tag: str, cache_key: str | tuple[str, str], frame: list[Any]) -> Any:
        text = event.value
        problem = _number_problem(tag, text)
        if problem is None:
            node = self._nodes.get(event)
            if node is None:  # an expanded alias constructs its node again, as PyYAML would (a failure fails again)
                node = self._nodes[event] = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)
            try:
                value = self._scalars.construct_object(node)
            except Exception as exc:  # PyYAML's constructors also raise KeyError, IndexError, AttributeError
                readable = isinstance(exc, (ValueError, yaml.YAMLError))
                detail = exc if readable else f"not a valid {tag.rsplit(':', 1)[-1]}"
                date = tag.endswith(":timestamp")
                self.problems.append(Problem(
                    self._at(event), f"cannot read value {_short(text)}: {detail}", field=_field(frame),
                    suggestion="write dates as YYYY-MM-DD with a real day",
                    zh=(f"{_short(text)}不是有效日期" if date else f"无法读取值{_short(text)}：{detail}"),
                    suggestion_zh="日期写作 YYYY-MM-DD，且须是实际存在的日子"))
                return None
            if isinstance(value, str):
                problem = _text_problem(value)
            if problem is None:
                if type(value) in _IMMUTABLE and value == value:  # NaN is left out: it is not equal to itself
                    if len(_VALUES) >= _VALUES_LIMIT:
                        _VALUES.clear()
                    _VALUES[cache_key] = (tag, value)
                return value
        self.problems.append(Problem(self._at(event), problem, suggestion="see docs/limits.md", field=_field(frame),
                                     zh=_limit_zh(problem), suggestion_zh="见 docs/limits.md"))
        return None


def _field(frame: list[Any]) -> str | None:
    """The dotted path of the value an open collection is reading now (facts.x.y, items[3]), for a message."""
    state = frame[2]
    if state == _VALUE:
        path = frame[1] + (frame[3],)
    elif state == _ITEM:
        path = frame[1] + (len(frame[0]),)
    else:
        path = frame[1]
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[") or None


def _limit_zh(problem: str) -> str:
    """The Chinese of a limit's problem (_number_problem, _text_problem, the node and depth limits)."""
    import re
    for pattern, template in (
            (r"a number of (?P<n>[\d,]+) characters; the limit is (?P<m>\d+)", "数字有{n}个字符，上限为{m}"),
            (r"(?P<t>.+) has (?P<n>\d+) significant digits; the limit is (?P<m>\d+) .*", "{t}有{n}位有效数字，上限为{m}（再多读取时会悄悄改变）"),
            (r"text (?P<t>.+) contains the character (?P<c>U\+[0-9A-F]+), which is not allowed", "文字{t}含有不允许的字符{c}"),
            (r"more than (?P<n>[\d,]+) YAML nodes(?P<a> \(after expanding aliases\))?", "YAML 节点超过{n}个"),
            (r"nesting deeper than (?P<n>\d+) levels", "嵌套超过{n}层"),
            (r"a list of more than (?P<n>[\d,]+) items; the limit is .*", "列表超过{n}项"),
            (r"a mapping of more than (?P<n>[\d,]+) keys; the limit is .*", "映射超过{n}个键")):
        m = re.fullmatch(pattern, problem)
        if m:
            return template.format(**{k: v or "" for k, v in m.groupdict().items()})
    return problem


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _number_problem(tag: str, text: str) -> str | None:
    if tag != _INT and tag != _FLOAT:
        return None
    if len(text) > MAX_NUMBER_CHARS:
        return f"a number of {len(text):,} characters; the limit is {MAX_NUMBER_CHARS}"
    if tag == _FLOAT and ":" not in text:
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


_SYNTAX_ZH = {  # libyaml's and PyYAML's wordings of the syntax errors a person makes by hand
    "could not find expected ':'": "找不到应有的冒号“:”",
    "mapping values are not allowed in this context": "此处不能出现“键: 值”",
    "mapping values are not allowed here": "此处不能出现“键: 值”",
    "did not find expected ',' or '}'": "找不到应有的逗号“,”或右花括号“}”",
    "did not find expected ',' or ']'": "找不到应有的逗号“,”或右方括号“]”",
    "found character that cannot start any token": "出现了不能作为开头的字符",
    "found character '\\t' that cannot start any token": "出现了不能作为开头的制表符（Tab）",
    "did not find expected key": "找不到应有的键",
    "did not find expected node content": "找不到应有的内容",
    "did not find expected '-' indicator": "找不到应有的“-”",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
    "found undefined alias": "引用了未定义的锚点",
    "found unknown escape character": "出现了未知的转义字符",
    "second occurrence": "锚点重复定义",
    "but found another document": "文件中有多个文档（“---”）",
    "block sequence entries are not allowed in this context": "此处不能出现列表项“- ”",
    "found a tab character that violates indentation": "缩进中出现了制表符（Tab）",
}


def syntax_cause(text: str, line: int) -> tuple[str, str] | None:
    """What a person most likely typed wrong near a syntax error at `line` (1-based), in English and Chinese:
    a tab in the indentation, a full-width colon after a key, a Chinese comma in a {…} mapping. PyYAML
    often reports such a slip a line or two later, so the lines before are read too."""
    lines = text.split("\n")
    near = [n for n in (line, line - 1, line - 2) if 1 <= n <= len(lines)]
    for n in near:
        body = lines[n - 1]
        indent = body[: len(body) - len(body.lstrip(" \t"))]
        if "\t" in indent:
            return (f"line {n} is indented with a tab; YAML indents with spaces only",
                    f"第{n}行用制表符（Tab）缩进；YAML 只能用空格缩进")
    for n in near:
        body = lines[n - 1]
        column = body.find("：")
        if column >= 0 and ":" not in body[:column] and not body.lstrip().startswith("#"):
            return (f"line {n}, column {column + 1}: a full-width colon '：' after a key; write ':' and a space",
                    f"第{n}行第{column + 1}列的键后用了全角冒号“：”；应为半角冒号“:”加空格")
    for n in near:
        body = lines[n - 1]
        column = body.find("，")
        if column >= 0 and ("{" in body[:column] or "[" in body[:column]):
            return (f"line {n}, column {column + 1}: a Chinese comma '，' between the entries of {{…}} or […]; write ','",
                    f"第{n}行第{column + 1}列在 {{…}} 或 […] 的各项之间用了中文逗号“，”；应为半角逗号“,”")
    return None


def decode(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM is allowed); anything else is an error that says where and what to do."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError([Problem(Location(file, line), "the file contains a NUL byte",
                                  suggestion="is this a binary file? facts and rulesets are UTF-8 text",
                                  zh="文件含有 NUL 字节", suggestion_zh="这是二进制文件吗？事实文件和规则集应为 UTF-8 文本")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint, hint_zh = "save it as UTF-8", "请另存为 UTF-8"
        try:
            raw.decode("gb18030")
            hint, hint_zh = "it looks like GBK/GB18030 text; save it as UTF-8", "看来是 GBK/GB18030 编码；请另存为 UTF-8"
        except UnicodeDecodeError:
            pass
        raise InputError([Problem(Location(file, line), f"not valid UTF-8 (byte {exc.start})", suggestion=hint,
                                  zh=f"不是有效的 UTF-8 文本（第{exc.start}字节）", suggestion_zh=hint_zh)]) from None


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster, same marks


def _read(text: str, file: str, converter: _Converter) -> int:
    """Feed the events to the converter, checking the file as written; returns the number of documents.

    Raises InputError for a limit of the file as written, a MarkedYAMLError for a syntax error or for
    what yaml.compose would refuse (that one only once the whole file has been read, since a syntax
    error or a limit further on comes first), and leaves a failure met while converting in
    converter.too_big or converter.recursive (then the rest is only read and checked, not built).
    """
    max_nodes, max_items, max_depth = MAX_NODES, MAX_ITEMS, MAX_DEPTH
    top: list[Any] = [None, 0, max_nodes, None]  # the stream: its one entry is never too many
    open_ = [top]  # [start event, entries so far, entry limit, anchor] of the stream and each open collection
    nodes = documents = 0
    anchors, recorded = converter.anchors, converter.recorded
    recording = False  # from the first anchor on, every node and end event is kept for replaying aliases
    refused: yaml.MarkedYAMLError | None = None  # the first error yaml.compose would raise
    libyaml = issubclass(_LOADER, getattr(getattr(yaml, "cyaml", None), "CParser", ()))
    building = True

    def too_many(event: Any, nodes: int, top: list[Any]) -> None:
        if nodes > max_nodes:
            mark, message = event.start_mark, f"more than {max_nodes:,} YAML nodes"
        else:
            mark = top[0].start_mark
            kind = "a list of more than {:,} items" if top[0].__class__ is _SEQ_START else \
                "a mapping of more than {:,} keys"
            message = kind.format(max_items) + f"; the limit is {max_items:,}"
        raise InputError([Problem(Location(file, mark.line + 1, mark.column + 1), message,
                                  suggestion="see docs/limits.md", zh=_limit_zh(message), suggestion_zh="见 docs/limits.md")])

    def anchored(event: Any) -> str | None:
        """Record the event, check its anchor or alias as yaml.compose does; the anchor it defines, if any."""
        nonlocal recording, refused
        anchor = event.anchor  # of an alias: the anchor it names
        if anchor is not None:
            if refused is not None:
                anchor = None
            elif event.__class__ is _ALIAS:
                if anchor not in anchors:  # libyaml's composer does not name the anchor
                    problem = "found undefined alias" if libyaml else f"found undefined alias {anchor!r}"
                    refused = yaml.composer.ComposerError(None, None, problem, event.start_mark)
                anchor = None
            elif anchor in anchors:  # only the problem and its mark are reported
                refused = yaml.composer.ComposerError(None, None, "second occurrence", event.start_mark)
                anchor = None
            else:
                recording = True
        if recording:
            recorded.append(event)
            if anchor is not None:
                anchors[anchor] = [len(recorded) - 1, len(recorded) - 1 if event.__class__ is _SCALAR else None]
        return anchor

    scalar, start, end, alias = converter.scalar, converter.start, converter.end, converter.alias
    parser = _LOADER(text)
    events = iter(parser.get_event, None)  # yaml.parse(text, Loader=_LOADER) without its generator in between
    try:
        # Each branch checks the file as written, then converts; a failure while converting stops the
        # building (converter.stop) and the rest of the file is still read and checked.
        for event in events:
            cls = event.__class__
            if cls is _SCALAR:
                nodes += 1
                top[1] += 1
                if nodes > max_nodes or top[1] > top[2]:
                    too_many(event, nodes, top)
                if recording or event.anchor is not None:
                    anchored(event)
                    building = building and refused is None
                if building:
                    try:
                        scalar(event)
                    except _Stop as exc:
                        building = converter.stop(exc)
            elif cls is _MAP_END or cls is _SEQ_END:
                anchor = open_.pop()[3]
                top = open_[-1]
                if recording:
                    recorded.append(event)
                    if anchor is not None:
                        anchors[anchor][1] = len(recorded) - 1
                if building:
                    end()
            elif cls is _MAP_START or cls is _SEQ_START:
                nodes += 1
                top[1] += 1
                if nodes > max_nodes or top[1] > top[2]:
                    too_many(event, nodes, top)
                anchor = anchored(event) if recording or event.anchor is not None else None
                if len(open_) > max_depth:  # open_[0] is the stream
                    mark = event.start_mark
                    raise InputError([Problem(Location(file, mark.line + 1, mark.column + 1),
                                              f"nesting deeper than {max_depth} levels", suggestion="see docs/limits.md",
                                              zh=f"嵌套超过{max_depth}层", suggestion_zh="见 docs/limits.md")])
                top = [event, 0, max_items * 2 if cls is _MAP_START else max_items, anchor]
                open_.append(top)
                building = building and refused is None
                if building:
                    try:
                        start(event)
                    except _Stop as exc:
                        building = converter.stop(exc)
            elif cls is _ALIAS:
                nodes += 1
                top[1] += 1
                if nodes > max_nodes or top[1] > top[2]:
                    too_many(event, nodes, top)
                anchored(event)
                building = building and refused is None
                if building:
                    try:
                        span = alias(event)
                        if span is not None:
                            converter.expand(*span)
                    except _Stop as exc:
                        building = converter.stop(exc)
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1 and refused is None:
                    refused = yaml.composer.ComposerError("expected a single document in the stream", None,
                                                          "but found another document", event.start_mark)
                    building = False
    finally:
        parser.dispose()
    if refused is not None:
        raise refused
    return documents


def load_text(text: str, file: str) -> Document:
    global _VALUES_CHECKED
    if _VALUES_CHECKED != (MAX_NUMBER_CHARS, MAX_FLOAT_DIGITS):  # cached values passed the limits they met
        _VALUES.clear()
        _VALUES_CHECKED = (MAX_NUMBER_CHARS, MAX_FLOAT_DIGITS)
    converter = _Converter(file)
    try:
        documents = _read(text, file, converter)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        if "nesting depth" in str(exc.problem):  # libyaml >= 0.2.5 (PyYAML 6.0.4 wheels) stops deep flows itself
            raise InputError([Problem(loc, f"nesting deeper than {MAX_DEPTH} levels", suggestion="see docs/limits.md",
                                      zh=f"嵌套超过{MAX_DEPTH}层", suggestion_zh="见 docs/limits.md")]) from None
        problem = str(exc.problem or exc)
        cause = syntax_cause(text, loc.line) if loc.line else None
        en = f"YAML syntax error: {problem}" + (f"\n  cause: {cause[0]}" if cause else "")
        zh = f"YAML 语法错误：{_SYNTAX_ZH.get(problem, problem)}" + (f"\n  原因：{cause[1]}" if cause else "")
        raise InputError([Problem(loc, en, suggestion=None if cause else "put text containing ':', '?', '#', ',' or braces in quotes",
                                  zh=zh, suggestion_zh=None if cause else "含有 : ? # , 或括号的文字请加引号")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(Location(file), f"YAML error: {exc}", zh=f"YAML 错误：{exc}")]) from None
    if documents == 0:
        return Document(file, None, {(): (1, 1)})
    if converter.recursive is not None and converter.too_big is None:
        # The node is complete now: expanded where the alias was, it meets the alias again one level
        # deeper, and again, until a limit, as the tree walk did.
        try:
            converter.expand(*converter.anchors[converter.recursive])
        except _TooBig as exc:
            converter.too_big = exc
        else:
            raise AssertionError("a recursive alias was expanded without meeting a limit")
    if converter.too_big is not None:
        failure = converter.too_big
        raise InputError([Problem(failure.location, failure.message, suggestion="see docs/limits.md",
                                  zh=_limit_zh(failure.message), suggestion_zh="见 docs/limits.md")])
    if converter.problems:
        raise InputError(converter.problems)
    return Document(file, converter.data, converter.marks)


def load_file(path: str | os.PathLike[str]) -> Document:
    file = str(path)
    return load_text(decode(read_bytes(file, MAX_FILE_BYTES, "YAML file"), file), file)
