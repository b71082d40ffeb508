"""A per-user cache of loaded catalogues, so that a command does not parse and check 124 requirements each time.

Loading the built-in rulesets takes about 0.45 s (the YAML, every message template parsed to make sure
it only chooses wording, every condition compiled once); unpickling the result takes about 0.02 s. The
cache works like Python's own __pycache__:
- The key is the SHA-256 of the ruleset files' bytes (read through `read_bytes`, so a run that records
  its inputs records the same hashes as a full load), the paths as given, the Python version and the
  bytes of Fazhi's own modules. Any edit to a ruleset or to the code gives a new key: a stale
  catalogue is never used.
- Only a catalogue that loaded without a problem is stored; a broken ruleset is read and reported in
  full every time.
- The folder is `FAZHI_CACHE_DIR`, else `$XDG_CACHE_HOME/fazhi`, else `~/.cache/fazhi`, created
  readable by its owner only. A folder or file owned by someone else, or writable by others, is not
  read: unpickling runs code, so only the user's own files are trusted, as for Python's bytecode.
- `FAZHI_NO_CACHE=1` turns it off. Any failure (no home, a read-only disk, a damaged file) only means
  a full load; it is never an error for the user.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Callable, Sequence

from fazhi.load.reading import MAX_FILE_BYTES, read_bytes
from fazhi.model.catalogue import Catalogue
from fazhi.resources import code_folder

_FORMAT = b"fazhi-catalogue-cache-1"
_KEEP = 16  # cache files kept; the oldest beyond that are removed when one is written
_code_digest: str | None = None


def cache_folder() -> Path | None:
    """Where cached catalogues are kept, or None when caching is off."""
    if os.environ.get("FAZHI_NO_CACHE", "").strip() not in ("", "0"):
        return None
    given = os.environ.get("FAZHI_CACHE_DIR", "").strip()
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base:
        return Path(base) / "fazhi"
    home = os.path.expanduser("~")
    return Path(home) / ".cache" / "fazhi" if home and home != "~" else None


def _code() -> str:
    """The bytes of Fazhi's modules: a catalogue pickled by other code may not mean the same."""
    global _code_digest
    if _code_digest is None:
        digest, package = hashlib.sha256(), code_folder()
        for module in sorted(package.rglob("*.py")):
            digest.update(str(module.relative_to(package)).encode() + b"\0")
            digest.update(module.read_bytes() + b"\0")
        _code_digest = digest.hexdigest()
    return _code_digest


def _key(files: Sequence[str], paths: Sequence[str], overlay: Sequence[str]) -> str:
    digest = hashlib.sha256(_FORMAT + b"\0" + sys.version.encode() + b"\0" + _code().encode())
    for part in ("paths", *paths, "overlay", *overlay, "files"):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for file in files:
        digest.update(file.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(read_bytes(file, MAX_FILE_BYTES, "YAML file")).digest())
    return digest.hexdigest()


def _trusted(path: Path) -> bool:
    """Owned by this user and writable by nobody else (POSIX; elsewhere the user's profile protects it)."""
    if not hasattr(os, "getuid"):
        return True
    info = os.lstat(path)
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) \
        and (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode))


def cached_load(files: Sequence[str], paths: Sequence[str], overlay: Sequence[str],
                load: Callable[[], Catalogue]) -> Catalogue:
    """`load()`'s catalogue, from the cache when the same files were loaded by the same code before."""
    folder = cache_folder()
    if folder is None:
        return load()
    try:
        key = _key(files, paths, overlay)
    except Exception:  # an unreadable ruleset: the full load reports it properly
        return load()
    entry = folder / f"catalogue-{key[:40]}.pickle"
    try:
        if _trusted(folder) and _trusted(entry):
            with open(entry, "rb") as stream:
                found = pickle.load(stream)
            if isinstance(found, tuple) and len(found) == 2 and found[0] == key and isinstance(found[1], Catalogue):
                return found[1]
    except Exception:  # missing, damaged or written by another version: load afresh and replace it
        pass
    catalogue = load()
    _store(folder, entry, key, catalogue)
    return catalogue


def _store(folder: Path, entry: Path, key: str, catalogue: Catalogue) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(folder):
            return
        handle, temporary = tempfile.mkstemp(prefix=".catalogue-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump((key, catalogue), stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)  # whole or not at all: a concurrent run reads the old file or the new
        except BaseException:
            os.unlink(temporary)
            raise
        entries = sorted(folder.glob("catalogue-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[_KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:  # a read-only or full disk only costs the next run a full load
        pass
