"""The questionnaire: the facts the selected requirements read, as a workbook or a commented YAML file.

Workbook: a case sheet, one sheet per domain (ruleset) with one row per fact — its question, unit,
type and allowed range (also as Excel data validation) and evidence columns — and one sheet per
records fact with a column per field. The YAML variant is a facts file with every value null and
the questions as comments: filled in, it is checked with `fazhi check` as it stands.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from fazhi.model.catalogue import Catalogue, FactSpec, FieldSpec
from fazhi.vocabulary import FactType, Text
from fazhi.load.profiles import Profile
from fazhi.intake import layout as L
from fazhi.intake.factsyaml import comment, scalar
from fazhi.render.safe_text import set_text_cell
from fazhi.intake.messages import CASE_FIELDS, EVIDENCE_LABELS, range_text, t

_BOLD = Font(bold=True)
_GREY = Font(color="808080", size=9)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_VALUE_FILL = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")


def select_facts(catalogue: Catalogue, profile: Profile | None) -> list[FactSpec]:
    """Every fact, or those the profile's requirements read (with the totals they may not exceed)."""
    if profile is None:
        return list(catalogue.facts.values())
    keys = {k for r in catalogue.requirements if profile.selects(r.id, r.domain) for k in r.facts_read}
    keys |= {catalogue.facts[k].not_above for k in list(keys) if catalogue.facts[k].not_above}
    return [spec for key, spec in catalogue.facts.items() if key in keys]


def by_domain(catalogue: Catalogue, facts: Iterable[FactSpec]) -> list[tuple[Text, str, list[FactSpec]]]:
    """The chosen facts grouped by the domain of the ruleset declaring them, in catalogue order."""
    chosen = {f.key for f in facts}
    groups: dict[str, list[FactSpec]] = {}
    for rs in catalogue.rulesets:
        groups.setdefault(rs.domain or rs.id, []).extend(f for f in rs.facts if f.key in chosen)
    titles = {**{rs.domain or rs.id: rs.title for rs in reversed(catalogue.rulesets)}, **catalogue.domain_titles}
    return [(titles[d], d, specs) for d, specs in groups.items() if specs]


DEPARTMENT_FIELDS = (  # the rows a department's workbook adds to its case sheet, filled in by the questionnaire
    ("department.id", Text("部门编号", "Department id")), ("department.name", Text("部门名称", "Department")),
    ("department.kind", Text("部门类别", "Kind")))
DEPARTMENTS_KEY = "case.departments"  # B2 of the coordinator's list of departments


def departments_spec() -> FactSpec:
    """The coordinator's list of departments, laid out as a records sheet (id, name, kind)."""
    return FactSpec(DEPARTMENTS_KEY, FactType.RECORDS, Text("各部门", "Departments"),
                    Text("本区各部门（执法主体）：编号、名称、类别（行政执法机关或其他）", "The district's departments: id, name, "
                         "kind (行政执法机关 or another)"), "", fields=(
                        FieldSpec("name", FactType.TEXT, Text("部门名称", "Name")),
                        FieldSpec("kind", FactType.TEXT, Text("部门类别", "Kind"))))


def build_xlsx(catalogue: Catalogue, facts: list[FactSpec], lang: str, district: str | None = None,
               period: int | None = None, department: dict[str, str] | None = None,
               departments: list[dict[str, str]] | None = None) -> bytes:
    """`department`: a department's own workbook (its id, name and kind filled in on the case sheet);
    `departments`: the coordinator's, with the list of departments on a sheet of its own."""
    wb = Workbook()
    used: set[str] = set()
    case_sheet = wb.active
    case_sheet.title = L.sheet_name(t(lang, "基本信息", "Case"), used)
    lists = _Lists(wb)
    _fact_sheet(case_sheet, t(lang, "基本信息（被评估的区县和年度）", "The case: district and year evaluated"), lang)
    prefill = {"case.district.name": district, "case.period": period}
    for row, (key, label, question, kind) in enumerate(CASE_FIELDS, L.FIRST_ROW):
        ftype = {"year": FactType.INT, "date": FactType.DATE}.get(kind, FactType.TEXT)
        _row(case_sheet, row, key, label.get(lang), question.get(lang), "", ftype, lang, lists,
             range_text(None, ftype, lang, 1990 if kind == "year" else None, 2100 if kind == "year" else None),
             evidence=False)
        if prefill.get(key) is not None:
            set_text_cell(case_sheet, row, L.VALUE_COL, prefill[key])
    if department is not None:
        for row, (key, label) in enumerate(DEPARTMENT_FIELDS, L.FIRST_ROW + len(CASE_FIELDS)):
            _row(case_sheet, row, key, label.get(lang), t(lang, "由问卷填写，勿改", "filled in by the questionnaire: do not edit"),
                 "", FactType.TEXT, lang, lists, range_text(None, FactType.TEXT, lang), evidence=False)
            case_sheet.cell(row, L.VALUE_COL, department[key.split(".")[1]])
    if departments is not None:
        spec = departments_spec()
        ws = wb.create_sheet(L.sheet_name(spec.label.get(lang), used))
        _records_sheet(ws, spec, lang, lists)
        for row, d in enumerate(departments, L.REC_FIRST_ROW):
            for col, name in enumerate(("id", "name", "kind"), 1):
                ws.cell(row, col, d[name])
    records: list[tuple[FactSpec, Any]] = []
    for title, rid, specs in by_domain(catalogue, facts):
        ws = wb.create_sheet(L.sheet_name(title.zh if lang == "zh" else rid, used))
        _fact_sheet(ws, f"{title.get(lang)} ({rid})", lang)
        for row, spec in enumerate(specs, L.FIRST_ROW):
            total = catalogue.facts[spec.not_above].label.get(lang) if spec.not_above else None
            rng = range_text(spec, spec.type, lang, spec.minimum, spec.maximum, spec.choices, total)
            _row(ws, row, spec.key, spec.label.get(lang), spec.question.get(lang),
                 spec.unit.get(lang) if spec.unit else "", spec.type, lang, lists, rng, spec)
            if spec.type is FactType.RECORDS:
                records.append((spec, ws.cell(row, L.RANGE_COL)))
    for spec, pointer in records:
        name = L.sheet_name(spec.label.get(lang), used)
        _records_sheet(wb.create_sheet(name), spec, lang, lists)
        pointer.value = t(lang, f"记录：在工作表“{name}”中逐条填写；确实没有任何记录的，在“填写”列填“无”",
                          f"records: one per row in sheet '{name}'; if there are none at all, write 无 (none) in the value column")
        pointer.hyperlink = f"#'{name}'!A1"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _fact_sheet(ws: Worksheet, title: str, lang: str) -> None:
    set_text_cell(ws, L.TITLE_ROW, 1, title).font = Font(bold=True, size=13)
    heads = {L.LABEL_COL: t(lang, "事项", "Fact"), L.QUESTION_COL: t(lang, "问题", "Question"),
             L.VALUE_COL: t(lang, "填写", "Value"), L.UNIT_COL: t(lang, "单位", "Unit"),
             L.RANGE_COL: t(lang, "类型和范围", "Type and range"),
             L.KEY_COL: L.KEY_MARK + t(lang, "（事实键，勿改）", " (fact key: do not edit)")}
    heads.update({col: EVIDENCE_LABELS[k].get(lang) for k, col in L.EVIDENCE_COLS.items()})
    widths = {L.LABEL_COL: 22, L.QUESTION_COL: 50, L.VALUE_COL: 16, L.UNIT_COL: 8, L.RANGE_COL: 24, L.KEY_COL: 34}
    for col, text in heads.items():
        cell = set_text_cell(ws, L.HEADER_ROW, col, text)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEAD_FILL, _WRAP
        ws.column_dimensions[cell.column_letter].width = widths.get(col, 20)
    ws.freeze_panes = ws.cell(L.FIRST_ROW, L.VALUE_COL)


def _row(ws: Worksheet, row: int, key: str, label: str, question: str, unit: str, ftype: FactType, lang: str,
         lists: _Lists, rng: str, spec: FactSpec | None = None, evidence: bool = True) -> None:
    for col, text in ((L.LABEL_COL, label), (L.QUESTION_COL, question), (L.UNIT_COL, unit), (L.RANGE_COL, rng)):
        set_text_cell(ws, row, col, text).alignment = _WRAP
    set_text_cell(ws, row, L.KEY_COL, key).font = _GREY
    value = ws.cell(row, L.VALUE_COL)
    value.fill = _VALUE_FILL
    if ftype is FactType.DATE:
        value.number_format = "yyyy-mm-dd"
    elif ftype in (FactType.TEXT, FactType.ENUM):
        value.number_format = "@"
    if not evidence:
        for col in L.EVIDENCE_COLS.values():
            ws.cell(row, col).fill = PatternFill("solid", fgColor="EEEEEE")
    if ftype is not FactType.RECORDS:
        lo, hi = (spec.minimum, spec.maximum) if spec else (None, None)
        if key == "case.period":
            lo, hi = 1990, 2100
        dv = lists.validation(ws, ftype, lang, lo, hi, spec.choices if spec else (), question)
        if dv is not None:
            dv.add(value.coordinate)


def _records_sheet(ws: Worksheet, spec: FactSpec, lang: str, lists: _Lists) -> None:
    set_text_cell(ws, L.TITLE_ROW, 1, f"{spec.label.get(lang)} ({spec.key})").font = Font(bold=True, size=13)
    set_text_cell(ws, L.REC_KEY_ROW, 1, L.RECORDS_MARK + t(lang, "（勿改）", " (do not edit)")).font = _GREY
    set_text_cell(ws, L.REC_KEY_ROW, 2, spec.key).font = _GREY
    set_text_cell(ws, L.REC_QUESTION_ROW, 1, spec.question.get(lang) + t(lang, "（每行一条记录，编号不得重复）",
                                                                 " (one record per row; ids must be unique)"))
    columns: list[tuple[str, str, FactType | None, Any]] = [("id", t(lang, "编号", "Id"), FactType.TEXT, None)]
    columns += [(f.name, f"{f.label.get(lang)}\n{range_text(None, f.type, lang, f.minimum, f.maximum, f.choices)}"
                 + (f" ({f.unit.get(lang)})" if f.unit else ""), f.type, f) for f in spec.fields]
    columns += [(f"evidence.{k}", EVIDENCE_LABELS[k].get(lang), None, None) for k in L.EVIDENCE_COLS]
    last = L.REC_FIRST_ROW + L.REC_VALIDATED_ROWS - 1
    for col, (name, heading, ftype, fspec) in enumerate(columns, 1):
        head = set_text_cell(ws, L.REC_HEADER_ROW, col, heading)
        head.font, head.fill, head.alignment = _BOLD, _HEAD_FILL, _WRAP
        set_text_cell(ws, L.REC_FIELDS_ROW, col, name).font = _GREY
        ws.column_dimensions[head.column_letter].width = 18
        letter = head.column_letter
        if ftype is FactType.DATE:
            for row in range(L.REC_FIRST_ROW, L.REC_FIRST_ROW + 50):
                ws.cell(row, col).number_format = "yyyy-mm-dd"
        if fspec is not None:
            dv = lists.validation(ws, ftype, lang, fspec.minimum, fspec.maximum, fspec.choices, fspec.label.get(lang))
            if dv is not None:
                dv.add(f"{letter}{L.REC_FIRST_ROW}:{letter}{last}")
    ws.row_dimensions[L.REC_HEADER_ROW].height = 45
    ws.freeze_panes = ws.cell(L.REC_FIRST_ROW, 2)


class _Lists:
    """Data validations, with long choice lists kept on a hidden `_lists` sheet."""

    def __init__(self, wb: Workbook):
        self.wb, self.sheet, self.column = wb, None, 0

    def validation(self, ws: Worksheet, ftype: FactType, lang: str, lo: Any, hi: Any, choices: tuple[str, ...],
                   prompt: str) -> DataValidation | None:
        error = t(lang, "请按“类型和范围”填写；约数、说明请写在证据说明中", "Use the type and range given; put approximations in the evidence note")
        kw: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "errorStyle": "warning",
                              "errorTitle": t(lang, "请核对", "Please check"), "error": error,
                              "showInputMessage": True, "prompt": prompt[:250]}
        if ftype is FactType.BOOL:
            dv = DataValidation(type="list", formula1='"是,否"' if lang == "zh" else '"yes,no"', **kw)
        elif ftype is FactType.ENUM:
            dv = DataValidation(type="list", formula1=self._choices(choices), **kw)
        elif ftype in (FactType.INT, FactType.NUMBER, FactType.PERCENT):
            low = lo if lo is not None else (0 if ftype is not FactType.NUMBER else None)
            high = hi if hi is not None else (100 if ftype is FactType.PERCENT else None)
            kind = "whole" if ftype is FactType.INT else "decimal"
            if low is not None and high is not None:
                dv = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high), **kw)
            elif low is not None:
                dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low), **kw)
            else:
                return None
        elif ftype is FactType.DATE:
            dv = DataValidation(type="date", operator="between", formula1="DATE(1990,1,1)", formula2="DATE(2100,12,31)", **kw)
        else:
            return None
        ws.add_data_validation(dv)
        return dv

    def _choices(self, choices: tuple[str, ...]) -> str:
        inline = '"' + ",".join(choices) + '"'
        if len(inline) <= 250 and not any("," in c or '"' in c for c in choices):
            return inline
        if self.sheet is None:
            self.sheet = self.wb.create_sheet("_lists")
            self.sheet.sheet_state = "hidden"
        self.column += 1
        for row, choice in enumerate(choices, 1):
            cell = self.sheet.cell(row, self.column, choice)
            cell.data_type = "s"  # a choice is matched as written, so never neutralised, but never a formula either
        letter = cell.column_letter
        return f"_lists!${letter}$1:${letter}${len(choices)}"


def build_yaml(catalogue: Catalogue, facts: list[FactSpec], lang: str, district: str | None = None,
               period: int | None = None) -> str:
    """A facts file with every value null and the questions as comments (docs/facts.md)."""
    out = [
        "# " + t(lang, "Fazhi 问卷（YAML）：在 value: 后填写答案，不知道的保持 null；records 填记录列表，没有记录的填 []。",
                 "Fazhi questionnaire (YAML): write each answer after value:, keep null when unknown; records take a list, [] for none."),
        "# " + t(lang, "evidence 写来源：document 文件名称、doc_number 文号、quote 原文摘录、url、page、note。填好后运行 fazhi check 本文件。",
                 "evidence says where it comes from: document, doc_number, quote, url, page, note. Then run fazhi check on this file."),
        "case:",
        f"  district: {{name: {scalar(district)}, level: null, parent: null}}   # {CASE_FIELDS[0][2].get(lang)}",
        f"  period: {scalar(period)}   # {CASE_FIELDS[3][2].get(lang)}",
        f"  submitted: {{date: null, by: null}}   # {CASE_FIELDS[4][2].get(lang)}",
        "facts:",
    ]
    for title, rid, specs in by_domain(catalogue, facts):
        out += ["", f"  # ===== {title.get(lang)} ({rid}) ====="]
        for spec in specs:
            total = catalogue.facts[spec.not_above].label.get(lang) if spec.not_above else None
            rng = range_text(spec, spec.type, lang, spec.minimum, spec.maximum, spec.choices, total)
            unit = t(lang, f"；单位：{spec.unit.zh}", f"; unit: {spec.unit.en}") if spec.unit else ""
            out += [f"  # {comment(spec.label.get(lang))}: {comment(spec.question.get(lang))}",
                    f"  #   {comment(rng)}{unit}"]
            if spec.type is FactType.RECORDS:
                out += ["  #   " + t(lang, "每条记录：", "each record: ") + "{id: R1, "
                        + ", ".join(f"{f.name}: …" for f in spec.fields) + "}"]
                out += [f"  #     {f.name}: {comment(f.label.get(lang))} — {comment(range_text(None, f.type, lang, f.minimum, f.maximum, f.choices))}"
                        for f in spec.fields]
                out += [f"  {spec.key}:", "    records: null"]
            else:
                out += [f"  {spec.key}:", "    value: null"]
            out.append("    evidence: {document: null, quote: null, note: null}")
    return "\n".join(out) + "\n"
