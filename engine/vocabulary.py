"""The closed vocabularies and bilingual text that every other model module uses."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable



class Verdict(str, Enum):
    MET = "met"
    GAP = "gap"
    INSUFFICIENT = "insufficient_facts"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"  # a gap or missing fact excused by an approved, unexpired waiver (waivers.yaml)


class Tier(str, Enum):
    """How far a fact is proven: claimed bare, claimed with a cited document, or checked by an inspector."""

    SELF_DECLARED = "self_declared"
    DOCUMENTED = "documented"
    VERIFIED = "verified"

    @property
    def rank(self) -> int:
        return _TIER_RANK[self]


_TIER_RANK = {Tier.SELF_DECLARED: 0, Tier.DOCUMENTED: 1, Tier.VERIFIED: 2}


def weakest_tier(tiers: "Iterable[Tier | None]") -> "Tier | None":
    weakest = None
    for tier in tiers:  # a loop, not min(): this runs for every finding of every case
        if tier is not None and (weakest is None or _TIER_RANK[tier] < _TIER_RANK[weakest]):
            weakest = tier
    return weakest


class Severity(str, Enum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    ADVISORY = "advisory"  # the source is paraphrased or uncertain: reported, never a hard rule

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Confidence(str, Enum):
    VERBATIM = "verbatim"
    PARAPHRASED = "paraphrased"
    UNCERTAIN = "uncertain"


class FactType(str, Enum):
    BOOL = "bool"
    INT = "int"
    NUMBER = "number"
    PERCENT = "percent"
    DATE = "date"
    TEXT = "text"
    ENUM = "enum"
    RECORDS = "records"


class ValueKind(str, Enum):
    """What a condition operand holds, which decides the operators allowed on it."""

    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    TEXT = "text"


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh
