"""The web app with departments: what a department's fact save costs against a district fact save, in one run.

    .venv/bin/python bench/web_departments.py [--saves 20]

In-process (Starlette's ASGI test client, SQLite in a temporary instance), nothing on the network. It
imports cases/macun-2020 (district facts only) and cases/example-departments-2020 (22 departments, their
own facts and records), then times, alternately, a save by Macun's coordinator and a save by the
example's 公安分局 filler, each followed by the page the save redirects to (the re-evaluation), and
reports the medians, p95 and their ratio; also import-case and export-case of the example.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    from web_support import PASSWORD, client
    from fazhi.web import models as m
    from fazhi.web.service import Store
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(None, str(Path(tmp) / "instance"))
        store.import_case(str(ROOT / "cases" / "macun-2020"))
        start = time.perf_counter()
        store.import_case(str(ROOT / "cases" / "example-departments-2020"))
        imported = time.perf_counter() - start
        start = time.perf_counter()
        store.export_case("示例区（虚构）", 2020, str(Path(tmp) / "out"))
        exported = time.perf_counter() - start
        with store.session() as s, s.begin():
            for case in s.query(m.Case):
                case.status = m.CASE_OPEN
            ids = {d.name: d.id for d in s.query(m.District)}
        store.add_user("coord", PASSWORD, "coordinator", "马村区")
        store.add_user("ga", PASSWORD, "department", "示例区（虚构）", "gongan")
        coord, ga = client(store), client(store)
        coord.login("coord")
        ga.login("ga")
        key = "three_systems.legal_review.reviewers"
        from fazhi.web import engine_bridge as bridge
        domain = bridge.domain_of_fact(key)
        targets = {
            "district fact (马村区)": (coord, f"/d/{ids['马村区']}/2020", f"/d/{ids['马村区']}/2020/domain/{domain}"),
            "department fact (示例区, 22 departments)": (ga, f"/d/{ids['示例区（虚构）']}/2020/dept/gongan",
                                                      f"/d/{ids['示例区（虚构）']}/2020/dept/gongan/domain/{domain}"),
        }
        times: dict[str, list[float]] = {name: [] for name in targets}
        for i in range(args.saves):
            for name, (web, base, form) in targets.items():
                page = web.get(form).text
                version = re.search(rf'action="[^"]*/fact/{re.escape(key)}" class="fact-form">\s*<input[^>]*>\s*'
                                    r'<input type="hidden" name="version" value="(\d+)"', page).group(1)
                start = time.perf_counter()
                answer = web.form(f"{base}/fact/{key}", {"version": version, "value": str(10 + i)})
                assert answer.status_code == 303, (name, answer.status_code)
                web.get(answer.headers["location"])
                times[name].append(time.perf_counter() - start)
        print(f"import-case example-departments-2020: {imported * 1000:.0f} ms; export-case: {exported * 1000:.0f} ms")
        medians = {}
        for name, values in times.items():
            values.sort()
            medians[name] = statistics.median(values)
            p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
            print(f"{name}: save + re-evaluation p50 {medians[name] * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms ({len(values)} saves)")
        a, b = medians.values()
        print(f"ratio department / district save: {b / a:.2f}")
        store.engine.dispose()


if __name__ == "__main__":
    main()
