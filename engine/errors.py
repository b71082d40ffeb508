"""Errors a user can act on: every problem names its file, line, column, field and a fix."""
from __future__ import annotations

import difflib
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


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None
