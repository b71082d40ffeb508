"""Errors a user can act on: every problem names its file, line, column, field and a fix."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    field: str | None = None
    suggestion: str | None = None

    def __post_init__(self) -> None:
        # A message may quote the input; whatever quotes it, a problem never carries a whole file
        # (a facts.yaml linked to /etc/passwd) nor a control character that reaches a terminal.
        object.__setattr__(self, "message", bounded(self.message))
        if self.suggestion is not None:  # "did you mean 'x'?" quotes the input too
            object.__setattr__(self, "suggestion", bounded(self.suggestion))
        if self.field is not None:
            object.__setattr__(self, "field", bounded(self.field))

    def __str__(self) -> str:
        text = f"{self.location}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


class FazhiError(Exception):
    """Base of every error Fazhi reports to a user (exit code 2)."""

    exit_code = 2


class InputError(FazhiError):
    """One or more problems in a user's input file; all of them are reported together."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InferenceError(FazhiError):
    """The inference engine failed; the message says which rule and why."""


MAX_MESSAGE = 600
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def excerpt(text: str, limit: int = 60) -> str:
    """A short, escaped quotation of input text: its first line, at most `limit` characters, as repr."""
    first = text.split("\n", 1)[0]
    cut = first[:limit]
    return repr(cut + ("…" if cut != text else ""))


def bounded(message: str) -> str:
    """A message with control characters escaped, cut at MAX_MESSAGE characters."""
    message = _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", message)
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"


_OS_ERRORS = {  # errno name -> (Chinese, English): what the user can do about it
    "ENOSPC": ("磁盘已满", "the disk is full"),
    "EDQUOT": ("磁盘配额已用完", "the disk quota is used up"),
    "EROFS": ("文件系统是只读的", "the file system is read-only"),
    "EACCES": ("没有写入权限", "permission denied"),
    "EPERM": ("操作不被允许", "operation not permitted"),
    "ENAMETOOLONG": ("文件名或路径过长", "the file name or path is too long"),
    "EIO": ("磁盘读写出错", "an input/output error of the disk"),
}


def os_error_message(exc: OSError, lang: str = "zh") -> str:
    """A failure of the operating system (full disk, read-only folder, name too long) as the user reads it;
    nothing was written, since every output is written aside and renamed into place at the end."""
    import errno
    zh, en = _OS_ERRORS.get(errno.errorcode.get(exc.errno or 0, ""), (exc.strerror or "操作系统错误",
                                                                      exc.strerror or "an operating-system error"))
    where = exc.filename if exc.filename is not None else ""
    where = bounded(where.decode("utf-8", "replace") if isinstance(where, bytes) else str(where))
    if lang == "en":
        return f"error: {en}{': ' + where if where else ''}. Nothing was written; the previous output is unchanged."
    return f"错误：{zh}{'：' + where if where else ''}。未写入任何输出，原有输出保持不变。"


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None
