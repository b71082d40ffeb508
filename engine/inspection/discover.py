"""Find the cases under the paths given to `fazhi inspect`, and the waiver files that apply to them.

A case is a folder holding facts.yaml (or a facts file named directly). Folders are walked in sorted
order, so the same tree always gives the same list; hidden folders and the output folder are skipped.
A waivers.yaml at a path given (not itself a case) applies to every case under it; one beside a case
is read with the case (engine/assess.py).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from fazhi.errors import InputError, Location, Problem
from fazhi.load.facts_loader import facts_file
from fazhi.checks.waivers import FILE_NAME as WAIVERS

FACTS = "facts.yaml"


@dataclass(frozen=True)
class Found:
    cases: tuple[str, ...]  # case folders (or facts files), sorted, each once
    waiver_files: tuple[str, ...]  # waivers.yaml at the roots given


def discover(paths: list[str], skip: str | None = None) -> Found:
    cases: list[str] = []
    waivers: list[str] = []
    problems = []
    skip_abs = os.path.abspath(skip) if skip else None
    for path in paths:
        if not os.path.exists(path):
            problems.append(Problem(Location(path), "no such file or folder", zh="没有此文件或文件夹"))
            continue
        if os.path.isfile(path):
            cases.append(path)
            continue
        if os.path.exists(os.path.join(path, FACTS)):
            cases.append(path)
            continue
        root_waivers = os.path.join(path, WAIVERS)
        if os.path.exists(root_waivers):
            waivers.append(root_waivers)
        seen = {os.path.realpath(path)}  # a symlinked case folder is followed; a link back up is not walked twice
        for folder, subdirs, files in os.walk(path, followlinks=True):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith(".")
                                and os.path.abspath(os.path.join(folder, d)) != skip_abs
                                and _first_visit(os.path.join(folder, d), seen))
            if FACTS in files and folder != path:
                cases.append(folder)
                subdirs[:] = []  # a case folder holds one case
    if problems:
        raise InputError(problems)
    unique = list(dict.fromkeys(os.path.normpath(c) for c in cases))
    if not unique:
        raise InputError([Problem(Location(", ".join(paths)), "no cases found (folders with facts.yaml)",
                                  suggestion="give folders such as cases/ that hold <district>-<year>/facts.yaml",
                                  zh="未找到案例（含 facts.yaml 的文件夹）",
                                  suggestion_zh="请给出如 cases/ 这样的文件夹，其中有 <区县>-<年度>/facts.yaml")])
    return Found(tuple(unique), tuple(dict.fromkeys(waivers)))


def _first_visit(folder: str, seen: set[str]) -> bool:
    real = os.path.realpath(folder)
    if real in seen:
        return False
    seen.add(real)
    return True


MAX_SLUG_BYTES = 120  # well below the 255 bytes a file name may have, with room for "-N"


def slug(case_path: str, taken: set[str]) -> str:
    """A short, unique folder name for a case's documents: its folder name, numbered when taken.

    Only letters, digits, "-", "_" and "." (never leading, so never "." or ".."), at most
    MAX_SLUG_BYTES of UTF-8 cut at a character: a name stays inside districts/ and fits any file system."""
    base = os.path.basename(os.path.normpath(case_path if os.path.isdir(case_path) else os.path.dirname(facts_file(case_path))))
    base = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in base).lstrip(".")
    base = base.encode("utf-8")[:MAX_SLUG_BYTES].decode("utf-8", "ignore") or "case"
    name, n = base, 2
    while name.casefold() in taken:  # casefold: distinct on a case-insensitive file system too
        name, n = f"{base}-{n}", n + 1
    taken.add(name.casefold())
    return name
