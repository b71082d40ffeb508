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


# The words for the values of the closed vocabularies above, in Chinese and English: the one place
# every output (terminal, catalogue views, messages, documents) takes them from, so a Chinese run never
# shows an English code such as `major` or `verbatim`.
ENUM_LABELS: dict[str, Text] = {
    # severity
    "critical": Text("严重", "critical"), "major": Text("较重", "major"), "minor": Text("一般", "minor"),
    "advisory": Text("提示", "advisory"),
    # confidence of a source
    "verbatim": Text("原文", "verbatim"), "paraphrased": Text("转述", "paraphrased"), "uncertain": Text("存疑", "uncertain"),
    # verdict
    "met": Text("符合", "met"), "gap": Text("差距", "gap"), "insufficient_facts": Text("事实不足", "insufficient facts"),
    "not_applicable": Text("不适用", "not applicable"), "waived": Text("已豁免", "waived"),
    # tier of a fact
    "self_declared": Text("自报", "self-declared"), "documented": Text("有证明材料", "documented"),
    "verified": Text("已核验", "verified"),
    # type of a fact
    "bool": Text("是/否", "yes/no"), "int": Text("整数", "whole number"), "number": Text("数字", "number"),
    "percent": Text("百分比", "percentage"), "date": Text("日期", "date"), "text": Text("文字", "text"),
    "enum": Text("选项", "choice"), "records": Text("记录", "records"),
}


def enum_label(value: "str | Enum", lang: str) -> str:
    """The word for a vocabulary value (Severity.MAJOR or "major" → 较重 / major); the value itself if unknown."""
    code = value.value if isinstance(value, Enum) else str(value)
    text = ENUM_LABELS.get(code)
    return text.get(lang) if text is not None else code
