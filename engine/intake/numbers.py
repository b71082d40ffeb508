"""Chinese number forms as report text writes them, read exactly.

    10余次 -> 10, at least      3000余人次 -> 3000, at least, unit 人次      1101项 -> 1101
    92.85% -> 92.85, percent    810.25万元 -> 8102500, unit 元             6万余人 -> 60000, at least
    两个 -> 2                   九十二点八五 -> 92.85                      １,１０９ -> 1109
    约10人 -> 10, about         近20个百分点 -> 20, nearly (percentage points)

An approximate figure is kept at its written bound and flagged, so a person sees that it was one.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from fazhi.vocabulary import Text

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "零〇○一二两三四五六七八九十百千万亿"

# prefixes and suffixes that make a figure approximate, and which way
_PREFIX = {"大约": "about", "约": "about", "将近": "nearly", "接近": "nearly", "近": "nearly", "超过": "at_least",
           "逾": "at_least", "达到": None, "达": None, "共计": None, "累计": None, "共": None}
_SUFFIX = {"余": "at_least", "多": "at_least", "以上": "at_least", "左右": "about", "上下": "about"}
_APPROX_TEXT = {
    "at_least": Text("至少{n}", "at least {n}"),
    "about": Text("约{n}", "about {n}"),
    "nearly": Text("接近但不足{n}", "nearly {n}"),
}

UNIT = r"人次|户次|家次|场次|万元|[次人项件起个户家条卷份元场名所支位天篇期批台辆宗]"  # a measure word after a figure
_QUANTITY = re.compile(
    r"(?P<pre>大约|约|将近|接近|近|超过|逾|达到|达|共计|累计|共)?"
    r"(?:(?P<arabic>\d+(?:,\d{3})*(?:\.\d+)?)|(?P<cn>[零〇○一二两三四五六七八九十百千万亿]+(?:点[零〇○一二三四五六七八九]+)?))"
    r"(?P<a1>余|多)?(?P<mult>[万亿])?(?P<a2>余|多)?(?P<pct>%|个百分点)?(?P<post>以上|左右|上下)?"
    r"(?P<unit>" + UNIT + r")?")


@dataclass(frozen=True)
class Quantity:
    value: Decimal  # the written figure (its bound when approximate)
    text: str  # as written
    approx: str | None = None  # "at_least" | "about" | "nearly"
    percent: bool = False  # written with % (or 个百分点)
    unit: str = ""

    @property
    def approximate(self) -> bool:
        return self.approx is not None

    def describe(self, lang: str) -> str:
        """'10余次 = at least 10' / '10余次，即至少10'."""
        n = plain(self.value)
        bound = _APPROX_TEXT[self.approx].get(lang).format(n=n) if self.approx else n
        return f"{self.text} = {bound}" if lang == "en" else f"{self.text}，即{bound}"


def cn_integer(text: str) -> int | None:
    """一千零五十 -> 1050, 十九 -> 19, 两 -> 2, 二〇二一 -> 2021 (digit by digit when no 十百千万)."""
    if not text or any(c not in CN_NUMERAL for c in text):
        return None
    if all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total, section, number = 0, 0, 0
    for c in text:
        if c in _DIGITS:
            number = _DIGITS[c]
        elif c in _UNITS:
            section += (number or 1) * _UNITS[c]
            number = 0
        elif c == "万":
            total += (section + number) * _BIG[c]
            section, number = 0, 0
        else:  # 亿 scales everything before it
            total = (total + section + number) * _BIG[c]
            section, number = 0, 0
    return total + section + number


def _cn_decimal(text: str) -> Decimal | None:
    whole, _, frac = text.partition("点")
    integer = cn_integer(whole)
    if integer is None:
        return None
    if not frac:
        return Decimal(integer)
    return Decimal(f"{integer}.{''.join(str(_DIGITS[c]) for c in frac)}")


def parse_quantity(text: str) -> Quantity | None:
    """A figure as written in a report (see the module doc), or None when it is not one."""
    norm = unicodedata.normalize("NFKC", text).strip().replace("，", ",")
    m = _QUANTITY.fullmatch(norm)
    if m is None:
        return None
    if m["arabic"]:
        try:
            value = Decimal(m["arabic"].replace(",", ""))
        except InvalidOperation:
            return None
    else:
        cn = m["cn"]
        value = _cn_decimal(cn)
        if value is None:
            return None
    if m["mult"]:
        value *= _BIG[m["mult"]]
    approx = _PREFIX.get(m["pre"] or "")
    for part in ("a1", "a2", "post"):
        if m[part]:
            approx = approx or _SUFFIX[m[part]]
    return Quantity(Decimal(int(value)) if value == value.to_integral_value() else value, text.strip(), approx,
                    bool(m["pct"]), m["unit"] or "")


_DATE = re.compile(r"(?P<y>\d{4}|[〇零○一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*"
                   r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]")
_NUMERIC_DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")


def parse_date(text: str) -> dt.date | None:
    """2021年2月25日, 二〇二一年二月二十五日, 2021-02-25, 2021.2.25 -> a date; None if not a real date."""
    norm = unicodedata.normalize("NFKC", text).strip()
    m = _DATE.fullmatch(norm)
    if m:
        parts = [int(p) if p.isdigit() else cn_integer(p) for p in (m["y"], m["m"], m["d"])]
    else:
        n = _NUMERIC_DATE.fullmatch(norm)
        if n is None:
            return None
        parts = [int(p) for p in n.groups()]
    if any(p is None for p in parts):
        return None
    try:
        return dt.date(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None


def plain(value: Decimal | int) -> str:
    """A Decimal without exponent or trailing zeros: 8102500, 92.85, 100."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# regular-expression building blocks for the pattern files ({num}, {pct}, {date})
NUM_RE = r"(?:\d+(?:[,，]\d{3})*(?:\.\d+)?|[零〇○一二两三四五六七八九十百千万亿]+(?:点[零〇○一二三四五六七八九]+)?)(?:余|多)?(?:[万亿])?(?:余|多)?"
PCT_RE = r"\d+(?:\.\d+)?\s*[%％]"
DATE_RE = (r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
           r"|[〇零○一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}[日号]"
           r"|\d{4}-\d{1,2}-\d{1,2})")
