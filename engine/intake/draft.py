"""An extraction as a draft facts file a person reviews, and as the summary printed for them."""
from __future__ import annotations

import os

from fazhi.formatting import display
from fazhi.model.catalogue import Catalogue
from fazhi.intake.extract import Extraction, Proposal
from fazhi.intake.factsyaml import Entry, render
from fazhi.intake.messages import t

_PART_NO = ("（一）", "（二）", "（三）", "（四）", "（五）")


def evidence_note(p: Proposal, lang: str) -> str:
    """'extracted: chars A–B (line L); approximate: 10余次 = at least 10; <the pattern's note>'."""
    if p.sentence is None:
        parts = [t(lang, "全文未找到相应标题或语句，据此推定", "no heading or sentence of the report matches, hence proposed")]
    else:
        s = p.sentence
        parts = [t(lang, f"第{s.start}–{s.end}字（第{s.line}行）", f"chars {s.start}–{s.end} (line {s.line})")]
    if p.quantity is not None and p.quantity.approximate:
        parts.append(t(lang, "约数：", "approximate: ") + p.quantity.describe(lang))
    if p.note is not None:
        parts.append(p.note.get(lang))
    parts.append(t(lang, "待人工确认", "to be confirmed"))
    return "extracted: " + t(lang, "；", "; ").join(parts)


def draft_yaml(x: Extraction, catalogue: Catalogue, lang: str) -> str:
    name = os.path.basename(x.report.file)
    header = [
        t(lang, f"草稿：由 `fazhi extract` 从 {name}（{x.report.encoding}）提出的事实。",
          f"DRAFT: facts proposed by `fazhi extract` from {name} ({x.report.encoding})."),
        t(lang, "每一个值都须由人核对原文后确认，确认后再删去 evidence.note 中的 “extracted:” 标记。",
          "Every value needs a person to confirm it against the report; then remove the “extracted:” marker from evidence.note."),
        t(lang, "字符位置从0起、不含终点，按解码后的全文逐字计（不计BOM）。",
          "Character offsets are 0-based, end exclusive, counted in the decoded text (a BOM is not counted)."),
        "",
    ] + [line for line in summary_lines(x, lang)]
    entries: list[Entry] = []
    ruleset = None
    for key, p in x.proposals.items():
        spec = catalogue.facts[key]
        comments = []
        if spec.ruleset != ruleset:
            ruleset = spec.ruleset
            comments.append(f"--- {ruleset}")
        comments.append(f"{spec.label.get(lang)}: {spec.question.get(lang)}")
        evidence = {"document": name, "note": evidence_note(p, lang)}
        if p.sentence is not None:
            evidence["quote"] = p.sentence.text
        if isinstance(p.value, list):
            entries.append(Entry(key, records=p.value, evidence=evidence, comments=comments))
        else:
            entries.append(Entry(key, p.value, evidence=evidence, comments=comments))
    district = {"name": x.district, "level": _level(x.district), "parent": x.parent}
    return render(header, district, x.period, None, entries)


def _level(name: str | None) -> str | None:
    return name[-1] if name and name[-1] in "区县旗市" else None


def coverage_lines(x: Extraction, lang: str) -> list[str]:
    """How much text the extractor saw, and the warning when it seems cut off."""
    c = x.coverage
    if c is None:
        return []
    lines = [t(lang, f"读取正文{c.characters}字，找到标题{c.headings}个；" + ("结尾完整" if c.ends_cleanly else "结尾在句中断开"),
               f"read {c.characters} characters of text, {c.headings} headings; "
               + ("it ends cleanly" if c.ends_cleanly else "it stops mid-sentence"))]
    if c.truncated:
        why = t(lang, "文字过短，不像完整的年度报告" if c.reason == "short" else "结尾在句中断开",
                "too short for a whole annual report" if c.reason == "short" else "the text stops mid-sentence")
        lines.append(t(lang, f"注意：正文可能不完整，未找到的项目未填写（{why}）",
                       f"NOTE: the text may be incomplete; what was not found is left out, not answered no ({why})"))
    return lines


def summary_lines(x: Extraction, lang: str) -> list[str]:
    """The five parts of 第二十五条 with the heading or sentence that shows each, and the date vs 3月1日."""
    lines = [t(lang, f"{x.district or '?'}，{x.period}年度；提出{len(x.proposals)}项事实，均须人工确认。",
               f"{x.district or '?'}, {x.period}; {len(x.proposals)} facts proposed, each to be confirmed.")]
    lines += coverage_lines(x, lang)
    if x.parts:
        lines.append(t(lang, "年度报告应有的五项内容（督察工作规定第二十五条）：",
                       "The five parts an annual report must have (DUCHA-2019 art. 25):"))
        for i, part in enumerate(x.parts):
            p = part.proposal
            if p is None:
                state, where = t(lang, "未找到", "not found"), ""
                if x.coverage is not None and x.coverage.truncated:
                    state = t(lang, "未找到（未填写）", "not found (left out)")
            else:
                state = t(lang, "有", "present") if p.value is True else t(lang, "无", "absent")
                where = _where(p, lang)
            no = _PART_NO[i] if i < len(_PART_NO) else ""
            label = part.label.get(lang)
            lines.append(f"  {no if lang == 'zh' and no not in label else ''}{label}: {state}{where}")
    d = x.deadline
    if d is not None:
        basis = f" — {d.basis.get(lang)}" if d.basis else ""
        if d.proposal is None:
            lines.append(t(lang, f"{d.label.zh}：报告中未找到日期{basis}", f"{d.label.en}: no date found in the report{basis}"))
        else:
            day, due = display(d.proposal.value).get(lang), display(d.deadline).get(lang)
            verdict = t(lang, f"不晚于{due}", f"on or before {due}") if d.on_time else t(lang, f"晚于{due}", f"after {due}")
            lines.append(f"{d.label.get(lang)}: {day}，{verdict}{_where(d.proposal, lang)}{basis}" if lang == "zh"
                         else f"{d.label.get(lang)}: {day}, {verdict}{_where(d.proposal, lang)}{basis}")
    return lines


def _where(p: Proposal, lang: str) -> str:
    if p.sentence is None:
        return t(lang, "（全文未找到相应标题或语句）", " (no heading or sentence matches)")
    text = p.sentence.text if len(p.sentence.text) <= 48 else p.sentence.text[:47] + "…"
    return t(lang, f" — 第{p.sentence.line}行“{text}”", f" — line {p.sentence.line} “{text}”")
