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
import zipfile
from typing import Iterable, Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

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
        p = self.doc.add_paragraph(style=style)
        if lead:
            p.add_run(lead).bold = True
            if self.lang == "en":
                p.add_run(" ")
        p.add_run(text)

    def date(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Fazhi Date")

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

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]], widths_mm: Sequence[float], small: bool = False) -> None:
        rows = list(rows)
        table = self.doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        style = "Fazhi Table Small" if small else "Fazhi Table"
        scale = self.text_width_mm / sum(widths_mm)
        for i, w in enumerate(widths_mm):
            table.columns[i].width = Mm(w * scale)
        for r, values in enumerate([list(headers)] + [list(v) for v in rows]):
            row = table.rows[r]
            _row_props(row, header=r == 0)
            for c, value in enumerate(values):
                cell = row.cells[c]
                cell.width = Mm(widths_mm[c] * scale)
                lines = str(value).split("\n")
                cell.paragraphs[0].style = self.doc.styles[style]
                cell.paragraphs[0].add_run(lines[0]).bold = r == 0
                for line in lines[1:]:
                    cell.add_paragraph(line, style=style)
        self.doc.add_paragraph().paragraph_format.line_spacing = Pt(8)

    def info(self, header: Header) -> None:
        self.table(["", ""], [(row.label, row.value) for row in header.rows], (36, 120))
        first = self.doc.tables[-1].rows[0]
        first._tr.getparent().remove(first._tr)

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


def _row_props(row: object, header: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01, so equal documents are equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


__all__ = ["GovDocument"]
