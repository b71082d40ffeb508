"""Extraction pattern files (rulesets/extraction/*.yaml): loaded with file:line errors, not read as rulesets."""
from __future__ import annotations

import shutil
import sys

import pytest
from helpers import ROOT

from fazhi.errors import InputError
from fazhi.intake.patterns import load_patterns
from fazhi.load.ruleset_loader import ruleset_files

PATTERNS = ROOT / "rulesets" / "extraction"

DATA = ROOT / "tests" / "data" / "intake"
if str(DATA) not in sys.path:
    sys.path.insert(0, str(DATA))
from support import cached_catalogue, share_catalogue


@pytest.fixture(autouse=True)
def _one_catalogue(monkeypatch):
    share_catalogue(monkeypatch)


@pytest.fixture(scope="module")
def catalogue():
    return cached_catalogue([str(ROOT / "rulesets")])


def test_the_shipped_patterns_load_one_file_per_ruleset(catalogue):
    patterns = load_patterns(str(PATTERNS), catalogue)
    assert {p.rsplit("/", 1)[-1][:-5] for p in patterns.files} <= {rs.id for rs in catalogue.rulesets}
    assert len(patterns.facts) >= 30
    assert patterns.report.parts[0] == "annual_report.content.measures"


def test_the_ruleset_loader_does_not_read_the_subfolder():
    assert not any("extraction" in f for f in ruleset_files([str(ROOT / "rulesets")]))


BAD = """\
ruleset: three-systems
facts:
  three_systems.subjects.count:
    patterns:
      - regex: '(?P<value>{num}个行政执法主体'
  three_systems.subject.count:
    patterns:
      - regex: 'x(?P<value>\\d+)'
  three_systems.enforcement.flaws:
    patterns:
      - regex: '纰漏'
  three_systems.casefile_review.count:
    patterns:
      - regex: '评查(\\d+)次'
  three_systems.henan:
    patterns:
      - regex: '河南'
        value: 也许
        section: bodyy
  transparency.active_items_published:
    patterns:
      - regex: '(?P<value>{num})条'
"""


def test_every_problem_of_a_pattern_file_with_its_line(tmp_path, catalogue):
    folder = tmp_path / "extraction"
    shutil.copytree(PATTERNS, folder)
    (folder / "three-systems.yaml").write_text(BAD, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_patterns(str(folder), catalogue)
    text = str(err.value)
    file = str(folder / "three-systems.yaml")
    assert f"{file}:5:" in text and "not a valid regular expression" in text
    assert f"{file}:7:" in text and "unknown fact 'three_systems.subject.count'" in text and "did you mean" in text
    assert f"{file}:11:" in text and "needs `value: true` or `value: false`" in text
    assert f"{file}:14:" in text and "no group (?P<value>" in text
    assert f"{file}:18:" in text and "expected yes/no" in text
    assert len(text.splitlines()) == 7  # one problem each, all at once
    assert "no section 'bodyy'" in text and "did you mean 'body'" in text
    assert "declared in ruleset 'transparency'" in text


def test_cli_reports_pattern_problems_with_exit_2(fazhi, tmp_path):
    folder = tmp_path / "extraction"
    shutil.copytree(PATTERNS, folder)
    (folder / "three-systems.yaml").write_text(BAD, encoding="utf-8")
    report = tmp_path / "r.txt"
    report.write_text("2020年度法治政府建设工作报告\n", encoding="utf-8")
    code, _, err = fazhi("extract", str(report), "--patterns", str(folder), "--out", str(tmp_path / "d.yaml"))
    assert code == 2 and "three-systems.yaml:5:" in err and "Traceback" not in err
    assert not (tmp_path / "d.yaml").exists()


def test_a_folder_without_patterns(fazhi, tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("2020年度法治政府建设工作报告\n", encoding="utf-8")
    code, _, err = fazhi("extract", str(report), "--patterns", str(tmp_path), "--out", str(tmp_path / "d.yaml"))
    assert code == 2 and "no extraction pattern files" in err
