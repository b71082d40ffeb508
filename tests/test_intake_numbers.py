"""Chinese number and date forms as annual reports write them (engine/intake/numbers.py)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fazhi.intake.numbers import cn_integer, parse_date, parse_quantity


@pytest.mark.parametrize("text, value, approx, percent, unit", [
    ("10余次", "10", "at_least", False, "次"),
    ("3000余人次", "3000", "at_least", False, "人次"),
    ("1101项", "1101", None, False, "项"),
    ("92.85%", "92.85", None, True, ""),
    ("810.25万元", "8102500", None, False, "元"),
    ("6万余人", "60000", "at_least", False, "人"),
    ("110万余元", "1100000", "at_least", False, "元"),
    ("两个", "2", None, False, "个"),
    ("三", "3", None, False, ""),
    ("十九", "19", None, False, ""),
    ("一千零五十件", "1050", None, False, "件"),
    ("三亿五千万", "350000000", None, False, ""),
    ("九十二点八五", "92.85", None, False, ""),
    ("1,109", "1109", None, False, ""),
    ("１,１０９", "1109", None, False, ""),
    ("９８％", "98", None, True, ""),
    ("约10人", "10", "about", False, "人"),
    ("近20个百分点", "20", "nearly", True, ""),
    ("80%以上", "80", "at_least", True, ""),
])
def test_quantities(text, value, approx, percent, unit):
    q = parse_quantity(text)
    assert q is not None
    assert (q.value, q.approx, q.percent, q.unit) == (Decimal(value), approx, percent, unit)


@pytest.mark.parametrize("text", ["", "abc", "十九大召开", "1.2.3", "%"])
def test_not_quantities(text):
    assert parse_quantity(text) is None


def test_approximate_figures_say_so_in_both_languages():
    q = parse_quantity("10余次")
    assert q.approximate
    assert q.describe("en") == "10余次 = at least 10"
    assert q.describe("zh") == "10余次，即至少10"
    assert not parse_quantity("1101项").approximate


def test_cn_integers():
    assert [cn_integer(t) for t in ("零", "十", "二十", "一百零五", "两千", "二〇二一", "十万")] == [0, 10, 20, 105, 2000, 2021, 100000]
    assert cn_integer("十a") is None


@pytest.mark.parametrize("text, day", [
    ("2021年2月25日", dt.date(2021, 2, 25)),
    ("２０２１年２月２５日", dt.date(2021, 2, 25)),
    ("二〇二一年二月二十五日", dt.date(2021, 2, 25)),
    ("2021-02-25", dt.date(2021, 2, 25)),
    ("2021.2.25", dt.date(2021, 2, 25)),
    ("2021年2月30日", None),
    ("2月25日", None),
])
def test_dates(text, day):
    assert parse_date(text) == day
