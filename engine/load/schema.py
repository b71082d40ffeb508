"""Small typed readers over a loaded YAML document that collect every problem with its location."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Iterable, TypeVar

from fazhi.errors import Problem, did_you_mean, excerpt
from fazhi.vocabulary import Text, enum_label
from fazhi.load.yamlio import Document, Path

E = TypeVar("E", bound=Enum)
_MISSING = object()


class Reader:
    """Reads one document; every `problem` is kept, so a file's errors are reported together."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str, suggestion: str | None = None, zh: str | None = None,
                suggestion_zh: str | None = None) -> None:
        """A problem at `path`: English `message` and `suggestion`, Chinese `zh` and `suggestion_zh`
        (without them, fazhi.errors translates the common wordings)."""
        name = next((str(p) for p in reversed(path) if isinstance(p, str)), None)
        self.problems.append(Problem(self.doc.where(path), message, field=_dotted(path) or name, suggestion=suggestion,
                                     zh=zh, suggestion_zh=suggestion_zh))

    def get(self, path: Path) -> Any:
        node: Any = self.doc.data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return _MISSING
        return node

    def mapping(self, path: Path, required: Iterable[str] = (), optional: Iterable[str] = ()) -> dict[str, Any] | None:
        """The mapping at `path`, after checking its keys; None (with a problem) when it is not one."""
        value = self.get(path)
        required, optional = list(required), list(optional)
        if not isinstance(value, dict):
            keys = required + optional
            if keys and path and isinstance(path[-1], str):  # the expected form, on lines of its own
                first = value if isinstance(value, str) and len(value) <= 40 else "…"
                example = f"\n    {path[-1]}:\n" + "\n".join(
                    f"      {k}: {first if i == 0 else '…'}" for i, k in enumerate(keys[:3]))
                form, form_zh = f"; write it as:{example}", f"；应写成：{example}"
            else:
                form = form_zh = ""
            cause = full_width_colon(value)
            if cause:
                form, form_zh = cause
            self.problem(path, f"expected a mapping, got {_kind(value)}{form}", None,
                         f"应为“键: 值”的映射，填写的是{_kind(value, 'zh')}{form_zh}")
            return None
        for key in required:
            if key not in value:
                self.problem(path, f"missing required key '{key}'", zh=f"缺少必填项“{key}”")
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.problem(path + (key,), f"unknown key '{key}'", hint or f"allowed: {', '.join(sorted(allowed))}",
                             f"未知的键“{key}”", None if hint else f"可填：{'、'.join(sorted(allowed))}")
        return value

    def sequence(self, path: Path, optional: bool = False) -> list[Any]:
        value = self.get(path)
        if value is _MISSING and optional:
            return []
        if not isinstance(value, list):
            self.problem(path, f"expected a list, got {_kind(value)}", zh=f"应为列表（每项以“- ”开头），填写的是{_kind(value, 'zh')}")
            return []
        return value

    def string(self, path: Path, optional: bool = False, pattern: str | None = None) -> str | None:
        value = self.get(path)
        if value is _MISSING or (value is None and optional):
            if not optional:
                self.problem(path, "missing", zh="未填写")
            return None
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.problem(path, f"expected non-empty text, got {_kind(value)}", zh=f"应填非空文字，填写的是{_kind(value, 'zh')}")
            return None
        if pattern and not re.fullmatch(pattern, value):
            self.problem(path, f"'{value}' is not of the form {pattern}", zh=f"“{value}”不符合格式 {pattern}")
        return value

    def text(self, path: Path, optional: bool = False) -> Text | None:
        """Bilingual text {zh, en}: Chinese is primary, and every user-facing text has English too."""
        value = self.get(path)
        if value is _MISSING and optional:
            return None
        mapping = self.mapping(path, required=("zh", "en"))
        if mapping is None:
            return None
        zh, en = self.string(path + ("zh",)), self.string(path + ("en",))
        return Text(zh or "", en or "") if zh and en else None

    def date(self, path: Path, optional: bool = True) -> dt.date | None:
        value = self.get(path)
        if value is _MISSING or value is None:
            if not optional:
                self.problem(path, "missing date", zh="未填写日期")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.problem(path, f"expected a date YYYY-MM-DD, got {_quoted(value)}",
                     zh=f"应填日期（如2021-02-25），填写的是{_quoted(value)}")
        return None

    def integer(self, path: Path, optional: bool = True, minimum: int | None = None) -> int | None:
        value = self.get(path)
        if value is _MISSING or value is None:
            if not optional:
                self.problem(path, "missing", zh="未填写")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(path, f"expected a whole number, got {_quoted(value)}", zh=f"应填整数，填写的是{_quoted(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problem(path, f"must be at least {minimum}", zh=f"不能小于{minimum}")
        return value

    def decimal(self, path: Path) -> Decimal | None:
        value = self.get(path)
        if value is _MISSING or value is None:
            return None
        number = to_decimal(value)
        if number is None:
            self.problem(path, f"expected a number, got {_quoted(value)}", zh=f"应填数字，填写的是{_quoted(value)}")
        return number

    def enum(self, path: Path, enum: type[E], optional: bool = False) -> E | None:
        value = self.get(path)
        if value is _MISSING and optional:
            return None
        options = [e.value for e in enum]
        if value not in options:
            labels = {o: enum_label(o, "zh") for o in options}
            hint = did_you_mean(str(value), options)
            self.problem(path, f"'{value}' is not one of {', '.join(options)}", hint,
                         f"“{value}”不是可选项之一：{'、'.join(f'{o}（{z}）' if z != o else o for o, z in labels.items())}")
            return None
        return enum(value)


def full_width_colon(value: Any) -> tuple[str, str] | None:
    """A text that was meant as `key: value` but written with a full-width colon (key： value), named as the
    cause on a line of its own, in English and Chinese; None for any other value."""
    if not isinstance(value, str) or "：" not in value:
        return None
    key = value.split("：", 1)[0].strip()
    if not key or " " in key or len(key) > 80:
        return None
    return (f"\n  cause: '{key}：' is written with a full-width colon '：'; write '{key}: ' (ASCII colon and a space)",
            f"\n  原因：“{key}：”用了全角冒号“：”；应写成“{key}: ”（半角冒号加空格）")


def to_decimal(value: Any) -> Decimal | None:
    """A number as an exact Decimal (via its shortest repr, so 92.85 stays 92.85)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


def to_decimal_text(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _kind(value: Any, lang: str = "en") -> str:
    if lang == "zh":
        if value is _MISSING:
            return "空（未填写）"
        if value is None:
            return "空值"
        return {dict: "映射", list: "列表", str: f"文字{_quoted(value)}", bool: f"{value}"}.get(type(value), _quoted(value))
    if value is _MISSING:
        return "nothing"
    if value is None:
        return "an empty value"
    return {dict: "a mapping", list: "a list", str: f"text {_quoted(value)}", bool: f"{value}"}.get(type(value), _quoted(value))


def _quoted(value: Any) -> str:
    """A value in a message: a short excerpt, never a whole file that happened to parse as one text."""
    return excerpt(value) if isinstance(value, str) else excerpt(repr(value))[1:-1]


def _dotted(path: Path) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
