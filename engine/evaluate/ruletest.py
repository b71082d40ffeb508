"""`fazhi rules test`: run every requirement's fixtures and report coverage, in the spirit of `opa test`."""
from __future__ import annotations

from dataclasses import dataclass

from fazhi.evaluate.evaluator import Evaluator
from fazhi.model.catalogue import Catalogue, Requirement, RuleTest
from fazhi.vocabulary import Verdict

REQUIRED = (Verdict.MET, Verdict.GAP, Verdict.INSUFFICIENT)


@dataclass(frozen=True)
class TestResult:
    requirement: str
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Coverage:
    requirement: str
    missing: tuple[Verdict, ...]


def required_verdicts(req: Requirement) -> tuple[Verdict, ...]:
    return REQUIRED + ((Verdict.NOT_APPLICABLE,) if req.applies_when is not None else ())


def run_fixtures(catalogue: Catalogue, evaluator: Evaluator | None = None) -> tuple[list[TestResult], list[Coverage]]:
    evaluator = evaluator or Evaluator(catalogue)
    results: list[TestResult] = []
    coverage: list[Coverage] = []
    for req in catalogue.requirements:
        for test in req.tests:
            results.append(_run(evaluator, req, test))
        seen = {t.expect for t in req.tests}
        missing = tuple(v for v in required_verdicts(req) if v not in seen)
        if missing:
            coverage.append(Coverage(req.id, missing))
    return results, coverage


def _run(evaluator: Evaluator, req: Requirement, test: RuleTest) -> TestResult:
    evaluation = evaluator.evaluate(test.facts, only=[req.id])
    findings = evaluation.findings
    verdicts = {f.verdict for f in findings}
    got = Verdict.GAP if Verdict.GAP in verdicts else next(iter(verdicts))
    gap_records = tuple(sorted(f.record for f in findings if f.verdict is Verdict.GAP and f.record))
    gap_departments = tuple(sorted(f.department for f in evaluation.department_findings
                                   if f.verdict is Verdict.GAP and f.department))
    ok = (got is test.expect and (not test.gap_records or gap_records == tuple(sorted(test.gap_records)))
          and (not test.gap_departments or gap_departments == tuple(sorted(test.gap_departments))))
    detail = f"expected {test.expect.value}, got {got.value}"
    if test.gap_records:
        detail += f"; gap records expected {list(test.gap_records)}, got {list(gap_records)}"
    if test.gap_departments:
        detail += f"; gap departments expected {list(test.gap_departments)}, got {list(gap_departments)}"
    if not ok and findings:
        detail += f" — {findings[0].message.en}"
    return TestResult(req.id, test.name, ok, detail)
