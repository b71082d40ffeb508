"""Findings for the terminal (text) and as a Markdown checklist."""
from __future__ import annotations

from typing import Any

from fazhi.model.results import Evaluation, Finding
from fazhi.vocabulary import Verdict
from fazhi.render.output import summary
from fazhi.render.safe_text import colour, markdown_cell, markdown_text, terminal

VERDICT_TEXT = {
    Verdict.MET: ("符合", "met", "green"),
    Verdict.GAP: ("差距", "gap", "red"),
    Verdict.INSUFFICIENT: ("事实不足", "insufficient facts", "yellow"),
    Verdict.NOT_APPLICABLE: ("不适用", "not applicable", "bright_black"),
    Verdict.WAIVED: ("已豁免", "waived", "blue"),
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
    if lang == "en":
        head = f"score: {score.total} / {score.maximum} — {score.profile.title.en} ({score.profile.id} {score.profile.version})"
    else:
        head = f"得分：{score.total} / {score.maximum}（{score.profile.title.zh}，{score.profile.version}版）"
    return [head] + [f"  {t.get(lang)}" for t in score.derivation]


def render_text(evaluation: Evaluation, lang: str, color: bool, score: Any = None) -> str:
    """The findings for a terminal. Every line is made safe (safe_text.terminal: a district name or a fact
    carrying escape sequences cannot clear the screen, retitle the window or fake a colour) before the
    verdict tags get Fazhi's own colours."""
    lines, tags = _text_lines(evaluation, lang, score)
    out = []
    for i, line in enumerate(lines):
        line = terminal(line)
        own = color and i > 0  # line 0 starts with the district's name, never with a tag
        tag = next((t for t in tags if line.startswith(t[0])), None) if own else None
        out.append(colour(tag[0], tag[1], tag[2]) + line[len(tag[0]):] if tag else line)
    return "\n".join(out) + "\n"


def _text_lines(evaluation: Evaluation, lang: str, score: Any) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """The lines of render_text uncoloured, and the tags that open lines with their colours."""
    case = evaluation.case
    lines = [f"{case.district.name} {case.period}" + (" — law-based government checklist" if lang == "en" else "年度 法治政府建设合规检查")]
    data = summary(evaluation)
    counts = data["counts"]
    lines.append(counts_line(evaluation, counts, lang))
    if data["data_quality"]:
        lines.append(data_quality_count(evaluation, lang))
    if data["met_unverified"]:
        lines.append(f"met but resting on unverified facts: {data['met_unverified']}" if lang == "en"
                     else f"符合但所依事实未经核验：{data['met_unverified']}")
    lines += score_lines(score, lang)
    lines += data_quality_lines(evaluation, lang, False)
    lines.append("")
    tags = [(f"[{'data quality' if lang == 'en' else '数据质量'}]", "magenta", True)]
    tags += [(f"[{en if lang == 'en' else zh}]", fg, v is Verdict.GAP) for v, (zh, en, fg) in VERDICT_TEXT.items()]
    for f in evaluation.findings:
        zh, en, _ = VERDICT_TEXT[f.verdict]
        tag = f"[{en if lang == 'en' else zh}]"
        record = f" ({f.record})" if f.record else ""
        note = confidence_note(f, lang)
        lines.append(f"{tag} {f.requirement}{record} {f.title.get(lang)}" + (f" [{note}]" if note else ""))
        lines.append(f"    {f.message.get(lang)}")
        if f.verdict is Verdict.GAP:
            c = f.citations[0]
            lines.append(f"    {'basis' if lang == 'en' else '依据'}: {basis_name(evaluation, c.source, lang)} {c.article} “{c.quote}”")
        if f.waiver is not None:
            lines.append("    " + waiver_note(f, lang))
        for u in f.facts:
            if u.verification is not None:
                lines.append("    " + verification_note(u, lang))
    lines += department_lines(evaluation, lang)
    return lines, tags


def department_lines(evaluation: Evaluation, lang: str) -> list[str]:
    """Each department's own findings of the per-department requirements, then the unevenness."""
    if not evaluation.case.departments:
        return []
    from fazhi.evaluate.unevenness import statements
    lines = ["", "各部门（执法主体）" if lang != "en" else "Departments (enforcement bodies)"]
    by_department: dict[str, list[Finding]] = {}
    for f in evaluation.department_findings:
        by_department.setdefault(f.department or "", []).append(f)
    for d in evaluation.case.departments:
        state = "" if d.submitted else (" — not submitted" if lang == "en" else "（未报送）")
        lines.append(f"  {d.name} [{d.kind}]{state}")
        for f in by_department.get(d.id, []):
            zh, en, _ = VERDICT_TEXT[f.verdict]
            record = f" ({f.record})" if f.record else ""
            lines.append(f"    [{en if lang == 'en' else zh}] {f.requirement}{record} {f.message.get(lang)}")
    said = statements(evaluation, lang)
    if said:
        lines += ["", "不平衡情况" if lang != "en" else "Unevenness"] + [f"  {s}" for s in said]
    return lines


def counts_line(evaluation: Evaluation, counts: dict[str, int], lang: str) -> str:
    """A verdict's count of findings, and of requirements where they differ (a requirement checked per
    record gives a finding per record; the gap report counts requirements)."""
    requirements: dict[str, set[str]] = {}
    for f in evaluation.findings:
        requirements.setdefault(f.verdict.value, set()).add(f.requirement)
    parts = []
    for v, n in counts.items():
        r = len(requirements.get(v, ()))
        label = verdict_label(Verdict(v), lang)
        if r == n:
            parts.append(f"{label}: {n}")
        else:
            parts.append(f"{label}: {n} findings ({r} requirements)" if lang == "en" else f"{label}: {n}条结论（{r}项要求）")
    return "  ".join(parts)


def waiver_note(f: Finding, lang: str) -> str:
    w = f.waiver
    assert w is not None
    if f.verdict is Verdict.WAIVED:
        return (f"waived ({f.original.value if f.original else ''}) until {w.expires.isoformat()}: {w.justification} — "
                f"requested by {w.requested_by}, approved by {w.approved_by}" if lang == "en" else
                f"已豁免（原结论：{verdict_label(f.original, lang) if f.original else ''}），有效期至{w.expires.isoformat()}："
                f"{w.justification}（申请：{w.requested_by}；批准：{w.approved_by}）")
    return (f"waiver expired on {w.expires.isoformat()}: counted as {f.verdict.value}" if lang == "en" else
            f"豁免已于{w.expires.isoformat()}到期，按{verdict_label(f.verdict, lang)}计")


def verification_note(u: Any, lang: str) -> str:
    v = u.verification
    from fazhi.formatting import display
    claimed = display(v.claimed).get(lang)
    if lang == "en":
        return f"verified: {u.label.en} {u.display.en} (claimed {claimed}) by {v.inspector}, {v.date.isoformat()}" + (f": {v.note}" if v.note else "")
    return f"已核验：{u.label.zh}为{u.display.zh}（原填报{claimed}），核验人{v.inspector}，{v.date.isoformat()}" + (f"：{v.note}" if v.note else "")


def data_quality_count(evaluation: Evaluation, lang: str) -> str:
    n = len(evaluation.data_quality)
    doubting = sum(1 for q in evaluation.data_quality if q.doubtful)
    if lang == "en":
        return f"data-quality findings: {n}" + (f" ({doubting} make the values they name doubtful: verdicts reading "
                                                f"them are insufficient_facts)" if doubting else "")
    return f"数据质量问题：{n}条" + (f"（其中{doubting}条使所涉数据存疑，读取这些数据的结论判为事实不足）" if doubting else "")


def basis_name(evaluation: Evaluation, source: str, lang: str) -> str:
    """A cited source as a Chinese reader knows it, 《title》; its id (DUCHA-2019) in English."""
    found = evaluation.catalogue.sources.get(source) if lang != "en" else None
    return f"《{found.title.zh}》" if found is not None else source


def data_quality_lines(evaluation: Evaluation, lang: str, color: bool) -> list[str]:
    if not evaluation.data_quality:
        return []
    head = "data quality" if lang == "en" else "数据质量"
    tag = colour(f"[{head}]", "magenta", True) if color else f"[{head}]"
    lines = [""]
    for q in evaluation.data_quality:
        where = f" ({q.location})" if q.location else ""
        if lang == "en":
            text = f" {q.check}{' (' + q.record + ')' if q.record else ''}: {q.message.en}{where}"
        else:  # the fact by its label, not the check's id (litigation.win_rate_stated:rate)
            spec = evaluation.catalogue.facts.get(q.fact)
            name = spec.label.zh if spec is not None else q.fact
            where = f"（{q.location}）" if q.location else ""
            text = f" {name}{'（' + q.record + '）' if q.record else ''}：{q.message.zh}{where}"
        lines.append(tag + (terminal(text) if color else text))
    return lines


def render_markdown(evaluation: Evaluation, lang: str, score: Any = None) -> str:
    case = evaluation.case
    en = lang == "en"
    out = [f"# {markdown_text(case.district.name)} {case.period}" + (" — checklist" if en else "年度法治政府建设合规检查"), ""]
    counts = summary(evaluation)["counts"]
    out.append("| " + " | ".join(verdict_label(Verdict(v), lang) for v in counts) + " |")
    out.append("|" + "---|" * len(counts))
    out.append("| " + " | ".join(str(n) for n in counts.values()) + " |")
    if evaluation.data_quality:
        out += ["", "- " + markdown_text(data_quality_count(evaluation, lang))]
        out += ["  - " + markdown_text(f"{q.check}{' (' + q.record + ')' if q.record else ''}: {q.message.get(lang)}")
                for q in evaluation.data_quality]  # a record id and the values it quotes are the district's
    if score is not None:
        out += [""] + [f"- {markdown_text(line.strip())}" for line in score_lines(score, lang)]
    out += ["", "| " + (" | ".join(["Requirement", "Verdict", "Finding", "Basis"]) if en else " | ".join(["要求", "结论", "说明", "依据"])) + " |",
            "|---|---|---|---|"]
    for f in evaluation.findings:
        c = f.citations[0]
        note = confidence_note(f, lang)
        record = f" ({f.record})" if f.record else ""
        cell = markdown_cell
        out.append(f"| {cell(f.requirement + record)} {cell(f.title.get(lang))} | {verdict_label(f.verdict, lang)}"
                   f"{' ⚠ ' + note if note else ''} | {cell(f.message.get(lang))} | {cell(basis_name(evaluation, c.source, lang))} {cell(c.article)} |")
    return "\n".join(out) + "\n"


def manifest_footer(manifest: dict[str, Any], lang: str) -> str:
    """What the result was computed from, for the foot of a Markdown document."""
    from fazhi.documents.footer import manifest_line
    return f"\n---\n{markdown_text(manifest_line(manifest, lang))}\n"
