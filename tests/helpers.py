"""Shared test helpers: the core test catalogue and a way to run the CLI in-process or as a user would."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CORE_RULES = DATA / "core" / "rules.yaml"
CORE_CASE = DATA / "core" / "case.yaml"


def run_fazhi(*args: str, cwd: Path = ROOT, timeout: float | None = None,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m engine` as a user would: a fresh process, real exit code, real stderr.
    With `timeout`, a run that takes longer fails the test (subprocess.TimeoutExpired) instead of hanging it."""
    full_env = dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning", **(env or {}))
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=cwd, capture_output=True, text=True, env=full_env,
                          timeout=timeout)
