"""What a result was computed from: versions and content hashes of every input, so it can be re-created.

`fazhi verify findings.json` re-runs the recorded inputs and says whether the findings are the same,
and if not, which findings differ and which inputs changed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from fazhi import __version__
from fazhi.model.catalogue import Catalogue

MANIFEST_VERSION = "1"


def file_hash(path: str, read: Mapping[str, str] | None = None) -> str:
    """The hash of the bytes the run read (`read`, from reading.record_reads), else of the file now."""
    if read is not None and os.path.abspath(path) in read:
        return read[os.path.abspath(path)]
    from fazhi.load.reading import read_bytes
    return "sha256:" + hashlib.sha256(read_bytes(path)).hexdigest()


def portable(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


@dataclass(frozen=True)
class RunOptions:
    case: str
    rules: tuple[str, ...]
    profile: str | None
    lang: str
    evaluated_on: dt.date
    overlay: tuple[str, ...] = ()  # --rules-overlay folders


def build_manifest(catalogue: Catalogue, facts_path: str, options: RunOptions, profile_path: str | None = None,
                   extra: Iterable[tuple[str, str]] = (), read: Mapping[str, str] | None = None) -> dict[str, Any]:
    """extra: (role, path) of further inputs read, e.g. ("owners", "cases/x/owners.yaml"); read: the hashes of
    the bytes read during the run (reading.record_reads), which a file read later may no longer match."""
    sources_files = sorted({portable(rs.file) for rs in catalogue.rulesets})
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "fazhi_version": __version__,
        "evaluated_on": options.evaluated_on.isoformat(),
        "command": {"case": portable(options.case), "rules": [portable(r) for r in options.rules],
                    "profile": options.profile, "lang": options.lang,
                    **({"overlay": [portable(o) for o in options.overlay]} if options.overlay else {})},
        "rulesets": [{"id": rs.id, "version": rs.version, "file": portable(rs.file), "sha256": file_hash(rs.file, read)}
                     for rs in catalogue.rulesets],
        "inputs": [{"role": "facts", "file": portable(facts_path), "sha256": file_hash(facts_path, read)}],
    }
    for folder in {os.path.dirname(f) for f in sources_files}:
        shared = os.path.join(folder, "sources.yaml")
        if os.path.exists(shared):
            manifest["inputs"].append({"role": "sources", "file": portable(shared), "sha256": file_hash(shared, read)})
    if profile_path:
        manifest["inputs"].append({"role": "profile", "file": portable(profile_path), "sha256": file_hash(profile_path, read)})
    for role, path in extra:
        if os.path.exists(path):
            manifest["inputs"].append({"role": role, "file": portable(path), "sha256": file_hash(path, read)})
    return manifest


ROLES_ZH = {"facts": "事实文件", "sources": "依据清单", "memo": "上期整改方案", "waivers": "豁免文件",  # an input's role
            "verifications": "核验记录", "profile": "评分方案", "owners": "责任单位"}


def changed_inputs(old: dict[str, Any], new: dict[str, Any], lang: str = "en") -> list[str]:
    """Human-readable differences between two manifests' inputs and versions, in `lang`."""
    zh = lang != "en"
    roles = ROLES_ZH
    changes = []
    if old.get("fazhi_version") != new.get("fazhi_version"):
        changes.append(f"{'Fazhi 版本' if zh else 'Fazhi version'} {old.get('fazhi_version')} → {new.get('fazhi_version')}")

    def index(m: dict[str, Any]) -> dict[str, str]:
        items = {(f"规则集 {r['id']}（{r['file']}）" if zh else f"ruleset {r['id']} ({r['file']})"): r["sha256"]
                 for r in m.get("rulesets", [])}
        items.update({(f"{roles.get(i['role'], i['role'])}（{i['file']}）" if zh else f"{i['role']} ({i['file']})"): i["sha256"]
                      for i in m.get("inputs", [])})
        return items
    before, after = index(old), index(new)
    for name in sorted(set(before) | set(after)):
        if name not in after:
            changes.append(f"{name}已不再读取" if zh else f"{name} is no longer read")
        elif name not in before:
            changes.append(f"{name}为新增" if zh else f"{name} is new")
        elif before[name] != after[name]:
            changes.append(f"{name}已改动" if zh else f"{name} changed")
    return changes
