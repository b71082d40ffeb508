"""The gap report and the memo as a user writes them, compared with golden files (tests/golden/documents/).

On a difference the test prints a unified diff; `pytest --update-golden` rewrites the goldens.
Same input and same --date must give byte-identical Markdown, HTML, JSON and DOCX.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import DOC_CASE, DOC_DATE, DOC_RULES

RULES = ("--rules", str(DOC_RULES), "--date", DOC_DATE)


def write(fazhi, tmp_path: Path, command: str, name: str, *extra: str) -> str:
    out = tmp_path / name
    code, _, err = fazhi(command, DOC_CASE, *RULES, "--out", out, *extra)
    assert code == 0, err
    assert f"wrote {out}" in err or f"已写入 {out}" in err  # the run's language (zh by default)
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name, lang", [
    ("gap_report.zh.md", "zh"), ("gap_report.zh.html", "zh"), ("gap_report.en.md", "en"), ("gap_report.en.html", "en"),
])
def test_report_golden(fazhi, tmp_path, golden, name, lang):
    golden(f"documents/{name}", write(fazhi, tmp_path, "report", name, "--lang", lang))


@pytest.mark.parametrize("name, lang", [
    ("memo.zh.md", "zh"), ("memo.zh.html", "zh"), ("memo.zh.json", "zh"), ("memo.en.md", "en"), ("memo.en.html", "en"),
])
def test_memo_golden(fazhi, tmp_path, golden, name, lang):
    golden(f"documents/{name}", write(fazhi, tmp_path, "memo", name, "--lang", lang))


def test_report_under_a_profile_golden(fazhi, tmp_path, golden):
    golden("documents/gap_report.profile.zh.md", write(fazhi, tmp_path, "report", "r.md", "--profile", "doc-scheme"))


def test_report_and_memo_with_progress_golden(fazhi, tmp_path, golden):
    """Last round's memo against put-right facts: the 整改销号 section of both documents."""
    previous = tmp_path / "last" / "memo.json"
    previous.parent.mkdir()
    write(fazhi, tmp_path, "memo", "last/memo.json")
    case = tmp_path / "case"
    case.mkdir()
    shutil.copy(DOC_CASE / "owners.yaml", case / "owners.yaml")
    data = yaml.safe_load((DOC_CASE / "facts.yaml").read_text(encoding="utf-8"))
    data["facts"]["doc.enforcement.reviewers"]["value"] = 20
    (case / "facts.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for kind, name in (("report", "gap_report.progress.zh.md"), ("memo", "memo.progress.zh.md")):
        out = tmp_path / name
        code, _, err = fazhi(kind, case, *RULES, "--out", out, "--memo", previous)
        assert code == 0, err
        text = out.read_text(encoding="utf-8")
        golden(f"documents/{name}", text.replace(str(tmp_path), "TMP"))


@pytest.mark.parametrize("command, ext", [("report", "md"), ("report", "html"), ("report", "docx"),
                                          ("memo", "md"), ("memo", "html"), ("memo", "json"), ("memo", "docx")])
def test_same_input_same_bytes(fazhi, tmp_path, command, ext):
    outputs = []
    for i in (1, 2):
        out = tmp_path / f"{i}.{ext}"
        code, _, err = fazhi(command, DOC_CASE, *RULES, "--out", out)
        assert code == 0, err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
