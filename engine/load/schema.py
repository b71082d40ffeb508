"""Small typed readers over a loaded YAML document that collect every problem with its location."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Iterable, TypeVar

from fazhi.errors import Problem, did_you_mean, excerpt
from fazhi.vocabulary import Text
from fazhi.load.yamlio import Document, Path

E = TypeVar("E", bound=Enum)
_MISSING = object()


class Reader:
    """Reads one document; every `problem` is kept, so a file's errors are reported together."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str, suggestion: str | None = None) -> None:
        name = next((str(p) for p in reversed(path) if isinstance(p, str)), None)
        self.problems.append(Problem(self.doc.where(path), message, field=_dotted(path) or name, suggestion=suggestion))

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
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, got {_kind(value)}")
            return None
        required, optional = list(required), list(optional)
        for key in required:
            if key not in value:
                self.problem(path, f"missing required key '{key}'")
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.problem(path + (key,), f"unknown key '{key}'", did_you_mean(key, allowed) or f"allowed: {', '.join(sorted(allowed))}")
        return value

    def sequence(self, path: Path, optional: bool = False) -> list[Any]:
        value = self.get(path)
        if value is _MISSING and optional:
            return []
        if not isinstance(value, list):
            self.problem(path, f"expected a list, got {_kind(value)}")
            return []
        return value

    def string(self, path: Path, optional: bool = False, pattern: str | None = None) -> str | None:
        value = self.get(path)
        if value is _MISSING or (value is None and optional):
            if not optional:
                self.problem(path, "missing")
            return None
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.problem(path, f"expected non-empty text, got {_kind(value)}")
            return None
        if pattern and not re.fullmatch(pattern, value):
            self.problem(path, f"'{value}' is not of the form {pattern}")
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
                self.problem(path, "missing date")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.problem(path, f"expected a date YYYY-MM-DD, got {_quoted(value)}")
        return None

    def integer(self, path: Path, optional: bool = True, minimum: int | None = None) -> int | None:
        value = self.get(path)
        if value is _MISSING or value is None:
            if not optional:
                self.problem(path, "missing")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(path, f"expected a whole number, got {_quoted(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problem(path, f"must be at least {minimum}")
        return value

    def decimal(self, path: Path) -> Decimal | None:
        value = self.get(path)
        if value is _MISSING or value is None:
            return None
        number = to_decimal(value)
        if number is None:
            self.problem(path, f"expected a number, got {_quoted(value)}")
        return number

    def enum(self, path: Path, enum: type[E], optional: bool = False) -> E | None:
        value = self.get(path)
        if value is _MISSING and optional:
            return None
        options = [e.value for e in enum]
        if value not in options:
            self.problem(path, f"'{value}' is not one of {', '.join(options)}", did_you_mean(str(value), options))
            return None
        return enum(value)


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


def _kind(value: Any) -> str:
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
