#!/usr/bin/env python3
"""Benchmark districts with departments, against Macun and bare durable-rules in the same run.

    python bench/bench_departments.py --districts 3000 --jobs 2        # the acceptance run
    python bench/bench_departments.py --districts 40 --jobs 2 --sample 10 --repeat 3   # a small one

1. `fazhi check` of one district with 30 departments and 2,000 records, as a user runs it (a fresh
   process: start-up, the rulesets, the YAML, the evaluation and the text output), against
   `fazhi check cases/macun-2020` in the same run: wall time, best of --repeat, and the ratio.
2. `fazhi inspect` of --districts districts with 10–40 departments and 200–3,000 records each
   (bench/generate.py, fixed seed) on --jobs processes: districts per second, the peak resident memory of
   the process tree and the largest worker's at each tenth of the run (flat memory: the last tenth near
   the first).
3. In one process, on --sample of those districts: Fazhi's evaluation against asserting the very frames
   the Evaluator builds (one session per district and per department, as Fazhi runs them) into bare
   durable-rules with the same compiled rules (bench_inspect.engine_ratio: Host API per fact, per batch,
   and the C core alone). The ratio to the faster Host baseline is the engine's overhead.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def check_wall(case: str, repeat: int) -> float:
    """`fazhi check CASE` in a fresh process, best of `repeat` (other load on the machine only adds)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "engine", "check", case, "--date", "2022-06-01"], cwd=ROOT,
                              capture_output=True, text=True)
        wall = time.perf_counter() - started
        if proc.returncode not in (0, 1):
            raise SystemExit(f"check failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        best = min(best, wall)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--districts", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=50, help="districts in the engine-overhead comparison")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each `fazhi check` (best is kept)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import random

    import yaml

    from bench_inspect import background_load, engine_ratio, run_inspect
    from fazhi.load.ruleset_loader import load_catalogue
    from generate import _DUMPER, Generator
    catalogue = load_catalogue([str(ROOT / "rulesets")])
    generator = Generator(catalogue, args.seed)
    work = Path(tempfile.mkdtemp(prefix="fazhi-bench-dept-"))
    try:
        print(f"machine: {os.cpu_count()} CPUs, {background_load():.0f}% of them busy with other work before the run")
        one = work / "one-2021"
        one.mkdir()
        doc = generator.department_doc(random.Random(f"{args.seed}-one"), "基准区", 2021, 30, 2000, unsubmitted=0)
        (one / "facts.yaml").write_text(yaml.dump(doc, Dumper=_DUMPER, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
        records = sum(len(v["records"]) for d in doc["departments"] for v in d.get("facts", {}).values()
                      if isinstance(v, dict) and "records" in v)
        big = check_wall(str(one), args.repeat)
        macun = check_wall(str(ROOT / "cases" / "macun-2020"), args.repeat)
        print(f"fazhi check, a fresh process each, best of {args.repeat}: 30 departments and {records:,} records "
              f"{big:.2f} s; Macun (no departments) {macun:.2f} s; ratio {big / macun:.2f}×")

        t = time.perf_counter()
        generator.write_departments(work / "cases", args.districts, 2021)
        print(f"generated {args.districts} districts (10–40 departments, 200–3,000 records) in {time.perf_counter() - t:.1f} s")
        cases = str(work / "cases")
        result = run_inspect(cases, str(work / "out"), args.jobs, False)
        wall = float(result["wall"])  # type: ignore[arg-type]
        tenths = result["worker_tenths"]
        print(f"fazhi inspect: {args.districts} districts on {args.jobs} processes: {wall:.1f} s, "
              f"{args.districts / wall:.1f} districts/s; {float(result['cpu']):.0f} s of CPU in all "
              f"({1000 * float(result['cpu']) / args.districts:.0f} ms per district)")
        print(f"peak RSS of the process tree: {int(result['peak']) / 2**20:.0f} MB; largest worker RSS at each tenth of "
              f"the run (MB): {' '.join(f'{x / 2**20:.0f}' for x in tenths)}")  # type: ignore[union-attr]
        sample = sorted(str(p.parent) for p in Path(cases).rglob("facts.yaml"))[: args.sample]
        r = engine_ratio(sample, catalogue)
        base = min(r["bare"], r["bare_batch"])
        print(f"in one process, {len(sample)} districts, ms per district, best of 3:\n"
              f"  bare durable-rules, Host.assert_fact per fact   {r['bare']:8.1f}\n"
              f"  bare durable-rules, Host.assert_facts per batch {r['bare_batch']:8.1f}\n"
              f"  durable-rules' C core alone (no Python action)  {r['bare_core']:8.1f}\n"
              f"  … with the rules sharded as Fazhi shards them   {r['bare_core_sharded']:8.1f}\n"
              f"  Fazhi evaluate (departments, roll-up, findings)  {r['evaluate']:8.1f}  = {r['evaluate'] / base:.2f}× the "
              f"faster bare Host ({r['evaluate'] / r['bare_core_sharded']:.2f}× the sharded C core alone)\n"
              f"  … without each finding's fact list, as inspect   {r['evaluate_light']:8.1f}  = {r['evaluate_light'] / base:.2f}×\n"
              f"  Fazhi, reading the YAML too                      {r['load_and_evaluate']:8.1f}  = "
              f"{r['load_and_evaluate'] / base:.2f}×")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
