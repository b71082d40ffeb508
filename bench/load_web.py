"""Load on the web app: simulated users saving facts of many districts at once, on loopback only.

    .venv/bin/python bench/load_web.py [--users 50] [--districts 20] [--seconds 60] [--think 0] [--workers 1] [--db postgresql://…]

A server (`fazhi serve`) is started on 127.0.0.1 with a fresh instance; the Macun case is imported once per
district (renamed); each simulated user logs in as its district's coordinator and loops: save one fact
(POST, with the version it last saw) and load the page the save redirects to, which re-evaluates the
district. That pair is one "fact save, re-evaluation included". A 409 (someone saved the same fact first)
is a conflict, not an error: the user reloads and carries on. The run stops by itself after --seconds.
With --think 0 every user saves again at once (a saturation test: latency is then users / throughput);
--think 5 models people who read the page and type for about five seconds between saves.

Reports p50/p95/p99 of a save, requests per second, the server's RSS at the start and the end, errors,
and lost updates, found by replaying the audit log against the final state of every fact.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password"


def rss_mb(pid: int) -> float:
    """Resident memory of the server: the process and, with --workers, its worker processes."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            try:
                total += rss_mb(int(child))
            except FileNotFoundError:
                pass
    return total


def editable_keys() -> list[str]:
    """Whole-number facts no other fact is bounded by, and with no bound of their own: any value is valid."""
    from fazhi.web import engine_bridge as bridge
    vocab = bridge.vocabulary()
    totals = {s.not_above for s in vocab.values() if s.not_above}
    return sorted(k for k, s in vocab.items() if s.type.value == "int" and not s.not_above and k not in totals
                  and s.maximum is None and bridge.domain_of_fact(k))[:6]


def prepare(instance: Path, db: str | None, districts: int) -> None:
    sys.path.insert(0, str(ROOT))
    from fazhi.web.service import Store
    if db:
        from sqlalchemy import create_engine, text
        from fazhi.web.db import database_url
        engine = create_engine(database_url(db, instance))
        with engine.begin() as c:
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    store = Store.open(db, str(instance))
    source = (ROOT / "cases" / "macun-2020" / "facts.yaml").read_text(encoding="utf-8")
    for i in range(districts):
        folder = instance / "cases" / f"d{i}"
        folder.mkdir(parents=True)
        (folder / "facts.yaml").write_text(source.replace("name: 马村区", f"name: 负载测试{i:02d}区")
                                           .replace("  submitted: {date: 2021-02-25, by: 中共马村区委 马村区人民政府}\n", ""),
                                           encoding="utf-8")
        store.import_case(str(folder))
        store.add_user(f"c{i}", PASSWORD, "coordinator", f"负载测试{i:02d}区")
    store.engine.dispose()


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.saves: list[float] = []
        self.requests = 0
        self.errors: list[str] = []
        self.conflicts = 0


def user_loop(base: str, index: int, districts: int, keys: list[str], stop: float, stats: Stats,
              think: float = 0.0) -> None:
    rng = random.Random(index)
    district = index % districts
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as web:
        page = web.get("/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = web.post("/login", data={"csrf": token, "username": f"c{district}", "password": PASSWORD})
        if r.status_code != 303:
            stats.errors.append(f"login {r.status_code}")
            return
        home = web.get("/", follow_redirects=True)
        case_url = str(home.url).replace(base, "")
        token = re.search(r'name="csrf" value="([^"]+)"', home.text).group(1)
        from fazhi.web import engine_bridge as bridge
        pages: dict[str, str] = {}
        while time.time() < stop:
            if think:  # a person reads the page and types the next value: a random pause, mean `think` seconds
                time.sleep(min(rng.expovariate(1 / think), max(0.0, stop - time.time())))
                if time.time() >= stop:
                    break
            key = rng.choice(keys)
            domain_url = f"{case_url}/domain/{bridge.domain_of_fact(key)}"
            if key not in pages:
                pages[key] = web.get(domain_url).text
                stats.requests += 1
            found = re.search(rf'action="[^"]*/fact/{re.escape(key)}".*?name="version" value="(\d+)"', pages[key], re.S)
            started = time.perf_counter()
            r = web.post(f"{case_url}/fact/{key}", data={"csrf": token, "version": found.group(1),
                                                          "value": str(rng.randint(0, 500))})
            if r.status_code == 303:
                page = web.get(r.headers["location"])
                elapsed = time.perf_counter() - started
                with stats.lock:
                    stats.requests += 2
                    if page.status_code == 200:
                        stats.saves.append(elapsed)
                    else:
                        stats.errors.append(f"page {page.status_code}")
                pages.clear()
                pages[key] = page.text
            elif r.status_code == 409:
                with stats.lock:
                    stats.conflicts += 1
                    stats.requests += 1
                pages.pop(key, None)
            else:
                with stats.lock:
                    stats.errors.append(f"save {r.status_code}")
                    stats.requests += 1


def lost_updates(instance: Path, db: str | None) -> tuple[int, int]:
    """Replay the audit log: every save must start from the value the one before it left, and the last
    must be the fact's value now. Returns (facts checked, facts whose chain breaks)."""
    from sqlalchemy import select
    from fazhi.web import models as m
    from fazhi.web.service import Store
    store = Store.open(db, str(instance))
    broken = checked = 0
    with store.session() as s:
        chains: dict[tuple[int, str], list[m.AuditEntry]] = {}
        for e in s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "fact-save").order_by(m.AuditEntry.id)):
            chains.setdefault((e.case_id, e.target), []).append(e)
        for (case_id, key), entries in chains.items():
            checked += 1
            fact = s.scalar(select(m.Fact).where(m.Fact.case_id == case_id, m.Fact.key == key))
            ok = all(b.before and b.before["value"] == a.after["value"] for a, b in zip(entries, entries[1:]))
            ok = ok and entries[-1].after["value"] == fact.value and entries[-1].after["version"] == fact.version
            broken += 0 if ok else 1
    store.engine.dispose()
    return checked, broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--districts", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=1, help="server processes (fazhi serve --workers)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause of a user between saves, in seconds (0: save again at once, a saturation test)")
    parser.add_argument("--db", help="postgresql://… (default: SQLite in a temporary instance)")
    args = parser.parse_args()
    args.users, args.districts, args.seconds = min(args.users, 200), min(args.districts, 100), min(args.seconds, 600)
    instance = Path(tempfile.mkdtemp(prefix="fazhi-load-"))
    try:
        prepare(instance, args.db, args.districts)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        fazhi = str(Path(sys.executable).with_name("fazhi"))
        cmd = [fazhi, "serve", "--instance", str(instance), "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(args.workers)]
        server = subprocess.Popen(cmd + (["--db", args.db] if args.db else []), stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/login", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            rss_start = rss_mb(server.pid)
            stats = Stats()
            keys = editable_keys()
            stop = time.time() + args.seconds
            started = time.time()
            threads = [threading.Thread(target=user_loop, args=(base, i, args.districts, keys, stop, stats, args.think))
                       for i in range(args.users)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 60)
            wall = time.time() - started
            rss_end = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(10)
        checked, broken = lost_updates(instance, args.db)
        saves = sorted(stats.saves)
        q = statistics.quantiles(saves, n=100) if len(saves) >= 2 else [float("nan")] * 99
        print(f"database: {'PostgreSQL' if args.db else 'SQLite'}; {args.users} users, {args.districts} districts, "
              f"{args.seconds:.0f} s, think time {args.think:g} s, {args.workers} server worker(s); fact keys {', '.join(keys)}")
        print(f"fact saves (re-evaluation included): {len(saves)}; p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
              f"p99 {q[98] * 1000:.0f} ms")
        print(f"requests: {stats.requests} in {wall:.1f} s = {stats.requests / wall:.1f}/s; conflicts (409, expected): "
              f"{stats.conflicts}")
        print(f"server RSS: {rss_start:.0f} MB at start, {rss_end:.0f} MB at end")
        print(f"errors: {len(stats.errors)} {sorted(set(stats.errors))[:5]}")
        print(f"lost updates: {broken} of {checked} facts (audit log replayed against the final state)")
        sys.exit(1 if stats.errors or broken else 0)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
