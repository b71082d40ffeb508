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
    """Run `python -m fazhi` as a user would: a fresh process, real exit code, real stderr.
    With `timeout`, a run that takes longer fails the test (subprocess.TimeoutExpired) instead of hanging it."""
    full_env = dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning", **(env or {}))
    return subprocess.run([sys.executable, "-m", "fazhi", *args], cwd=cwd, capture_output=True, text=True, env=full_env,
                          timeout=timeout)


def inspect_population(root: Path, seed: int, districts: int, waiver_share: float, macun_files: tuple[str, ...]) -> Path:
    """Generated districts over 2020 and 2021 (half verified), Macun with the given files of tests/data/inspect
    beside it (e.g. "waivers.yaml"), and one broken case (an unknown fact: an error, no rows)."""
    import shutil
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import Generator

    from fazhi.load.ruleset_loader import load_catalogue
    Generator(load_catalogue([str(ROOT / "rulesets")]), seed=seed).write(root / "generated", districts, [2020, 2021],
                                                                         verify_share=0.5, waiver_share=waiver_share)
    macun = root / "cases" / "macun-2020"
    macun.mkdir(parents=True)
    shutil.copy(ROOT / "cases" / "macun-2020" / "facts.yaml", macun)
    for name in macun_files:
        shutil.copy(DATA / "inspect" / f"macun-{name}", macun / name)
    broken = root / "cases" / "broken-2020"
    broken.mkdir()
    (broken / "facts.yaml").write_text("case: {district: {name: 坏区}, period: 2020}\nfacts:\n  no.such_fact: 1\n", encoding="utf-8")
    return root
