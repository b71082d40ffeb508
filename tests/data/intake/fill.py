"""Fill a Fazhi questionnaire workbook from a facts YAML the way people type: 是/否, "1,109", ９８％, 2021年2月25日.

Used by tests/test_intake_roundtrip.py; it knows the workbook only by its column headings, as a
person (or a department's script) would.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import openpyxl
import yaml

FULL_WIDTH = str.maketrans("0123456789%", "０１２３４５６７８９％")


def _columns(ws: Any, row: int) -> dict[str, int]:
    return {str(c.value).split("（")[0].split(" (")[0]: c.column for c in ws[row] if c.value is not None}


def _typed(value: Any, ftype: str, n: int, cell: Any) -> Any:
    """The value as someone would type it; n varies the form from fact to fact."""
    if value is None:
        return None
    if ftype == "bool":
        return "是" if value else "否"
    if ftype == "int":
        if value >= 1000:
            return f"{value:,}"
        return str(value).translate(FULL_WIDTH) if n % 3 == 1 else value
    if ftype == "percent":
        if n % 2:  # typed 98% in Excel: stored 0.98 with a percent format
            cell.number_format = "0.00%"
            return value / 100
        return f"{value}%".translate(FULL_WIDTH)
    if ftype == "date":
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return f"{day.year}年{day.month}月{day.day}日" if n % 2 else day
    return value


def fill(workbook: str, facts_yaml: str, types: dict[str, str], fields: dict[str, dict[str, str]]) -> None:
    """types: fact key -> type name; fields: records fact key -> field -> type name."""
    with open(facts_yaml, encoding="utf-8") as handle:
        doc = yaml.safe_load(handle)
    wb = openpyxl.load_workbook(workbook)
    rows: dict[str, tuple[Any, int]] = {}
    records: dict[str, Any] = {}
    for ws in wb.worksheets:
        heads = _columns(ws, 2)
        if "key" in heads:
            for row in range(3, ws.max_row + 1):
                key = ws.cell(row, heads["key"]).value
                if key:
                    rows[key] = (ws, row)
        elif str(ws.cell(2, 1).value or "").startswith("records"):
            records[ws.cell(2, 2).value] = ws
    case = doc["case"]
    for key, value in (("case.district.name", case["district"]["name"]), ("case.district.level", case["district"].get("level")),
                       ("case.district.parent", case["district"].get("parent")), ("case.period", f"{case['period']}年"),
                       ("case.submitted.date", (case.get("submitted") or {}).get("date")),
                       ("case.submitted.by", (case.get("submitted") or {}).get("by"))):
        ws, row = rows[key]
        ws.cell(row, _columns(ws, 2)["填写"], value)
    for n, (key, entry) in enumerate(doc["facts"].items()):
        ws, row = rows[key]
        heads = _columns(ws, 2)
        entry = entry if isinstance(entry, dict) else {"value": entry}
        evidence = entry.get("evidence") or {}
        for name, text in (evidence.items() if isinstance(evidence, dict) else [("quote", evidence)]):
            ws.cell(row, heads[{"document": "证据：文件名称", "doc_number": "证据：文号", "quote": "证据：原文摘录",
                                "url": "证据：网址", "page": "证据：页码", "note": "证据：说明"}[name]], text)
        if types[key] == "records":
            items = entry["records"]
            if not items:
                ws.cell(row, heads["填写"], "无")
                continue
            sheet = records[key]
            cols = {c.value: c.column for c in sheet[5] if c.value}
            for i, item in enumerate(items):
                for field, value in item.items():
                    if field == "evidence":
                        for name, text in value.items():
                            sheet.cell(6 + i, cols[f"evidence.{name}"], text)
                        continue
                    cell = sheet.cell(6 + i, cols[field])
                    ftype = "text" if field == "id" else fields[key][field]
                    cell.value = _typed(value, ftype, n + i, cell)
            continue
        cell = ws.cell(row, heads["填写"])
        cell.value = _typed(entry["value"], types[key], n, cell)
    wb.save(workbook)
