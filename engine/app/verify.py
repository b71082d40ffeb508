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
from dataclasses import dataclass
from typing import Any, Callable

from fazhi.app.manifest import ROLES_ZH, changed_inputs
from fazhi.errors import InputError, Location, Problem
from fazhi.load.reading import read_bytes
from fazhi.render.output import dumps, findings_document
from fazhi.vocabulary import enum_label

SECTIONS = ("schema_version", "case", "ruleset", "lang", "summary", "findings", "data_quality", "waivers", "score",
            "manifest", "progress")


@dataclass(frozen=True)
class Verified:
    same: bool  # the file is byte for byte what its recorded inputs give now
    text: str  # the report: what differs, and the inputs read with their hashes


def verify(path: str, lang: str = "zh") -> Verified:
    """Re-run the inputs recorded in a findings JSON (`fazhi check --format json`) and compare; the report in `lang`."""
    text, same = verify_findings(path, _rerun, lang)
    return Verified(same, text)


def _rerun(case: str, rules: tuple[str, ...], profile: str | None, lang: str, on: dt.date, memo: str | None,
           overlay: tuple[str, ...] = ()) -> tuple[Any, Any, dict[str, Any]]:
    from fazhi.app.check import check
    from fazhi.app.rules import RuleSource
    result = check(case, RuleSource(rules, overlay), profile, lang, on, memo)
    return result.evaluation, result.score, result.manifest


def verify_findings(path: str, run_check: Callable[..., Any], lang: str = "zh") -> tuple[str, bool]:
    """The report and whether the file is exactly what its recorded inputs give now."""
    raw = read_bytes(path, what="findings JSON")
    try:
        text = raw.decode("utf-8")
        recorded = json.loads(text)
    except ValueError as exc:
        raise InputError([Problem(Location(path), f"not a findings file with a manifest: {exc}",
                                  suggestion="write one with `fazhi check CASE --format json --out FILE`",
                                  zh=f"不是含清单（manifest）的结论文件：{exc}",
                                  suggestion_zh="用 `fazhi check 案例 --format json --out 文件` 生成")]) from None
    from fazhi.documents.memo_json import KIND as MEMO_KIND
    if isinstance(recorded, dict) and (recorded.get("kind") == MEMO_KIND or ("items" in recorded and "findings" not in recorded)):
        raise InputError([Problem(
            Location(path), "this is a remediation plan (memo.json of `fazhi memo`), not a findings file; verify reads "
            "the findings JSON of `fazhi check`",
            suggestion="write one with `fazhi check CASE --format json --out findings.json`; a memo is read by "
                       "`fazhi check CASE --memo memo.json` (整改销号)",
            zh="这是整改方案（`fazhi memo` 生成的 memo.json），不是结论文件；verify 读取的是 `fazhi check` 生成的结论 JSON",
            suggestion_zh="用 `fazhi check 案例 --format json --out findings.json` 生成结论文件；整改方案用于 "
                          "`fazhi check 案例 --memo memo.json`（整改销号）")])
    try:
        manifest = recorded["manifest"]
        command = manifest["command"]
        on = dt.date.fromisoformat(manifest["evaluated_on"])
        case, rules, profile, recorded_lang = command["case"], tuple(command["rules"]), command["profile"], command["lang"]
        memo = next((i["file"] for i in manifest.get("inputs", []) if i.get("role") == "memo"), None)
        overlay = tuple(command.get("overlay", ()))
    except (ValueError, KeyError, TypeError, AttributeError, StopIteration) as exc:
        missing = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        raise InputError([Problem(Location(path), f"not a findings file with a manifest: {missing}",
                                  suggestion="write one with `fazhi check CASE --format json --out FILE`",
                                  zh=f"不是含清单（manifest）的结论文件：{'缺少 ' + str(exc) if isinstance(exc, KeyError) else exc}",
                                  suggestion_zh="用 `fazhi check 案例 --format json --out 文件` 生成")]) from None
    evaluation, score, new_manifest = run_check(case, rules, profile, recorded_lang, on, memo, *((overlay,) if overlay else ()))
    progress = None
    if memo is not None:
        from fazhi.documents.memo_json import progress_from_file
        progress = progress_from_file(evaluation, memo)
    fresh = findings_document(evaluation, recorded_lang, score, new_manifest, progress)
    same = dumps(fresh) == text
    zh = lang != "en"
    lines = []
    if same:
        lines.append(f"一致：按记录的输入逐字节重新生成了全部{len(fresh['findings'])}条结论" if zh else
                     f"identical: {len(fresh['findings'])} findings re-created byte for byte from the recorded inputs")
    else:
        lines.append("不一致：文件与按记录的输入现在得出的结果不同" if zh else
                     "DIFFERENT: the file is not what the recorded inputs give now")
        lines += _differences(recorded, fresh, lang)
    lines.append(f"按案例 {case}、评估日期 {on.isoformat()} 重新生成，读取的输入（所读字节的 SHA-256）：" if zh else
                 f"re-created from case {case} as of {on.isoformat()}, inputs read (SHA-256 of the bytes read):")
    lines += [f"  {r['id']} {r['file']} {r['sha256']}" for r in new_manifest["rulesets"]]
    lines += [f"  {ROLES_ZH.get(i['role'], i['role']) if zh else i['role']} {i['file']} {i['sha256']}"
              for i in new_manifest["inputs"]]
    lines.append("verify 证明文件与这些输入相符，但不是签名：请核对这些输入是否为真实文件（见 docs/json.md）" if zh else
                 "verify proves the file matches these inputs; it is not a signature: check that they are the "
                 "genuine ones (docs/json.md)")
    return "\n".join(lines) + "\n", same


_SECTIONS_ZH = {"schema_version": "格式版本", "case": "案例", "ruleset": "规则集", "lang": "语言", "summary": "汇总",
                "findings": "结论", "data_quality": "数据质量", "waivers": "豁免", "score": "得分", "manifest": "清单",
                "progress": "整改销号"}


def _differences(recorded: Any, fresh: dict[str, Any], lang: str = "en") -> list[str]:
    """Each part that differs, by name: fields edited in the file, findings, inputs changed."""
    zh = lang != "en"
    if not isinstance(recorded, dict):
        return ["  文件不是 JSON 对象" if zh else "  the file is not a JSON object"]
    lines = []
    for section in list(SECTIONS) + sorted(set(recorded) - set(SECTIONS)):
        if section in ("findings", "manifest") or recorded.get(section) == fresh.get(section):
            continue
        name = f"{section}（{_SECTIONS_ZH[section]}）" if zh and section in _SECTIONS_ZH else section
        if section not in fresh:
            lines.append(f"  {name}：文件中有，重新生成的结果中没有" if zh else f"  {section}: in the file, not in the re-created result")
        elif section not in recorded:
            lines.append(f"  {name}：文件中缺少" if zh else f"  {section}: missing from the file")
        else:
            lines.append(f"  {name}：不一致" if zh else f"  {section}: differs")
    lines += _finding_differences(recorded.get("findings"), fresh["findings"], lang)
    manifest = recorded.get("manifest") if isinstance(recorded.get("manifest"), dict) else {}
    changes = changed_inputs(manifest, fresh["manifest"], lang)
    for key in ("evaluated_on", "command", "manifest_version"):
        if manifest.get(key) != fresh["manifest"].get(key):
            changes.append(f"manifest {key} differs")
    if changes:
        lines.append("  输入与清单（记录的 → 现在读到的）：" if zh else "  inputs and manifest (recorded → read now):")
        lines += [f"    {c}" for c in changes]
    elif manifest != fresh["manifest"]:
        lines.append("  manifest（清单）：不一致" if zh else "  manifest: differs")
    if len(lines) == 0:
        lines.append("  数据相同但写法不同（格式、键的顺序或转义被改动）" if zh else
                     "  the same data, written differently (formatting, key order or escaping was changed)")
    return lines


def _finding_differences(before_list: Any, after_list: list[dict[str, Any]], lang: str = "en") -> list[str]:
    zh = lang != "en"
    if not isinstance(before_list, list) or not all(isinstance(f, dict) and "requirement" in f for f in before_list):
        return ["  findings（结论）：不是结论列表" if zh else "  findings: not a list of findings"]
    before = {_key(f): f for f in before_list}
    after = {_key(f): f for f in after_list}
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        v = (lambda code: enum_label(str(code), lang)) if zh else str
        if old is None:
            what = f"现为{v(new['verdict'])}" if zh else f"now {new['verdict']}"
        elif new is None:
            what = f"原为{v(old.get('verdict'))}，现已没有" if zh else f"was {old.get('verdict')}, now gone"
        elif old.get("verdict") != new["verdict"]:
            what = f"{v(old.get('verdict'))} → {v(new['verdict'])}"
        else:
            what = "内容有改动" if zh else "details changed"
        lines.append(f"  结论 {key[0]}{' ' + key[1] if key[1] else ''}：{what}" if zh else
                     f"  finding {key[0]}{' ' + key[1] if key[1] else ''}: {what}")
    if not lines and before_list != after_list:
        lines.append("  findings（结论）：顺序不同" if zh else "  findings: in a different order")
    return lines


def _key(finding: dict[str, Any]) -> tuple[str, str]:
    return str(finding["requirement"]), str(finding.get("record") or "")
