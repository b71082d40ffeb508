"""The Evaluator works out once per requirement what its findings need (engine/evaluate.py `_Wording`): the
facts a verdict's tier rests on, the variables a missing-facts message names, and plain message templates.
Every finding must be what the direct, per-finding reading of the requirement gives."""
from __future__ import annotations

import sys

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "bench"))


def _reference_tier(req, case, outcome, values):  # noqa: ANN001, ANN202
    """The weakest tier of every decisive variable's _var_tiers, the joined facts and the records' holder."""
    from fazhi.evaluate.evaluator import _var_tiers
    from fazhi.vocabulary import weakest_tier
    tiers = _var_tiers(req, case, values, outcome.record)
    decisive = [tiers.get(name) for name in req.decisive_vars]
    decisive += [case.facts[c.records].tier if c.records in case.facts else None for c in req.joins]
    if req.for_each and req.for_each in case.facts and outcome.record is None:
        decisive.append(case.facts[req.for_each].tier)
    return weakest_tier(decisive)


def _reference_missing(catalogue, req, case, values, record):  # noqa: ANN001, ANN202
    from fazhi.model.conditions import VarKind
    from fazhi.formatting import NOT_GIVEN
    missing = [v.label for v in req.vars if v.name not in values.exact and v.name in req.decisive_vars
               and v.kind not in (VarKind.PERCENT, VarKind.DAYS, VarKind.WORKDAYS)
               and not (v.kind is VarKind.FIELD and record is None)]
    if req.for_each and req.for_each not in case.facts:
        missing.insert(0, catalogue.facts[req.for_each].label)
    missing += [catalogue.facts[c.records].label for c in req.joins if c.records not in case.facts]
    return missing or [v.label for v in req.vars if v.name not in values.exact] or [NOT_GIVEN]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):  # noqa: ANN001, ANN201
    from generate import Generator

    from fazhi.load.ruleset_loader import load_catalogue
    root = tmp_path_factory.mktemp("wording")
    Generator(load_catalogue([str(ROOT / "rulesets")]), seed=11).write(root, 6, [2020, 2021], verify_share=0.5)
    return sorted(p for p in root.iterdir() if p.is_dir()) + [ROOT / "cases" / "macun-2020"]


def test_findings_read_their_requirement_as_the_direct_reading_does(generated):  # noqa: ANN001
    from fazhi.evaluate.evaluator import Evaluator, render_message
    from fazhi.load.facts_loader import load_case
    from fazhi.compile.measures import Values
    from fazhi.load.ruleset_loader import load_catalogue
    from fazhi.vocabulary import Text, Verdict
    catalogue = load_catalogue([str(ROOT / "rulesets")])
    seen = {"tiers": set(), "plain": 0, "missing": 0, "doubtful": 0, "zero": 0}

    class Checked(Evaluator):
        def _finding(self, req, case, outcome, details, *shared):  # noqa: ANN001, ANN002, ANN202
            finding = super()._finding(req, case, outcome, details, *shared)
            values = outcome.values or Values()
            assert finding.tier == _reference_tier(req, case, outcome, values), (req.id, finding.record)
            seen["tiers"].add(finding.tier)
            template = req.messages.get(outcome.verdict)
            if outcome.verdict in (Verdict.MET, Verdict.GAP) and template is not None:
                expected = Text(*(render_message(req, template.get(lang), lang, values, outcome.record)
                                  for lang in ("zh", "en")))
                assert finding.message == expected, (req.id, finding.record)
                seen["plain"] += 1
            if outcome.verdict is Verdict.INSUFFICIENT and "doubtful data, cannot decide: " in finding.message.en:
                assert "数据存疑，无法判断：" in finding.message.zh, req.id  # quotes the data-quality finding instead
                seen["doubtful"] += 1
            elif outcome.verdict is Verdict.INSUFFICIENT and " is 0, so " in finding.message.en \
                    and "missing:" not in finding.message.en:
                assert "为0，无法计算" in finding.message.zh, req.id  # both facts given: the total is 0
                seen["zero"] += 1
            elif outcome.verdict is Verdict.INSUFFICIENT:
                missing = _reference_missing(self.catalogue, req, case, values, outcome.record)
                assert finding.message.en.endswith("missing: " + ", ".join(m.en for m in missing)), req.id
                assert finding.message.zh.endswith("：" + "、".join(m.zh for m in missing)), req.id
                seen["missing"] += 1
            return finding

    evaluator = Checked(catalogue)
    for path in generated:
        case = load_case(path, catalogue.facts)
        evaluator.evaluate(case, details=False)
        evaluator.evaluate(case, details=True)
    assert len(seen["tiers"]) >= 3 and seen["plain"] > 100 and seen["missing"] > 100  # the checks saw every kind


def test_a_plain_template_is_filled_as_render_message_fills_it():
    from types import SimpleNamespace

    from fazhi.evaluate.evaluator import _fill, _slots, render_message
    from fazhi.compile.measures import Values
    req = SimpleNamespace(id="R", location=None, vars=(SimpleNamespace(name="rate"), SimpleNamespace(name="on")))
    names = frozenset({"rate", "on"})
    values, record = Values({"rate": 5}), SimpleNamespace(id="X1")
    for template in ("率{{ rate }}，事项{{record}}，{{on}}\n", "no names", "{{ rate }}{{ rate }}"):
        for lang in ("zh", "en"):
            assert (_fill(_slots(template, names), values.exact, record, lang == "en")
                    == render_message(req, template, lang, values, record))
    assert _slots("{{ other }}", names) is None and _slots("{% if rate %}x{% endif %}", names) is None  # left to Jinja
    assert _fill(_slots("{{ record }}", frozenset({"record"})), {"record": 1}, record, False) == "1"  # a variable named so


def test_record_frames_read_the_values_the_direct_reading_gives(generated):  # noqa: ANN001
    """_frames reads the shared variables once per requirement and only the record-dependent ones per record
    (engine/evaluate.py `_Plan`, measures.own_values); merged, they must be every variable read for the record."""
    from fazhi.evaluate.evaluator import _plan, _record_values
    from fazhi.load.facts_loader import load_case
    from fazhi.compile.measures import own_values, record_values, scalar_values
    from fazhi.load.ruleset_loader import load_catalogue
    catalogue = load_catalogue([str(ROOT / "rulesets")])
    plans = {req.id: _plan(req) for req in catalogue.requirements}
    for req in catalogue.requirements:
        plan = plans[req.id]
        assert set(plan.shared).isdisjoint(plan.dependent) and len(plan.shared) + len(plan.dependent) == len(req.vars)
        assert plan.tested_shared + plan.tested_dependent == tuple(
            v.name for v in plan.shared + plan.dependent if v.name in plan.reads)
    compared = 0
    for path in generated:
        case = load_case(path, catalogue.facts)
        for req in catalogue.requirements:
            plan = plans[req.id]
            shared = scalar_values(req, case, plan.shared)
            assert shared == scalar_values(req, case), req.id
            for record in case.facts[req.for_each].value if req.for_each in case.facts else ():
                _, merged = _record_values(shared, (record, *own_values(plan.dependent, case, record, shared.exact)))
                assert merged == record_values(req, case, record), (req.id, record.id)
                compared += 1
    assert compared > 1000


def test_own_values_marks_workdays_counted_by_weekends_alone():
    import datetime as dt
    from types import SimpleNamespace

    from fazhi.model.case import Record
    from fazhi.model.conditions import Var, VarKind
    from fazhi.compile.measures import Values, own_values, record_values
    label = SimpleNamespace(zh="", en="")
    on = Var("on", VarKind.FIELD, None, ("on",), label)
    due = Var("due", VarKind.DATE_IN_YEAR, None, (0, 12, 31), label)
    wd = Var("wd", VarKind.WORKDAYS, None, ("on", "due"), label)
    req = SimpleNamespace(vars=(on, due, wd))
    for year in (1990, 2020):  # before the official calendar, and on it
        case = SimpleNamespace(period=year, facts={})
        record = Record("X", {"on": dt.date(year, 3, 1)})
        shared = Values({"due": dt.date(year, 12, 31)})
        own, approximate = own_values((on, wd), case, record, shared.exact)
        assert own == {"on": dt.date(year, 3, 1), "wd": record_values(req, case, record).exact["wd"]}
        assert approximate == ({"wd"} if year == 1990 else None)
