"""`fazhi serve` as a user starts it: a fresh instance folder is created on first run, the login page
answers, and with --workers 2 two worker processes serve the same database."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
httpx = pytest.importorskip("httpx")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_creates_its_instance_and_answers(tmp_path, workers):
    instance = tmp_path / "instance"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("FAZHI_DB", "FAZHI_INSTANCE")}
    server = subprocess.Popen([sys.executable, "-m", "fazhi", "serve", "--instance", str(instance),
                               "--port", str(port), "--workers", str(workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.3)
        assert response.status_code == 200
        assert "登录" in response.text
        assert (instance / "fazhi.sqlite3").exists() and (instance / "secret_key").exists()
        assert oct((instance / "secret_key").stat().st_mode & 0o777) == "0o600"
        if workers > 1:  # uvicorn's supervisor, then one process per worker
            deadline = time.monotonic() + 30
            while len(children(server.pid)) < workers and time.monotonic() < deadline:
                time.sleep(0.2)
            assert len(children(server.pid)) >= workers
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
