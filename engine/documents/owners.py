"""Who answers for a memo item: a case's owners.yaml maps owner roles, domains or requirements to units.

    # cases/<district>-<year>/owners.yaml
    roles:          # a requirement's remediation.owner role → the unit that does the work
      司法局: 马村区司法局
      市场监管局: 马村区市场监督管理局
    domains:        # every requirement of a domain whose role is not mapped above
      decisions: 马村区人民政府办公室
    requirements:   # one requirement, whatever its role
      TS-REVIEW-STAFF-5PCT: 马村区司法局法制审核科

The most specific wins: requirement, then role, then domain; with none, the role itself names the
owner. Every section is optional. Problems are InputErrors with file:line, so the CLI exits 2.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping

from fazhi.errors import InputError, Location, Problem
from fazhi.load.schema import Reader
from fazhi.load.yamlio import load_file

SECTIONS = ("roles", "domains", "requirements")
FILE_NAME = "owners.yaml"


@dataclass(frozen=True)
class Owners:
    roles: Mapping[str, str] = field(default_factory=dict)
    domains: Mapping[str, str] = field(default_factory=dict)
    requirements: Mapping[str, str] = field(default_factory=dict)

    def unit(self, requirement: str, role: str, domain: str) -> str:
        return (self.requirements.get(requirement) or self.roles.get(role) or self.domains.get(domain) or role)


def case_owners_file(case_path: str) -> str:
    """owners.yaml beside the case's facts.yaml (a case is a folder or its facts file)."""
    folder = case_path if os.path.isdir(case_path) else os.path.dirname(case_path)
    return os.path.join(folder, FILE_NAME)


def load_owners(path: str | None) -> Owners:
    """The mapping in `path`; no file at all means every owner is its role."""
    if path is None or not os.path.exists(path):
        return Owners()
    r = Reader(load_file(path))
    if r.doc.data is None:
        return Owners()
    if r.mapping((), optional=SECTIONS) is None:
        raise InputError(r.problems)
    sections = {name: _section(r, name) for name in SECTIONS}
    if r.problems:
        raise InputError(r.problems)
    return Owners(**sections)


def _section(r: Reader, name: str) -> dict[str, str]:
    raw = r.get((name,))
    if not isinstance(raw, dict):
        if raw is not None and name in r.doc.data:
            r.problem((name,), "expected a mapping of name → unit", suggestion=f"e.g. {name}: {{司法局: 马村区司法局}}")
        return {}
    units: dict[str, str] = {}
    for key in raw:
        unit = r.string((name, key))
        if unit:
            units[str(key)] = unit.strip()
    return units


def require_file(path: str) -> None:
    """An owners file named on the command line must exist (the case's own one is optional)."""
    if not os.path.exists(path):
        raise InputError([Problem(Location(path), "no such owners file", suggestion="see engine/documents/owners.py for the format")])
