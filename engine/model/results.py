"""What an evaluation produces: findings, data-quality findings, waivers, and the evaluation itself."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fazhi.errors import Location
from fazhi.formatting import join
from fazhi.model.case import Case, Evidence, Verification
from fazhi.model.catalogue import Catalogue, Citation, Remediation
from fazhi.vocabulary import Confidence, Severity, Text, Tier, Verdict


@dataclass(frozen=True)
class FactUse:
    key: str
    label: Text
    value: Any
    display: str
    evidence: Evidence | None
    tier: Tier | None = None  # None: nothing was given
    verification: Verification | None = None  # with the claim it replaced


@dataclass(frozen=True)
class Waiver:
    """An approved exception: the requirement (for one record, or all) is not held against the district."""

    requirement: str
    district: str
    justification: str
    requested_by: str
    approved_by: str
    expires: dt.date
    record: str | None = None
    location: Location | None = field(default=None, compare=False)

    def expired(self, on: dt.date) -> bool:
        return self.expires < on


@dataclass(frozen=True)
class Finding:
    requirement: str
    verdict: Verdict
    severity: Severity
    domain: str
    title: Text
    message: Text
    expected: Text
    facts: tuple[FactUse, ...]
    citations: tuple[Citation, ...]
    remediation: Remediation
    record: str | None = None
    confidence: Confidence = Confidence.VERBATIM
    tier: Tier | None = None  # the weakest tier of the facts it rests on; None when it rests on none
    waiver: Waiver | None = None  # the waiver that applies (verdict WAIVED), or an expired one (verdict unchanged)
    original: Verdict | None = None  # the verdict before a waiver applied
    department: str | None = None  # the department it judges (a per-department requirement), None: the district

    @property
    def actual(self) -> Text:
        """What the facts show, "label：value" each (made when read: an inspection of thousands of
        districts never reads it)."""
        return Text(join([f"{u.label.zh}：{u.display.zh}" for u in self.facts], "zh"),
                    join([f"{u.label.en}: {u.display.en}" for u in self.facts], "en"))

    @property
    def unverified(self) -> bool:
        """Met, but resting on a fact no inspector has verified."""
        return self.verdict is Verdict.MET and self.tier is not None and self.tier is not Tier.VERIFIED


@dataclass(frozen=True)
class DataQualityFinding:
    """A submitted fact that does not agree with itself, its total, the period or another statement."""

    check: str  # DataCheck.id
    kind: str
    fact: str
    message: Text
    expected: Text
    actual: Text
    facts: tuple[FactUse, ...]
    record: str | None = None
    location: Location | None = field(default=None, compare=False)
    # the values it makes doubtful, read as unknown by the rules: (fact, None, None) or (fact, record, field)
    doubtful: tuple[tuple[str, str | None, str | None], ...] = ()


@dataclass(frozen=True)
class Evaluation:
    case: Case
    catalogue: Catalogue
    findings: tuple[Finding, ...]
    data_quality: tuple[DataQualityFinding, ...] = ()
    waivers: tuple[Waiver, ...] = ()  # the waivers that named this district (applied, expired or unused)
    waivers_on: dt.date | None = None  # the date expiry was judged on
    # each department's own findings of the per-department requirements (the district's are in `findings`)
    department_findings: tuple[Finding, ...] = ()
