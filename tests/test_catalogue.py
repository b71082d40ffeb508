"""Meta-tests over every shipped ruleset and profile; each collects all offenders before failing."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from fazhi.render.catalogue_doc import render_catalogue
from fazhi.evaluate.evaluator import Evaluator
from fazhi.vocabulary import Confidence, Severity
from fazhi.load.profiles import load_profile
from fazhi.load.ruleset_loader import load_catalogue
from fazhi.evaluate.ruletest import run_fixtures
from helpers import ROOT, run_fazhi

RULESETS = ROOT / "rulesets"
REFERENCE = ROOT.parent / "shared" / "reference" / "legal-requirements.md"
# a later or earlier version of the same duty keeps the table's ID plus the law's version
VERSION_SUFFIX = re.compile(r"-(APL\d{4}|\d{4})$")
# requirements that no row of the table states, each grounded in a quoted article of its own
NOT_IN_TABLE = {
    "TS-IMPL-ALL": "118 一（三）: every enforcement body implements the three systems (Macun admits uneven implementation)",
    "TS-ENF-REGULATED": "118 一（三）: enforcement acts are effectively regulated (Macun admits flaws in penalty work)",
    "HA-TS-MAJOR-SCOPE": "河南省行政执法条例 第二十八条第三款: the published scope of major decisions, split from HA-TS-MAJOR",
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([str(RULESETS)])


@pytest.fixture(scope="module")
def fixtures(catalogue):
    return run_fixtures(catalogue, Evaluator(catalogue))


def test_every_fixture_passes_and_every_verdict_is_covered(fixtures):
    results, coverage = fixtures
    failures = [f"{r.requirement}: {r.name}: {r.detail}" for r in results if not r.passed]
    missing = [f"{c.requirement}: no fixture for {', '.join(v.value for v in c.missing)}" for c in coverage]
    assert not failures + missing, "\n".join(failures + missing)


def test_catalogue_size_and_domains(catalogue):
    domains = Counter(r.domain for r in catalogue.requirements)
    assert len(catalogue.requirements) >= 80, domains
    assert len(domains) >= 8, domains


def test_requirement_ids_come_from_the_reference_table(catalogue):
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} is not beside the checkout")
    table = set(re.findall(r"^\| ([A-Z]{2,3}(?:-[A-Z0-9]+)+)\b", REFERENCE.read_text(encoding="utf-8"), re.M))
    offenders = [r.id for r in catalogue.requirements
                 if r.id not in table and VERSION_SUFFIX.sub("", r.id) not in table and r.id not in NOT_IN_TABLE]
    stale = [rid for rid in NOT_IN_TABLE if rid in table or catalogue.requirement(rid) is None]
    assert not offenders, f"ids not in the reference table: {offenders}"
    assert not stale, f"NOT_IN_TABLE lists ids that are in the table or not in the catalogue: {stale}"


def test_every_citation_is_quoted_and_unconfirmed_sources_are_advisory(catalogue):
    offenders = []
    for req in catalogue.requirements:
        for c in req.citations:
            if not c.quote.strip() or not c.article.strip():
                offenders.append(f"{req.id}: empty quote or article")
            if c.confidence is not Confidence.VERBATIM and req.severity is not Severity.ADVISORY:
                offenders.append(f"{req.id}: {c.confidence.value} source but severity {req.severity.value}")
        if not req.remediation.acceptance:
            offenders.append(f"{req.id}: no acceptance criterion for the memo")
    assert not offenders, "\n".join(offenders)


def test_every_declared_fact_is_read_by_some_requirement(catalogue):
    read = {key for req in catalogue.requirements for key in req.facts_read}
    read |= {v.args[0] for req in catalogue.requirements for v in req.vars if v.kind.value == "fact"}
    read |= {key for check in catalogue.data_checks for key in check.facts_read}  # a data check reading a fact counts
    unused = [key for key in catalogue.facts if key not in read]
    assert not unused, f"declared but never read: {unused}"


def test_profiles_load_against_the_catalogue(catalogue):
    profiles = sorted((RULESETS / "profiles").glob("*.yaml"))
    assert {p.stem for p in profiles} >= {"annual-evaluation", "three-systems-inspection"}
    for path in profiles:
        profile = load_profile(str(path), catalogue)
        assert profile.domains, path


def test_catalogue_document_is_current(catalogue):
    current = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    assert current == render_catalogue(catalogue), "docs/catalogue.md is stale: run `fazhi rules doc --out docs/catalogue.md --force`"


def test_rules_test_command_passes():
    result = run_fazhi("rules", "test")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "(100%)" in result.stdout
