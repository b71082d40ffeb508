"""Bad input: every file in tests/data/invalid*/ must fail with its stated message, file:line and exit 2."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import CORE_RULES, DATA, run_fazhi

INVALID_RULESETS = sorted((DATA / "invalid").glob("*.yaml"))
INVALID_FACTS = sorted((DATA / "invalid-facts").glob("*.yaml"))


def expected_error(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# error: "), f"{path} must start with '# error: <message>'"
    return first[len("# error: "):]


def check_failure(result, path: Path) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert expected_error(path) in result.stderr
    rel = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    assert re.search(rf"{re.escape(str(rel))}:\d+(:\d+)?: ", result.stderr), result.stderr


@pytest.mark.parametrize("path", INVALID_RULESETS, ids=[p.stem for p in INVALID_RULESETS])
def test_invalid_ruleset_is_reported_with_location(path, monkeypatch):
    monkeypatch.chdir(DATA.parent.parent)
    check_failure(run_fazhi("validate", str(path.relative_to(Path.cwd()))), path)


@pytest.mark.parametrize("path", INVALID_FACTS, ids=[p.stem for p in INVALID_FACTS])
def test_invalid_facts_are_reported_with_location(path, monkeypatch):
    monkeypatch.chdir(DATA.parent.parent)
    result = run_fazhi("check", str(path.relative_to(Path.cwd())), "--rules", str(CORE_RULES))
    check_failure(result, path)


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    bad = tmp_path / "facts.yaml"
    bad.write_text("case: {district: {name: x}, period: 2020}\nfacts:\n  test.staf: 1\n  test.rate: 120\n  test.level: x\n",
                   encoding="utf-8")
    result = run_fazhi("check", str(bad), "--rules", str(CORE_RULES))
    assert result.returncode == 2
    assert [line.split(": ")[0].rsplit(":", 2)[1] for line in result.stderr.strip().splitlines()] == ["3", "4", "5"]


@pytest.mark.parametrize("content, message", [
    (b"\xef\xbb\xbfcase: {district: {name: x}, period: 2020}\nfacts: {test.staff: 3}\n", None),  # a BOM is fine
    ("case:\n  district: {name: 测试}\n".encode("gbk"), "looks like GBK/GB18030 text; save it as UTF-8"),
    (b"case: \x00\n", "NUL byte"),
    (b"a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
     b"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n", "YAML nodes"),
    (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nesting deeper"),
])
def test_hostile_files_fail_cleanly(tmp_path, content, message):
    path = tmp_path / "facts.yaml"
    path.write_bytes(content)
    result = run_fazhi("check", str(path), "--rules", str(CORE_RULES))
    if message is None:
        assert result.returncode in (0, 1), result.stderr
    else:
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_missing_case_folder(tmp_path):
    result = run_fazhi("check", str(tmp_path / "nowhere"), "--rules", str(CORE_RULES))
    assert result.returncode == 2 and "no such facts file" in result.stderr
