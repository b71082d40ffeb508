"""Verdicts on the core test catalogue: exact thresholds, three-valued logic, per-record checks, dates."""
from __future__ import annotations

import datetime as dt

import pytest

from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import load_case
from fazhi.compile.measures import workdays_between
from fazhi.model.case import Case, District, FactValue, Record
from fazhi.vocabulary import Verdict
from fazhi.load.ruleset_loader import load_catalogue
from helpers import CORE_CASE, CORE_RULES


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([str(CORE_RULES)])


@pytest.fixture(scope="module")
def evaluator(catalogue):
    return Evaluator(catalogue)


def case(period: int = 2020, **facts) -> Case:
    values = {key.replace("__", "."): FactValue(key.replace("__", "."), value) for key, value in facts.items()}
    return Case(District("测试区"), period, values)


def verdicts(evaluator, c: Case, rid: str) -> list[tuple[Verdict, str | None]]:
    return [(f.verdict, f.record) for f in evaluator.evaluate(c, only=[rid]).findings]


@pytest.mark.parametrize("reviewers, staff, expected", [
    (15, 300, Verdict.MET),      # exactly 5%
    (14, 300, Verdict.GAP),
    (7, 140, Verdict.MET),       # exactly 5% again
    (1, 21, Verdict.GAP),        # 4.76%
    (0, 0, Verdict.INSUFFICIENT),  # no staff: the share is undefined, never met
])
def test_ratio_threshold_is_exact(evaluator, reviewers, staff, expected):
    assert verdicts(evaluator, case(test__reviewers=reviewers, test__staff=staff), "TT-RATIO") == [(expected, None)]


@pytest.mark.parametrize("rate, expected", [("7", Verdict.MET), ("6.99", Verdict.GAP), ("7.000001", Verdict.MET)])
def test_percent_tie_is_met_where_float_multiplication_would_fail(evaluator, rate, expected):
    from decimal import Decimal
    assert 0.07 * 100 != 7  # the trap this guards against
    assert verdicts(evaluator, case(test__rate=Decimal(rate)), "TT-RATE-7") == [(expected, None)]


def test_missing_fact_is_insufficient_never_met(evaluator):
    findings = evaluator.evaluate(case(), only=None).findings
    assert {f.verdict for f in findings} <= {Verdict.INSUFFICIENT, Verdict.NOT_APPLICABLE}
    ratio = next(f for f in findings if f.requirement == "TT-RATIO")
    assert "审核人员数" in ratio.message.zh and "Reviewers" in ratio.message.en


def test_any_is_met_by_one_known_branch_but_a_gap_only_when_all_known(evaluator):
    from decimal import Decimal
    assert verdicts(evaluator, case(test__rate=Decimal(60)), "TT-EITHER") == [(Verdict.MET, None)]
    assert verdicts(evaluator, case(test__rate=Decimal(10)), "TT-EITHER") == [(Verdict.INSUFFICIENT, None)]
    assert verdicts(evaluator, case(test__rate=Decimal(10), test__hearings_recorded=False), "TT-EITHER") == [(Verdict.GAP, None)]


def test_applies_when(evaluator):
    assert verdicts(evaluator, case(test__has_hearings=False), "TT-HEARINGS") == [(Verdict.NOT_APPLICABLE, None)]
    assert verdicts(evaluator, case(test__has_hearings=True), "TT-HEARINGS") == [(Verdict.INSUFFICIENT, None)]
    assert verdicts(evaluator, case(test__has_hearings=True, test__hearings_recorded=False), "TT-HEARINGS") == [(Verdict.GAP, None)]
    assert verdicts(evaluator, case(test__hearings_recorded=True), "TT-HEARINGS") == [(Verdict.INSUFFICIENT, None)]


def test_law_in_force_by_period(evaluator):
    assert verdicts(evaluator, case(2020, test__staff=3), "TT-LATE") == [(Verdict.NOT_APPLICABLE, None)]
    assert verdicts(evaluator, case(2021, test__staff=3), "TT-LATE") == [(Verdict.MET, None)]
    message = evaluator.evaluate(case(2020), only=["TT-LATE"]).findings[0].message
    assert "2021-07-15" in message.zh and "2021-07-15" in message.en


def test_date_in_next_year(evaluator):
    assert verdicts(evaluator, case(test__report_date=dt.date(2021, 3, 1)), "TT-DEADLINE") == [(Verdict.MET, None)]
    assert verdicts(evaluator, case(test__report_date=dt.date(2021, 3, 2)), "TT-DEADLINE") == [(Verdict.GAP, None)]


def decisions(*rows) -> tuple[Record, ...]:
    return tuple(Record(rid, fields) for rid, fields in rows)


def test_per_record_gap_per_offending_record(evaluator):
    recs = decisions(("D1", {"used": 6, "limit": 5}), ("D2", {"used": 5, "limit": 5}), ("D3", {"used": 9, "limit": 1}))
    assert verdicts(evaluator, case(test__decisions=recs), "TT-WITHIN-LIMIT") == [(Verdict.GAP, "D1"), (Verdict.GAP, "D3")]
    assert verdicts(evaluator, case(test__decisions=recs[1:2]), "TT-WITHIN-LIMIT") == [(Verdict.MET, None)]
    assert verdicts(evaluator, case(test__decisions=()), "TT-WITHIN-LIMIT") == [(Verdict.NOT_APPLICABLE, None)]
    assert verdicts(evaluator, case(), "TT-WITHIN-LIMIT") == [(Verdict.INSUFFICIENT, None)]
    partial = decisions(("D1", {"used": 1, "limit": 5}), ("D2", {"used": 1}))
    assert verdicts(evaluator, case(test__decisions=partial), "TT-WITHIN-LIMIT") == [(Verdict.INSUFFICIENT, "D2")]
    mixed = decisions(("D1", {"used": 6, "limit": 5}), ("D2", {"used": 1}))
    assert verdicts(evaluator, case(test__decisions=mixed), "TT-WITHIN-LIMIT") == [(Verdict.GAP, "D1"), (Verdict.INSUFFICIENT, "D2")]


def test_exists_join_with_where_filter(evaluator):
    recs = decisions(("D1", {"major": True, "decided_on": dt.date(2020, 5, 10)}),
                     ("D2", {"major": True, "decided_on": dt.date(2020, 6, 1)}),
                     ("D3", {"major": False, "decided_on": dt.date(2020, 7, 1)}))
    reviews = decisions(("R1", {"decision": "D1", "reviewed_on": dt.date(2020, 5, 9)}),
                        ("R2", {"decision": "D2", "reviewed_on": dt.date(2020, 6, 1)}))  # same day: not before
    assert verdicts(evaluator, case(test__decisions=recs, test__reviews=reviews), "TT-REVIEWED") == [(Verdict.GAP, "D2")]
    only_minor = recs[2:]
    assert verdicts(evaluator, case(test__decisions=only_minor, test__reviews=()), "TT-REVIEWED") == [(Verdict.NOT_APPLICABLE, None)]


def test_workdays_follow_the_official_calendar():
    assert workdays_between(dt.date(2020, 9, 30), dt.date(2020, 10, 12)) == (3, True)  # National Day + 调休 Saturday
    assert workdays_between(dt.date(2020, 1, 23), dt.date(2020, 2, 3)) == (1, True)  # extended Spring Festival 2020
    count, exact = workdays_between(dt.date(2040, 1, 1), dt.date(2040, 1, 31))
    assert not exact and count == 22  # beyond the calendar: weekends only, flagged approximate


def test_workday_lag_per_record(evaluator):
    recs = decisions(("D1", {"decided_on": dt.date(2020, 9, 30), "published_on": dt.date(2020, 10, 12)}),
                     ("D2", {"decided_on": dt.date(2020, 9, 1), "published_on": dt.date(2020, 9, 11)}))
    findings = evaluator.evaluate(case(test__decisions=recs), only=["TT-PUBLISH-7WD"]).findings
    assert [(f.verdict, f.record) for f in findings] == [(Verdict.GAP, "D2")]
    assert "8个工作日" in findings[0].message.zh


def test_text_choice_via_in(evaluator):
    assert verdicts(evaluator, case(test__level="county"), "TT-LEVEL") == [(Verdict.MET, None)]
    assert verdicts(evaluator, case(test__level="city"), "TT-LEVEL") == [(Verdict.GAP, None)]


def test_every_requirement_gets_exactly_one_verdict_or_one_per_offending_record(catalogue, evaluator):
    c = load_case(CORE_CASE, catalogue.facts)
    findings = evaluator.evaluate(c).findings
    assert sorted({f.requirement for f in findings}) == sorted(r.id for r in catalogue.requirements)
    for rid in {f.requirement for f in findings}:
        mine = [f for f in findings if f.requirement == rid]
        assert len(mine) == 1 or all(f.verdict in (Verdict.GAP, Verdict.INSUFFICIENT) and f.record for f in mine)


def test_facts_accept_the_forms_people_write(catalogue):
    c = load_case(CORE_CASE, catalogue.facts)
    from decimal import Decimal
    assert c.facts["test.rate"].value == Decimal("96.2")
    assert c.facts["test.staff"].evidence.quote == "共有执法人员300人"


def test_exists_without_the_inner_records_is_insufficient_not_a_gap(evaluator):
    recs = decisions(("D1", {"major": True, "decided_on": dt.date(2020, 5, 10)}))
    assert verdicts(evaluator, case(test__decisions=recs), "TT-REVIEWED") == [(Verdict.INSUFFICIENT, "D1")]
    assert verdicts(evaluator, case(test__decisions=recs, test__reviews=()), "TT-REVIEWED") == [(Verdict.GAP, "D1")]


def test_exists_with_an_undated_candidate_is_unknown_not_a_gap(evaluator):
    recs = decisions(("D1", {"major": True, "decided_on": dt.date(2020, 5, 10)}),
                     ("D2", {"major": True, "decided_on": dt.date(2020, 6, 1)}))
    reviews = decisions(("R1", {"decision": "D1"}),  # a review of D1 without a date: might have come first
                        ("R2", {"decision": "D9", "reviewed_on": dt.date(2020, 1, 1)}))
    assert verdicts(evaluator, case(test__decisions=recs, test__reviews=reviews), "TT-REVIEWED") == [
        (Verdict.GAP, "D2"), (Verdict.INSUFFICIENT, "D1")]
    dated = decisions(("R1", {"decision": "D1", "reviewed_on": dt.date(2020, 5, 1)}))
    assert verdicts(evaluator, case(test__decisions=recs[:1], test__reviews=dated), "TT-REVIEWED") == [(Verdict.MET, None)]
