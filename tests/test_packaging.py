"""pyproject.toml lists packages by hand (engine/ is installed as fazhi): every package folder must be there."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_under_engine_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    folders = {".".join(("fazhi",) + p.parent.relative_to(ROOT / "engine").parts) for p in (ROOT / "engine").rglob("__init__.py")}
    assert folders - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert config["package-dir"]["fazhi"] == "engine"


def test_the_data_folders_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    data = config["package-data"]
    for sub in {p.parent.relative_to(ROOT / "rulesets").as_posix() for p in (ROOT / "rulesets").rglob("*.yaml")} - {"."}:
        assert f"{sub}/*.yaml" in data["fazhi.rulesets"], f"rulesets/{sub}/ is not in the wheel"
    assert "*.j2" in data["fazhi.templates"]
