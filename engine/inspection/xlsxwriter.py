"""A small streaming XLSX (Office Open XML) writer: sheets of rows, a bold frozen header, autofilter.

openpyxl writes about 10,000 rows a second; a run over 3,000 districts has half a million findings,
so the sheets are written here as XML straight into the zip, row by row, with inline strings. What
it writes opens in Excel, WPS and LibreOffice, and reads back with openpyxl (tests do). A sheet
holds at most 1,048,575 data rows: longer ones continue on a sheet named "… (2)".
"""
from __future__ import annotations

import os
import re
import tempfile
import zipfile
from typing import Any, Iterable
from xml.sax.saxutils import escape

MAX_ROWS = 1_048_575
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: Any, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = escape(_BAD.sub("", str(value)))[:32767]
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{text}</t></is></c>'


class Workbook:
    def __init__(self, path: str):
        self.path = path
        folder = os.path.dirname(os.path.abspath(path))
        fd, self._tmp = tempfile.mkstemp(prefix=".fazhi-", suffix=".xlsx", dir=folder)
        os.close(fd)
        self._zip = zipfile.ZipFile(self._tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[str] = []

    def sheet(self, name: str, header: list[str], rows: Iterable[list[Any]], widths: list[int] | None = None) -> None:
        """One sheet (more when it has more rows than a sheet holds)."""
        rows = iter(rows)
        part = 1
        while True:
            title = name if part == 1 else f"{name} ({part})"
            full = self._write(title, header, rows, widths)
            if not full:
                return
            part += 1

    def _write(self, title: str, header: list[str], rows: Any, widths: list[int] | None) -> bool:
        self._sheets.append(title[:31])
        index = len(self._sheets)
        last = _column(len(header))
        with self._zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as out:
            cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                           for i, w in enumerate(widths or [], start=1))
            out.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
                       '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                       'state="frozen"/></sheetView></sheetViews>' + (f"<cols>{cols}</cols>" if cols else "")
                       + "<sheetData>").encode("utf-8"))
            out.write(('<row r="1">' + "".join(_cell(f"{_column(i)}1", h, 1) for i, h in enumerate(header, 1))
                       + "</row>").encode("utf-8"))
            n, full, buffer = 1, False, []
            for row in rows:
                n += 1
                buffer.append(f'<row r="{n}">' + "".join(_cell(f"{_column(i)}{n}", v) for i, v in enumerate(row, 1)) + "</row>")
                if len(buffer) >= 2000:
                    out.write("".join(buffer).encode("utf-8"))
                    buffer = []
                if n > MAX_ROWS:
                    full = True
                    break
            out.write("".join(buffer).encode("utf-8"))
            out.write(f'</sheetData><autoFilter ref="A1:{last}{max(n, 1)}"/></worksheet>'.encode("utf-8"))
        return full

    def close(self) -> None:
        sheets = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(self._sheets, 1))
        z = self._zip
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                   + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                             f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(self._sheets) + 1))
                   + "</Types>")
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} '
                   f'xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, len(self._sheets) + 1))
                   + f'<Relationship Id="rId{len(self._sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                   "</Relationships>")
        z.writestr("xl/styles.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
                   '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
                   '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
                   '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
                   '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                   '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                   '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                   '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
                   '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
        z.close()
        from ..output import readable
        readable(self._tmp)
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        self._zip.close()
        if os.path.exists(self._tmp):
            os.unlink(self._tmp)
