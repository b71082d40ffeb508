"""Shared by tests/test_intake_*.py: one catalogue per test process.

Loading the rulesets takes a third of a second and every in-process `fazhi` call would load them
again; the intake tests share one load (the loader itself is tested by the catalogue tests).
"""
from __future__ import annotations

from collections.abc import Iterable

_CACHE: dict[tuple[str, ...], object] = {}


def cached_catalogue(paths: Iterable[str]):
    from fazhi.load.ruleset_loader import load_catalogue
    key = tuple(str(p) for p in paths)
    if key not in _CACHE:
        _CACHE[key] = load_catalogue(list(key))
    return _CACHE[key]


def share_catalogue(monkeypatch) -> None:
    """Let in-process `fazhi` commands reuse the loaded catalogue."""
    import fazhi.app.rules
    monkeypatch.setattr(fazhi.app.rules, "load_catalogue", lambda paths, overlay=(): cached_catalogue(paths))
