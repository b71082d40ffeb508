"""`check`: one case evaluated against the catalogue, with the record of what it was computed from.

    result = check("cases/macun-2020")                      # built-in rulesets, today
    result = check(case, RuleSource(overlay=("my-rules",)), profile="annual-evaluation", memo="memo.json")
    result.evaluation.findings, result.score, result.manifest, result.progress, result.has_gaps,
    result.has_data_quality
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any, Sequence

from fazhi.app.manifest import RunOptions, build_manifest
from fazhi.app.rules import RuleSource, load_rules, rule_source
from fazhi.errors import InputError, Location, Problem
from fazhi.evaluate.assess import assess, inputs_beside
from fazhi.evaluate.evaluator import Evaluator
from fazhi.evaluate.scoring import Score, score
from fazhi.load.facts_loader import facts_file
from fazhi.load.reading import record_reads
from fazhi.load.profiles import find_profile, load_profile
from fazhi.model.catalogue import Catalogue
from fazhi.model.results import Evaluation
from fazhi.vocabulary import Verdict


@dataclass(frozen=True)
class CheckResult:
    evaluation: Evaluation
    score: Score | None  # with a profile
    manifest: dict[str, Any]  # versions and hashes of every input (app/manifest.py)
    progress: Any = None  # documents.memo_json.Progress, when a previous memo was given (整改销号)

    @property
    def has_gaps(self) -> bool:
        return any(f.verdict is Verdict.GAP for f in self.evaluation.findings)

    @property
    def has_data_quality(self) -> bool:
        """Submitted facts that disagree, or dates that cannot be: the result is not clean even without a gap."""
        return bool(self.evaluation.data_quality)


def case_path(path: str) -> str:
    """The case a user named: a folder with facts.yaml (or facts.yml), or a facts file.

    A folder of cases is not a case: the error says to use `fazhi inspect`."""
    if not os.path.isdir(path) or os.path.exists(os.path.join(path, "facts.yaml")):
        return path
    if os.path.isfile(os.path.join(path, "facts.yml")):
        return os.path.join(path, "facts.yml")
    inner = sorted(e for e in os.listdir(path) if os.path.isfile(os.path.join(path, e, "facts.yaml")))
    if inner:
        more = f" and {len(inner) - 1} more" if len(inner) > 1 else ""
        more_zh = f"等{len(inner)}个案例" if len(inner) > 1 else ""
        raise InputError([Problem(Location(path), f"a folder of cases ({inner[0]}{more}), not one case",
                                  suggestion=f"check one case, e.g. `fazhi check {os.path.join(path, inner[0])}`, "
                                             f"or all of them with `fazhi inspect {path}`",
                                  zh=f"这是存放多个案例的文件夹（{inner[0]}{more_zh}），不是一个案例",
                                  suggestion_zh=f"检查一个案例，如 `fazhi check {os.path.join(path, inner[0])}`；"
                                                f"或用 `fazhi inspect {path}` 检查全部案例")])
    raise InputError([Problem(Location(os.path.join(path, "facts.yaml")), "no such facts file",
                              suggestion="a case is a folder with facts.yaml, e.g. cases/macun-2020",
                              zh="没有此事实文件", suggestion_zh="案例是含 facts.yaml 的文件夹，如 cases/macun-2020")])


def evaluate_case(catalogue: Catalogue, case: str, profile: str | None, rules: RuleSource | Sequence[str] | None = None,
                  on: dt.date | None = None) -> tuple[Evaluation, Score | None, str | None]:
    """Load a case (with the verifications and waivers beside it) and evaluate it as of `on`, under a
    profile when one is named (which selects and scores).

    Returns the evaluation, the score (with a profile) and the profile file read.
    """
    case = case_path(case)
    if profile is None:
        with Evaluator(catalogue) as evaluator:  # closed: each one holds compiled rules in the engine
            return assess(evaluator, case, on=on), None, None
    profile_path = find_profile(profile, rule_source(rules).folders)
    chosen = load_profile(profile_path, catalogue)
    only = [r.id for r in catalogue.requirements if chosen.selects(r.id, r.domain)]
    with Evaluator(catalogue) as evaluator:
        evaluation = assess(evaluator, case, only=only, on=on)
    return evaluation, score(evaluation, chosen), profile_path


def check(case: str, rules: RuleSource | Sequence[str] | None = None, profile: str | None = None, lang: str = "zh",
          on: dt.date | None = None, memo: str | None = None) -> CheckResult:
    """Evaluate a case folder (or facts file) as of `on` (default today).

    rules: the rulesets (default built-in); profile: a name under rulesets/profiles/ or a YAML path;
    lang: recorded in the manifest; memo: last round's memo.json, to mark its items closed, open, reopened
    or unverified. Bad input raises InputError."""
    source = rule_source(rules)
    on = on or dt.date.today()
    with record_reads() as read:  # the manifest records the hashes of the bytes the result was computed from
        catalogue = load_rules(source)
        evaluation, scored, profile_path = evaluate_case(catalogue, case, profile, source, on)
    options = RunOptions(case, source.paths, profile, lang, on, source.overlay)
    extra = inputs_beside(case) + ([("memo", memo)] if memo else [])
    manifest = build_manifest(catalogue, facts_file(case_path(case)), options, profile_path, extra, read)
    progress = None
    if memo is not None:
        from fazhi.documents.memo_json import progress_from_file
        if not os.path.isfile(memo):
            raise InputError([Problem(Location(memo), "no such memo file", suggestion="give the memo.json that `fazhi memo` wrote",
                                      zh="没有此整改方案文件", suggestion_zh="请给出 `fazhi memo` 生成的 memo.json")])
        progress = progress_from_file(evaluation, memo)
    return CheckResult(evaluation, scored, manifest, progress)
