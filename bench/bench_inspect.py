#!/usr/bin/env python3
"""Benchmark `fazhi inspect` on synthetic districts, against bare durable-rules in the same run.

    python bench/bench_inspect.py --districts 3000 --jobs 2                 # the acceptance run
    python bench/bench_inspect.py --districts 300 --jobs 2 --documents      # with every district's documents

1. Generates the districts (bench/generate.py, fixed seed) unless --cases names a folder.
2. Runs `fazhi inspect` on them in a child process (wall time, districts per second), sampling the
   resident memory of the whole process tree every 0.2 s: the peak of the sum, and the workers' RSS
   at each tenth of the run (flat memory: the last tenth should not exceed the first by much).
3. In this process, on a sample of districts: Fazhi's evaluation (facts → verdicts, findings, data
   checks; and with the YAML loading) against asserting the very frames the Evaluator builds into
   bare durable-rules with the same compiled rules, one session per district, and nothing else:
   through the Host API one fact at a time, and in one assert_facts batch (actions only note the
   rule); and through the C core alone, which is how Fazhi drives it. All must fire the same number
   of matches. The ratio to the faster Host baseline is the engine's overhead.
"""
from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def background_load(seconds: float = 2.0) -> float:
    """The share of all CPUs busy before the run (other work on the machine skews every figure)."""
    def read() -> tuple[int, int]:
        with open("/proc/stat") as handle:
            v = [int(x) for x in handle.readline().split()[1:]]
        return sum(v), v[3] + v[4]
    a = read()
    time.sleep(seconds)
    b = read()
    total = b[0] - a[0]
    return 100 * (total - (b[1] - a[1])) / total if total else 0.0


def tree_rss(pid: int) -> tuple[int, list[int]]:
    """(RSS of the process and all its descendants, RSS of each descendant) in bytes."""
    total, children = 0, []
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as handle:
                rss = next((int(line.split()[1]) * 1024 for line in handle if line.startswith("VmRSS:")), 0)
            kids: list[int] = []
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    kids += [int(x) for x in handle.read().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
        total += rss
        if p != pid and rss:  # a finished worker (a zombie) has no resident memory to report
            children.append(rss)
        stack += kids
    return total, children


def run_inspect(cases: str, out: str, jobs: int, documents: bool) -> dict[str, object]:
    command = [sys.executable, "-m", "engine", "inspect", cases, "--out", out, "--jobs", str(jobs), "--force",
               "--date", "2022-06-01", "--top", "5"] + ([] if documents else ["--no-documents"])
    samples: list[tuple[float, int, list[int]]] = []
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        while proc.poll() is None:
            total, kids = tree_rss(proc.pid)
            samples.append((time.perf_counter() - started, total, kids))
            time.sleep(0.2)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"inspect failed ({proc.returncode}):\n{stderr[-3000:]}")
    peak = max((s[1] for s in samples), default=0)
    worker = [max(s[2]) for s in samples if s[2]]  # while the workers live (not the final writing)
    tenths = [worker[min(len(worker) - 1, int(len(worker) * k / 10))] for k in range(1, 11)] if worker else []
    return {"wall": wall, "cpu": cpu, "peak": peak, "worker_tenths": tenths, "stdout": stdout}


def engine_ratio(cases: list[str], catalogue) -> dict[str, float]:  # noqa: ANN001
    """Fazhi's in-process evaluation against bare durable-rules on the same frames."""
    import json
    import durable_rules_engine as core
    from durable import engine as durable
    from fazhi.evaluate.evaluator import Evaluator
    from fazhi.load.facts_loader import load_case
    from fazhi.infer.inference import RULES_PER_SENTINEL, SENTINEL, _pattern
    from fazhi.compile.compiler import compile_requirement

    evaluator = Evaluator(catalogue)
    loaded = [load_case(c, catalogue.facts) for c in cases]
    frames: list[list] = []
    original = evaluator.engine.evaluate

    fazhi_fired = [0]

    def capture(name, facts):  # noqa: ANN001, ANN202
        frames.append(list(facts))
        result = original(name, facts)
        fazhi_fired[0] += len(result)
        return result
    evaluator.engine.evaluate = capture
    for case in loaded:
        evaluator.evaluate(case)
    evaluator.engine.evaluate = original

    class Host(durable.Host):
        def _run(self) -> None:
            return None
    host = Host()
    fired: list[str] = []
    definition = {}
    specs = [rule for req in catalogue.requirements for rule in compile_requirement(req)]
    groups = sorted({i // RULES_PER_SENTINEL for i in range(len(specs))})
    for i, spec in enumerate(specs):
        sentinel = {"go": {"$and": [{"kind": SENTINEL}, {"grp": i // RULES_PER_SENTINEL}]}}
        definition[spec.id] = {"all": [sentinel] + [_pattern(p) for p in spec.patterns],
                               "run": (lambda rid: lambda c: fired.append(rid))(spec.id)}
    definition["sink!"] = {"all": [{"a": {"$ex": {"kind": 1}}}, {"b": {"kind": "never!"}}], "run": lambda c: None}
    definition["warm!"] = {"all": [{"w": {"kind": "warm!"}}], "run": lambda c: None}
    host.register_rulesets({"bare": definition})
    host.assert_fact("bare", {"sid": "w", "id": "w", "kind": "warm!", "_e": 1})
    host.delete_state("bare", "w")

    def facts_of(case_frames: list, sid: str) -> list[dict]:  # noqa: ANN001
        facts = [{"kind": f.kind, "ref": f.ref, "sid": sid, "id": f"f{i}", "_e": 1, **f.values}
                 for i, f in enumerate(case_frames)]
        return facts + [{"sid": sid, "id": f"go{g}", "kind": SENTINEL, "grp": g, "_e": 1} for g in groups]

    def bare(case_frames: list) -> None:  # noqa: ANN001 - durable-rules' Host API, one assert_fact per fact
        sid = uuid.uuid4().hex
        for fact in facts_of(case_frames, sid):
            host.assert_fact("bare", fact)
        host.delete_state("bare", sid)

    def bare_batch(case_frames: list) -> None:  # noqa: ANN001 - the Host API, one assert_facts per district
        sid = uuid.uuid4().hex
        host.assert_facts("bare", facts_of(case_frames, sid))
        host.delete_state("bare", sid)

    handle = host.get_ruleset("bare")._handle

    def bare_core(case_frames: list) -> None:  # noqa: ANN001 - the C core alone: what fired is not even read
        sid = uuid.uuid4().hex
        code, state = core.assert_facts(handle, json.dumps(facts_of(case_frames, sid), ensure_ascii=False))
        started = core.start_action_for_state(handle, state)
        messages = started[1] if started else None
        while messages:
            fired.append(messages[:1])
            messages = core.complete_and_start_action(handle, state)
        core.delete_state(handle, sid)

    # the C core with the rules sharded as Fazhi's engine shards them (a ruleset per few requirements)
    from fazhi.infer.inference import _kinds, _shard
    shards, route = [], {}
    for index, part in enumerate(_shard(specs)):
        assert len(part) <= RULES_PER_SENTINEL  # so one sentinel group per shard
        sentinel = {"go": {"$and": [{"kind": SENTINEL}, {"grp": 0}]}}
        shard_definition = {spec.id: {"all": [sentinel] + [_pattern(p) for p in spec.patterns], "run": lambda c: None}
                            for spec in part}
        shard_definition["sink!"] = {"all": [{"a": {"$ex": {"kind": 1}}}, {"b": {"kind": "never!"}}], "run": lambda c: None}
        shard_definition["warm!"] = {"all": [{"w": {"kind": "warm!"}}], "run": lambda c: None}
        host.register_rulesets({f"bare-{index}": shard_definition})
        host.assert_fact(f"bare-{index}", {"sid": "w", "id": "w", "kind": "warm!", "_e": 1})
        host.delete_state(f"bare-{index}", "w")
        shards.append(host.get_ruleset(f"bare-{index}")._handle)
        route.update((kind, index) for spec in part for kind in _kinds(spec))

    def bare_core_sharded(case_frames: list) -> None:  # noqa: ANN001
        parts: dict[int, list] = {}
        for f in case_frames:
            parts.setdefault(route.get(f.kind, 0), []).append(f)
        for index, part in parts.items():
            sid = uuid.uuid4().hex
            batch = [{"kind": f.kind, "ref": f.ref, "sid": sid, "id": f"f{i}", "_e": 1, **f.values}
                     for i, f in enumerate(part)] + [{"sid": sid, "id": "go0", "kind": SENTINEL, "grp": 0, "_e": 1}]
            code, state = core.assert_facts(shards[index], json.dumps(batch, ensure_ascii=False))
            started = core.start_action_for_state(shards[index], state)
            messages = started[1] if started else None
            while messages:
                fired.append(messages[:1])
                messages = core.complete_and_start_action(shards[index], state)
            core.delete_state(shards[index], sid)

    labels = ("bare", "bare_batch", "bare_core", "bare_core_sharded", "evaluate", "evaluate_light", "load_and_evaluate")
    timings = {label: float("inf") for label in labels}
    works = {"bare": lambda: [bare(f) for f in frames],
             "bare_batch": lambda: [bare_batch(f) for f in frames],
             "bare_core": lambda: [bare_core(f) for f in frames],
             "bare_core_sharded": lambda: [bare_core_sharded(f) for f in frames],
             "evaluate": lambda: [evaluator.evaluate(c) for c in loaded],
             "evaluate_light": lambda: [evaluator.evaluate(c, details=False) for c in loaded],
             "load_and_evaluate": lambda: [evaluator.evaluate(load_case(c, catalogue.facts)) for c in cases]}
    matches = {}
    gc.collect()
    gc.freeze()  # as an inspect worker does once its catalogue is loaded: the sample stays out of every collection
    for _ in range(3):  # interleaved, best of three: other load on the machine hits all alike
        for label, work in works.items():
            fired.clear()
            t = time.perf_counter()
            work()
            timings[label] = min(timings[label], (time.perf_counter() - t) / len(cases) * 1000)
            matches[label] = len(fired)
    if not matches["bare"] == matches["bare_batch"] == matches["bare_core"] == matches["bare_core_sharded"] == fazhi_fired[0]:
        raise SystemExit(f"the baselines fired differently from Fazhi: {matches}, Fazhi {fazhi_fired[0]}")
    timings["frames"] = sum(len(f) for f in frames) / len(frames)
    timings["matches"] = fazhi_fired[0] / len(frames)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--districts", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cases", help="an existing folder of cases (skips generating)")
    parser.add_argument("--sample", type=int, default=200, help="districts in the engine-overhead comparison")
    parser.add_argument("--documents", action="store_true", help="also write every district's documents")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from fazhi.load.ruleset_loader import load_catalogue
    from generate import Generator
    catalogue = load_catalogue([str(ROOT / "rulesets")])
    work = Path(tempfile.mkdtemp(prefix="fazhi-bench-"))
    try:
        cases = args.cases
        if cases is None:
            t = time.perf_counter()
            Generator(catalogue, args.seed).write(work / "cases", args.districts, [2021])
            cases = str(work / "cases")
            print(f"generated {args.districts} districts in {time.perf_counter() - t:.1f} s")
        n = sum(1 for p in Path(cases).rglob("facts.yaml"))
        print(f"machine: {os.cpu_count()} CPUs, {background_load():.0f}% of them busy with other work before the run")
        result = run_inspect(cases, str(work / "out"), args.jobs, args.documents)
        wall = float(result["wall"])  # type: ignore[arg-type]
        tenths = result["worker_tenths"]
        print(f"fazhi inspect: {n} districts × {len(catalogue.requirements)} requirements on {args.jobs} processes"
              f"{' with documents' if args.documents else ''}: {wall:.1f} s, {n / wall:.0f} districts/s; "
              f"{float(result['cpu']):.0f} s of CPU in all ({1000 * float(result['cpu']) / n:.0f} ms per district)")
        print(f"peak RSS of the process tree: {int(result['peak']) / 2**20:.0f} MB; largest worker RSS at each tenth of the "
              f"run (MB): {' '.join(f'{x / 2**20:.0f}' for x in tenths)}")  # type: ignore[union-attr]
        sample = sorted(str(p.parent) for p in Path(cases).rglob("facts.yaml"))[: args.sample]
        r = engine_ratio(sample, catalogue)
        base = min(r["bare"], r["bare_batch"])
        print(f"in one process, {len(sample)} districts ({r['frames']:.0f} engine facts and {r['matches']:.0f} matches each), "
              f"ms per district, best of 3:\n"
              f"  bare durable-rules, Host.assert_fact per fact   {r['bare']:6.2f}\n"
              f"  bare durable-rules, Host.assert_facts per case  {r['bare_batch']:6.2f}\n"
              f"  durable-rules' C core alone (no Python action)  {r['bare_core']:6.2f}\n"
              f"  … with the rules sharded as Fazhi shards them   {r['bare_core_sharded']:6.2f}\n"
              f"  Fazhi evaluate (verdicts, findings, data checks) {r['evaluate']:6.2f}  = {r['evaluate'] / base:.2f}× the faster "
              f"bare Host ({r['evaluate'] / r['bare_core_sharded']:.2f}× the sharded C core alone)\n"
              f"  … without each finding's fact list, as inspect   {r['evaluate_light']:6.2f}  = {r['evaluate_light'] / base:.2f}×\n"
              f"  Fazhi, reading the YAML too                      {r['load_and_evaluate']:6.2f}  = {r['load_and_evaluate'] / base:.2f}×")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
