"""The per-case work of `inspect` workers takes shortcuts (results.py, cells.py): each gives exactly what
the plain code gives, which these tests keep as the reference."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT / "tests" / "data" / "inspect"


@pytest.fixture(scope="module")
def evaluations(tmp_path_factory) -> list[Any]:
    """Macun with verifications and two waivers (one applied, one expired), and generated districts with
    verifications, records and waivers."""
    from generate import Generator

    from fazhi.evaluate.assess import assess
    from fazhi.evaluate.evaluator import Evaluator
    from fazhi.load.ruleset_loader import load_catalogue
    root = tmp_path_factory.mktemp("fastpaths")
    catalogue = load_catalogue([str(ROOT / "rulesets")])
    paths = Generator(catalogue, seed=11).write(root / "generated", 4, [2021], verify_share=1.0, waiver_share=1.0)
    macun = root / "macun-2020"
    macun.mkdir()
    shutil.copy(ROOT / "cases" / "macun-2020" / "facts.yaml", macun)
    shutil.copy(DATA / "macun-verifications.yaml", macun / "verifications.yaml")
    shutil.copy(DATA / "macun-waivers.yaml", macun / "waivers.yaml")
    from fazhi.checks.waivers import load_waivers
    generated_waivers = tuple(load_waivers(str(root / "generated" / "waivers.yaml"), catalogue))
    evaluator = Evaluator(catalogue)
    on = dt.date(2021, 6, 1)
    return [assess(evaluator, str(macun), on=on)] + [assess(evaluator, str(p), on=on, waivers=generated_waivers)
                                                      for p in paths]


def test_compact_gives_what_the_plain_code_gives(evaluations):
    from fazhi.inspection.results import compact
    from fazhi.vocabulary import Verdict
    waived = [f for e in evaluations for f in e.findings if f.verdict is Verdict.WAIVED]
    assert waived and any(f.waiver is not None and f.verdict is not Verdict.WAIVED for e in evaluations for f in e.findings)
    assert any(f.record for e in evaluations for f in e.findings)
    for lang in ("zh", "en"):
        for e in evaluations:
            result = compact(0, "p", "s", e, None, lang)
            assert {k: getattr(result, k) for k in ("counts", "by_domain", "share", "share_without_waivers", "tiers")} \
                == plain_compact(e)
            assert result.findings == [plain_row(f, e.case.district.name, lang) for f in e.findings]


def plain_compact(evaluation: Any) -> dict[str, Any]:
    """compact() before it was made fast: Counters and `.value`."""
    from fazhi.evaluate.scoring import requirement_verdicts
    from fazhi.vocabulary import Tier, Verdict
    verdicts = requirement_verdicts(evaluation.findings)
    counts = Counter(v.value for v, _ in verdicts.values())
    by_domain: dict[str, Counter[str]] = {}
    for v, f in verdicts.values():
        by_domain.setdefault(f.domain, Counter())[v.value] += 1
    before = [(f.original or v) if v is Verdict.WAIVED else v for v, f in verdicts.values()]

    def share(values: Any) -> float | None:
        c = Counter(values)
        scored = c[Verdict.MET] + c[Verdict.GAP] + c[Verdict.INSUFFICIENT]
        return round(100 * c[Verdict.MET] / scored, 1) if scored else None
    names = ("met", "gap", "insufficient_facts", "waived", "not_applicable")
    facts = Counter(f.tier.value for f in evaluation.case.facts.values())
    for f in evaluation.case.facts.values():
        if isinstance(f.value, tuple):
            facts[Tier.VERIFIED.value] += sum(len(r.verifications) for r in f.value)
    decided = [(v, f) for v, f in verdicts.values() if v in (Verdict.MET, Verdict.GAP)]
    verified = sum(1 for _, f in decided if f.tier is Tier.VERIFIED)
    tiers = {"facts": {t.value: facts.get(t.value, 0) for t in Tier}, "decided": len(decided), "decided_verified": verified,
             "verified_share": round(100 * verified / len(decided), 1) if decided else None,
             "met_unverified": sum(1 for v, f in decided if v is Verdict.MET and f.tier is not Tier.VERIFIED)}
    return {"counts": {v: counts.get(v, 0) for v in names},
            "by_domain": {d: {v: c.get(v, 0) for v in names} for d, c in by_domain.items()},
            "share": share(v for v, _ in verdicts.values()), "share_without_waivers": share(before), "tiers": tiers}


def plain_row(f: Any, district: str, lang: str) -> tuple[Any, ...]:
    from fazhi.documents.memo_json import fingerprint
    from fazhi.vocabulary import Verdict
    note = ""
    if f.waiver is not None:
        note = (f"waived until {f.waiver.expires.isoformat()}" if f.verdict is Verdict.WAIVED
                else f"waiver expired {f.waiver.expires.isoformat()}")
    return (fingerprint(f.requirement, district, f.record), f.requirement, f.record, f.domain, f.severity.value,
            f.verdict.value, f.original.value if f.original else None, f.tier.value if f.tier else None,
            f.title.get(lang), f.message.get(lang), note)


def test_row_ids_are_memo_fingerprints():
    from fazhi.documents.memo_json import fingerprint
    from fazhi.inspection.results import _rows

    class F:  # only what an id needs, and the rest for the row
        def __init__(self, requirement: str, record: str | None):
            from fazhi.vocabulary import Severity, Text, Verdict
            self.requirement, self.record, self.domain = requirement, record, "d"
            self.severity, self.verdict, self.original, self.tier, self.waiver = Severity.MAJOR, Verdict.GAP, None, None, None
            self.title = self.message = Text("标题", "title")
    findings = [F("AR-1", None), F("AR-1", "记录 1"), F("X\x1fY", ""), F("要求", "r\u00e9")]
    for district in ("寿中区", "", "a\x1fb"):
        assert [r[0] for r in _rows(findings, district, "zh")] == \
            [fingerprint(f.requirement, district, f.record) for f in findings]


STRINGS = ["", " ", "x", " lead", "trail ", "a&b", "<tag>", 'say "hi"', "it's", "tab\tin", "nl\nin", "\x01ctl",
           "\x0b\x0c", "\ufffe\uffff", "中文", "中\x00文", "\\back", " &<> ", "x" * 32_767, "y" * 32_768,
           " " + "z" * 32_766 + "&", "emoji 😀", "\u2028line", "\u3000全角空格"]


def plain_text(value: str) -> str:
    """cells.text before its fast path."""
    import re
    value = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", value)[:32_767]
    if value != value.strip():
        return f'<t xml:space="preserve">{escape(value)}</t>'
    return f"<t>{escape(value)}</t>"


def test_text_as_before():
    from fazhi.inspection.cells import text
    for s in STRINGS:
        assert text(s) == plain_text(s), s[:20]


def test_rows_are_row_after_row():
    from fazhi.inspection.cells import SharedStrings, cell, row, rows
    shared = SharedStrings(["met", "gap", " lead", "a&b", "1"])
    values = [STRINGS, ["met", None, "", "gap", None, ""], [None, "", None], [], [1, 2.5, True, False, 0, "1", None],
              ["a&b", " lead", "met ", dt.date(2021, 1, 2), "gap"], ["", "x", ""]]
    for prefix in ("", cell("寿中区") + cell(None) + cell(2021), cell(None) + cell(None)):
        for table in (shared, None):
            assert rows(values, table, prefix) == \
                "".join(row(v, table.index if table else None, prefix=prefix) for v in values)


def test_summary_entry_is_json_dumps():
    from fazhi.inspection.results import ROW, CaseResult
    result = CaseResult(3, "/x/\"quoted\"\\", "s", "寿中区", None, "县", 2021, counts={"met": 1}, share=12.5)
    listed = [("0123456789abcdef", "AR-1", None, "dom", "major", "gap", None, None, "标题\n", "缺少“事实”", ""),
              ("f" * 16, "AR-\"2\"", "记录\x01", "dom", "minor", "met", None, "verified", "t", "m", "waiver expired 2021-01-01"),
              ("a" * 16, "AR-3", "r", "dom", "critical", "waived", "gap", "self_declared", "😀\u2028", "\\", "waived until 2022-12-31"),
              ("b" * 16, "AR-4", "r", "dom", "major", "insufficient_facts", None, None, "t", "</script>", ""),
              ("c" * 16, 1, "r", True, 1.0, "gap", None, None, 2, "m", ""),  # not strings: as json.dumps has them
              ("d" * 16, True, "r", 1, 1, "gap", None, None, 2.0, "m", ""),
              ("e" * 16, "AR-5", "r", "dom", "major", "not_applicable", None, None, "t", "m", "")]
    data = {k: v for k, v in result.__dict__.items() if k not in ("findings", "index", "rendered")
                and not (k == "departments" and not v)}  # listed only for a case with departments
    data["findings"] = [dict(zip(ROW, r)) for r in listed if r[5] in ("gap", "insufficient_facts", "waived") or r[10]]
    assert result.summary_entry(listed) == json.dumps(data, ensure_ascii=False).encode("utf-8")
    assert result.summary_entry([]) == json.dumps({**data, "findings": []}, ensure_ascii=False).encode("utf-8")
    failed = CaseResult(4, "p", "s", error="bad \"facts\"")
    assert failed.summary_entry([]) == json.dumps(failed.summary_data(), ensure_ascii=False).encode("utf-8")
