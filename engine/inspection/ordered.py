"""Results in case order though they finish in any: summary.json and the findings sheet keep the order
of the cases while being written as the run goes on.

A result that comes early waits here for those before it: a few batches at most, but after a worker
crash every later case waits for the retried ones (they come last).
"""
from __future__ import annotations

from typing import Callable

from fazhi.inspection.results import CaseResult


class InOrder:
    def __init__(self, *take: Callable[[CaseResult], None]):
        """`take`: what each result goes to, in turn."""
        self._take = take
        self._next = 0
        self._waiting: dict[int, CaseResult] = {}

    def add(self, result: CaseResult) -> None:
        self._waiting[result.index] = result
        while self._next in self._waiting:
            self._hand_on(self._waiting.pop(self._next))
            self._next += 1

    def close(self) -> None:
        """Hand on any still waiting (only if an index never came), still in order."""
        for index in sorted(self._waiting):
            self._hand_on(self._waiting.pop(index))

    def _hand_on(self, result: CaseResult) -> None:
        for take in self._take:
            take(result)
