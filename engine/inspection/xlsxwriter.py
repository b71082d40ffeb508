"""A small streaming XLSX (Office Open XML) writer: sheets of rows, a bold frozen header, autofilter.

openpyxl writes about 10,000 rows a second; a run over 3,000 districts has half a million findings,
so the sheets are written here as XML straight into the zip: either rows of values (`sheet`), or rows
already rendered elsewhere, e.g. by the workers, streamed in while the run goes on (`stream`). The
cells carry no references and repeated strings can be shared (cells.py). What it writes opens in
Excel, WPS and LibreOffice, and reads back with openpyxl (tests do). A sheet holds at most 1,048,575
data rows: longer ones continue on a sheet named "… (2)". The file appears only on `close` (a
temporary file, then renamed); `abort` leaves nothing.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from typing import IO, Any, Iterable, Sequence
from xml.sax.saxutils import escape

from fazhi.inspection import cells
from fazhi.inspection.cells import SharedStrings

MAX_ROWS = 1_048_575
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_END_ROW = b"</row>"


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


class Workbook:
    def __init__(self, path: str, shared: SharedStrings | None = None, order: Sequence[str] = ()):
        """`shared`: the strings cells may refer to; `order`: the sheets' names in the order shown (a
        sheet may be written before one shown ahead of it, e.g. one streamed while the run goes on)."""
        self.path = path
        self.shared = shared
        self._order = list(order)
        folder = os.path.dirname(os.path.abspath(path))
        fd, self._tmp = tempfile.mkstemp(prefix=".fazhi-", suffix=".xlsx", dir=folder)
        os.close(fd)
        self._zip = zipfile.ZipFile(self._tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._parts: list[tuple[str, str]] = []  # (name given, title shown) per worksheet file, in writing order
        self._open: SheetStream | None = None

    def stream(self, name: str, header: list[str], widths: list[int] | None = None) -> SheetStream:
        """A sheet whose rows come as rendered XML (`SheetStream.write`); one at a time, closed before the next."""
        self._open = SheetStream(self, name, header, widths)
        return self._open

    def sheet(self, name: str, header: list[str], rows: Iterable[list[Any]], widths: list[int] | None = None) -> None:
        """A sheet of rows of values."""
        out = self.stream(name, header, widths)
        buffer: list[str] = []
        for values in rows:
            buffer.append(cells.row(values))
            if len(buffer) >= 2000:
                out.write("".join(buffer).encode("utf-8"), len(buffer))
                buffer = []
        out.write("".join(buffer).encode("utf-8"), len(buffer))
        out.close()

    def _part(self, name: str, number: int) -> IO[bytes]:
        """The next worksheet file, for part `number` of sheet `name`."""
        title = (name if number == 1 else f"{name} ({number})")[:31]
        self._parts.append((name, title))
        return self._zip.open(f"xl/worksheets/sheet{len(self._parts)}.xml", "w", force_zip64=True)

    def close(self) -> None:
        """The workbook's other parts; then the file appears at `path`."""
        if self._open is not None:
            self._open.close()
        rank = {name: i for i, name in enumerate(self._order)}
        shown = sorted(range(len(self._parts)), key=lambda i: (rank.get(self._parts[i][0], len(rank)), i))
        n = len(self._parts)
        sheets = "".join(f'<sheet name="{escape(self._parts[i][1])}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in shown)
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, n + 1))
        rels += f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        types = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
                        for i in range(1, n + 1))
        z = self._zip
        if self.shared:
            z.writestr("xl/sharedStrings.xml", self.shared.xml())
            rels += f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            types += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        z.writestr("[Content_Types].xml", f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
                   f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{types}</Types>')
        z.writestr("_rels/.rels", f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'{_HEAD}<workbook {_NS} xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        z.writestr("xl/styles.xml", f'{_HEAD}<styleSheet {_NS}>'
                   '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
                   '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
                   '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
                   '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                   '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                   '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                   '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
                   '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
        z.close()
        from fazhi.render.output import readable
        readable(self._tmp)
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        try:
            if self._open is not None:
                self._open.abort()
            self._zip.close()
        finally:
            if os.path.exists(self._tmp):
                os.unlink(self._tmp)


class SheetStream:
    """One sheet written as rows arrive, continued on a sheet "… (2)" when it is full."""

    def __init__(self, book: Workbook, name: str, header: list[str], widths: list[int] | None):
        self.book, self.name, self.header, self.widths = book, name, header, widths
        self._number = 0
        self._out: IO[bytes] | None = None
        self._rows = 0  # data rows in the current part
        self._begin()

    def _begin(self) -> None:
        self._number += 1
        self._out = self.book._part(self.name, self._number)
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(self.widths or [], 1))
        # the header row and the first column (the district) stay in view; printed landscape, fitted to the width
        self._out.write((f'{_HEAD}<worksheet {_NS}><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                         '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" '
                         'topLeftCell="B2" activePane="bottomRight" state="frozen"/></sheetView></sheetViews>'
                         + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
                         + cells.row(self.header, style=' s="1"')).encode("utf-8"))
        self._rows = 0

    def _end(self) -> None:
        assert self._out is not None
        last = _column(len(self.header))
        self._out.write((f'</sheetData><autoFilter ref="A1:{last}{self._rows + 1}"/>'
                         '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
                         '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                         '</worksheet>').encode("utf-8"))
        self._out.close()
        self._out = None

    def write(self, xml: bytes, rows: int) -> None:
        """`rows` whole `<row>` elements."""
        while self._rows + rows > MAX_ROWS:  # split after the row that fills this sheet ("</row>" is never in a value)
            cut, room = 0, MAX_ROWS - self._rows
            for _ in range(room):
                cut = xml.index(_END_ROW, cut) + len(_END_ROW)
            assert self._out is not None
            self._out.write(xml[:cut])
            self._rows += room
            xml, rows = xml[cut:], rows - room
            self._end()
            self._begin()
        assert self._out is not None
        self._out.write(xml)
        self._rows += rows

    def close(self) -> None:
        if self._out is not None:
            self._end()
        if self.book._open is self:
            self.book._open = None

    def abort(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
