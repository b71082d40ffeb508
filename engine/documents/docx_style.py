"""A python-docx Document laid out as a government document (GB/T 9704-2012): page, styles, fonts, blocks.

A4, margins 37/28/35/26 mm (top/left/bottom/right); body 仿宋_GB2312 三号 (16 pt) with the East Asian
font set; title 方正小标宋简体 二号 (22 pt) centred; "一、" headings 黑体, "（一）" headings 楷体, both real
Word headings; tables with borders and a repeating header row; "— 1 —" page numbers outside the text
block (right on odd pages, left on even). The fonts are not free to ship: each is named in the
font table with a substitute (altName, GB2312 charset) so Word, WPS and LibreOffice fall back to
FangSong / SimHei / KaiTi / SimSun where they are missing. The zip is written with fixed times, so
the same view gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Iterable, Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree
from xml.sax.saxutils import escape

from fazhi.documents.model import Header, ProgressView

BODY, TITLE, HEI, KAI, SONG = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
FALLBACK = {BODY: "FangSong", TITLE: "SimSun", HEI: "SimHei", KAI: "KaiTi", SONG: "SimSun"}
LINE = Pt(29)  # 22 lines in the 225 mm text block
INDENT = Pt(32)  # two characters of 三号
TEXT_WIDTH_MM = 156


class GovDocument:
    """A python-docx Document set up as a 公文, with the few block kinds the two documents use."""

    def __init__(self, lang: str):
        self.lang = lang
        self.text_width_mm: float = TEXT_WIDTH_MM  # a landscape section widens it
        self.doc = Document()
        self._style_ids: dict[str, str] = {}
        self._body_end = self.doc.element.body.sectPr  # blocks go before the section properties, which close the body
        self._page()
        self._styles()
        self._footers()
        self._declare_fonts()

    # --- setup ---------------------------------------------------------------------------------

    def _page(self) -> None:
        s = self.doc.sections[0]
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
        s.header_distance, s.footer_distance = Mm(15), Mm(20)

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        _font(normal, BODY, 16)
        _lang(normal)
        pf = normal.paragraph_format
        pf.first_line_indent, pf.space_before, pf.space_after = INDENT, Pt(0), Pt(0)
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.widow_control = True
        title = styles["Title"]
        ppr = title.element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
        for spacing in (title.element.get_or_add_rPr().findall(qn(tag)) for tag in ("w:spacing", "w:kern")):
            for element in spacing:
                element.getparent().remove(element)
        _font(title, TITLE, 22)
        tf = title.paragraph_format
        tf.alignment, tf.first_line_indent = WD_ALIGN_PARAGRAPH.CENTER, Pt(0)
        tf.line_spacing_rule, tf.line_spacing, tf.space_after = WD_LINE_SPACING.EXACTLY, Pt(35), LINE
        for name, font in (("Heading 1", HEI), ("Heading 2", KAI)):
            h = styles[name]
            _font(h, font, 16)
            hf = h.paragraph_format
            hf.first_line_indent, hf.space_before, hf.space_after = INDENT, Pt(0), Pt(0)
            hf.line_spacing_rule, hf.line_spacing, hf.keep_with_next = WD_LINE_SPACING.EXACTLY, LINE, True
        for name, size in (("Fazhi Table", 12), ("Fazhi Table Small", 10.5)):
            st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            st.base_style = normal
            _font(st, BODY, size)
            f = st.paragraph_format
            f.first_line_indent, f.alignment = Pt(0), WD_ALIGN_PARAGRAPH.LEFT
            f.line_spacing_rule = WD_LINE_SPACING.SINGLE
        detail = styles.add_style("Fazhi Detail", WD_STYLE_TYPE.PARAGRAPH)  # facts and evidence: long, with URLs
        detail.base_style = normal
        detail.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        date = styles.add_style("Fazhi Date", WD_STYLE_TYPE.PARAGRAPH)
        date.base_style = normal
        df = date.paragraph_format
        df.alignment, df.first_line_indent, df.right_indent, df.space_before = WD_ALIGN_PARAGRAPH.RIGHT, Pt(0), Pt(64), LINE
        footer = styles["Footer"]
        _font(footer, SONG, 14)
        footer.paragraph_format.first_line_indent = Pt(0)

    def _footers(self) -> None:
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            p = footer.paragraphs[0]
            p.style = self.doc.styles["Footer"]
            p.alignment = align
            if align is WD_ALIGN_PARAGRAPH.RIGHT:
                p.paragraph_format.right_indent = Pt(14)
            else:
                p.paragraph_format.left_indent = Pt(14)
            p.add_run("— ")
            _page_field(p)
            p.add_run(" —")

    def _declare_fonts(self) -> None:
        part = next(p for p in self.doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
        root = etree.fromstring(part.blob)
        for name, alt in FALLBACK.items():
            font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
            for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", "modern" if name != HEI else "swiss"),
                               ("w:pitch", "fixed" if name != TITLE else "variable")):
                etree.SubElement(font, qn(tag), {qn("w:val"): value})
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # --- blocks --------------------------------------------------------------------------------

    def title(self, text: str) -> None:
        """Centred; a Chinese title too long for one line breaks after 年度, as 公文 titles do."""
        p = self.doc.add_paragraph(style="Title")
        width = sum(1 if ord(ch) > 0x2E80 else 0.5 for ch in text)
        head, sep, tail = text.partition("年度")
        if self.lang == "zh" and width > 18 and sep and tail:
            p.add_run(head + sep).add_break()
            p.add_run(tail)
        else:
            p.add_run(text)

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def para(self, text: str, lead: str = "", style: str | None = None) -> None:
        runs = [(lead, True)] + ([(" ", False)] if self.lang == "en" else []) if lead else []
        self.append(paragraph_xml(runs + [(text, False)], self.style_id(style)))

    def date(self, text: str) -> None:
        self.append(paragraph_xml([(text, False)], self.style_id("Fazhi Date")))

    # --- low level: for writers of long documents (annexes), each step costs the same however long the body is

    def style_id(self, name: str | None) -> str | None:
        """The style id of a style name, looked up once (python-docx searches every style each time)."""
        if name is None:
            return None
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def append(self, xml: str) -> None:
        """WordprocessingML block elements (paragraphs, tables; namespace prefix w:) added at the end of the body."""
        fragment = parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")
        for element in list(fragment):
            self._body_end.addprevious(element)

    def annex_section(self, label: str, title: str, landscape: bool = False) -> None:
        """An annex on a new page (GB/T 9704: "附件1" top left in 黑体, its title centred); a wide table gets
        a landscape section so its columns need not break IDs or run text vertically."""
        self.landscape(landscape)
        p = self.doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(0)
        run = p.add_run(label)
        run.font.name = HEI
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEI)
        self.title(title)

    def landscape(self, landscape: bool) -> None:
        """A new section on a new page, landscape (text width 225 mm) or back to portrait (156 mm)."""
        from docx.enum.section import WD_ORIENT, WD_SECTION
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
            section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(28), Mm(26), Mm(37), Mm(35)
            self.text_width_mm = 297 - 37 - 35
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
            self.text_width_mm = TEXT_WIDTH_MM

    def right(self, text: str) -> None:
        """署名: right-aligned above the date."""
        p = self.doc.add_paragraph(text, style="Fazhi Date")
        p.paragraph_format.space_before = Pt(0)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, headers: Sequence[str] | None, rows: Iterable[Sequence[str]], widths_mm: Sequence[float],
              small: bool = False) -> None:
        """A bordered table, its header row (bold, repeated on each page) first; `headers=None`: no header row.

        Written straight as WordprocessingML, one row at a time, with the style ids looked up once: going
        through python-docx's cell objects costs a style lookup and a table-grid walk per cell, which made a
        report of 39,000 records take minutes. A cell's text is split into paragraphs at each newline."""
        writer = TableWriter(self, widths_mm, small)
        if headers is not None:
            writer.row(headers, header=True)
        for values in rows:
            writer.row(values)
        writer.close()

    def info(self, header: Header) -> None:
        self.table(None, [(row.label, row.value) for row in header.rows], (36, 120))

    def progress(self, progress: ProgressView, L: dict[str, str]) -> None:
        self.para(progress.sentence)
        self.table([L["number"], L["problem"], L["previous_status"], L["current_status"]],
                   [(str(r.number), (f"{r.record}{L['colon']}" if r.record else "") + r.problem,
                     r.previous_status or "—", r.status) for r in progress.rows], (10, 110, 18, 18), small=True)

    # --- output --------------------------------------------------------------------------------

    def save(self, title: str, day: dt.date) -> bytes:
        props = self.doc.core_properties
        moment = dt.datetime(day.year, day.month, day.day)
        props.title, props.author, props.last_modified_by = title, "fazhi", "fazhi"
        props.created = props.modified = props.last_printed = moment
        props.revision = 1
        props.language = "en" if self.lang == "en" else "zh-CN"
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _fixed_zip(buffer.getvalue())


class TableWriter:
    """A table written row by row as WordprocessingML, in chunks, into the body of a GovDocument.

    Every row costs the same whatever the table's length: no cell objects, no style lookups, no grid
    walks. Rows can't split across pages; header rows repeat on each page."""

    CHUNK = 500

    def __init__(self, document: GovDocument, widths_mm: Sequence[float], small: bool = False):
        self.document = document
        scale = document.text_width_mm / sum(widths_mm)  # a landscape section is wider
        self.widths = [Mm(w * scale).twips for w in widths_mm]
        self.style = document.style_id("Fazhi Table Small" if small else "Fazhi Table")
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.widths)
        table = (f'<w:tbl><w:tblPr><w:tblStyle w:val="{document.style_id("Table Grid")}"/><w:tblW w:type="auto" w:w="0"/>'
                 '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" '
                 'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
                 f'<w:tblGrid>{grid}</w:tblGrid></w:tbl>')
        document.append(table)
        self.tbl = document._body_end.getprevious()
        self.pending: list[str] = []

    def row(self, values: Sequence[object], header: bool = False) -> None:
        cells = []
        for width, value in zip(self.widths, values):
            paragraphs = "".join(paragraph_xml([(line, header)], self.style) for line in str(value).split("\n"))
            cells.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>{paragraphs}</w:tc>')
        head = "<w:tblHeader/>" if header else ""
        self.pending.append(f"<w:tr><w:trPr><w:cantSplit/>{head}</w:trPr>{''.join(cells)}</w:tr>")
        if len(self.pending) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            fragment = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(self.pending)}</w:tbl>")
            self.tbl.extend(list(fragment))
            self.pending = []

    def close(self) -> None:
        """The last rows, and the small gap every table is followed by."""
        self._flush()
        self.document.append('<w:p><w:pPr><w:spacing w:line="160" w:lineRule="exact"/></w:pPr></w:p>')


_SPECIAL = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufffe\\uffff]")  # anything but plain text
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def paragraph_xml(runs: Sequence[tuple[str, bool]], style_id: str | None = None) -> str:
    """A w:p of (text, bold) runs. Tabs become w:tab; control characters (not allowed in XML, and
    terminal escapes in a hostile fact) are dropped; a carriage return is a line's end like a newline."""
    out = [f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else "<w:p>"]
    for text, bold in runs:
        if not text:
            continue
        run = "<w:r><w:rPr><w:b/></w:rPr>" if bold else "<w:r>"
        if not _SPECIAL.search(text):  # the usual case: one text element
            out.append(f'{run}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')
            continue
        text = _NOT_IN_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        pieces = []
        for i, line in enumerate(text.split("\n")):
            if i:
                pieces.append("<w:br/>")
            for j, part in enumerate(line.split("\t")):
                if j:
                    pieces.append("<w:tab/>")
                if part:
                    pieces.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
        if pieces:
            out.append(f"{run}{''.join(pieces)}</w:r>")
    out.append("</w:p>")
    return "".join(out)


def _font(style: object, name: str, size: float, bold: bool = False) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold, font.italic = name, Pt(size), bold, False
    font.color.rgb = RGBColor(0, 0, 0)
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    color = style.element.rPr.find(qn("w:color"))  # type: ignore[attr-defined]
    if color is not None:
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)


def _lang(style: object) -> None:
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _page_field(paragraph: object) -> None:
    """A PAGE field as begin / instruction / separate / result / end runs (read by Word, WPS and LibreOffice)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()  # type: ignore[attr-defined]
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01, so equal documents are equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


__all__ = ["GovDocument", "TableWriter", "paragraph_xml"]
