"""Reading a questionnaire workbook: opening it safely, and cells as the facts loader expects values.

Every value read is remembered with the cell it came from (`Cells`), so a problem the facts loader
finds at a path of the facts structure is reported at sheet!cell.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import os
import zipfile
from typing import Any

from fazhi.render.safe_text import from_spreadsheet_text
from fazhi.errors import InputError, Location, Problem
from fazhi.vocabulary import FactType
from fazhi.load.schema import to_decimal
from fazhi.load.yamlio import MAX_FILE_BYTES, Path
from fazhi.intake import layout as L
from fazhi.intake.messages import t

MAX_UNZIPPED = 50 * 1024 * 1024  # a workbook's XML, uncompressed: 10,000 records fit in a fifth; more is a zip bomb
MAX_FACT_ROWS = 5_000  # rows of a fact sheet (the vocabulary has a few hundred facts)


class Cells:
    """Paths of the facts structure -> the cells they came from, as pseudo line numbers for a Document."""

    def __init__(self) -> None:
        self.cells: list[tuple[str, str]] = [("", "")]
        self.marks: dict[Path, tuple[int, int]] = {(): (0, 0)}
        self.labels: dict[int, str] = {}

    def mark(self, path: Path, sheet: str, coordinate: str, label: str | None = None) -> None:
        self.cells.append((sheet, coordinate))
        self.marks[path] = (len(self.cells) - 1, 1)
        if label:
            self.labels[len(self.cells) - 1] = label

    def cell(self, line: int | None) -> tuple[str, str, str | None]:
        """The sheet, coordinate and label behind a Location.line."""
        index = line or 0
        sheet, coordinate = self.cells[index] if 0 < index < len(self.cells) else ("", "")
        return sheet, coordinate, self.labels.get(index)


def open_workbook(path: str, lang: str = "zh") -> Any:
    """The workbook, or an InputError saying why it cannot be read (size, zip bomb, not .xlsx)."""
    from openpyxl import load_workbook
    if not os.path.lexists(path):
        raise InputError([Problem(Location(path), t(lang, "文件不存在", "no such file"))])
    from fazhi.load.reading import read_bytes
    content = io.BytesIO(read_bytes(path, MAX_FILE_BYTES, "workbook"))  # regular files only, never past the limit
    try:
        with zipfile.ZipFile(content) as z:
            unzipped = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        hint = t(lang, "请用Excel或WPS另存为.xlsx；不读取.xls和.csv", "save it from Excel or WPS as .xlsx; .xls and .csv are not read")
        if path.lower().endswith((".yaml", ".yml")):
            hint = t(lang, "YAML问卷填好后本身就是事实文件，直接运行 fazhi check", "a filled YAML questionnaire is itself a facts file: run fazhi check on it")
        raise InputError([Problem(Location(path), t(lang, "不是Excel工作簿（.xlsx）", "not an Excel workbook (.xlsx)"),
                                  suggestion=hint)]) from None
    if unzipped > MAX_UNZIPPED:
        raise InputError([Problem(Location(path), t(lang, f"工作簿解压后有{unzipped:,}字节，上限为{MAX_UNZIPPED:,}",
                                                    f"the workbook unpacks to {unzipped:,} bytes; the limit is {MAX_UNZIPPED:,}"))])
    try:
        return load_workbook(content, data_only=True)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds on a damaged file; each is the user's
        raise InputError([Problem(Location(path), t(lang, "无法读取工作簿：", "cannot read the workbook: ") + str(exc),
                                  suggestion=t(lang, "请用Excel或WPS打开后重新保存为.xlsx",
                                               "open it in Excel or WPS and save it again as .xlsx"))]) from None


def is_facts_sheet(ws: Any) -> bool:
    return text(ws.cell(L.HEADER_ROW, L.KEY_COL).value).startswith(L.KEY_MARK)


def is_records_sheet(ws: Any) -> bool:
    return text(ws.cell(L.REC_KEY_ROW, 1).value).startswith(L.RECORDS_MARK)


def text(value: Any) -> str:
    return "" if value is None else from_spreadsheet_text(str(value).strip())


def clean(value: Any) -> Any:
    """A cell's value; blank text is no value."""
    if isinstance(value, str):
        value = from_spreadsheet_text(value.strip())  # the apostrophe the questionnaire put before a leading = + - @
        return value or None
    return value


def as_text(value: Any) -> str:
    """A cell as text (an evidence field, a record id): 12.0 is '12', a date is 2021-02-25."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def typed(cell: Any, value: Any, ftype: FactType, notes: list[str], where: str, lang: str) -> Any:
    """What Excel stored, as the facts loader expects it: a typed 98% (stored 0.98) is 98; 22.0 is 22."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and math.isfinite(value):
        value = float(f"{value:.15g}")  # Excel keeps 15 significant digits: 0.9620000000000002 is 0.962
        value = int(value) if value.is_integer() else value
    if isinstance(value, (int, float)) and ftype is FactType.PERCENT:
        number = to_decimal(value)
        if number is None:
            return value
        if "%" in (cell.number_format or ""):
            return (number * 100).normalize()
        if 0 < number < 1:
            notes.append(t(lang, f"{where}：{value} 按比例读作 {number * 100}%（如指不足1%，请填“{value}%”）",
                           f"{where}: {value} read as a fraction, {number * 100}% (write '{value}%' if you mean less than 1%)"))
            return (number * 100).normalize()
        return number
    if isinstance(value, (int, float)) and ftype in (FactType.TEXT, FactType.ENUM):
        return str(value)
    if isinstance(value, dt.datetime) and ftype is not FactType.DATE:
        return value.date().isoformat()
    return value


def evidence(ws: Any, row: int, cells: Cells, path: Path, label: str) -> dict[str, str] | None:
    """The evidence columns of a fact's row, as the `evidence` mapping of the facts format."""
    found = {}
    for key, col in L.EVIDENCE_COLS.items():
        value = clean(ws.cell(row, col).value)
        if value is not None:
            found[key] = as_text(value)
            cells.mark(path + (key,), ws.title, ws.cell(row, col).coordinate, label)
    return found or None
