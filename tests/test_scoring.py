"""Profiles select requirements and score them; the derivation can be checked by hand."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from fazhi.errors import InputError
from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import load_case
from fazhi.load.profiles import load_profile
from fazhi.load.ruleset_loader import load_catalogue
from fazhi.evaluate.scoring import score
from helpers import CORE_CASE, CORE_RULES, DATA, run_fazhi

PROFILE = DATA / "core" / "profiles" / "test-scheme.yaml"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([str(CORE_RULES)])


def test_weighted_score_and_derivation(catalogue):
    profile = load_profile(str(PROFILE), catalogue)
    only = [r.id for r in catalogue.requirements if profile.selects(r.id, r.domain)]
    assert "TT-LEVEL" not in only
    evaluation = Evaluator(catalogue).evaluate(load_case(CORE_CASE, catalogue.facts), only=only)
    s = score(evaluation, profile)
    # weights: 6 requirements of weight 1 and TT-REVIEWED of 3 are scored (2 are not applicable);
    # met: 4 of weight 1 + TT-REVIEWED (3) = 7 of 9 -> 77.78 of 100
    assert s.total == Decimal("77.78") and s.maximum == 100 and not s.capped
    assert "计分要求7项（符合5、差距2" in s.derivation[0].zh


def test_critical_gap_caps_the_total(catalogue, tmp_path):
    facts = tmp_path / "facts.yaml"
    text = CORE_CASE.read_text(encoding="utf-8")
    text = text.replace("reviewed_on: 2020-09-29", "reviewed_on: 2020-10-29")  # D1 now reviewed after it was made
    text = text.replace("used: 6, limit: 5", "used: 5, limit: 5").replace("2021-03-02", "2021-03-01")
    facts.write_text(text, encoding="utf-8")
    profile = load_profile(str(PROFILE), catalogue)
    evaluation = Evaluator(catalogue).evaluate(load_case(facts, catalogue.facts))
    s = score(evaluation, profile)
    # without the cap: 6 of 9 weight met = 66.67; the critical gap caps it at 60% of 100
    assert s.capped and s.total == Decimal("60.00")
    assert any("TT-REVIEWED" in line.zh and "封顶" in line.zh for line in s.derivation)


def test_insufficient_facts_earn_the_declared_credit(catalogue, tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text("case: {district: {name: x}, period: 2020}\nfacts: {test.staff: 300}\n", encoding="utf-8")
    profile = load_profile(str(PROFILE), catalogue)
    s = score(Evaluator(catalogue).evaluate(load_case(facts, catalogue.facts)), profile)
    assert s.total == Decimal("50.00")  # everything scored is insufficient, at 50% credit


def test_profile_errors_name_the_field(catalogue, tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text(PROFILE.read_text(encoding="utf-8").replace("test: 100", "tset: 100").replace("TT-LEVEL", "TT-LEVLE"),
                   encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_profile(str(bad), catalogue)
    text = str(err.value)
    assert "did you mean 'TT-LEVEL'" in text and "domain 'tset' is not selected" in text and "p.yaml:" in text


def test_check_with_profile_by_name():
    result = run_fazhi("check", str(CORE_CASE), "--rules", str(CORE_RULES), "--profile", "test-scheme", "--format", "json")
    data = json.loads(result.stdout)
    assert data["score"]["total"] == 77.78 and data["score"]["profile"] == {"id": "test-scheme", "version": "1"}
    assert data["score"]["by_domain"]["test"]["scored"] == 7
    assert all(f["requirement"] != "TT-LEVEL" for f in data["findings"])
    missing = run_fazhi("check", str(CORE_CASE), "--rules", str(CORE_RULES), "--profile", "test-schme")
    assert missing.returncode == 2 and "是否应为“test-scheme”" in missing.stderr
