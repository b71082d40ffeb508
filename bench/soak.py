#!/usr/bin/env python3
"""Soak: many consecutive evaluations in one process; memory and threads must stay flat.

    python bench/soak.py                       # 10,000 evaluations of the core test case and variants
    python bench/soak.py --count 2000 --every 200
    python bench/soak.py --fresh-evaluator     # a new Evaluator per evaluation, as one CLI run makes

Each evaluation reads a facts file (the core test case, or one of 16 variants written at start: facts
left out, records added, other periods), evaluates it on tests/data/core/rules.yaml and renders the
JSON and text results, as `fazhi check` does. Every --every evaluations it prints the resident set
(VmRSS from /proc/self/status), the thread count (/proc/self/status Threads and
threading.active_count()) and the rate. The baseline is the first report, after warm-up: the run is
flat when RSS grew by at most --max-growth MB (default 50) since then and the thread count never rose.
Exit code 0 when flat, 1 otherwise.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", category=DeprecationWarning)

import yaml  # noqa: E402

from fazhi.evaluate.evaluator import Evaluator  # noqa: E402
from fazhi.load.facts_loader import load_case  # noqa: E402
from fazhi.render.output import dumps, to_json_data  # noqa: E402
from fazhi.render.render_text import render_text  # noqa: E402
from loader_targets import CORE_CASE, core_catalogue, random_case, release  # noqa: E402


def status() -> dict[str, int]:
    """VmRSS (kB) and Threads from /proc/self/status."""
    out = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                out[key] = int(value.split()[0])
    return out


def variants(folder: Path, count: int, seed: int) -> list[Path]:
    """The core case, and random cases over its vocabulary that load (the same ones every run)."""
    rng = random.Random(seed)
    paths = [CORE_CASE]
    catalogue = core_catalogue()
    while len(paths) < count:
        path = folder / f"variant-{len(paths)}.yaml"
        path.write_text(yaml.safe_dump(random_case(rng, catalogue), allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            load_case(path, catalogue.facts)
        except Exception:  # a variant the loader refuses is no use for a soak
            continue
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000)
    parser.add_argument("--variants", type=int, default=17)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-growth", type=float, default=50.0, help="MB allowed after the first report")
    parser.add_argument("--fresh-evaluator", action="store_true",
                        help="a new Evaluator for every evaluation (released afterwards), as one CLI run makes")
    args = parser.parse_args()

    catalogue = core_catalogue()
    with tempfile.TemporaryDirectory(prefix="fazhi-soak-") as tmp:
        paths = variants(Path(tmp), args.variants, args.seed)
        evaluator = Evaluator(catalogue)
        start = status()
        threads_at_start = (start["Threads"], threading.active_count())
        print(f"soak: {args.count:,} evaluations of {len(paths)} cases (core case + variants) on "
              f"tests/data/core/rules.yaml{', a fresh Evaluator each' if args.fresh_evaluator else ''}")
        print(f"start: RSS {start['VmRSS'] / 1024:.1f} MB, threads {start['Threads']} (/proc), "
              f"{threading.active_count()} (threading)")
        print(f"{'evaluations':>11}  {'RSS MB':>8}  {'growth MB':>9}  {'threads':>7}  {'py threads':>10}  {'eval/s':>7}")
        reports = []
        began = last = time.time()
        verdicts = 0
        for n in range(1, args.count + 1):
            case = load_case(paths[n % len(paths)], catalogue.facts)
            if args.fresh_evaluator:
                fresh = Evaluator(catalogue)
                evaluation = fresh.evaluate(case)
                release(fresh)
            else:
                evaluation = evaluator.evaluate(case)
            verdicts += len(evaluation.findings)
            dumps(to_json_data(evaluation, "zh"))
            render_text(evaluation, "en", color=False)
            if n % args.every == 0 or n == args.count:
                now, s = time.time(), status()
                base = reports[0][1] if reports else s["VmRSS"]
                reports.append((n, s["VmRSS"], s["Threads"], threading.active_count()))
                print(f"{n:>11,}  {s['VmRSS'] / 1024:>8.1f}  {(s['VmRSS'] - base) / 1024:>+9.1f}  {s['Threads']:>7}  "
                      f"{threading.active_count():>10}  {args.every / max(now - last, 1e-9):>7.0f}", flush=True)
                last = now
    elapsed = time.time() - began
    first, final = reports[0], reports[-1]
    growth = (final[1] - first[1]) / 1024
    peak = max(r[1] for r in reports) / 1024
    max_threads = max(r[2] for r in reports), max(r[3] for r in reports)
    thread_growth = max_threads[0] > threads_at_start[0] or max_threads[1] > threads_at_start[1]
    flat = growth <= args.max_growth and not thread_growth
    print(f"\n{args.count:,} evaluations ({verdicts:,} verdicts) in {elapsed:.1f} s, {args.count / elapsed:.0f}/s")
    print(f"RSS after warm-up ({first[0]:,} evaluations) {first[1] / 1024:.1f} MB, at the end {final[1] / 1024:.1f} MB: "
          f"{growth:+.1f} MB (limit {args.max_growth:.0f} MB); peak {peak:.1f} MB")
    print(f"threads: {threads_at_start[0]} at start, at most {max_threads[0]} (/proc); "
          f"{threads_at_start[1]} at start, at most {max_threads[1]} (threading)")
    print(f"verdict: {'FLAT' if flat else 'NOT FLAT'}" + ("" if flat else
          f" ({'memory grew' if growth > args.max_growth else ''}{' threads grew' if thread_growth else ''})"))
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
