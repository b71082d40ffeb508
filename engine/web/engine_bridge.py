"""The web app's only door into the engine: catalogue, validation, evaluation and documents.

Everything here goes through the same functions the CLI uses (the loaders, `assess`, `fazhi.app.check`, the
document builders), on a case folder written from the database. When the application layer (fazhi.app)
offers these as use cases, only this module changes.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping

from fazhi.errors import Problem
from fazhi.evaluate.assess import assess
from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import EVIDENCE_KEYS, parse_case
from fazhi.load.ruleset_loader import load_catalogue
from fazhi.load.yamlio import Document
from fazhi.model.case import Evidence, FactValue, Record
from fazhi.model.catalogue import Catalogue, FactSpec, Requirement
from fazhi.model.results import Evaluation
from fazhi.resources import rulesets_folder
from fazhi.vocabulary import FactType, Text

__all__ = ["EVIDENCE_KEYS", "Problem", "FactType"]


@functools.cache
def catalogue() -> Catalogue:
    return load_catalogue([str(rulesets_folder())])


@functools.cache
def evaluator() -> Evaluator:
    return Evaluator(catalogue())


def vocabulary() -> Mapping[str, FactSpec]:
    return catalogue().facts


@dataclass(frozen=True)
class Domain:
    id: str
    title: Text
    facts: tuple[FactSpec, ...]


@functools.cache
def domains() -> tuple[Domain, ...]:
    """The questionnaire's domains in catalogue order, each with the facts its rulesets declare."""
    cat = catalogue()
    by_domain: dict[str, list[FactSpec]] = {}
    ruleset_domain = {rs.id: rs.domain or rs.id for rs in cat.rulesets}
    for spec in cat.facts.values():
        by_domain.setdefault(ruleset_domain.get(spec.ruleset, spec.ruleset), []).append(spec)
    titles = cat.domain_titles
    return tuple(Domain(d, titles.get(d, Text(d, d)), tuple(facts)) for d, facts in by_domain.items())


def domain(domain_id: str) -> Domain | None:
    return next((d for d in domains() if d.id == domain_id), None)


def domain_of_fact(key: str) -> str | None:
    return next((d.id for d in domains() if any(f.key == key for f in d.facts)), None)


@functools.cache
def requirements_reading() -> dict[str, tuple[Requirement, ...]]:
    """fact key → the requirements whose verdict reads it."""
    out: dict[str, list[Requirement]] = {}
    for req in catalogue().requirements:
        for key in req.facts_read:
            out.setdefault(key, []).append(req)
    return {k: tuple(v) for k, v in out.items()}


# --- values: the JSON form kept in the database, and back to what facts.yaml holds -------------------

def encode(ftype: FactType, value: Any) -> Any:
    if value is None:
        return None
    if ftype in (FactType.NUMBER, FactType.PERCENT):
        return str(value)
    if ftype is FactType.DATE:
        return value.isoformat()
    return value


def decode(ftype: FactType, value: Any) -> Any:
    if value is None:
        return None
    if ftype in (FactType.NUMBER, FactType.PERCENT):
        return Decimal(value)
    if ftype is FactType.DATE:
        return dt.date.fromisoformat(value)
    return value


def evidence_data(evidence: Evidence | None) -> dict[str, str] | None:
    if evidence is None:
        return None
    data = {k: getattr(evidence, k) for k in EVIDENCE_KEYS if getattr(evidence, k) is not None}
    return data or None


def encode_fact(spec: FactSpec, fact: FactValue, department: str | None = None) -> Any:
    """The database form of a loaded fact's value (records with their fields and evidence); `department`:
    the department whose own fact it is (its records carry its id, which is not stored again)."""
    if spec.type is not FactType.RECORDS:
        return encode(spec.type, fact.value)
    return [encode_record(spec, r, department) for r in fact.value]


def encode_record(spec: FactSpec, record: Record, department: str | None = None) -> dict[str, Any]:
    fields = {}
    for name, value in record.fields.items():
        fspec = spec.field_spec(name)
        fields[name] = encode(fspec.type if fspec else FactType.TEXT, value)
    out: dict[str, Any] = {"id": record.id, "fields": fields}
    if record.department is not None and record.department != department:
        out["department"] = record.department  # a district record naming the department it came from
    if record.evidence is not None:
        out["evidence"] = evidence_data(record.evidence)
    return out


def yaml_value(spec: FactSpec, stored: Any) -> Any:
    """The value as facts.yaml writes it (records as their list of mappings)."""
    if spec.type is not FactType.RECORDS:
        return decode(spec.type, stored)
    rows = []
    for rec in stored:
        row: dict[str, Any] = {"id": rec["id"]}
        if rec.get("department"):
            row["department"] = rec["department"]
        for name, value in rec["fields"].items():
            fspec = spec.field_spec(name)
            row[name] = decode(fspec.type if fspec else FactType.TEXT, value)
        if rec.get("evidence"):
            row["evidence"] = dict(rec["evidence"])
        rows.append(row)
    return rows


def field_type(spec: FactSpec, field: str | None) -> FactType:
    if field is None:
        return spec.type
    fspec = spec.field_spec(field)
    return fspec.type if fspec else FactType.TEXT


# --- validation of one fact from a form, by the facts loader's own rules ----------------------------

def validate_fact(key: str, raw: Any, evidence: dict[str, str] | None,
                  others: Mapping[str, Any], department: bool = False,
                  department_ids: tuple[str, ...] = ()) -> tuple[Any, list[Problem]]:
    """Parse one fact as facts.yaml would (`raw`: the typed text of a value, or a list of record mappings),
    with `others` (key → facts.yaml value) for the checks across facts (a part above its total);
    `department`: as a department's own fact (under `departments:`), with the loader's scope check.

    `department_ids`: the case's departments, which a district record may name as where it came from.

    Returns (database value or None, problems). Problem.field names the form field ('value',
    'records.2.reviewed', 'evidence.url').
    """
    spec = vocabulary()[key]
    body = "records" if spec.type is FactType.RECORDS else "value"
    item: dict[str, Any] = {body: raw}
    if evidence:
        item["evidence"] = evidence
    facts = {k: {"value": v} for k, v in others.items() if k != key and k in vocabulary()
             and vocabulary()[k].type is not FactType.RECORDS}
    facts[key] = item
    data: dict[str, Any] = {"case": {"district": {"name": "form"}, "period": 2000}, "facts": facts}
    base = "facts."
    if department:  # its own facts, under a department of its own; others' scope is theirs to keep
        own = {k: v for k, v in facts.items() if k == key or vocabulary()[k].scope != "district"}
        data = {**data, "facts": {}, "departments": [{"id": "form", "name": "form", "kind": "行政执法机关", "facts": own}]}
        base = "departments[0].facts."
    elif department_ids:  # listed without facts: nothing rolls up, the district's records are read as given
        data["departments"] = [{"id": d, "name": d, "kind": "form"} for d in department_ids]
    doc = Document("form", data)
    from fazhi.errors import InputError
    try:
        case = parse_case(doc, vocabulary())
    except InputError as exc:
        prefix = f"{base}{key}."
        mine = [p for p in exc.problems if (p.field or "").startswith(prefix) or p.field == f"{base}{key}"
                or (p.field or "").startswith(f"{base}{key}[")]
        return None, [replace(p, field=(p.field or "")[len(prefix):] or body) for p in mine]  # both languages kept
    fact = case.departments[0].facts.get(key) if department else case.facts.get(key)
    return (encode_fact(spec, fact, "form" if department else None) if fact is not None else None), []


# --- evaluation and documents on a case folder ------------------------------------------------------

_cache: "OrderedDict[str, Evaluation]" = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 256


def evaluate(files: Mapping[str, str], on: dt.date) -> Evaluation:
    """Evaluate the case whose folder holds `files` (name → text: facts.yaml, verifications.yaml, waivers.yaml)
    as of `on`, as `fazhi check` does; the same folder contents give the cached result."""
    digest = hashlib.sha256(repr((sorted(files.items()), on)).encode()).hexdigest()
    with _cache_lock:
        hit = _cache.get(digest)
        if hit is not None:
            _cache.move_to_end(digest)
            return hit
    evaluation = with_folder(files, lambda folder: assess(evaluator(), folder, on=on))
    with _cache_lock:
        _cache[digest] = evaluation
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return evaluation


def with_folder(files: Mapping[str, str], work: Callable[[str], Any]) -> Any:
    with tempfile.TemporaryDirectory(prefix="fazhi-web-") as folder:
        for name, text in files.items():
            Path(folder, name).write_text(text, encoding="utf-8")
        return work(folder)


DOCUMENT_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def document(files: Mapping[str, str], kind: str, fmt: str, lang: str, on: dt.date) -> bytes:
    """The gap report ('report') or memo ('memo') as md, html or docx: what `fazhi report`/`fazhi memo` write."""
    from fazhi.app.check import check
    from fazhi.documents.build import build_report
    from fazhi.documents.footer import with_footer
    from fazhi.documents.memo import build_memo, parse_deadlines
    from fazhi.documents.owners import load_owners

    def build(folder: str) -> bytes:
        result = check(folder, (), None, lang, on)
        evaluation, score, manifest = result.evaluation, result.score, result.manifest
        if kind == "report":
            view = build_report(evaluation, lang, on, None, score)
        else:
            view = build_memo(evaluation, lang, on, load_owners(None), parse_deadlines(None), None, None)
        if fmt == "docx":
            from fazhi.documents.docx import memo_docx, report_docx
            content: str | bytes = report_docx(view) if kind == "report" else memo_docx(view)
        else:
            from fazhi.documents.render import render
            content = render(kind, fmt, view, None)
        out = with_footer(content, fmt, manifest, lang)
        return out if isinstance(out, bytes) else out.encode("utf-8")

    return with_folder(files, build)
