#!/usr/bin/env python3
"""Evaluation time of this checkout against another commit, on the same districts, in the same run.

    python bench/bench_versions.py --baseline main --districts 200 --rounds 5   # main, or the commit before a change

1. Generates the districts once (bench/generate.py of this checkout, fixed seed) unless --cases names a folder.
2. Extracts the baseline commit (`git archive`) into a temporary folder.
3. Alternates the two trees, round after round, each in a fresh process: load the catalogue of its own
   rulesets/ and the districts' facts, build one Evaluator, then time evaluation (data checks, verdicts,
   findings with details, as `fazhi check` does) over every district, --passes times, in CPU seconds of
   the process (the fastest pass). Alternating spreads the machine's other load over both sides; the
   figure is the ratio of the medians (this / baseline), with each round's times.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import importlib.util, json, sys, time
from pathlib import Path
tree, cases = Path(sys.argv[1]), Path(sys.argv[2])
# the editable install's finder maps every fazhi.* name to its own checkout: leave it out
sys.meta_path = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "") + repr(f)]
spec = importlib.util.spec_from_file_location("fazhi", tree / "engine" / "__init__.py",
                                              submodule_search_locations=[str(tree / "engine")])
module = importlib.util.module_from_spec(spec)
sys.modules["fazhi"] = module  # this tree's engine, whatever is installed
spec.loader.exec_module(module)
from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import load_case
from fazhi.load.ruleset_loader import load_catalogue
catalogue = load_catalogue([str(tree / "rulesets")])
evaluator = Evaluator(catalogue)
paths = sorted(p for p in cases.iterdir() if (p / "facts.yaml").is_file())
cases = [load_case(p, catalogue.facts) for p in paths]
evaluator.evaluate(cases[0])  # warm: compiled templates, calendar tables
passes = []
for _ in range(int(sys.argv[3])):
    start = time.process_time()  # CPU time of this process: other sessions on the machine move it less than wall time
    findings = quality = 0
    for case in cases:
        e = evaluator.evaluate(case)
        findings += len(e.findings)
        quality += len(e.data_quality)
    passes.append(time.process_time() - start)
assert module.__file__.startswith(str(tree)) and sys.modules["fazhi.evaluate.evaluator"].__file__.startswith(str(tree))
print(json.dumps({"seconds": min(passes), "districts": len(paths), "findings": findings,
                  "data_quality": quality}))
"""


def run(tree: Path, cases: Path, passes: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(cases), str(passes)], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="main", help="a commit or branch of this repository")
    parser.add_argument("--districts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=3, help="evaluations of every district per process (the fastest counts)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cases", help="a folder of case folders (default: generated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "engine", "rulesets"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        cases = Path(args.cases) if args.cases else Path(tmp) / "cases"
        if not args.cases:
            sys.path.insert(0, str(ROOT))
            sys.path.insert(0, str(ROOT / "bench"))
            from generate import Generator
            from fazhi.load.ruleset_loader import load_catalogue
            Generator(load_catalogue([str(ROOT / "rulesets")]), seed=args.seed).write(cases, args.districts, [2021])
        this, other = [], []
        for i in range(args.rounds):
            pair = [(ROOT, this), (base, other)]
            for tree, times in (pair if i % 2 == 0 else pair[::-1]):
                result = run(tree, cases, args.passes)
                times.append(result["seconds"])
                last = (tree, result)
                print(f"round {i + 1} {'this' if tree == ROOT else args.baseline:>8}: {result['seconds']:.2f} s "
                      f"({result['districts']} districts, {result['findings']} findings, "
                      f"{result['data_quality']} data-quality findings)", flush=True)
        a, b = statistics.median(this), statistics.median(other)
        n = last[1]["districts"]
        print(f"median: this {a:.2f} s ({1000 * a / n:.1f} ms/district), {args.baseline} {b:.2f} s "
              f"({1000 * b / n:.1f} ms/district); ratio this/{args.baseline} = {a / b:.3f}")


if __name__ == "__main__":
    main()
