"""`fazhi verify`: re-create a findings JSON from the inputs its manifest records, and compare."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from fazhi.errors import InputError, Location, Problem
from fazhi.app.manifest import changed_inputs
from fazhi.render.output import to_json_data


@dataclass(frozen=True)
class Verified:
    same: bool  # the findings (and score) re-created are identical to the recorded ones
    text: str  # what differs, and which inputs changed


def verify(path: str) -> Verified:
    """Re-run the inputs recorded in a findings JSON (`fazhi check --format json`) and compare."""
    text, same = verify_findings(path)
    return Verified(same, text)


def verify_findings(path: str) -> tuple[str, bool]:
    from fazhi.app.check import check
    from fazhi.app.rules import RuleSource
    try:
        with open(path, encoding="utf-8") as handle:
            recorded = json.load(handle)
        manifest = recorded["manifest"]
        command = manifest["command"]
        on = dt.date.fromisoformat(manifest["evaluated_on"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError([Problem(Location(path), f"not a findings file with a manifest: {exc}",
                                  suggestion="write one with `fazhi check CASE --format json --out FILE`")]) from None
    rerun = check(command["case"], RuleSource(tuple(command["rules"]), tuple(command.get("overlay", ()))),
                  command["profile"], command["lang"], on)
    new_manifest = rerun.manifest
    fresh = to_json_data(rerun.evaluation, command["lang"], rerun.score)
    lines = []
    before = {_key(f): f for f in recorded.get("findings", [])}
    after = {_key(f): f for f in fresh["findings"]}
    differing = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            if old is None:
                what = f"now {new['verdict']}"
            elif new is None:
                what = f"was {old['verdict']}, now gone"
            else:
                what = f"{old['verdict']} → {new['verdict']}" if old["verdict"] != new["verdict"] else "details changed"
            differing.append(f"  {key[0]}{' ' + key[1] if key[1] else ''}: {what}")
    score_same = recorded.get("score") == fresh.get("score")
    changes = changed_inputs(manifest, new_manifest)
    if not differing and score_same:
        lines.append(f"identical: {len(after)} findings re-created from the recorded inputs")
        if changes:
            lines.append("inputs changed, but not in a way that changes the findings:")
            lines += [f"  {c}" for c in changes]
        return "\n".join(lines) + "\n", True
    lines.append(f"DIFFERENT: {len(differing)} findings differ" + ("" if score_same else "; the score differs"))
    lines += differing
    lines.append("inputs that changed since the recorded run:" if changes else "no recorded input changed (Fazhi itself may have)")
    lines += [f"  {c}" for c in changes]
    return "\n".join(lines) + "\n", False


def _key(finding: dict[str, Any]) -> tuple[str, str]:
    return finding["requirement"], finding.get("record") or ""
