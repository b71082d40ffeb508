"""Which rulesets a run reads, and the catalogue use cases: list, show, doc, test, validate.

A run reads the built-in catalogue (package data, `fazhi.resources.rulesets_folder()`) unless
`RuleSource.paths` names other ruleset files or folders; `RuleSource.overlay` adds a user's own
folders on top (an overlay requirement with a built-in id replaces it; any other is added).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from typing import Sequence

from fazhi.errors import InputError, Location, Problem, did_you_mean
from fazhi.load.catalogue_cache import cached_load
from fazhi.load.ruleset_loader import load_catalogue, ruleset_files
from fazhi.model.catalogue import Catalogue, Requirement
from fazhi.render import catalogue_view
from fazhi.resources import rulesets_folder


def default_rules() -> str:
    """The built-in rulesets (package data), shown relative to the current folder when inside it."""
    here = rulesets_folder()
    relative = os.path.relpath(here)
    return relative if not relative.startswith("..") else str(here)


@dataclass(frozen=True)
class RuleSource:
    """paths: ruleset files or folders (empty: the built-in catalogue); overlay: folders added on top."""

    paths: tuple[str, ...] = ()
    overlay: tuple[str, ...] = ()

    @property
    def rule_paths(self) -> list[str]:
        return list(self.paths) or [default_rules()]

    @property
    def folders(self) -> list[str]:
        """Where profiles/ and extraction/ are looked for: the overlay's first, then the rulesets'."""
        return list(self.overlay) + self.rule_paths


def rule_source(rules: RuleSource | Sequence[str] | None) -> RuleSource:
    if isinstance(rules, RuleSource):
        return rules
    return RuleSource(tuple(rules or ()))


def load_rules(rules: RuleSource | Sequence[str] | None = None) -> Catalogue:
    """The catalogue a run reads; InputError naming file:line for every problem."""
    source = rule_source(rules)
    paths, overlay = source.rule_paths, list(source.overlay)
    files = ruleset_files(paths) + ruleset_files(overlay)
    return cached_load(files, paths, overlay, lambda: load_catalogue(paths, overlay))


def rules_folder(source: RuleSource) -> str:
    """The folder of the (first) rulesets read, where extraction/ and profiles/ sit."""
    first = source.rule_paths[0]
    return first if os.path.isdir(first) else os.path.dirname(first) or "."


# --- list and show -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Listed:
    requirement: Requirement
    origin: str  # "built-in" | "overlay" | "replaces" (an overlay requirement in place of a built-in one)


def list_rules(catalogue: Catalogue, domain: str | None = None, as_of: dt.date | None = None) -> list[Listed]:
    """The requirements (of one domain, in force on a day), each with where it came from.

    `domain` is a domain id (three-systems) or its Chinese or English title (三项制度)."""
    if domain is not None:
        domain = resolve_domain(catalogue, domain)
    origin = {}
    for rs in catalogue.rulesets:
        for r in rs.requirements:
            origin[r.id] = ("replaces" if r.id in rs.replaces else "overlay") if rs.overlay else "built-in"
    return [Listed(r, origin[r.id]) for r in catalogue_view.select(catalogue, domain, as_of)]


def resolve_domain(catalogue: Catalogue, domain: str) -> str:
    """A domain id from its id, or its title in either language (case and spaces ignored)."""
    ids = list(dict.fromkeys(r.domain for r in catalogue.requirements))
    if domain in ids:
        return domain
    wanted = _fold(domain)
    for key, title in catalogue.domain_titles.items():
        if wanted in (_fold(key), _fold(title.zh), _fold(title.en)):
            return key
    within = [key for key, title in catalogue.domain_titles.items()  # 三项制度 for 行政执法三项制度: when only one has it
              if wanted and (wanted in _fold(title.zh) or wanted in _fold(title.en))]
    if len(within) == 1:
        return within[0]
    raise InputError([catalogue_view.unknown_domain(catalogue, domain)])


def show_rule(catalogue: Catalogue, requirement: str) -> Requirement:
    """One requirement by id, ignoring case; else an InputError suggesting the nearest ids."""
    by_id = {r.id.upper(): r for r in catalogue.requirements}
    found = by_id.get(requirement.strip().upper())
    if found is not None:
        return found
    near = did_you_mean(requirement.strip().upper(), by_id) or did_you_mean(requirement.strip().upper(),
                                                                           _loosely(by_id, requirement))
    raise InputError([Problem(Location("REQUIREMENT"), f"no requirement '{requirement}'",
                              suggestion=near or "see `fazhi rules list`", zh=f"没有要求“{requirement}”",
                              suggestion_zh=None if near else "要求编号见 `fazhi rules list`")])


def _loosely(by_id: dict[str, Requirement], requirement: str) -> list[str]:
    """Ids sharing a part with what was typed (TS-REVIEW-STAFF for TS-REVIEW-STAFF-5PCT), nearest first."""
    parts = set(requirement.strip().upper().split("-"))
    return sorted(by_id, key=lambda i: -len(parts & set(i.split("-"))))[:5]


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


# --- doc, test, validate -------------------------------------------------------------------------

def catalogue_doc(rules: RuleSource | Sequence[str] | None = None) -> str:
    """The catalogue as Markdown (Chinese, then English)."""
    from fazhi.render.catalogue_doc import render_catalogue
    return render_catalogue(load_rules(rules))


@dataclass(frozen=True)
class RuleTests:
    results: list  # evaluate.ruletest.TestResult
    coverage: list  # evaluate.ruletest.Coverage: requirements lacking a fixture for a verdict
    total: int

    @property
    def failed(self) -> list:
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.coverage


def test_rules(rules: RuleSource | Sequence[str] | None = None) -> RuleTests:
    """Run every requirement's fixtures."""
    from fazhi.evaluate.ruletest import run_fixtures
    catalogue = load_rules(rules)
    results, coverage = run_fixtures(catalogue)
    return RuleTests(list(results), list(coverage), len(catalogue.requirements))


test_rules.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


@dataclass(frozen=True)
class Validated:
    catalogue: Catalogue
    patterns_checked: bool  # extraction/ beside the rulesets was loaded against them


def validate(paths: Sequence[str] = ()) -> Validated:
    """Load rulesets (and the extraction patterns beside them); InputError lists every problem.

    A ruleset file given alone in a catalogue's folder (one holding sources.yaml) is read with the rulesets
    there, since it may cite their sources and facts; only the problems of the files given are reported, and the
    catalogue returned holds only their rulesets."""
    rule_paths = list(paths) or [default_rules()]
    given = {os.path.normpath(p) for p in rule_paths if os.path.isfile(p)}
    folders = {os.path.dirname(p) or "." for p in given}
    catalogues = [f for f in folders if os.path.isfile(os.path.join(f, "sources.yaml"))]  # a catalogue's folder
    context = sorted({os.path.normpath(f) for f in ruleset_files(catalogues)} - given)
    try:
        catalogue = load_catalogue(rule_paths + context)
    except InputError as exc:
        if not context:
            raise
        mine = [p for p in exc.problems if os.path.normpath(p.location.file) in given]
        if mine:
            raise InputError(mine) from None
        catalogue = load_catalogue(rule_paths)  # the folder around is broken, the files given are not: alone
    if context:
        kept = tuple(rs for rs in catalogue.rulesets if os.path.normpath(rs.file) in given)
        ids = {rs.id for rs in kept}
        catalogue = replace(catalogue, rulesets=kept, facts={k: f for k, f in catalogue.facts.items() if f.ruleset in ids})
    patterns = False
    for folder in (os.path.join(p, "extraction") for p in rule_paths if os.path.isdir(p)):
        if os.path.isdir(folder):  # the extraction patterns name facts of these rulesets: check them together
            from fazhi.intake.patterns import load_patterns
            load_patterns(folder, catalogue)
            patterns = True
    return Validated(catalogue, patterns)
