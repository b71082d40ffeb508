"""The wording of the intake commands in Chinese and English, and Chinese for the facts loader's problems."""
from __future__ import annotations

import re

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


# the facts loader speaks English; an importer in Chinese says the same things in Chinese
_ZH = [
    (r"expected yes/no \(true/false, 是/否\), got (?P<v>.+)", "应填“是”或“否”，填写的是{v}"),
    (r"expected a date \(YYYY-MM-DD\), got (?P<v>.+)", "应填日期（如2021-02-25或2021年2月25日），填写的是{v}"),
    (r"expected a date YYYY-MM-DD, got (?P<v>.+)", "应填日期（如2021-02-25或2021年2月25日），填写的是{v}"),
    (r"'(?P<v>.+)' is not a real date", "“{v}”不是有效日期"),
    (r"expected a whole number, got (?P<v>.+)", "应填整数，填写的是{v}"),
    (r"expected a percentage such as 96.2 or '96.2%', got (?P<v>.+)", "应填百分比（如96.2或96.2%），填写的是{v}"),
    (r"expected a number, got (?P<v>.+)", "应填数字，填写的是{v}"),
    (r"expected text, got (?P<v>.+)", "应填文字，填写的是{v}"),
    (r"expected non-empty text, got (?P<v>.+)", "不能为空，填写的是{v}"),
    (r"text of (?P<v>[\d,]+) characters; the limit is (?P<w>[\d,]+)", "文字有{v}个字符，上限为{w}"),
    (r"'(?P<v>.+)' is not one of (?P<w>.+)", "“{v}”不是可选项（{w}）之一"),
    (r"(?P<v>\S+) is larger than the limit (?P<w>\S+)", "{v}超过上限{w}"),
    (r"(?P<v>\S+) has (?P<d>\d+) significant digits and (?P<p>\d+) decimal places; the limit is (?P<md>\d+) digits and (?P<mp>\d+) places",
     "{v}有{d}位有效数字、{p}位小数，上限为{md}位有效数字、{mp}位小数"),
    (r"an id of (?P<v>[\d,]+) characters; the limit is (?P<w>[\d,]+)", "编号有{v}个字符，上限为{w}"),
    (r"(?P<v>\S+) is below the minimum (?P<w>\S+)", "{v}小于最小值{w}"),
    (r"(?P<v>\S+) is above the maximum (?P<w>\S+)", "{v}大于最大值{w}"),
    (r"(?P<v>\S+) is larger than (?P<w>\S+) \((?P<x>.+)\)", "{v}大于“{w}”（{x}）：部分不能超过总数"),
    (r"duplicate record id '(?P<v>.+)' \(also item (?P<w>\d+)\)", "记录编号“{v}”重复（另见第{w}条）"),
    (r"each record needs an 'id'", "每条记录都要有编号"),
    (r"(?P<v>[\d,]+) records; the limit is (?P<w>[\d,]+)", "共{v}条记录，上限为{w}"),
    (r"missing required key '(?P<v>.+)'", "缺少必填项{v}"),
    (r"missing", "未填写"),
    (r"expected a whole number, got", "应填整数"),
    (r"period (?P<v>\d+) is not a plausible year", "年度{v}不是合理的年份"),
]
_ZH_SUGGESTIONS = {
    "give the figure alone; put approximations ('约10人', '10余次') in the evidence note":
        "只填数字；“约10人”“10余次”等约数请在证据说明中注明",
    "a part cannot exceed its total; check both figures": "部分不能大于总数，请核对两个数字",
    "round the figure; the evidence keeps the exact text": "请四舍五入；精确数字可写在证据中",
}


def zh_message(message: str) -> str:
    for pattern, template in _ZH:
        m = re.fullmatch(pattern, message)
        if m:
            return template.format(**m.groupdict())
    return message


def zh_suggestion(suggestion: str | None) -> str | None:
    if suggestion is None:
        return None
    return _ZH_SUGGESTIONS.get(suggestion, suggestion)
