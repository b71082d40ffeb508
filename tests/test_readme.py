"""The README is executable: every shell command in its ```sh blocks runs, as written, in a temporary copy
of the repository, with this test venv's `fazhi` on PATH (the set-up line `python3 -m venv .venv && …
pip install … && CMD` becomes CMD; the block that runs the tests is not run again)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Commands whose exit code 1 means "gaps found" or "something changed", not a failure.
GAPS_ARE_EXPECTED = ("fazhi check", "fazhi inspect", "fazhi diff")
# A server runs until stopped, and the web app's commands need its database: tests/test_web_*.py cover them.
LONG_RUNNING = ("fazhi serve", "fazhi db ", "fazhi users ", "fazhi import-case", "fazhi export-case")


def readme_commands(text: str) -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "python3 -m venv" in line:  # a set-up line: the venv exists; run what follows the install
                if "pytest" in line:
                    continue
                line = line.split("&&")[-1].strip().replace(".venv/bin/fazhi", "fazhi")
            if line.startswith(LONG_RUNNING):
                continue
            commands.append(line)
    return commands


def test_the_set_up_lines_are_substituted():
    text = "```sh\npython3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/fazhi check x\n```\n" \
           "```sh\npython3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest\n```\n"
    assert readme_commands(text) == ["fazhi check x"]


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("readme") / "fazhi"
    shutil.copytree(ROOT, folder, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache", "build",
                                                                "*.egg-info"))
    for leftover in ("findings.json", "memo.json", "q.xlsx", "gap-report.docx", "draft-facts.yaml", "inspection", "dept-q"):
        path = folder / leftover  # outputs a developer's own runs may have left in the checkout
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    return folder


def test_every_readme_command_works_as_written(copy):
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(commands) >= 15
    env = {k: v for k, v in os.environ.items() if k not in ("FAZHI_LANG",)}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    failures = []
    for command in commands:
        result = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=copy, env=env, capture_output=True,
                                text=True, timeout=300)
        allowed = (0, 1) if command.startswith(GAPS_ARE_EXPECTED) else (0,)
        if result.returncode not in allowed or "internal error" in result.stderr or "Traceback" in result.stderr:
            failures.append(f"$ {command}\nexit {result.returncode}\n{result.stderr[-1500:]}")
    assert failures == [], "\n\n".join(failures)
    assert (copy / "gap-report.docx").read_bytes()[:2] == b"PK"
    assert (copy / "my-district-2021" / "facts.yaml").exists() and (copy / "draft-facts.yaml").exists()
    assert (copy / "inspection" / "index.html").exists()
