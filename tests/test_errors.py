"""Bad input: every file in tests/data/invalid*/ must fail with its stated message, file:line and exit 2."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import CORE_RULES, DATA, run_fazhi

INVALID_RULESETS = sorted((DATA / "invalid").glob("*.yaml"))
INVALID_FACTS = sorted((DATA / "invalid-facts").glob("*.yaml"))


def expectations(path: Path) -> dict[str, str | list[str]]:
    """The header of an invalid file: `# error: <English>`, `# 错误: <Chinese>`, optionally `# only: N` (the
    number of problems reported, so one slip is not reported twice) and `# also: <text in both languages>`."""
    found: dict[str, str | list[str]] = {"also": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            break
        name, _, value = line[2:].partition(": ")
        if name == "also":
            found["also"].append(value)  # type: ignore[union-attr]
        else:
            found[{"错误": "zh", "error": "en"}.get(name, name)] = value
    assert "en" in found and "zh" in found, f"{path} must start with '# error: <English>' and '# 错误: <Chinese>'"
    return found


def check_failure(result, path: Path, lang: str) -> None:
    """Exit 2, no traceback, the stated message in the run's language with file:line, and nothing of the other."""
    expected = expectations(path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert expected[lang] in result.stderr, result.stderr
    other = expected["zh" if lang == "en" else "en"]
    assert other not in result.stderr, f"{lang} run shows the other language: {result.stderr}"
    for text in expected["also"]:
        assert text in result.stderr, result.stderr
    rel = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    located = re.findall(rf"^{re.escape(str(rel))}:\d+(?::\d+)?: ", result.stderr, re.M)
    assert located, result.stderr
    if "only" in expected:
        assert len(located) == int(expected["only"]), result.stderr  # type: ignore[arg-type]
    if lang == "zh":  # a Chinese run names no English wording (paths, keys and quoted input aside)
        for line in result.stderr.splitlines():
            words = re.sub(r"运算符：[^）]*|'[^']*'|“[^”]*”|`[^`]*`|\S*[./_\[\]]\S*|docs/\S+|YAML|Tab|id|(?:[a-z]+_)+[a-z]+", "",
                           line.split(": ", 1)[-1])
            assert not re.search(r"\b(?:the|is|a|not|expected|got|of|missing|unknown|did|you|mean)\b", words), line


LANGS = ("zh", "en")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", INVALID_RULESETS, ids=[p.stem for p in INVALID_RULESETS])
def test_invalid_ruleset_is_reported_with_location(path, lang, monkeypatch):
    monkeypatch.chdir(DATA.parent.parent)
    check_failure(run_fazhi("validate", str(path.relative_to(Path.cwd())), "--lang", lang), path, lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", INVALID_FACTS, ids=[p.stem for p in INVALID_FACTS])
def test_invalid_facts_are_reported_with_location(path, lang, monkeypatch):
    """--lang zh (the default) and --lang en; FAZHI_LANG chooses the same when --lang is not given."""
    monkeypatch.chdir(DATA.parent.parent)
    args = ("check", str(path.relative_to(Path.cwd())), "--rules", str(CORE_RULES))
    result = run_fazhi(*args, "--lang", lang) if lang == "zh" else run_fazhi(*args, env={"FAZHI_LANG": "en"})
    check_failure(result, path, lang)


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    bad = tmp_path / "facts.yaml"
    bad.write_text("case: {district: {name: x}, period: 2020}\nfacts:\n  test.staf: 1\n  test.rate: 120\n  test.level: x\n",
                   encoding="utf-8")
    result = run_fazhi("check", str(bad), "--rules", str(CORE_RULES), "--lang", "en")
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
    result = run_fazhi("check", str(path), "--rules", str(CORE_RULES), "--lang", "en")
    if message is None:
        assert result.returncode in (0, 1), result.stderr
    else:
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_missing_case_folder(tmp_path):
    result = run_fazhi("check", str(tmp_path / "nowhere"), "--rules", str(CORE_RULES), "--lang", "en")
    assert result.returncode == 2 and "no such facts file" in result.stderr
    result = run_fazhi("check", str(tmp_path / "nowhere"), "--rules", str(CORE_RULES))
    assert result.returncode == 2 and "没有此事实文件" in result.stderr and "no such" not in result.stderr
