"""Where the built-in rulesets and templates are: package data of `fazhi`, found through importlib.resources.

An installed wheel carries them as `fazhi/rulesets/` and `fazhi/templates/`; an editable install of a
source checkout maps the same package names onto the top-level `rulesets/` and `templates/` folders.
Nothing here depends on the current folder.
"""
from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path


@functools.cache
def _package_folder(package: str) -> Path:
    folder = importlib.resources.files(package)
    # pip unpacks wheels, so the data are real files; the loaders need paths (glob, line numbers).
    path = Path(str(folder))
    if not path.is_dir():
        raise RuntimeError(f"package data {package} is not a folder on disk: {folder}")
    return path


def rulesets_folder() -> Path:
    """The built-in catalogue: rulesets/*.yaml, profiles/ and extraction/."""
    return _package_folder("fazhi.rulesets")


def code_folder() -> Path:
    """Fazhi's own modules (the catalogue cache keys on their bytes)."""
    return _package_folder("fazhi")


def templates_folder() -> Path:
    """The built-in Jinja templates of the documents and the dashboard."""
    return _package_folder("fazhi.templates")
