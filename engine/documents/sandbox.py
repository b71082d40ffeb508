"""A Jinja sandbox whose templates cannot exhaust memory: bounded values, bounded output.

Jinja's sandbox stops a template from reaching Python's internals, not from asking for a huge value:
`{{ 'a' * 2000000000 }}` built a 2 GB string (5.9 GB of memory in all) before anything could stop
it. Here every step that can make a value far larger than its operands is checked before it runs —
`*`, `**` and `%` (never folded at compile time, since they are intercepted), calls and filters
given a size (`center(2000000000)`, `'{:2000000000}'.format(1)`, `replace('', …)`) — and the output is
rendered as a stream, stopped at MAX_OUTPUT characters; range() gives at most MAX_RANGE_ITEMS numbers
in all, so nested loops that write nothing cannot spin for hours either. A template that goes beyond gets a
`TemplateSizeError`, which render.py reports as a template error at the template's line (exit 2).
"""
from __future__ import annotations

import contextvars
import functools
import operator
import re
from typing import Any, Callable, Iterable

import jinja2.sandbox
from jinja2.exceptions import SecurityError

MAX_OUTPUT = 64 * 1024 * 1024  # characters a rendered document may have (docs/limits.md); a 39,000-record report is ~15 MB
MAX_EXPONENT = 10_000
MAX_POWER_BITS = 100_000  # (10 ** 10000) ** 10000 would take minutes to compute and could never be printed
_WIDE_FORMAT = re.compile(r"[%{:][^%{}]*?(\d{7,}|\*)")  # a width or precision of 7+ digits, or one taken from an argument


class TemplateSizeError(SecurityError):
    """A template asked for a value or an output beyond the limits; `zh` says it in Chinese."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.zh = zh


def _too_big(what: str) -> TemplateSizeError:
    return TemplateSizeError(f"{what} is beyond the limit of {MAX_OUTPUT:,} characters for a rendered document",
                             f"{what}：超出渲染文档{MAX_OUTPUT:,}字符的上限")


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _check_arguments(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    """No call or filter gets a size (an int) beyond the limit, or a format string asking for one."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT:
            raise _too_big(f"a size of {value:,}")


class BoundedSandbox(jinja2.sandbox.SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "%"])

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "*":
            for seq, times in ((left, right), (right, left)):
                size = _size(seq)
                if size is not None and isinstance(times, int) and size * max(times, 0) > MAX_OUTPUT:
                    raise _too_big(f"a value of {size:,} × {times:,}")
            return operator.mul(left, right)
        if operator_ == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
                raise _too_big(f"a power of {right:,}")
            if isinstance(left, int) and isinstance(right, int) and abs(left).bit_length() * right > MAX_POWER_BITS:
                raise _too_big(f"a number of about {abs(left).bit_length() * right:,} bits")
            return operator.pow(left, right)
        if isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise _too_big("a format width")
        return operator.mod(left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        _check_arguments(args, kwargs)
        name = getattr(__obj, "__name__", "")
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            if name == "replace" and args:
                _check_replace(owner, *args[:2])
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Any:  # str.format and format_map, as the sandbox hands them out
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and getattr(value, "__name__", "") in ("format", "format_map") and _WIDE_FORMAT.search(owner):
            raise _too_big("a format width")
        return super().wrap_str_format(value)

    def render_bounded(self, template: jinja2.Template, context: dict[str, Any]) -> str:
        """The template rendered as a stream, stopped as soon as the output passes MAX_OUTPUT characters."""
        parts, total = [], 0
        token = _RANGE_USED.set(0)
        try:
            for chunk in template.generate(context):
                total += len(chunk)
                if total > MAX_OUTPUT:
                    raise _too_big(f"the rendered output ({total:,} characters so far)")
                parts.append(chunk)
        finally:
            _RANGE_USED.reset(token)
        return "".join(parts)


MAX_RANGE_ITEMS = 1_000_000  # numbers all range() calls of one rendering may give: nested empty loops spin, not write
_RANGE_USED: contextvars.ContextVar[int] = contextvars.ContextVar("fazhi_template_range", default=0)


def bounded_range(*args: int) -> range:
    """range() whose numbers count against one budget per rendering (Jinja's own limit is per call)."""
    numbers = range(*args)
    used = _RANGE_USED.get() + len(numbers)
    if used > MAX_RANGE_ITEMS:
        raise TemplateSizeError(f"range() asked for {used:,} numbers in all; the limit is {MAX_RANGE_ITEMS:,} per document",
                                f"range()共需{used:,}个数，每份文档上限为{MAX_RANGE_ITEMS:,}")
    _RANGE_USED.set(used)
    return numbers


def _check_replace(text: str, old: Any = None, new: Any = None) -> None:
    if isinstance(old, str) and isinstance(new, str):
        count = len(text) + 1 if old == "" else text.count(old)
        if len(text) + count * len(new) > MAX_OUTPUT:
            raise _too_big("a replacement")


def _guarded(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        if name == "replace":
            plain = [a for a in args if not hasattr(a, "environment")]
            if len(plain) >= 3:
                _check_replace(str(plain[0]), plain[1], plain[2])
        if name == "format" and args and isinstance(args[0], str) and _WIDE_FORMAT.search(args[0]):
            raise _too_big("a format width")
        return f(*args, **kwargs)
    return guarded


def bounded_filters(env: BoundedSandbox) -> None:
    """Every filter checked for sizes before it runs (center, indent, wordwrap, truncate, format, replace …),
    and range() counted across the rendering."""
    env.globals["range"] = bounded_range
    for name, f in list(env.filters.items()):
        env.filters[name] = _guarded(name, f)


__all__ = ["BoundedSandbox", "MAX_OUTPUT", "TemplateSizeError", "bounded_filters"]
