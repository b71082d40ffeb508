"""What changed between two runs, by stable finding fingerprint (requirement, district, record).

    new         a gap now, not decided before (or not checked)
    regressed   a gap now that was met (or not applicable) before
    persisting  a gap before and now (a waived gap before counts as one)
    resolved    a gap before, met or not applicable now
    unverified  a gap before, undecided now (facts missing, or the requirement not checked)
    waived      a gap before, waived now

Each carries its remediation-memo status (整改销号, engine/documents/memo_json.py): the previous status
is read from the old run's memo.json when there is one, else a gap before is an `open` item; then
open → open / closed / unverified, closed → reopened / closed, and a gap in no previous memo is `new`.

A side is a `fazhi inspect` output (its folder or summary.json), a `fazhi check --format json` file,
or a case folder (evaluated now). `inspect` uses the same comparison for a district's years.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from fazhi.documents.memo_json import fingerprint

CATEGORIES = ("new", "regressed", "persisting", "resolved", "unverified", "waived")
GAP, OK, UNKNOWN, WAIVED = "gap", "ok", "unknown", "waived"


@dataclass
class Side:
    """One case as the comparison sees it."""

    district: str
    parent: str | None
    period: int
    findings: dict[str, dict[str, Any]]  # fingerprint -> {requirement, record, verdict, title, message, ...}
    requirements: frozenset[str]  # the requirements evaluated
    memo: dict[str, str] = field(default_factory=dict)  # fingerprint -> status in this run's memo.json
    by_requirement: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.findings.values():
            self.by_requirement.setdefault(row["requirement"], []).append(row)

    def state(self, fid: str, requirement: str, record: str | None) -> str:
        row = self.findings.get(fid)
        if row is not None:
            return {"gap": GAP, "waived": WAIVED, "insufficient_facts": UNKNOWN}.get(row["verdict"], OK)
        if requirement not in self.requirements:
            return UNKNOWN
        rows = self.by_requirement.get(requirement, [])
        if any(r["verdict"] == "insufficient_facts" and r.get("record") is None for r in rows):
            return UNKNOWN
        return OK


@dataclass(frozen=True)
class Change:
    category: str
    id: str
    requirement: str
    record: str | None
    title: str
    message: str
    before: str  # gap | ok | unknown | waived
    now: str
    memo_status: str  # open | closed | reopened | unverified | new | waived


def side_from_rows(district: str, parent: str | None, period: int, rows: Iterable[dict[str, Any]],
                   requirements: Iterable[str] | None = None, memo: dict[str, str] | None = None) -> Side:
    rows = list(rows)
    findings = {}
    for row in rows:
        fid = row.get("id") or fingerprint(row["requirement"], district, row.get("record"))
        findings[fid] = row
    reqs = frozenset(requirements) if requirements is not None else frozenset(r["requirement"] for r in rows)
    return Side(district, parent, period, findings, reqs, dict(memo or {}))


def compare(old: Side, new: Side) -> list[Change]:
    """Every fingerprint that was or is a gap (or waived), with what happened to it."""
    ids = [fid for fid, r in old.findings.items() if r["verdict"] in ("gap", "waived")]
    ids += [fid for fid, r in new.findings.items() if r["verdict"] in ("gap", "waived")]
    changes = []
    for fid in dict.fromkeys(ids):
        row = new.findings.get(fid) or old.findings[fid]
        requirement, record = row["requirement"], row.get("record")
        before, now = old.state(fid, requirement, record), new.state(fid, requirement, record)
        category = _category(before, now)
        if category is None:
            continue
        changes.append(Change(category, fid, requirement, record, row.get("title", ""), row.get("message", ""),
                              before, now, _memo_status(old.memo.get(fid), before, now)))
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(changes, key=lambda c: (order[c.category], c.requirement, c.record or ""))


def _category(before: str, now: str) -> str | None:
    was_gap = before in (GAP, WAIVED)
    if now == GAP:
        return "persisting" if was_gap else "regressed" if before == OK else "new"
    if not was_gap:
        return None  # waived now but no gap before: nothing to follow
    return {OK: "resolved", UNKNOWN: "unverified", WAIVED: "waived"}[now]


def _memo_status(previous: str | None, before: str, now: str) -> str:
    if previous is None and before == GAP:
        previous = "open"
    if previous is None:
        return "new" if now == GAP else "waived" if now == WAIVED else "—"
    if now == WAIVED:
        return "waived"
    if previous == "closed":
        return "reopened" if now == GAP else "closed"
    return {GAP: "open", OK: "closed", UNKNOWN: "unverified"}[now]


def counts(changes: Iterable[Change]) -> dict[str, int]:
    c = Counter(ch.category for ch in changes)
    return {k: c.get(k, 0) for k in CATEGORIES}


# --- reading a side ------------------------------------------------------------------------------

def load_sides(path: str, on: Any = None) -> list[Side]:
    """Every case of an inspect output, a findings JSON or a case folder (evaluated as of `on`)."""
    if os.path.isdir(path) and os.path.exists(os.path.join(path, "summary.json")):
        path = os.path.join(path, "summary.json")
    if os.path.isdir(path) or path.endswith((".yaml", ".yml")):
        return [_evaluate(path, on)]
    from fazhi.errors import InputError, Location, Problem
    from fazhi.load.reading import read_bytes
    raw = read_bytes(path, what="summary.json or findings JSON")  # regular files only, never past the limit
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise InputError([Problem(Location(path), f"cannot read: {exc}",
                                  suggestion="give an inspect output folder, its summary.json, a findings JSON or a case",
                                  zh=f"无法读取：{exc}",
                                  suggestion_zh="请给出 inspect 的输出文件夹、其 summary.json、结论 JSON 或案例")]) from None
    if isinstance(data, dict) and data.get("kind") == "fazhi-inspection":
        base = os.path.dirname(os.path.abspath(path))
        return [_inspected(base, data, case) for case in data.get("cases", []) if not case.get("error")]
    if isinstance(data, dict) and "findings" in data and "case" in data:
        case = data["case"]
        rows = [{**f, "id": fingerprint(f["requirement"], case["district"], f.get("record"))} for f in data["findings"]]
        return [side_from_rows(case["district"], case.get("parent"), case.get("period") or 0, rows)]
    raise InputError([Problem(Location(path), "neither an inspect summary nor a findings JSON",
                              suggestion="give summary.json from `fazhi inspect` or JSON from `fazhi check --format json`",
                              zh="既不是 inspect 的汇总，也不是结论 JSON",
                              suggestion_zh="请给出 `fazhi inspect` 的 summary.json 或 `fazhi check --format json` 的输出")])


def _inspected(base: str, data: dict[str, Any], case: dict[str, Any]) -> Side:
    memo = {}
    memo_file = inside(base, (case.get("documents") or {}).get("memo_json"))
    if memo_file is not None and os.path.exists(memo_file):
        from fazhi.documents.memo_json import read_memo
        memo = {item.id: item.status for item in read_memo(memo_file).items}
    return side_from_rows(case["district"], case.get("parent"), case.get("period") or 0, case.get("findings", []),
                          data.get("requirements"), memo)


def inside(base: str, link: Any) -> str | None:
    """The memo a summary.json links to, only when it is a relative path inside the inspection folder
    (no symlink out of it): summary.json is data, and a link to /etc/passwd must not be opened."""
    if not isinstance(link, str) or not link or os.path.isabs(link) or "\x00" in link:
        return None
    path = os.path.normpath(os.path.join(base, link))
    root = os.path.realpath(base)
    real = os.path.realpath(path)
    return path if real.startswith(root.rstrip(os.sep) + os.sep) else None


def _evaluate(path: str, on: Any = None) -> Side:
    from fazhi.app.check import evaluate_case
    from fazhi.app.rules import load_rules
    evaluation, _, _ = evaluate_case(load_rules(), path, None, None, on)
    case = evaluation.case
    rows = [{"id": fingerprint(f.requirement, case.district.name, f.record), "requirement": f.requirement,
             "record": f.record, "verdict": f.verdict.value, "title": f.title.zh, "message": f.message.zh}
            for f in evaluation.findings]
    return side_from_rows(case.district.name, case.district.parent, case.period, rows)


def pair(old: list[Side], new: list[Side]) -> tuple[list[tuple[Side, Side]], list[Side], list[Side]]:
    """Each district's latest case in OLD against its latest in NEW; and those on one side only."""
    def latest(sides: list[Side]) -> dict[tuple[str, str], Side]:
        out: dict[tuple[str, str], Side] = {}
        for s in sides:
            key = (s.parent or "", s.district)
            if key not in out or s.period > out[key].period:
                out[key] = s
        return out
    a, b = latest(old), latest(new)
    if len(a) == 1 and len(b) == 1:  # two single cases: compare them whatever their names
        return [(next(iter(a.values())), next(iter(b.values())))], [], []
    pairs = [(a[k], b[k]) for k in a if k in b]
    return pairs, [a[k] for k in a if k not in b], [b[k] for k in b if k not in a]


# --- the use case --------------------------------------------------------------------------------

@dataclass(frozen=True)
class DiffResult:
    pairs: list[tuple[Side, Side, list[Change]]]  # each district's OLD and NEW side, and what changed
    only_old: list[Side]
    only_new: list[Side]

    @property
    def changed(self) -> bool:
        """A finding is new or regressed."""
        return any(c.category in ("new", "regressed") for _, _, cs in self.pairs for c in cs)

    def data(self) -> dict[str, Any]:
        """As `fazhi diff --format json` writes it."""
        return {"pairs": [{"district": n.district, "parent": n.parent, "old_period": o.period, "new_period": n.period,
                           "counts": counts(cs), "changes": [c.__dict__ for c in cs]} for o, n, cs in self.pairs],
                "only_old": [{"district": s.district, "parent": s.parent, "period": s.period} for s in self.only_old],
                "only_new": [{"district": s.district, "parent": s.parent, "period": s.period} for s in self.only_new]}

    def text(self, lang: str = "zh") -> str:
        from fazhi.documents import labels as L
        names = {"zh": {"new": "新增", "regressed": "反弹", "persisting": "持续", "resolved": "已整改", "unverified": "待核验",
                        "waived": "已豁免"},
                 "en": {k: k for k in CATEGORIES}}[lang]
        status = dict(L.STATUS[lang], waived=names["waived"], **{"—": "—"})
        lines = []
        for o, n, cs in self.pairs:
            c = counts(cs)
            lines.append(f"{n.parent or ''}{n.district} {o.period} → {n.period}: " + ", ".join(f"{names[k]} {v}" for k, v in c.items()))
            for ch in cs:
                record = f" ({ch.record})" if ch.record else ""
                memo = ("memo: " if lang == "en" else "整改状态：") + status.get(ch.memo_status, ch.memo_status)
                lines.append(f"  [{names[ch.category]}] {ch.requirement}{record} {ch.title} — {memo}")
        for s in self.only_old:
            lines.append(f"{s.parent or ''}{s.district} {s.period}: " + ("only in OLD" if lang == "en" else "仅见于旧结果"))
        for s in self.only_new:
            lines.append(f"{s.parent or ''}{s.district} {s.period}: " + ("only in NEW" if lang == "en" else "仅见于新结果"))
        return "\n".join(lines) + "\n"


def diff(old: str, new: str, on: Any = None) -> DiffResult:
    """What changed from OLD to NEW: each an inspect output (folder or summary.json), a findings JSON of
    `fazhi check --format json`, or a case folder (evaluated as of `on`, default today)."""
    pairs, only_old, only_new = pair(load_sides(old, on), load_sides(new, on))
    return DiffResult([(o, n, compare(o, n)) for o, n in pairs], only_old, only_new)
