"""Findings for the terminal (text) and as a Markdown checklist."""
from __future__ import annotations

from typing import Any

import click

from .model import Evaluation, Finding, Verdict
from .output import summary

VERDICT_TEXT = {
    Verdict.MET: ("符合", "met", "green"),
    Verdict.GAP: ("差距", "gap", "red"),
    Verdict.INSUFFICIENT: ("事实不足", "insufficient facts", "yellow"),
    Verdict.NOT_APPLICABLE: ("不适用", "not applicable", "bright_black"),
}
CONFIDENCE_NOTE = {"paraphrased": ("依据为转述，非原文", "source paraphrased, not verbatim"),
                   "uncertain": ("依据待核实", "source uncertain")}


def verdict_label(verdict: Verdict, lang: str) -> str:
    zh, en, _ = VERDICT_TEXT[verdict]
    return en if lang == "en" else zh


def confidence_note(f: Finding, lang: str) -> str:
    note = CONFIDENCE_NOTE.get(f.confidence.value)
    return "" if note is None else (note[1] if lang == "en" else note[0])


def score_lines(score: Any, lang: str) -> list[str]:
    if score is None:
        return []
    title = f"{score.profile.title.get(lang)} ({score.profile.id} {score.profile.version})"
    head = f"score: {score.total} / {score.maximum} — {title}" if lang == "en" else f"得分：{score.total} / {score.maximum}（{title}）"
    return [head] + [f"  {t.get(lang)}" for t in score.derivation]


def render_text(evaluation: Evaluation, lang: str, color: bool, score: Any = None) -> str:
    case = evaluation.case
    lines = [f"{case.district.name} {case.period}" + (" — law-based government checklist" if lang == "en" else "年度 法治政府建设合规检查")]
    counts = summary(evaluation)["counts"]
    lines.append("  ".join(f"{verdict_label(Verdict(v), lang)}: {n}" for v, n in counts.items()))
    lines += score_lines(score, lang)
    lines.append("")
    for f in evaluation.findings:
        zh, en, colour = VERDICT_TEXT[f.verdict]
        tag = f"[{en if lang == 'en' else zh}]"
        tag = click.style(tag, fg=colour, bold=f.verdict is Verdict.GAP) if color else tag
        record = f" ({f.record})" if f.record else ""
        note = confidence_note(f, lang)
        lines.append(f"{tag} {f.requirement}{record} {f.title.get(lang)}" + (f" [{note}]" if note else ""))
        lines.append(f"    {f.message.get(lang)}")
        if f.verdict is Verdict.GAP:
            c = f.citations[0]
            lines.append(f"    {'basis' if lang == 'en' else '依据'}: {c.source} {c.article} “{c.quote}”")
    return "\n".join(lines) + "\n"


def render_markdown(evaluation: Evaluation, lang: str, score: Any = None) -> str:
    case = evaluation.case
    en = lang == "en"
    out = [f"# {case.district.name} {case.period}" + (" — checklist" if en else "年度法治政府建设合规检查"), ""]
    counts = summary(evaluation)["counts"]
    out.append("| " + " | ".join(verdict_label(Verdict(v), lang) for v in counts) + " |")
    out.append("|" + "---|" * len(counts))
    out.append("| " + " | ".join(str(n) for n in counts.values()) + " |")
    if score is not None:
        out += [""] + [f"- {line.strip()}" for line in score_lines(score, lang)]
    out += ["", "| " + (" | ".join(["Requirement", "Verdict", "Finding", "Basis"]) if en else " | ".join(["要求", "结论", "说明", "依据"])) + " |",
            "|---|---|---|---|"]
    for f in evaluation.findings:
        c = f.citations[0]
        note = confidence_note(f, lang)
        record = f" ({f.record})" if f.record else ""
        cell = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
        out.append(f"| {f.requirement}{record} {cell(f.title.get(lang))} | {verdict_label(f.verdict, lang)}"
                   f"{' ⚠ ' + note if note else ''} | {cell(f.message.get(lang))} | {c.source} {c.article} |")
    return "\n".join(out) + "\n"


def manifest_footer(manifest: dict[str, Any], lang: str) -> str:
    """One line that says what the result was computed from, for the foot of a document."""
    rulesets = ", ".join(f"{r['id']} {r['version']} ({r['sha256'][7:19]})" for r in manifest["rulesets"])
    inputs = ", ".join(f"{i['role']} {i['sha256'][7:19]}" for i in manifest["inputs"])
    if lang == "en":
        return (f"\n---\nFazhi {manifest['fazhi_version']}, evaluated {manifest['evaluated_on']}; rulesets: {rulesets}; "
                f"inputs: {inputs}\n")
    return (f"\n---\nFazhi {manifest['fazhi_version']}，评估日期{manifest['evaluated_on']}；规则集：{rulesets}；"
            f"输入：{inputs}\n")
