"""`fazhi verify`: re-create a findings JSON from the inputs its manifest records, and compare byte for byte.

What passing proves: the file is, byte for byte, what this version of Fazhi computes today from the
files the manifest names, and those files are (by SHA-256 of the bytes actually read) the ones the
manifest records. So nothing in the file was edited after the run (counts, findings, data quality,
case, language, ruleset, score, the manifest itself), and no recorded input has changed since.
What it cannot prove: who made the file, nor that the files it names are the genuine ones. Someone
who edits the inputs, reruns `fazhi check` and hands over the new JSON produces a file that passes;
the report therefore lists the case and each input's path and hash, for the reader to check
against their own copy. It is a reproducibility check, not a signature.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable

from fazhi.app.manifest import changed_inputs
from fazhi.errors import InputError, Location, Problem
from fazhi.load.reading import read_bytes
from fazhi.render.output import dumps, findings_document

SECTIONS = ("schema_version", "case", "ruleset", "lang", "summary", "findings", "data_quality", "waivers", "score",
            "manifest", "progress")


def verify_findings(path: str, run_check: Callable[..., Any]) -> tuple[str, bool]:
    """The report and whether the file is exactly what its recorded inputs give now."""
    raw = read_bytes(path, what="findings JSON")
    try:
        text = raw.decode("utf-8")
        recorded = json.loads(text)
        manifest = recorded["manifest"]
        command = manifest["command"]
        on = dt.date.fromisoformat(manifest["evaluated_on"])
        case, rules, profile, lang = command["case"], tuple(command["rules"]), command["profile"], command["lang"]
        memo = next((i["file"] for i in manifest.get("inputs", []) if i.get("role") == "memo"), None)
    except (ValueError, KeyError, TypeError, AttributeError, StopIteration) as exc:
        raise InputError([Problem(Location(path), f"not a findings file with a manifest: {exc}",
                                  suggestion="write one with `fazhi check CASE --format json --out FILE`")]) from None
    evaluation, score, new_manifest = run_check(case, rules, profile, lang, on, memo)
    progress = None
    if memo is not None:
        from fazhi.documents.memo_json import progress_from_file
        progress = progress_from_file(evaluation, memo)
    fresh = findings_document(evaluation, lang, score, new_manifest, progress)
    same = dumps(fresh) == text
    lines = []
    if same:
        lines.append(f"identical: {len(fresh['findings'])} findings re-created byte for byte from the recorded inputs")
    else:
        lines.append("DIFFERENT: the file is not what the recorded inputs give now")
        lines += _differences(recorded, fresh)
    lines.append(f"re-created from case {case} as of {on.isoformat()}, inputs read (SHA-256 of the bytes read):")
    lines += [f"  {r['id']} {r['file']} {r['sha256']}" for r in new_manifest["rulesets"]]
    lines += [f"  {i['role']} {i['file']} {i['sha256']}" for i in new_manifest["inputs"]]
    lines.append("verify proves the file matches these inputs; it is not a signature: check that they are the "
                 "genuine ones (docs/json.md)")
    return "\n".join(lines) + "\n", same


def _differences(recorded: Any, fresh: dict[str, Any]) -> list[str]:
    """Each part that differs, by name: fields edited in the file, findings, inputs changed."""
    if not isinstance(recorded, dict):
        return ["  the file is not a JSON object"]
    lines = []
    for section in list(SECTIONS) + sorted(set(recorded) - set(SECTIONS)):
        if section in ("findings", "manifest") or recorded.get(section) == fresh.get(section):
            continue
        if section not in fresh:
            lines.append(f"  {section}: in the file, not in the re-created result")
        elif section not in recorded:
            lines.append(f"  {section}: missing from the file")
        else:
            lines.append(f"  {section}: differs")
    lines += _finding_differences(recorded.get("findings"), fresh["findings"])
    manifest = recorded.get("manifest") if isinstance(recorded.get("manifest"), dict) else {}
    changes = changed_inputs(manifest, fresh["manifest"])
    for key in ("evaluated_on", "command", "manifest_version"):
        if manifest.get(key) != fresh["manifest"].get(key):
            changes.append(f"manifest {key} differs")
    if changes:
        lines.append("  inputs and manifest (recorded → read now):")
        lines += [f"    {c}" for c in changes]
    elif manifest != fresh["manifest"]:
        lines.append("  manifest: differs")
    if len(lines) == 0:
        lines.append("  the same data, written differently (formatting, key order or escaping was changed)")
    return lines


def _finding_differences(before_list: Any, after_list: list[dict[str, Any]]) -> list[str]:
    if not isinstance(before_list, list) or not all(isinstance(f, dict) and "requirement" in f for f in before_list):
        return ["  findings: not a list of findings"]
    before = {_key(f): f for f in before_list}
    after = {_key(f): f for f in after_list}
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old is None:
            what = f"now {new['verdict']}"
        elif new is None:
            what = f"was {old.get('verdict')}, now gone"
        else:
            what = f"{old.get('verdict')} → {new['verdict']}" if old.get("verdict") != new["verdict"] else "details changed"
        lines.append(f"  finding {key[0]}{' ' + key[1] if key[1] else ''}: {what}")
    if not lines and before_list != after_list:
        lines.append("  findings: in a different order")
    return lines


def _key(finding: dict[str, Any]) -> tuple[str, str]:
    return str(finding["requirement"]), str(finding.get("record") or "")
