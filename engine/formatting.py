"""How values read in messages and documents, in Chinese and English."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from fazhi.vocabulary import Text

NOT_GIVEN = Text("未提供", "not given")


def number(value: Decimal | Fraction | int | float, places: int = 2) -> str:
    """At most `places` decimals, no trailing zeros: 5, 2.13, 92.86."""
    exact = Fraction(value) if not isinstance(value, float) else Fraction(repr(value))
    scale = 10 ** places
    units = math.floor(abs(exact) * scale + Fraction(1, 2))  # 四舍五入, not Python's round-half-even
    whole, part = divmod(units, scale)
    text = f"{'-' if exact < 0 and units else ''}{whole}" + (f".{part:0{places}d}".rstrip("0") if part else "")
    return text


def display(value: Any) -> Text:
    if value is None:
        return NOT_GIVEN
    if isinstance(value, bool):
        return Text("是", "yes") if value else Text("否", "no")
    if isinstance(value, (int, Decimal, Fraction, float)):
        text = number(value)
        return Text(text, text)
    if isinstance(value, dt.date):
        return Text(f"{value.year}年{value.month}月{value.day}日", value.isoformat())
    if isinstance(value, tuple):  # records
        return Text(f"{len(value)}条记录", f"{len(value)} records")
    return Text(str(value), str(value))


def join(parts: list[str], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(parts)
