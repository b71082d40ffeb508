"""Extraction on a development corpus of real county-level annual reports (tests/data/intake/corpus/).

Each fixture keeps only hand-checked lines of a public report: its title, page-header and heading lines,
the one sentence each value comes from, and a few distracting sentences that must give nothing. The
extractor runs on those lines assembled, so the figures measure recall and precision on the evidence
sentences plus headings, not on whole reports (docs/intake.md, "The corpus").

    recall    = values proposed exactly / values the sentences state
    precision = values proposed exactly / values proposed (every proposal is judged; a wrong one counts)
"""
from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

from fazhi.intake.extract import Extraction, extract
from fazhi.intake.patterns import load_patterns
from fazhi.intake.reporttext import ReportText, split_sentences

CORPUS = ROOT / "tests" / "data" / "intake" / "corpus"
FILES = sorted(CORPUS.glob("*.yaml"))
RECALL_GOAL, PRECISION_GOAL = 0.85, 0.95

DATA = ROOT / "tests" / "data" / "intake"
if str(DATA) not in sys.path:
    sys.path.insert(0, str(DATA))
from support import cached_catalogue


@pytest.fixture(scope="module")
def catalogue():
    return cached_catalogue([str(ROOT / "rulesets")])


@pytest.fixture(scope="module")
def patterns(catalogue):
    return load_patterns(str(ROOT / "rulesets" / "extraction"), catalogue)


def load_fixture(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run(fixture: dict, patterns, catalogue, name: str = "report.txt") -> Extraction:
    text = fixture["text"]
    return extract(ReportText(name, text, "UTF-8", tuple(split_sentences(text))), patterns, catalogue)


def norm(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (int, float, Decimal)):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, (list, tuple)):
        return f"{len(value)} records"
    return str(value)


def proposed(x: Extraction) -> dict[str, tuple[str, str]]:
    """Every value the extraction proposes, with the sentence it quotes ('' for the header's)."""
    out = {key: (norm(p.value), p.sentence.text if p.sentence else "") for key, p in x.proposals.items()}
    for key, value in (("district.name", x.district), ("district.parent", x.parent), ("period", x.period)):
        if value is not None:
            out[key] = (norm(value), "")
    return out


def score(fixture: dict, x: Extraction) -> tuple[int, int, int, list[str], list[str]]:
    """(right, stated, proposed, misses, wrong) for one report."""
    expected = {v["key"]: norm(v["value"]) for v in fixture["values"]}
    got = proposed(x)
    right = [k for k, v in expected.items() if k in got and got[k][0] == v]
    misses = [f"{k}={v}" for k, v in expected.items() if k not in right]
    wrong = [f"{k}={v[0]}" for k, v in got.items() if k not in right]
    return len(right), len(expected), len(got), misses, wrong


def test_corpus_has_the_breadth_the_issue_asks_for():
    fixtures = [load_fixture(f) for f in FILES]
    assert len(fixtures) >= 12
    assert len({f["province"] for f in fixtures}) >= 6
    assert len({f["year"] for f in fixtures}) >= 3
    assert all(f["district"][-1] in "区县市旗" and f["url"].startswith("http") for f in fixtures)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_fixture_keeps_only_checked_sentences(path, catalogue):
    """Quotes are parts of the kept text, keys are real facts, and the text is excerpts, not a report."""
    fixture = load_fixture(path)
    text = fixture["text"]
    assert len(text) < 3000, "keep only the evidence sentences, headings and distractors"
    for item in fixture["values"] + fixture.get("distractors", []):
        assert item["quote"] in text, item["quote"]
    for item in fixture["values"]:
        assert item["key"] in {"district.name", "district.parent", "period"} | set(catalogue.facts), item["key"]


def test_recall_and_precision_over_the_corpus(patterns, catalogue, capsys):
    totals = [0, 0, 0]
    rows = []
    for path in FILES:
        fixture = load_fixture(path)
        right, stated, made, misses, wrong = score(fixture, run(fixture, patterns, catalogue))
        totals = [totals[0] + right, totals[1] + stated, totals[2] + made]
        rows.append(f"{path.stem:22} {fixture['district']:5} {fixture['province']:4} {fixture['year']}  "
                    f"recall {right}/{stated} = {right / stated:6.1%}  precision {right}/{made} = "
                    f"{(right / made if made else 1):6.1%}  misses: {', '.join(misses) or '-'}  wrong: {', '.join(wrong) or '-'}")
    recall, precision = totals[0] / totals[1], totals[0] / totals[2]
    with capsys.disabled():
        print("\n" + "\n".join(rows))
        print(f"overall: recall {totals[0]}/{totals[1]} = {recall:.1%}, precision {totals[0]}/{totals[2]} = {precision:.1%}")
    assert recall >= RECALL_GOAL and precision >= PRECISION_GOAL, (recall, precision)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_no_value_comes_from_a_distracting_sentence(path, patterns, catalogue):
    fixture = load_fixture(path)
    x = run(fixture, patterns, catalogue)
    for d in fixture.get("distractors", []):
        keys = d.get("must_not")
        for key, p in x.proposals.items():
            if p.sentence is None or (keys and key not in keys):
                continue
            assert not (d["quote"] in p.sentence.text or p.sentence.text in d["quote"]), (key, d["quote"])
        if keys and "district.name" in keys:
            assert x.district is None or x.district not in d["quote"]
