"""Data checks before the rules: findings of their own kind, declared with the facts, never a crash."""
from __future__ import annotations

import json
import textwrap
from decimal import Decimal

import pytest

from fazhi.checks.dataquality import run_data_checks
from fazhi.errors import InputError
from fazhi.load.facts_loader import load_case
from fazhi.model.case import Case, District, FactValue, Record
from fazhi.load.ruleset_loader import load_catalogue
from helpers import ROOT, run_fazhi


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([str(ROOT / "rulesets")])


def case(period: int = 2020, **facts) -> Case:
    return Case(District("测试区"), period, {k.replace("__", "."): FactValue(k.replace("__", "."), v) for k, v in facts.items()})


def test_macun_states_92_85_for_13_of_14(fazhi):
    code, out, _ = fazhi("check", "cases/macun-2020", "--format", "json")
    assert code == 1
    quality = json.loads(out)["data_quality"]
    rate = next(q for q in quality if q["check"] == "litigation.win_rate_stated:rate")
    assert "92.85%" in rate["message"] and "92.86%" in rate["message"] and "13" in rate["message"] and "14" in rate["message"]
    assert rate["location"].startswith("cases/macun-2020/facts.yaml:")
    assert rate["facts"][0]["evidence"]["quote"] == "今年以来,依法参与行政应诉案14起,胜诉13起,胜诉率达92.85%"
    assert [q["check"] for q in quality] == ["litigation.win_rate_stated:rate"]  # 8 cases closed at 100%: consistent


def test_macun_quotes_are_exact_substrings_of_the_report():
    seed = ROOT.parent / "shared" / "seeds" / "macun-2020-annual-report.txt"
    if not seed.exists():
        pytest.skip("the seed report is not beside the checkout")
    facts = (ROOT / "cases" / "macun-2020" / "facts.yaml").read_text(encoding="utf-8")
    report = seed.read_text(encoding="utf-8")
    for quote in ("今年以来,依法参与行政应诉案14起,胜诉13起,胜诉率达92.85%", "全年共处理行政复议案8件,结案率100%"):
        assert quote in facts and quote in report


@pytest.mark.parametrize("stated, findings", [(Decimal("92.86"), 0), (Decimal("92.857"), 0), (Decimal("92.85"), 1),
                                              (Decimal("93"), 0), (Decimal("92"), 1), (Decimal("92.9"), 0)])
def test_a_rate_is_held_to_the_precision_it_states(catalogue, stated, findings):
    c = case(litigation__cases_handled=14, litigation__cases_won=13, litigation__win_rate_stated=stated)
    assert len([q for q in run_data_checks(catalogue, c) if q.kind == "rate"]) == findings


def test_part_larger_than_total_same_quantity_twice_and_dates_outside_the_period(catalogue):
    records = tuple(Record(f"R{i}", {"received_on": __import__("datetime").date(2019 if i == 2 else 2020, 5, 1)}) for i in range(3))
    c = case(litigation__cases_handled=3, litigation__cases_won=5, reconsideration__cases_handled=4,
             reconsideration__cases=records, annual_report__published_on=__import__("datetime").date(2020, 3, 1))
    found = {(q.check, q.record) for q in run_data_checks(catalogue, c)}
    assert found == {("litigation.cases_won:part_of", None), ("reconsideration.cases_handled:same_as", None),
                     ("reconsideration.cases.received_on:in_period", "R2"),
                     ("annual_report.published_on:after_period", None)}  # the 2020 report is published once 2020 has ended


def test_nothing_to_compare_is_no_finding_and_a_zero_total_never_divides(catalogue):
    assert run_data_checks(catalogue, case(litigation__win_rate_stated=Decimal(90))) == ()
    assert run_data_checks(catalogue, case(litigation__cases_handled=0, litigation__cases_won=0,
                                           litigation__win_rate_stated=Decimal(0))) == ()


def test_declaration_errors_name_file_line_and_field(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(textwrap.dedent("""\
        ruleset: {id: t, title: {zh: 测试, en: test}, version: "1", domain: t}
        facts:
          t.total: {type: int, label: {zh: 总数, en: total}, question: {zh: 多少？, en: how many?}}
          t.rate:
            type: percent
            label: {zh: 比率, en: rate}
            question: {zh: 多少？, en: what?}
            consistency:
              rate: {part: t.part, total: t.total}
              in_period: true
              same_ass: t.total
        requirements: []
        """), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_catalogue([str(rules)])
    text = str(err.value)
    assert "rules.yaml:10:" in text and "'in_period' does not apply to a percent fact" in text
    assert "rules.yaml:11:" in text and "unknown data check 'same_ass'" in text and "did you mean 'same_as'" in text
    assert "undeclared fact 't.part'" in text


def test_a_data_check_reading_a_fact_counts_as_reading_it(catalogue):
    read = {key for check in catalogue.data_checks for key in check.facts_read}
    assert {"litigation.win_rate_stated", "litigation.cases_won", "reconsideration.closed_rate_stated",
            "reconsideration.cases_closed"} <= read


def test_generated_districts_load_and_show_every_kind_of_data_finding(tmp_path, catalogue):
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import Generator
    paths = Generator(catalogue, seed=3).write(tmp_path, 30, [2021], verify_share=0.3, waiver_share=0.3)
    kinds = set()
    for p in paths:
        c = load_case(p, catalogue.facts)  # a generated case always loads
        kinds |= {q.kind for q in run_data_checks(catalogue, c)}
    assert kinds >= {"rate", "in_period"}
    assert (tmp_path / "waivers.yaml").exists() and any((p / "verifications.yaml").exists() for p in paths)
    assert Generator(catalogue, seed=3).facts(__import__("random").Random(1), 2021) == \
        Generator(catalogue, seed=3).facts(__import__("random").Random(1), 2021)  # deterministic


def test_check_text_lists_data_quality_before_the_findings():
    result = run_fazhi("check", "cases/macun-2020", "--lang", "en")
    head = result.stdout.split("\n[")[0] if "\n[" in result.stdout else result.stdout
    assert "[data quality] litigation.win_rate_stated:rate" in result.stdout
    assert result.stdout.index("[data quality]") < result.stdout.index("[met]")
    assert head
