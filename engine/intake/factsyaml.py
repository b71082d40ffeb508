"""Writing a facts file (docs/facts.md) with comments, and proving it loads before anything is written."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from fazhi.load.facts_loader import EVIDENCE_KEYS, parse_case
from fazhi.model.case import Case
from fazhi.model.catalogue import FactSpec
from fazhi.load.yamlio import load_text
from fazhi.intake.numbers import plain


@dataclass
class Entry:
    """One fact as it will be written: a scalar value or records, its evidence, comments above it."""

    key: str
    value: Any = None
    records: list[dict[str, Any]] | None = None
    evidence: dict[str, str] | None = None
    comments: list[str] = field(default_factory=list)


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = yaml.safe_dump(str(value), allow_unicode=True, default_style='"', width=float("inf"))
    return text.rstrip("\n").removesuffix("\n...").rstrip("\n")


def comment(text: str) -> str:
    return " ".join(str(text).split())


def flow(mapping: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in mapping.items() if v is not None) + "}"


def evidence_lines(evidence: Mapping[str, str] | None, indent: str) -> list[str]:
    items = [(k, evidence[k]) for k in EVIDENCE_KEYS if evidence and evidence.get(k) not in (None, "")]
    if not items:
        return []
    return [f"{indent}evidence:"] + [f"{indent}  {k}: {scalar(v)}" for k, v in items]


def render(header: list[str], district: Mapping[str, Any], period: Any, submitted: Mapping[str, Any] | None,
           entries: list[Entry]) -> str:
    lines = [f"# {comment(h)}" if h else "#" for h in header]
    lines += ["case:", f"  district: {flow(district)}", f"  period: {scalar(period)}"]
    if submitted and any(v is not None for v in submitted.values()):
        lines.append(f"  submitted: {flow(submitted)}")
    lines.append("facts:" if entries else "facts: {}")
    for entry in entries:
        lines += [f"  # {comment(c)}" for c in entry.comments]
        lines.append(f"  {entry.key}:")
        if entry.records is not None:
            lines.append("    records:" if entry.records else "    records: []")
            for record in entry.records:
                fields = [(k, v) for k, v in record.items() if k != "evidence" and v is not None]
                lines.append(f"      - {fields[0][0]}: {scalar(fields[0][1])}")
                lines += [f"        {k}: {scalar(v)}" for k, v in fields[1:]]
                lines += evidence_lines(record.get("evidence"), "        ")
        else:
            lines.append(f"    value: {scalar(entry.value)}")
        lines += evidence_lines(entry.evidence, "    ")
    return "\n".join(lines) + "\n"


def check(text: str, file: str, vocabulary: Mapping[str, FactSpec]) -> Case:
    """Load the text exactly as `fazhi check` will; an InputError here means nothing may be written."""
    return parse_case(load_text(text, file), vocabulary)
