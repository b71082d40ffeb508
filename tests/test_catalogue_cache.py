"""The catalogue cache: the same catalogue as a full load, never stale, never trusted from someone else's folder.

fazhi.load.catalogue_cache keeps a loaded catalogue per set of ruleset bytes and code; these tests run
`load_rules` (what every command calls) against a cache folder of their own.
"""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi.app.rules import default_rules, load_rules
from fazhi.errors import InputError
from fazhi.load import catalogue_cache
from fazhi.load.reading import record_reads
from fazhi.load.ruleset_loader import load_catalogue
from fazhi.resources import rulesets_folder

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(folder))
    monkeypatch.delenv("FAZHI_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the built-in rulesets that a test may edit."""
    copy = tmp_path / "rules"
    shutil.copytree(rulesets_folder(), copy)
    return copy


def fresh():
    """The built-in catalogue as a full load reads it (file names as `load_rules` gives them)."""
    return load_catalogue([default_rules()])


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalogue-*.pickle")) if folder.exists() else []


def test_second_load_comes_from_the_cache_and_equals_a_full_load(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_rules()
    assert len(entries(cache)) == 1
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    calls = []
    monkeypatch.setattr("fazhi.app.rules.load_catalogue", lambda *a: calls.append(a))  # a full load would show here
    second = load_rules()
    assert calls == []
    assert second == first == fresh()
    assert [r.id for r in second.requirements] == [r.id for r in first.requirements]


def test_a_cached_load_records_the_same_input_hashes_as_a_full_load(cache: Path) -> None:
    """`verify` compares the recorded ruleset hashes with the files: the cache must not skip them."""
    with record_reads() as full:
        load_rules()
    assert entries(cache)
    with record_reads() as cached:
        load_rules()
    assert cached == full and len(full) >= 9


def test_an_edited_ruleset_is_read_again(cache: Path, rules: Path) -> None:
    before = load_rules([str(rules)])
    file = rules / "three-systems.yaml"
    text = file.read_text(encoding="utf-8")
    first_id = before.rulesets[0].requirements[0].id
    assert "行政执法三项制度" in text
    file.write_text(text.replace("行政执法三项制度", "行政执法三项制度（已修改）", 1), encoding="utf-8")
    after = load_rules([str(rules)])
    assert after != before
    assert len(entries(cache)) == 2
    assert [r.id for r in after.requirements][0] == first_id


def test_a_broken_ruleset_is_reported_every_time_and_never_cached(cache: Path, rules: Path) -> None:
    (rules / "three-systems.yaml").write_text("ruleset: [", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError) as error:
            load_rules([str(rules)])
        assert "three-systems.yaml" in str(error.value)
    assert entries(cache) == []


def test_a_damaged_cache_file_is_replaced(cache: Path) -> None:
    load_rules()
    [entry] = entries(cache)
    entry.write_bytes(b"not a pickle")
    assert load_rules() == fresh()
    assert entry.read_bytes() != b"not a pickle"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o777, 0o770])
def test_a_folder_others_may_write_is_not_trusted(cache: Path, tmp_path: Path, mode: int) -> None:
    """Unpickling runs code: a pickle planted where another user could write is never read."""
    load_rules()
    [entry] = entries(cache)
    marker = tmp_path / "the-planted-pickle-ran"
    entry.write_bytes(pickle.dumps(Planted(str(marker))))
    os.chmod(cache, mode)
    try:
        assert load_rules() == fresh()
        assert not marker.exists()
    finally:
        os.chmod(cache, 0o700)
    load_rules()  # the same file in the user's own folder is read (and found to be no catalogue)
    assert marker.exists()


class Planted:
    """What an attacker's pickle does: run a call when loaded (here, making a folder that shows it ran)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.mkdir, (self.path,))


def test_a_planted_symlink_is_not_followed(cache: Path, tmp_path: Path) -> None:
    load_rules()
    [entry] = entries(cache)
    elsewhere = tmp_path / "elsewhere.pickle"
    marker = tmp_path / "the-planted-pickle-ran"
    elsewhere.write_bytes(pickle.dumps(Planted(str(marker))))
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert load_rules() == fresh()
    assert not marker.exists()


def test_no_cache_when_turned_off_or_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(folder))
    monkeypatch.setenv("FAZHI_NO_CACHE", "1")
    load_rules()
    assert not folder.exists()
    monkeypatch.delenv("FAZHI_NO_CACHE")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(blocker / "cache"))  # cannot be created: a full load, no error
    assert load_rules() == fresh()


def test_the_cache_changes_no_output(cache: Path, tmp_path: Path) -> None:
    """`fazhi check` prints the same with an empty cache, a filled one and none."""
    def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "fazhi", "check", str(ROOT / "cases" / "macun-2020"),
                               "--date", "2021-03-01"], capture_output=True, text=True, env=env, timeout=120)
    env = dict(os.environ, FAZHI_CACHE_DIR=str(cache))
    empty, filled = run(env), run(env)
    off = run(dict(env, FAZHI_NO_CACHE="1"))
    assert entries(cache)
    assert empty.returncode == filled.returncode == off.returncode == 1
    assert empty.stdout == filled.stdout == off.stdout
    assert "马村区" in filled.stdout
