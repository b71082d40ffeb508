"""Hostile files and folders (issue 16): what a district's folder can hold besides honest YAML.

FIFOs with and without a writer, devices, sockets, symlinks out of the case folder, a summary.json
whose memo link names /etc/passwd, and findings JSONs edited or forged to pass `fazhi verify`.
Each test is an attack that broke Fazhi before; each runs `fazhi` as a fresh process with a time
limit (a hang fails the test), or in-process for the reader itself.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest

from helpers import CORE_CASE, CORE_RULES, run_fazhi

LIMIT = 60
RULES = ("--rules", str(CORE_RULES))



@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The refusals and verify's report are named here in English (FAZHI_LANG=en, inherited by run_fazhi);
    test_verify_speaks_the_language_of_the_run checks the Chinese report."""
    monkeypatch.setenv("FAZHI_LANG", "en")

def case_folder(tmp_path: Path, name: str = "case") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


def refused(result, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr[-2000:]


# --- 1. bounded reads: only regular files, never past the limit ---------------------------------

def test_a_fifo_with_no_writer_is_refused_at_once_not_waited_on(tmp_path):
    folder = case_folder(tmp_path)
    os.mkfifo(folder / "facts.yaml")
    refused(run_fazhi("check", str(folder), *RULES, timeout=LIMIT), str(folder / "facts.yaml"), "FIFO")
    out = tmp_path / "inspection"
    refused(run_fazhi("inspect", str(tmp_path), *RULES, "--out", str(out), "--jobs", "1", timeout=LIMIT), "FIFO")


def test_a_fifo_fed_by_yes_is_refused_without_reading_it(tmp_path):
    folder = case_folder(tmp_path)
    fifo = folder / "facts.yaml"
    os.mkfifo(fifo)
    writer = subprocess.Popen(f"yes > {fifo}", shell=True, stderr=subprocess.DEVNULL)
    try:
        refused(run_fazhi("check", str(folder), *RULES, timeout=LIMIT), "FIFO")
    finally:
        writer.kill()
        writer.wait()


def test_dev_zero_linked_as_facts_is_refused(tmp_path):
    folder = case_folder(tmp_path)
    (folder / "facts.yaml").symlink_to("/dev/zero")
    refused(run_fazhi("check", str(folder), *RULES, "--follow-symlinks", timeout=LIMIT), "device")
    refused(run_fazhi("check", "/dev/zero", *RULES, timeout=LIMIT), "/dev/zero", "device")


def test_a_socket_is_refused(tmp_path):
    folder = case_folder(tmp_path)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "facts.yaml"))
    try:
        refused(run_fazhi("check", str(folder), *RULES, timeout=LIMIT), "socket")
    finally:
        server.close()


@pytest.mark.parametrize("name, command", [
    ("ruleset", ("validate", "{fifo}")), ("profile", ("check", str(CORE_CASE), *RULES, "--profile", "{fifo}")),
    ("findings", ("verify", "{fifo}")), ("workbook", ("import", "{fifo}", "--out", "{tmp}/f.yaml")),
    ("report text", ("extract", "{fifo}")), ("case to diff", ("diff", "{fifo}", "{fifo}")),
    ("memo", ("check", str(CORE_CASE), *RULES, "--memo", "{fifo}")),
    ("waivers", ("inspect", str(CORE_CASE), *RULES, "--waivers", "{fifo}", "--out", "{tmp}/i")),
])
def test_every_reader_refuses_a_fifo(tmp_path, name, command):
    fifo = tmp_path / "input.yaml"
    os.mkfifo(fifo)
    refused(run_fazhi(*(c.format(fifo=fifo, tmp=tmp_path) for c in command), timeout=LIMIT), "FIFO")


def test_reading_stops_at_the_limit_whatever_the_file_claims(tmp_path, monkeypatch):
    from fazhi.errors import InputError
    from fazhi.load import reading
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 5000)
    seen = []
    real_read = os.read

    def counting(fd, n):
        chunk = real_read(fd, n)
        seen.append(len(chunk))
        return chunk
    monkeypatch.setattr(reading.os, "read", counting)
    real_stat = os.stat
    monkeypatch.setattr(reading.os, "stat", lambda p: os.stat_result((*real_stat(p)[:6], 10, *real_stat(p)[7:])))
    with pytest.raises(InputError, match="more than 1,001 bytes|超过1,001"):
        reading.read_bytes(path, limit=1000)  # it claims 10 bytes, holds 5,000: read 1,001 and stop
    assert sum(seen) == 1001


# --- 2. symlinks and what error messages quote -----------------------------------------------

def test_facts_linked_to_etc_passwd_are_refused_and_nothing_of_it_is_quoted(tmp_path):
    folder = case_folder(tmp_path, "leaky-2020")
    (folder / "facts.yaml").symlink_to("/etc/passwd")
    result = run_fazhi("check", str(folder), *RULES, timeout=LIMIT)
    refused(result, "outside its case folder", "--follow-symlinks")
    assert "root:" not in result.stderr
    out = tmp_path / "inspection"
    result = run_fazhi("inspect", str(tmp_path), *RULES, "--out", str(out), "--jobs", "1", timeout=LIMIT)
    summary = (out / "summary.json").read_text(encoding="utf-8")
    assert "outside its case folder" in summary and "root:x" not in summary
    assert "root:x" not in (out / "index.html").read_text(encoding="utf-8")


def test_followed_links_quote_only_a_short_escaped_excerpt(tmp_path):
    folder = case_folder(tmp_path)
    (folder / "facts.yaml").symlink_to("/etc/passwd")
    result = run_fazhi("check", str(folder), *RULES, "--follow-symlinks", timeout=LIMIT)
    refused(result, "expected a mapping")
    assert len(result.stderr) < 400 and "sync" not in result.stderr, result.stderr


def test_error_messages_escape_control_characters_and_stay_short(tmp_path):
    folder = case_folder(tmp_path)
    (folder / "facts.yaml").write_text('"\\e[2J\\e]0;OWNED\\a' + "x" * 5000 + '"\n', encoding="utf-8")
    result = run_fazhi("check", str(folder), *RULES, timeout=LIMIT)
    refused(result)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and len(result.stderr) < 400


def test_a_link_to_a_file_inside_the_case_folder_is_fine(tmp_path):
    folder = case_folder(tmp_path)
    (folder / "facts-2020.yaml").write_text(CORE_CASE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "facts.yaml").symlink_to("facts-2020.yaml")
    assert run_fazhi("check", str(folder), *RULES, timeout=LIMIT).returncode in (0, 1)


def test_diff_opens_no_memo_outside_the_inspection_folder(tmp_path):
    folder = case_folder(tmp_path)
    (folder / "facts.yaml").write_text(CORE_CASE.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "inspection"
    run_fazhi("inspect", str(folder), *RULES, "--out", str(out), "--jobs", "1", timeout=LIMIT)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for link in ("/etc/passwd", "../../../../../../etc/passwd"):
        summary["cases"][0]["documents"]["memo_json"] = link
        (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
        result = run_fazhi("diff", str(out), str(out), timeout=LIMIT)
        assert result.returncode == 0 and "root:" not in result.stdout + result.stderr, result.stderr
    memo = out / "districts" / summary["cases"][0]["slug"] / "memo.json"
    memo.unlink()
    memo.symlink_to("/etc/passwd")
    summary["cases"][0]["documents"]["memo_json"] = str(memo.relative_to(out))
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    result = run_fazhi("diff", str(out), str(out), timeout=LIMIT)
    assert "root:" not in result.stdout + result.stderr


# --- 3. verify re-creates the whole file ------------------------------------------------------

@pytest.fixture
def findings(tmp_path):
    folder = case_folder(tmp_path)
    (folder / "facts.yaml").write_text(CORE_CASE.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "findings.json"
    result = run_fazhi("check", str(folder), *RULES, "--format", "json", "--out", str(out), "--date", "2026-11-29")
    assert result.returncode in (0, 1), result.stderr
    assert run_fazhi("verify", str(out)).returncode == 0
    return out


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name, change, named", [
    ("gap count to 0", lambda d: d["summary"]["counts"].update(gap=0), "summary: differs"),
    ("data quality deleted", lambda d: d.pop("data_quality"), "data_quality: missing"),
    ("case renamed", lambda d: d["case"].update(district="别的区"), "case: differs"),
    ("lang changed", lambda d: d.update(lang="zh" if d["lang"] == "en" else "en"), "lang: differs"),
    ("ruleset version", lambda d: d["ruleset"][0].update(version="9"), "ruleset: differs"),
    ("recorded hash", lambda d: d["manifest"]["inputs"][0].update(sha256="sha256:" + "0" * 64), "facts ("),
])
def test_verify_catches_every_edit(findings, name, change, named):
    _edit(findings, change)
    result = run_fazhi("verify", str(findings), timeout=LIMIT)
    assert result.returncode == 1 and "DIFFERENT" in result.stdout and named in result.stdout, result.stdout


def test_verify_speaks_the_language_of_the_run(findings):
    _edit(findings, lambda d: d["summary"]["counts"].update(gap=0))
    result = run_fazhi("verify", str(findings), "--lang", "zh", timeout=LIMIT)
    assert result.returncode == 1 and "不一致" in result.stdout and "summary（汇总）：不一致" in result.stdout
    assert "DIFFERENT" not in result.stdout and "differs" not in result.stdout, result.stdout


@pytest.mark.parametrize("lang, said", [("zh", "这是整改方案（`fazhi memo` 生成的 memo.json），不是结论文件"),
                                        ("en", "this is a remediation plan (memo.json of `fazhi memo`), not a findings file")])
def test_verify_of_a_memo_says_it_is_a_memo(tmp_path, lang, said):
    folder = case_folder(tmp_path)
    (folder / "facts.yaml").write_text(CORE_CASE.read_text(encoding="utf-8"), encoding="utf-8")
    memo = tmp_path / "memo.json"
    assert run_fazhi("memo", str(folder), *RULES, "--out", str(memo)).returncode == 0
    result = run_fazhi("verify", str(memo), "--lang", lang, timeout=LIMIT)
    assert result.returncode == 2 and said in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert "manifest" not in result.stderr  # not the puzzling "not a findings file with a manifest: 'manifest'"


def test_verify_catches_a_change_of_formatting_only(findings):
    findings.write_text(findings.read_text(encoding="utf-8") + " ", encoding="utf-8")
    result = run_fazhi("verify", str(findings), timeout=LIMIT)
    assert result.returncode == 1 and "written differently" in result.stdout


def test_verify_fails_a_forged_manifest_pointing_at_a_doctored_copy(findings):
    original = findings.parent / "case" / "facts.yaml"
    doctored = findings.parent / "doctored"
    doctored.mkdir()
    (doctored / "facts.yaml").write_text(original.read_text(encoding="utf-8").replace("used: 6, limit: 5",
                                                                                      "used: 4, limit: 5"),
                                         encoding="utf-8")
    _edit(findings, lambda d: d["manifest"]["command"].update(case=str(doctored)))
    result = run_fazhi("verify", str(findings), timeout=LIMIT)
    assert result.returncode == 1 and "DIFFERENT" in result.stdout
    assert f"facts ({doctored / 'facts.yaml'}) is new" in result.stdout
    assert f"re-created from case {doctored} " in result.stdout
