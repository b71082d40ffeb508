"""waivers.yaml: approved exceptions. A waived requirement is `waived`, counted apart from gaps.

    waivers:
      - requirement: RL-HEAD-APPEAR
        district: 马村区
        record: D2                       # optional: only this record of a per-record requirement
        justification: 2020年疫情期间法院书面审理，负责人无法出庭
        requested_by: 马村区司法局
        approved_by: 焦作市依法治市办      # must differ from requested_by
        expires: 2021-12-31

A waiver turns the requirement's `gap` and `insufficient_facts` findings (of its record, when one is
named) into `waived`; `met` and `not_applicable` stay. A waiver that has expired on the date of
evaluation changes nothing: the finding keeps its verdict (a gap stays a gap in every count, score,
report and dashboard) and carries the expired waiver so readers see why. A waiver file with any error
stops the run: every problem is reported with file:line (exit 2).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from typing import Any, Iterable

from fazhi.errors import InputError, did_you_mean
from fazhi.model.catalogue import Catalogue
from fazhi.model.results import Evaluation, Finding, Waiver
from fazhi.vocabulary import Verdict
from fazhi.load.schema import Reader
from fazhi.load.yamlio import load_file

FILE_NAME = "waivers.yaml"
KEYS = ("requirement", "district", "record", "justification", "requested_by", "approved_by", "expires")
WAIVABLE = (Verdict.GAP, Verdict.INSUFFICIENT)


def case_waivers_file(case_path: str) -> str:
    folder = case_path if os.path.isdir(case_path) else os.path.dirname(case_path)
    return os.path.join(folder, FILE_NAME)


def load_waivers(path: str, catalogue: Catalogue) -> tuple[Waiver, ...]:
    """The waivers in `path` (none when there is no file); any problem raises an InputError."""
    if not os.path.exists(path):
        return ()
    r = Reader(load_file(path))
    if r.doc.data is None:
        return ()
    if r.mapping((), required=("waivers",)) is None:
        raise InputError(r.problems)
    known = {req.id for req in catalogue.requirements}
    out: list[Waiver] = []
    seen: dict[tuple[str, str, str | None], int] = {}
    for i, _ in enumerate(r.sequence(("waivers",))):
        w = _entry(r, ("waivers", i), known)
        if w is None:
            continue
        key = (w.requirement, w.district, w.record)
        line = w.location.line if w.location and w.location.line else 0
        if key in seen:
            r.problem(("waivers", i), f"{w.requirement} for {w.district}{' ' + w.record if w.record else ''} is waived twice "
                      f"(first at line {seen[key]})", "keep one waiver per requirement, district and record",
                      f"{w.district}的{w.requirement}{'（' + w.record + '）' if w.record else ''}豁免了两次（第一次在第{seen[key]}行）",
                      "每个要求、区县和事项只保留一条豁免")
            continue
        seen[key] = line
        out.append(w)
    if r.problems:
        raise InputError(r.problems)
    return tuple(out)


def _entry(r: Reader, p: tuple[Any, ...], known: set[str]) -> Waiver | None:
    if r.mapping(p, required=tuple(k for k in KEYS if k != "record"), optional=("record",)) is None:
        return None
    values = {k: r.string(p + (k,), optional=k == "record") for k in KEYS if k != "expires"}
    expires = r.date(p + ("expires",), optional=False)
    rid = values["requirement"]
    if rid and rid not in known:
        r.problem(p + ("requirement",), f"no requirement '{rid}'", did_you_mean(rid, known))
        return None
    requested, approved = values["requested_by"], values["approved_by"]
    if requested and approved and requested.strip() == approved.strip():
        r.problem(p + ("approved_by",), f"approved by '{approved}', who also requested it",
                  "a waiver is approved by someone other than its requester", f"批准人“{approved}”也是申请人",
                  "豁免须由申请人以外的人批准")
        return None
    if not all(values[k] for k in KEYS if k not in ("record", "expires")) or expires is None:
        return None
    return Waiver(rid, values["district"].strip(), values["justification"], requested.strip(), approved.strip(), expires,
                  values["record"], r.doc.where(p))


def relevant(waivers: Iterable[Waiver], district: str, parent: str | None = None) -> tuple[Waiver, ...]:
    """The waivers naming this district, as 马村区 or with its parent, 焦作市马村区."""
    names = {district, (parent or "") + district}
    return tuple(w for w in waivers if w.district in names)


def apply_waivers(evaluation: Evaluation, waivers: Iterable[Waiver], on: dt.date) -> Evaluation:
    """The evaluation with every applicable waiver applied as of `on`."""
    mine = relevant(waivers, evaluation.case.district.name, evaluation.case.district.parent)
    if not mine:
        return evaluation
    findings = tuple(_apply(f, mine, on) for f in evaluation.findings)
    return replace(evaluation, findings=findings, waivers=mine, waivers_on=on)


def _apply(f: Finding, waivers: tuple[Waiver, ...], on: dt.date) -> Finding:
    if f.verdict not in WAIVABLE:
        return f
    matching = [w for w in waivers if w.requirement == f.requirement and (w.record is None or w.record == f.record)]
    if not matching:
        return f
    waiver = max(matching, key=lambda w: (w.record is not None, w.expires))  # the most specific, then the latest
    if waiver.expired(on):
        return replace(f, waiver=waiver)
    return replace(f, verdict=Verdict.WAIVED, waiver=waiver, original=f.verdict)


def unwaived(evaluation: Evaluation) -> Evaluation:
    """The same evaluation with every waiver taken back (for the score without waivers)."""
    if not any(f.verdict is Verdict.WAIVED for f in evaluation.findings):
        return evaluation
    findings = tuple(replace(f, verdict=f.original or f.verdict, original=None) if f.verdict is Verdict.WAIVED else f
                     for f in evaluation.findings)
    return replace(evaluation, findings=findings)


def waiver_status(w: Waiver, evaluation: Evaluation) -> str:
    """applied | expired | unused (named no finding that needed it)."""
    used = [f for f in evaluation.findings if f.waiver == w]
    if any(f.verdict is Verdict.WAIVED for f in used):
        return "applied"
    if used or (evaluation.waivers_on is not None and w.expired(evaluation.waivers_on)):
        return "expired"
    return "unused"
