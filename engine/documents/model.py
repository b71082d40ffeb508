"""The report and memo as templates see them: frozen, already in one language, nothing left to compute.

Templates and the DOCX writer only lay these out; every grouping, ordering, number and sentence is
decided in build.py / memo.py, so Markdown, HTML and DOCX always say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class InfoRow:
    label: str
    value: str


@dataclass(frozen=True)
class Header:
    """The title block shared by both documents."""

    title: str
    district: str
    period: int
    evaluated_on: str  # as read (2021年3月1日)
    evaluated_on_iso: str
    rows: tuple[InfoRow, ...]


@dataclass(frozen=True)
class DomainSummary:
    domain: str
    title: str
    requirements: int
    met: int
    gap: int
    insufficient: int
    not_applicable: int
    score: str  # share met, "25%", or "—" when nothing applicable
    points: str = ""  # under a profile: "12.5 / 20"
    waived: int = 0  # requirements waived (counted apart; shown when any waiver names the district)


@dataclass(frozen=True)
class Summary:
    sentence: str
    domains: tuple[DomainSummary, ...]
    total: DomainSummary
    total_score: str | None  # only when a profile scores it: "68 / 100"
    notes: tuple[str, ...]  # how the share is computed; under a profile, the score's derivation
    show_waived: bool = False  # a waived column in the table


@dataclass(frozen=True)
class FactLine:
    label: str
    value: str
    evidence: str  # "" when none was given


@dataclass(frozen=True)
class RecordLine:
    record: str
    sentence: str
    facts: tuple[FactLine, ...]
    evidence: str  # the record's own evidence, "" when none


@dataclass(frozen=True)
class ProblemPoint:
    ordinal: str  # 一是 / First,
    sentence: str  # the statement in report register, closed by 。
    requirement: str
    title: str
    severity: str
    mark: str  # confidence marker, "" when the basis is verbatim
    expected: str
    actual: str
    facts: tuple[FactLine, ...]
    basis: tuple[str, ...]
    records: tuple[RecordLine, ...]
    progress_note: str = ""  # e.g. 上期问题，反弹


@dataclass(frozen=True)
class DomainProblems:
    heading: str  # （一）行政执法方面
    domain: str
    points: tuple[ProblemPoint, ...]


@dataclass(frozen=True)
class Question:
    question: str
    attach: str


@dataclass(frozen=True)
class InfoRequest:
    number: str
    requirement: str
    title: str
    mark: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class RequestRow:
    """One row of 附件2: one question per fact (a records fact asked once, its fields listed once)."""

    number: int
    question: str
    fields: str  # the fields to fill in for a records fact, "、"-joined; "" for a single fact
    requirements: str  # the requirement codes the answer serves (an annex column: codes allowed here)


@dataclass(frozen=True)
class AnnexRow:
    requirement: str
    title: str
    domain: str
    severity: str
    verdict: str
    verdict_code: str
    note: str
    basis: str
    mark: str


@dataclass(frozen=True)
class ProgressRow:
    number: int
    id: str
    requirement: str
    record: str | None
    problem: str
    previous_status: str  # label; "" for a new item
    status: str  # label
    status_code: str  # closed | open | reopened | unverified | new


@dataclass(frozen=True)
class ProgressView:
    sentence: str
    rows: tuple[ProgressRow, ...]


@dataclass(frozen=True)
class Section:
    """A numbered top-level heading (一、存在的问题) so every format numbers alike."""

    key: str
    heading: str


@dataclass(frozen=True)
class WaiverRow:
    requirement: str
    title: str
    record: str
    justification: str
    requested_by: str
    approved_by: str
    expires: str  # as read
    status: str  # label: 已豁免 / 已过期，按差距计 / 未使用
    status_code: str  # applied | expired | unused


@dataclass(frozen=True)
class UnverifiedRow:
    """A requirement met on facts no inspector has verified: the claim, not the proof."""

    requirement: str
    title: str
    tier: str  # label of the weakest tier: 自报 / 有证明材料
    facts: tuple[FactLine, ...]


@dataclass(frozen=True)
class DataQualityRow:
    check: str
    record: str
    message: str
    expected: str
    actual: str
    location: str


@dataclass(frozen=True)
class ReportView:
    lang: str
    header: Header
    sections: Mapping[str, Section]
    summary: Summary
    problems: tuple[DomainProblems, ...]
    requests: tuple[InfoRequest, ...]
    annex: tuple[AnnexRow, ...]
    progress: ProgressView | None
    waivers: tuple[WaiverRow, ...] = ()
    unverified: tuple[UnverifiedRow, ...] = ()
    data_quality: tuple[DataQualityRow, ...] = ()
    show_unverified: bool = False  # the section appears (even empty) when the report separates tiers
    request_rows: tuple[RequestRow, ...] = ()  # 附件2
    rfi_summary: str = ""  # the body's 需补充的材料: one paragraph pointing to 附件2
    counts_sentence: str = ""  # requirements vs findings, said once
    issuer: str = ""  # 署名: the case's submitted.by or --issuer
    addressee: str = ""  # 主送: --addressee, or the level above
    annexes: tuple[str, ...] = ()  # 附件说明: the annex titles in order


@dataclass(frozen=True)
class MemoItem:
    number: int
    id: str
    requirement: str
    record: str | None
    domain: str
    title: str
    severity: str  # label
    severity_code: str
    mark: str
    confidence_code: str
    problem: str
    measure: str
    owner: str
    owner_role: str
    deadline: str  # as read
    deadline_iso: str
    acceptance: str
    status: str  # label
    status_code: str  # open | reopened | closed | unverified
    deadline_note: str = ""  # （依《……》规则集规定） when the requirement's own deadline replaces the severity's


@dataclass(frozen=True)
class MemoTask:
    """A row of the task table: one per requirement (its records listed), numbered 整改事项1…"""

    number: str  # 整改事项1
    problem: str
    records: str  # the records concerned, "、"-joined; "" for a requirement checked once
    severity: str
    measure: str
    owner: str
    deadline: str  # as read, with its note
    acceptance: str
    status: str


@dataclass(frozen=True)
class Block:
    """A piece of the editable fixed text: heading1, heading2, paragraph, or tasks (where the table goes)."""

    kind: str
    text: str = ""


@dataclass(frozen=True)
class MemoView:
    lang: str
    header: Header
    sections: Mapping[str, Section]
    items: tuple[MemoItem, ...]
    deadline_sentence: str
    deadlines: Mapping[str, int]
    progress: ProgressView | None
    tasks: tuple[MemoTask, ...] = ()
    blocks: tuple[Block, ...] = ()  # the fixed sections around the task table
    issuer: str = ""
