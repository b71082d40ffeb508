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


def run_fazhi(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run `python -m engine` as a user would: a fresh process, real exit code, real stderr."""
    env = dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning")
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=cwd, capture_output=True, text=True, env=env)
