"""One case from its folder to an evaluation: facts, the inspectors' verifications, data checks, rules, waivers.

    facts.yaml            the district's claims (engine/facts_loader.py)
    verifications.yaml    optional, beside it: verified values replace claims (engine/verifications.py)
    waivers.yaml          optional, beside it: approved exceptions (engine/waivers.py); more can be passed in

`fazhi check`, `report`, `memo` and every worker of `fazhi inspect` go through `assess`, so a case
reads the same everywhere.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Iterable

from fazhi.errors import InputError, Location, Problem
from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import load_case
from fazhi.load.reading import confine_case
from fazhi.model.case import Case
from fazhi.model.results import Evaluation, Waiver
from fazhi.checks.verifications import apply_verifications, case_verifications_file, load_verifications
from fazhi.checks.waivers import apply_waivers, case_waivers_file, load_waivers


CASE_FILES = ("facts.yaml", "verifications.yaml", "waivers.yaml", "owners.yaml")


def assess(evaluator: Evaluator, case_path: str, only: Iterable[str] | None = None, on: dt.date | None = None,
           waivers: Iterable[Waiver] = (), details: bool = True) -> Evaluation:
    """Evaluate the case at `case_path` (a folder or its facts file) as of `on` (default today);
    `details`: as Evaluator.evaluate."""
    catalogue = evaluator.catalogue
    on = on or dt.date.today()
    confine_case(case_path, CASE_FILES)  # no file of the district's that points outside its folder
    case = load_case(case_path, catalogue.facts)
    check_period(case, on)
    case = apply_verifications(case, load_verifications(case_verifications_file(case_path), catalogue.facts))
    evaluation = evaluator.evaluate(case, only=only, details=details)
    beside = load_waivers(case_waivers_file(case_path), catalogue)
    return apply_waivers(evaluation, tuple(beside) + tuple(waivers), on)


def check_period(case: Case, on: dt.date) -> None:
    """A period that has not begun on the evaluation date cannot have facts: an input error, not a verdict."""
    if dt.date(case.period, 1, 1) <= on:
        return
    where = case.period_location or Location(case.file or "facts.yaml")
    raise InputError([Problem(
        where, f"period {case.period} is after the evaluation date {on.isoformat()}: the year has not begun",
        field="case.period",
        suggestion=f"give a year that has begun (at most {on.year}), or set the evaluation date with --date",
        zh=f"评估年度{case.period}晚于评估日期{on.isoformat()}，该年度尚未开始",
        suggestion_zh=f"填写已开始的年度（不晚于{on.year}），或用 --date 指定评估日期", field_zh="评估年度")])


def inputs_beside(case_path: str) -> list[tuple[str, str]]:
    """(role, path) of the optional files `assess` read, for the manifest."""
    found = [("verifications", case_verifications_file(case_path)), ("waivers", case_waivers_file(case_path))]
    return [(role, path) for role, path in found if os.path.exists(path)]
