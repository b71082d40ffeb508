#!/usr/bin/env python3
"""`fazhi check` as a user runs it, in a fresh process, with and without the catalogue cache, in the same run.

    python bench/bench_startup.py                 # Macun, best of 5 each
    python bench/bench_startup.py --case DIR --repeat 7

The baseline is the full load (FAZHI_NO_CACHE=1: every ruleset read, every message template and
condition checked); the other is a run that finds the catalogue in the cache (a private folder of
this script, filled once before timing). The outputs are compared too: they must be identical.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(case: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "fazhi", "check", case, "--date", "2022-06-01"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"check failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", default=str(ROOT / "cases" / "macun-2020"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-cache-") as folder:
        cached_env = dict(os.environ, FAZHI_CACHE_DIR=folder)
        cached_env.pop("FAZHI_NO_CACHE", None)
        full_env = dict(os.environ, FAZHI_NO_CACHE="1")
        timed(args.case, cached_env)  # fills the cache
        full, cached, outputs = [], [], set()
        for _ in range(args.repeat):  # interleaved, so drift in the machine's speed touches both alike
            wall, out = timed(args.case, full_env)
            full.append(wall)
            outputs.add(out)
            wall, out = timed(args.case, cached_env)
            cached.append(wall)
            outputs.add(out)
    if len(outputs) != 1:
        raise SystemExit("the outputs differ with and without the cache")
    best_full, best_cached = min(full), min(cached)
    print(f"fazhi check {os.path.relpath(args.case, ROOT)}, a fresh process each, best of {args.repeat}:")
    print(f"  full load of the rulesets (baseline)  {best_full:6.2f} s   median {sorted(full)[len(full) // 2]:.2f} s")
    print(f"  catalogue from the cache              {best_cached:6.2f} s   median {sorted(cached)[len(cached) // 2]:.2f} s"
          f"   = {best_cached / best_full:.2f}× the baseline")
    print("  outputs identical")


if __name__ == "__main__":
    main()
