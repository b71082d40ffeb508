"""The wording of the intake commands in Chinese and English (the facts loader's problems carry their own)."""
from __future__ import annotations

from fazhi.model.catalogue import FactSpec
from fazhi.vocabulary import FactType, Text

TYPE_NAMES = {
    FactType.BOOL: Text("是/否", "yes/no"),
    FactType.INT: Text("整数", "whole number"),
    FactType.NUMBER: Text("数字", "number"),
    FactType.PERCENT: Text("百分比（0–100，可填96.2或96.2%）", "percentage (0–100: 96.2 or 96.2%)"),
    FactType.DATE: Text("日期（如2021-02-25或2021年2月25日）", "date (2021-02-25 or 2021年2月25日)"),
    FactType.TEXT: Text("文字", "text"),
    FactType.ENUM: Text("选项", "choice"),
    FactType.RECORDS: Text("记录", "records"),
}

EVIDENCE_LABELS = {
    "document": Text("证据：文件名称", "Evidence: document"),
    "doc_number": Text("证据：文号", "Evidence: document number"),
    "quote": Text("证据：原文摘录", "Evidence: quote"),
    "url": Text("证据：网址", "Evidence: URL"),
    "page": Text("证据：页码", "Evidence: page"),
    "note": Text("证据：说明", "Evidence: note"),
}

CASE_FIELDS = (  # key, label, question, kind
    ("case.district.name", Text("区县名称", "District"), Text("被评估的区（县）名称，如马村区", "The district evaluated, e.g. 马村区"), "text"),
    ("case.district.level", Text("层级", "Level"), Text("行政层级，如市辖区、县", "Its level, e.g. 市辖区 or 县"), "text"),
    ("case.district.parent", Text("上级", "Parent"), Text("上一级行政区，如焦作市", "The next level up, e.g. 焦作市"), "text"),
    ("case.period", Text("评估年度", "Year evaluated"), Text("评估的年度，如2020（决定适用当年有效的规定）", "The year evaluated, e.g. 2020 (it selects the law in force)"), "year"),
    ("case.submitted.date", Text("报送日期", "Submitted on"), Text("本表报送日期", "The date these facts are submitted"), "date"),
    ("case.submitted.by", Text("报送单位", "Submitted by"), Text("报送本表的单位", "The unit submitting these facts"), "text"),
)


def t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def range_text(spec: FactSpec | None, ftype: FactType, lang: str, minimum=None, maximum=None, choices=(),
               not_above_label: str | None = None) -> str:
    """'整数，≥ 0' / 'whole number, ≥ 0' — what may be written in a value cell."""
    parts = [TYPE_NAMES[ftype].get(lang)]
    low = minimum if minimum is not None else (0 if ftype in (FactType.INT, FactType.PERCENT) else None)
    high = maximum if maximum is not None else (100 if ftype is FactType.PERCENT else None)
    if ftype in (FactType.INT, FactType.NUMBER):
        if low is not None:
            parts.append(f"≥ {low}")
        if high is not None:
            parts.append(f"≤ {high}")
    if ftype is FactType.ENUM:
        parts.append(("、" if lang == "zh" else ", ").join(choices))
    if not_above_label:
        parts.append(t(lang, f"不大于“{not_above_label}”", f"at most “{not_above_label}”"))
    return ("，" if lang == "zh" else ", ").join(parts)
