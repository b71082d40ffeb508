"""Assessment profiles (rulesets/profiles/*.yaml): which requirements a scheme checks and how it scores them.

The scoring model is data. Each domain carries points, shared by its scored requirements in
proportion to their weights (default 1; advisory requirements default to 0, because an unconfirmed
source is reported but never scored). A requirement earns its share when met, nothing when a gap,
and the profile's `insufficient_facts` fraction when facts are missing. A critical gap caps the total.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping

from fazhi.errors import InputError, Location, Problem, did_you_mean
from fazhi.model.catalogue import Catalogue
from fazhi.vocabulary import Text
from fazhi.load.schema import Reader
from fazhi.load.yamlio import load_file


@dataclass(frozen=True)
class Profile:
    id: str
    title: Text
    version: str
    domains: tuple[str, ...]  # selected domains (all when the profile says `all`)
    exclude: tuple[str, ...]
    domain_points: Mapping[str, Decimal]
    weights: Mapping[str, Decimal] = field(default_factory=dict)
    insufficient_credit: Decimal = Decimal(0)
    advisory_weight: Decimal = Decimal(0)
    critical_gap_cap: Decimal | None = None  # percent of the maximum
    file: str = ""
    note: Text | None = None  # e.g. that the weights are not official

    def selects(self, requirement_id: str, domain: str) -> bool:
        return domain in self.domains and requirement_id not in self.exclude


def profiles_dir(rules_paths: list[str]) -> list[str]:
    folders = [p if os.path.isdir(p) else os.path.dirname(p) or "." for p in rules_paths]
    return list(dict.fromkeys(os.path.join(d, "profiles") for d in folders if os.path.isdir(os.path.join(d, "profiles"))))


def find_profile(name: str, rules_paths: list[str]) -> str:
    if name.endswith(".yaml") or os.sep in name:
        return name
    candidates = {}
    for folder in profiles_dir(rules_paths):
        for entry in sorted(os.listdir(folder)):
            if entry.endswith(".yaml"):
                candidates[entry[:-5]] = os.path.join(folder, entry)
    if name not in candidates:
        raise InputError([Problem(Location("--profile"), f"no profile '{name}'",
                                  suggestion=did_you_mean(name, candidates) or f"profiles: {', '.join(candidates) or 'none'}")])
    return candidates[name]


def load_profile(path: str, catalogue: Catalogue) -> Profile:
    r = Reader(load_file(path))
    r.mapping((), required=("profile", "select", "scoring"))
    r.mapping(("profile",), required=("id", "title", "version"), optional=("note",))
    pid = r.string(("profile", "id"))
    title = r.text(("profile", "title"))
    version = r.string(("profile", "version"))
    note = r.text(("profile", "note"), optional=True)
    known_domains = list(dict.fromkeys(req.domain for req in catalogue.requirements))
    known_ids = {req.id for req in catalogue.requirements}
    select = r.mapping(("select",), required=("domains",), optional=("exclude",)) or {}
    raw_domains = select.get("domains")
    domains: list[str] = []
    if raw_domains == "all":
        domains = known_domains
    else:
        for i, d in enumerate(r.sequence(("select", "domains"))):
            if d not in known_domains:
                r.problem(("select", "domains", i), f"no domain '{d}'", did_you_mean(str(d), known_domains))
            domains.append(str(d))
    exclude = [str(x) for x in r.sequence(("select", "exclude"), optional=True)]
    for i, rid in enumerate(exclude):
        if rid not in known_ids:
            r.problem(("select", "exclude", i), f"no requirement '{rid}'", did_you_mean(rid, known_ids))
    r.mapping(("scoring",), required=("domains",),
                        optional=("weights", "insufficient_facts", "advisory_weight", "critical_gap_cap")) or {}
    points = _numbers(r, ("scoring", "domains"), domains, "domain '{}' is not selected", "points must be a number ≥ 0")
    raw_points = r.get(("scoring", "domains"))
    if isinstance(raw_points, dict):
        for d in domains:
            if d not in raw_points:
                r.problem(("scoring", "domains"), f"no points for selected domain '{d}'")
    weights = _numbers(r, ("scoring", "weights"), known_ids, "no requirement '{}'", "a weight must be a number ≥ 0")
    credit = _fraction(r, ("scoring", "insufficient_facts"), Decimal(0))
    advisory = r.decimal(("scoring", "advisory_weight")) or Decimal(0)
    cap = r.decimal(("scoring", "critical_gap_cap"))
    if cap is not None and not 0 <= cap <= 100:
        r.problem(("scoring", "critical_gap_cap"), "a cap is a percentage of the maximum, 0–100")
    if r.problems:
        raise InputError(r.problems)
    return Profile(pid or "?", title or Text("", ""), version or "", tuple(domains), tuple(exclude), points, weights,
                   credit, advisory, cap, path, note)


def _numbers(r: Reader, path: tuple[str, ...], known: Iterable[str], unknown: str, negative: str) -> dict[str, Decimal]:
    """A mapping of known names to numbers ≥ 0 (domain points, requirement weights)."""
    raw = r.get(path)
    known = list(known)
    out: dict[str, Decimal] = {}
    for name in raw if isinstance(raw, dict) else ():
        value = r.decimal(path + (name,))
        if name not in known:
            r.problem(path + (name,), unknown.format(name), did_you_mean(name, known))
        elif value is None or value < 0:
            r.problem(path + (name,), negative)
        else:
            out[name] = value
    return out


def _fraction(r: Reader, path: tuple[str, ...], default: Decimal) -> Decimal:
    value = r.decimal(path)
    if value is None:
        return default
    if not 0 <= value <= 1:
        r.problem(path, "a credit is a fraction from 0 to 1")
    return value
