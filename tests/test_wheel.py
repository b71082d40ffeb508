"""The built wheel is a product: installed into a fresh venv, run from a folder outside the checkout, it
finds its own rulesets and templates and does the everyday jobs on a copy of the Macun case.

How the fresh venv gets its dependencies: it is made without pip (fast), the wheel is installed into it
with this venv's pip (`pip --python`, no dependencies resolved, nothing downloaded), and a .pth file
appends this venv's site-packages for the dependencies (durable-rules builds from C source: reusing the
built one keeps the test in seconds, offline). The fresh venv's own site-packages comes first on
sys.path, so `fazhi` is the installed wheel's, never the checkout's editable install (whose finder is
registered by a .pth that a .pth-appended folder does not run). The test asserts that, too.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str | Path, cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode in ok, f"{args}: exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result


def _not_source(folder: str, names: list[str]) -> set[str]:
    """What a checkout may hold besides its source: venvs, builds, caches, outputs at the top."""
    skip = {n for n in names if n in (".venv", ".git", "build", "dist", "__pycache__", ".pytest_cache") or n.endswith(".egg-info")}
    if Path(folder) == ROOT:
        skip |= {n for n in names if n not in ("pyproject.toml", "README.md", "engine", "rulesets", "templates")}
    return skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """(the fresh venv's bin folder, the wheel, the environment to run it in)."""
    build = tmp_path_factory.mktemp("build")
    source = build / "source"  # a clean copy: no .venv, no build/ or egg-info left in the checkout
    shutil.copytree(ROOT, source, ignore=_not_source)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "FAZHI_LANG")}
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", build / "dist", source,
        cwd=build, env=env)
    wheel = next((build / "dist").glob("fazhi-*.whl"))
    venv = build / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=build, env=env)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel, cwd=build, env=env)
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=build, env=env).stdout.strip())
    (site / "zz-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv / "bin", wheel, env


def test_the_wheel_carries_the_rulesets_and_templates_and_no_engine(installed):
    bindir, wheel, env = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.startswith("engine/")]
    for folder in ("fazhi/rulesets/", "fazhi/rulesets/profiles/", "fazhi/rulesets/extraction/", "fazhi/templates/"):
        assert any(n.startswith(folder) and n.endswith((".yaml", ".j2")) for n in names), folder
    assert "fazhi/rulesets/sources.yaml" in names and "fazhi/templates/gap_report.html.j2" in names
    site = Path(run(bindir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                    cwd=bindir, env=env).stdout.strip())
    assert not list(site.glob("engine*")), "a top-level `engine` was installed"
    where = run(bindir / "python", "-c", "import fazhi; print(fazhi.__file__)", cwd=bindir, env=env).stdout
    assert where.startswith(str(site)), where


def test_the_everyday_jobs_from_outside_the_checkout(installed, tmp_path):
    bindir, _, env = installed
    fazhi = bindir / "fazhi"
    shutil.copytree(ROOT / "cases" / "macun-2020", tmp_path / "macun-2020")
    work = lambda *args, ok=(0,): run(fazhi, *args, cwd=tmp_path, env=env, ok=ok)  # noqa: E731
    checked = work("check", "macun-2020", "--format", "json", "--out", "findings.json", "--date", "2021-06-01", ok=(1,))
    assert "已写入 findings.json" in checked.stderr  # Chinese: the run's language by default
    assert "site-packages" in json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))["manifest"]["rulesets"][0]["file"]
    for name in ("r.md", "r.html", "r.docx"):
        work("report", "macun-2020", "--out", name, "--date", "2021-06-01")
    for name in ("m.md", "memo.json", "m.docx"):
        work("memo", "macun-2020", "--out", name, "--date", "2021-06-01")
    assert "<html" in (tmp_path / "r.html").read_text(encoding="utf-8")[:200].lower()
    assert (tmp_path / "r.docx").read_bytes()[:2] == b"PK" and (tmp_path / "m.docx").read_bytes()[:2] == b"PK"
    assert json.loads((tmp_path / "memo.json").read_text(encoding="utf-8"))["items"]
    printed = work("report", "macun-2020", "--date", "2021-06-01")
    assert printed.stdout.startswith("# ")
    work("questionnaire", "--out", "q.xlsx", "--district", "马村区", "--period", "2021")
    work("import", "q.xlsx", "--out", "macun-2021/facts.yaml")
    work("check", "macun-2021", ok=(0, 1))
    work("inspect", ".", "--out", "inspection", "--jobs", "1", "--date", "2021-06-01", ok=(1,))
    assert {p.name for p in (tmp_path / "inspection").iterdir()} >= {"summary.json", "summary.xlsx", "index.html", "districts"}
    assert work("verify", "findings.json").stdout.startswith("一致：")
    assert "TS-REVIEW-STAFF-5PCT" in work("rules", "list").stdout
    assert work("validate").stdout.startswith("无误：")


def test_python_m_fazhi(installed, tmp_path):
    bindir, _, env = installed
    assert "fazhi" in run(bindir / "python", "-m", "fazhi", "--version", cwd=tmp_path, env=env).stdout
