#!/usr/bin/env python3
"""DOCX gap report time against the number of records: it must grow linearly, not quadratically.

    nice python bench/bench_docx.py                          # 1,000 / 2,000 / 4,000 records
    nice python bench/bench_docx.py --records 1000 2000 4000 39000

One synthetic case (bench/generate.py's distributions) whose records facts share the given number of
records between them, each list within the 10,000-record limit (docs/limits.md), so 39,000 records
fill several lists. The case is evaluated and its report view built once per size (not timed);
then the view is written as DOCX and, as the baseline of the same run, rendered as HTML. Times are CPU
seconds (the machine may be shared: a wall clock also counts waiting for a core). Printed: a
table of records vs seconds (the fastest of --repeat runs), the ratio of each size's DOCX time to the
size before (2× records: ≈ 2.0 when linear, ≈ 4.0 when quadratic; below 2 while fixed costs dominate),
and the whole `fazhi report --out x.docx` command at the largest size. Exit 1 when a ratio for doubled
records exceeds --max-ratio or the whole command takes longer than --max-seconds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import _DUMPER, Generator  # noqa: E402

from fazhi.app.check import check  # noqa: E402
from fazhi.documents.build import build_report  # noqa: E402
from fazhi.documents.docx import report_docx  # noqa: E402
from fazhi.documents.render import render  # noqa: E402
from fazhi.load.facts_loader import MAX_RECORDS  # noqa: E402
from fazhi.load.ruleset_loader import load_catalogue  # noqa: E402
from fazhi.vocabulary import FactType  # noqa: E402

PERIOD = 2021
DAY = dt.date(2022, 3, 1)


def write_case(folder: Path, records: int, seed: int = 7) -> None:
    """A case whose records facts hold `records` records in all (ids unique, fields drawn as generate.py does)."""
    catalogue = load_catalogue([str(ROOT / "rulesets")])
    gen = Generator(catalogue, seed=seed, missing=0.0, today=DAY)
    rng = random.Random(seed)
    facts: dict[str, Any] = gen.facts(rng, PERIOD)
    lists = [spec for spec in catalogue.facts.values() if spec.type is FactType.RECORDS]
    if records > len(lists) * MAX_RECORDS:
        raise SystemExit(f"{records:,} records do not fit in {len(lists)} lists of {MAX_RECORDS:,}")
    share = [records // len(lists) + (1 if i < records % len(lists) else 0) for i in range(len(lists))]
    for spec, count in zip(lists, share):
        items = []
        for i in range(count):
            item: dict[str, Any] = {"id": f"{spec.key.split('.')[-1][:3].upper()}-{i + 1:05d}"}
            day = dt.date(PERIOD, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
            for f in spec.fields:
                if f.type is FactType.DATE:
                    day = day + dt.timedelta(days=rng.randint(0, 45))
                    item[f.name] = day
                else:
                    item[f.name] = gen._field(rng, f, PERIOD)
            items.append(item)
        facts[spec.key] = {"records": items}
    doc = {"case": {"district": {"name": "基准区", "level": "county", "parent": "基准市"}, "period": PERIOD},
           "facts": facts}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "facts.yaml").write_text(yaml.dump(doc, Dumper=_DUMPER, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")


def measure(records: int, work: Path, repeat: int) -> tuple[int, int, float, float, int]:
    """(records, records shown in the report, DOCX seconds, HTML seconds, DOCX bytes) for one size: the
    fastest of `repeat` runs each, so that other work on a shared machine inflates no ratio."""
    folder = work / f"case-{records}"
    write_case(folder, records)
    result = check(str(folder), lang="zh", on=DAY)
    view = build_report(result.evaluation, "zh", DAY, result.progress, result.score)
    shown = sum(len(p.records) for group in view.problems for p in group.points)
    docx_seconds = html_seconds = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        content = report_docx(view)
        docx_seconds = min(docx_seconds, time.process_time() - start)
        start = time.process_time()
        render("report", "html", view)
        html_seconds = min(html_seconds, time.process_time() - start)
    return records, shown, docx_seconds, html_seconds, len(content)


def whole_command(records: int, work: Path) -> tuple[float, float, float]:
    """`fazhi report CASE --out report.docx` as a user runs it (load, evaluate, build, write): its CPU
    seconds, wall seconds and peak memory in MB."""
    out = work / f"report-{records}.docx"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "fazhi", "report", str(work / f"case-{records}"), "--out", str(out),
                    "--date", DAY.isoformat()], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, wall, after.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000, 2000, 4000])
    parser.add_argument("--max-ratio", type=float, default=2.8,
                        help="the largest DOCX time ratio allowed for doubled records (linear ≈ 2, quadratic ≈ 4)")
    parser.add_argument("--max-seconds", type=float, default=30.0,
                        help="the longest time allowed for the whole command at the largest size")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (the fastest counts)")
    args = parser.parse_args()
    sizes = sorted(args.records)
    rows = []
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-docx-") as tmp:
        for n in sizes:
            rows.append(measure(n, Path(tmp), args.repeat))
            print(f"  measured {n:,} records", file=sys.stderr, flush=True)
        command_cpu, command_wall, command_mb = whole_command(sizes[-1], Path(tmp))
    print("| records | in the report | DOCX CPU s | HTML CPU s (baseline) | DOCX / HTML | DOCX MB | ratio to the size before |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    failed = False
    for i, (n, shown, docx_s, html_s, size) in enumerate(rows):
        ratio = ""
        if i:
            prev_n, _, prev_s, _, _ = rows[i - 1]
            r = docx_s / prev_s if prev_s else float("inf")
            ratio = f"{r:.2f} for {n / prev_n:.1f}× records"
            if n == 2 * prev_n and r > args.max_ratio:
                failed = True
                ratio += f" (above {args.max_ratio})"
        print(f"| {n:,} | {shown:,} | {docx_s:.2f} | {html_s:.2f} | {docx_s / html_s:.1f} | {size / 1e6:.1f} | {ratio} |")
    print(f"\nthe whole command, `fazhi report CASE --out report.docx` with {sizes[-1]:,} records: {command_cpu:.1f} CPU s "
          f"(limit {args.max_seconds:.0f} s), {command_wall:.1f} s on the clock, peak memory {command_mb:.0f} MB")
    if command_cpu > args.max_seconds:
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
