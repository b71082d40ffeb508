"""Shared pytest options and fixtures.

Golden files (tests/golden/): `golden(name, text)` compares text with tests/golden/<name> and fails
with a unified diff; `pytest --update-golden` rewrites the files from the current output instead.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Callable

import pytest

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def pytest_configure(config: pytest.Config) -> None:
    """The catalogue cache (fazhi.load.catalogue_cache) of the test run lives and dies with it: tests never
    read or fill the user's ~/.cache/fazhi, and every run starts with an empty cache."""
    import os
    import tempfile
    folder = tempfile.mkdtemp(prefix="fazhi-test-cache-")
    config._fazhi_cache = folder  # type: ignore[attr-defined]
    os.environ["FAZHI_CACHE_DIR"] = folder
    os.environ.pop("FAZHI_NO_CACHE", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil
    folder = getattr(config, "_fazhi_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite the golden files under tests/golden/ from the current output.")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = GOLDEN_DIR / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8", newline="\n")
            return
        if not path.exists():
            pytest.fail(f"no golden file {path.relative_to(GOLDEN_DIR.parent.parent)}; "
                        "create it with `pytest --update-golden` and review it", pytrace=False)
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                                fromfile=f"golden/{name}", tofile="actual"))
            pytest.fail(f"{name} differs from its golden file (rerun with --update-golden if the change is "
                        f"intended):\n{diff}", pytrace=False)

    return check


# --- documents (tests/test_documents_*.py) ------------------------------------------------------
# Their own tiny rulesets, case and owners under tests/data/documents/, so rulesets/ may change freely.

DOC_DATA = Path(__file__).resolve().parent / "data" / "documents"
DOC_RULES = DOC_DATA / "rules"
DOC_CASE = DOC_DATA / "case"
DOC_DATE = "2021-03-01"


@pytest.fixture(scope="session")
def doc_evaluator():
    from fazhi.evaluate.evaluator import Evaluator
    from fazhi.load.ruleset_loader import load_catalogue
    return Evaluator(load_catalogue([str(DOC_RULES)]))


@pytest.fixture(scope="session")
def doc_evaluate(doc_evaluator):
    """Evaluate a case folder (default: the documents test case) against the documents test rulesets."""
    from fazhi.load.facts_loader import load_case

    def evaluate(case: Path | str = DOC_CASE):
        return doc_evaluator.evaluate(load_case(str(case), doc_evaluator.catalogue.facts))

    return evaluate


@pytest.fixture
def fazhi(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `fazhi ARGS…` in-process through fazhi.cli.main.main; returns (exit code, stdout, stderr)."""
    import sys

    from fazhi.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["fazhi", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        out, err = capsys.readouterr()
        return code, out, err

    return run
