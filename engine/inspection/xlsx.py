"""summary.xlsx: the matrix (district × domain), every finding with filters, data quality, waivers, errors.

The findings sheet is most of the file (~185 rows a case): the workers render their cases' rows
(`findings_xml`, with the catalogue's strings shared) and the parent only streams them into the zip.
A reader sees words in the run's language (差距, 较重, the domain's title); the codes a script filters
on (domain, severity, verdict) follow in columns of their own. Verdicts are coloured by conditional
formats on the column (no per-cell style), and every sheet prints its header row on each page.
"""
from __future__ import annotations

from typing import Any, Iterator

from fazhi.model.catalogue import Catalogue
from fazhi.load.profiles import Profile
from fazhi.vocabulary import ENUM_LABELS, Severity, Text, Verdict
from fazhi.documents.labels import WAIVER_STATUS
from fazhi.inspection import cells
from fazhi.inspection.cells import SharedStrings
from fazhi.inspection.results import TIERS, VERDICTS, CaseResult
from fazhi.inspection.summary import Inspection
from fazhi.inspection.xlsxwriter import MAX_ROWS, Workbook

MAX_ROW = MAX_ROWS + 1

HEAD = {
    "zh": {"district": "地区", "parent": "上级", "period": "年度", "share": "符合率%", "share_w": "符合率%（不计豁免）",
           "points": "得分", "points_w": "得分（不计豁免）", "max": "满分", "verified": "核验支撑%", "dq": "数据质量问题",
           "path": "案卷", "error": "错误", "matrix": "矩阵", "findings": "全部结论", "quality": "数据质量", "waivers": "豁免",
           "errors": "错误", "trends": "趋势", "note": "备注", "check": "核验项", "kind": "类型", "fact": "事实",
           "message": "说明", "expected": "应为", "actual": "填报", "location": "位置", "status": "状态", "expires": "有效期至",
           "requested_by": "申请人", "approved_by": "批准人", "justification": "理由", "file": "文件", "gap": "差距数",
           "changes": "与上年相比", "record": "记录", "requirement": "要求编号", "title": "要求", "status_code": "状态代码",
           "departments": "部门", "department_id": "部门编号", "department": "部门", "department_kind": "类别",
           "submitted": "报送情况", "submitted_yes": "已报送", "submitted_no": "未报送"},
    "en": {"district": "district", "parent": "parent", "period": "year", "share": "share met %",
           "share_w": "share met % (without waivers)", "points": "points", "points_w": "points (without waivers)",
           "max": "max", "verified": "verified %", "dq": "data-quality findings", "path": "case", "error": "error",
           "matrix": "matrix", "findings": "findings", "quality": "data quality", "waivers": "waivers", "errors": "errors",
           "trends": "trends", "note": "note", "check": "check", "kind": "kind", "fact": "fact", "message": "message",
           "expected": "expected", "actual": "stated", "location": "where", "status": "status", "expires": "expires",
           "requested_by": "requested by", "approved_by": "approved by", "justification": "justification", "file": "file",
           "gap": "gaps", "changes": "change on the year before", "record": "record", "requirement": "requirement",
           "title": "title", "status_code": "status code",
           "departments": "departments", "department_id": "department id", "department": "department",
           "department_kind": "kind", "submitted": "reported", "submitted_yes": "reported", "submitted_no": "not submitted"},
}
# The findings sheet's columns after district, parent and year (ROW, with the codes repeated at the end).
FINDINGS_HEAD = {
    "zh": ["编号", "要求编号", "记录", "领域", "严重程度", "结论", "原结论", "证据层级", "要求", "说明", "豁免",
           "领域代码", "严重程度代码", "结论代码"],
    "en": ["id", "requirement", "record", "domain", "severity", "verdict", "original verdict", "evidence tier", "title",
           "message", "waiver", "domain code", "severity code", "verdict code"],
}
FINDINGS_WIDTHS = [12, 10, 6, 17, 16, 10, 20, 8, 10, 10, 12, 30, 60, 24, 14, 10, 16]
VERDICT_COLUMN = "I"  # 结论 (district, parent, year, then FINDINGS_HEAD)
SEVERITY_COLUMN = "H"
# Conditional formats (xlsxwriter.DXFS): verdict word → format
VERDICT_FORMAT = {"gap": 0, "met": 1, "insufficient_facts": 2, "waived": 3, "not_applicable": 4}
_CHANGES = ("new", "regressed", "persisting", "resolved", "unverified", "waived")
_CHANGE_LABELS = {"zh": {"new": "新增", "regressed": "反弹", "persisting": "持续", "resolved": "已整改", "unverified": "待核验",
                         "waived": "豁免"},
                  "en": {k: k for k in _CHANGES}}
VERDICT_HEAD = {"zh": {"met": "符合", "gap": "差距", "insufficient_facts": "事实不足", "waived": "豁免", "not_applicable": "不适用"},
                "en": {"met": "met", "gap": "gap", "insufficient_facts": "insufficient", "waived": "waived",
                       "not_applicable": "n/a"}}


# Wording the engine gives findings of any district (engine/evaluate.py): shared strings too. A text
# not in the table is written inline, so a change there costs only size, never correctness.
_ENGINE_MET = {"zh": "符合要求：", "en": "Met: "}
_ENGINE_NOT_APPLICABLE = (Text("适用条件不成立", "the condition for applying it does not hold"),
                          Text("本年度无相关事项", "no such items in the period"),
                          Text("无适用的事项", "no item the requirement applies to"), Text("不适用", "not applicable"))


class SheetStrings(SharedStrings):
    """The shared strings, and the words the findings sheet shows for the codes (built before the fork)."""

    def __init__(self, strings: list[str], lang: str, domains: dict[str, str]):
        codes = [*VERDICTS, *TIERS, *(s.value for s in Severity)]
        self.lang = lang
        self.words: dict[str | None, str | None] = {c: ENUM_LABELS[c].get(lang) if c in ENUM_LABELS else c for c in codes}
        self.words[None] = None
        self.domains = domains
        super().__init__([*strings, *(w for w in self.words.values() if w), *domains.values()])


def shared_strings(catalogue: Catalogue, profile: Profile | None, lang: str) -> SheetStrings:
    """The findings sheet's strings that the catalogue fixes, built before the fork (workers inherit it)."""
    selected = [r for r in catalogue.requirements if profile is None or profile.selects(r.id, r.domain)]
    strings = [*VERDICTS, *TIERS, *(s.value for s in Severity), *(r.domain for r in selected)]
    strings += [t.get(lang) for t in _ENGINE_NOT_APPLICABLE]
    for r in selected:
        strings += [r.id, r.title.get(lang)]
        for verdict, message in r.messages.items():
            text = message.get(lang)
            if verdict is Verdict.NOT_APPLICABLE:  # the reason, as it is
                strings.append(text)
            elif "{" not in text:  # a template without placeholders: one wording (Jinja drops a trailing newline)
                strings.append(text.removesuffix("\n"))
        if Verdict.MET not in r.messages:
            strings.append(_ENGINE_MET[lang] + r.expected.get(lang))
    titles = catalogue.domain_titles
    domains = {r.domain: titles[r.domain].get(lang) if r.domain in titles else r.domain for r in selected}
    return SheetStrings(strings, lang, domains)


def sheet_rows(rows: list[tuple[Any, ...]], shared: SharedStrings | None) -> list[tuple[Any, ...]]:
    """The ROW tuples as the findings sheet shows them: words for the codes, which follow at the end."""
    if isinstance(shared, SheetStrings):
        words, domains, zh = shared.words, shared.domains, shared.lang != "en"
    else:  # no table (a test's writer): Chinese words, domain codes
        words, domains, zh = {**{c: t.zh for c, t in ENUM_LABELS.items()}, None: None}, {}, True
    return [(id_, requirement, record, domains.get(domain, domain), words.get(severity, severity), words.get(verdict, verdict),
             words.get(original, original), words.get(tier, tier), title, message, _note(note, zh) if note else note,
             domain, severity, verdict)
            for id_, requirement, record, domain, severity, verdict, original, tier, title, message, note in rows]


def _note(note: str, zh: bool) -> str:
    """results._note's English, in Chinese ("waived until 2021-12-31" → 豁免有效期至2021-12-31)."""
    if not zh:
        return note
    if note.startswith("waived until "):
        return "豁免有效期至" + note[len("waived until "):]
    if note.startswith("waiver expired "):
        return "豁免已于" + note[len("waiver expired "):] + "过期，按原结论计"
    return note


def findings_xml(result: CaseResult, rows: list[tuple[Any, ...]], shared: SharedStrings | None) -> bytes:
    """A case's rows of the findings sheet (in its worker): district, parent, year, then `sheet_rows`."""
    head = cells.cell(result.district) + cells.cell(result.parent) + cells.cell(result.period)
    return cells.rows(sheet_rows(rows, shared), shared, prefix=head).encode("utf-8")


class SummaryBook:
    """summary.xlsx, begun before the run: the findings sheet takes each case's rendered rows as it comes
    (in case order), while the workers go on; the other sheets are written at the end."""

    def __init__(self, inspection: Inspection, path: str, shared: SharedStrings | None):
        self.inspection = inspection
        h = HEAD[inspection.lang]
        self._book = Workbook(path, shared, [h[k] for k in ("matrix", "findings", "quality", "waivers", "trends", "errors")])
        words = {c: ENUM_LABELS[c].get(inspection.lang) for c in VERDICT_FORMAT}
        colours = [(f"{VERDICT_COLUMN}2:{VERDICT_COLUMN}{MAX_ROW}", words[c], n) for c, n in VERDICT_FORMAT.items()]
        colours.append((f"{SEVERITY_COLUMN}2:{SEVERITY_COLUMN}{MAX_ROW}", ENUM_LABELS["critical"].get(inspection.lang), 0))
        try:
            self._findings = self._book.stream(h["findings"], [h["district"], h["parent"], h["period"]]
                                               + FINDINGS_HEAD[inspection.lang], FINDINGS_WIDTHS, colours)
        except BaseException:
            self._book.abort()
            raise

    def add(self, result: CaseResult) -> None:
        """The next case's findings (call in case order)."""
        if result.rendered.sheet_rows:
            self._findings.write(result.rendered.sheet, result.rendered.sheet_rows)

    def finish(self) -> None:
        """The other sheets (after Inspection.finish); then the file appears."""
        try:
            self._findings.close()
            self._rest()
            self._book.close()
        except BaseException:
            self._book.abort()
            raise

    def abort(self) -> None:
        self._book.abort()

    def _rest(self) -> None:
        inspection, book = self.inspection, self._book
        lang = inspection.lang
        h, v = HEAD[lang], VERDICT_HEAD[lang]
        domain_cols = [f"{inspection.titles[d].get(lang)}: {v[x]}" for d in inspection.domains for x in VERDICTS]
        domain_cols += [f"{inspection.titles[d].get(lang)}: {h['points'] if inspection.profile else h['share']}"
                        for d in inspection.domains]
        head = [h["district"], h["parent"], h["period"], *(v[x] for x in VERDICTS), h["share"], h["share_w"]]
        if inspection.profile:
            head += [h["points"], h["points_w"], h["max"]]
        head += [h["verified"], h["dq"], *domain_cols, h["path"]]
        book.sheet(h["matrix"], head, (_matrix_row(inspection, r) for r in inspection.ok),
                   [14, 10, 7] + [8] * (len(head) - 3))
        if any(r.departments for r in inspection.ok):
            self._departments_sheet(h, v)
        book.sheet(h["quality"], [h["district"], h["parent"], h["period"], h["check"], h["kind"], h["fact"], h["record"],
                                  h["message"], h["expected"], h["actual"], h["location"]],
                   ([r.district, r.parent, r.period, q["check"], q["kind"], q["fact"], q["record"], q["message"], q["expected"],
                     q["actual"], q["location"]] for r in inspection.ok for q in r.data_quality),
                   [12, 10, 6, 36, 10, 30, 8, 60, 16, 16, 40])
        titles = {r.id: r.title.get(lang) for r in inspection.catalogue.requirements}
        status = WAIVER_STATUS[lang]
        book.sheet(h["waivers"], [h["district"], h["parent"], h["period"], h["requirement"], h["title"], h["record"], h["status"],
                                  h["expires"], h["requested_by"], h["approved_by"], h["justification"], h["file"],
                                  h["status_code"]],
                   ([r.district, r.parent, r.period, w["requirement"], titles.get(w["requirement"], ""), w["record"],
                     status.get(w["status"], w["status"]), w["expires"], w["requested_by"], w["approved_by"], w["justification"],
                     w["file"], w["status"]] for r in inspection.ok for w in r.waivers),
                   [12, 10, 6, 16, 30, 8, 12, 12, 16, 16, 40, 30, 10])
        # the points only under a profile (without one there are none: the share ranks)
        trend_head = [h["district"], h["parent"], h["period"], h["gap"], h["share"]]
        trend_head += [h["points"]] if inspection.profile else []
        book.sheet(h["trends"], trend_head + [h["changes"]], _trend_rows(inspection), [12, 10, 6, 8, 10] + [8] * (
            inspection.profile is not None) + [60])
        book.sheet(h["errors"], [h["path"], h["error"]], ([r.path, r.error] for r in inspection.failed), [40, 100])


    def _departments_sheet(self, h: dict[str, str], v: dict[str, str]) -> None:
        """One row per department of every case that lists departments: its verdict on each per-department
        requirement (columns in catalogue order, headed by code and title), so an inspector sees which
        bodies of a district lag."""
        inspection = self.inspection
        seen = {req for r in inspection.ok for d in r.departments for req in d["verdicts"]}
        requirements = [q for q in inspection.catalogue.requirements if q.id in seen]
        head = [h["district"], h["parent"], h["period"], h["department_id"], h["department"], h["department_kind"],
                h["submitted"], h["gap"], *(f"{q.id} {q.title.get(inspection.lang)}" for q in requirements)]
        rows = ([r.district, r.parent, r.period, d["id"], d["name"], d["kind"],
                 h["submitted_yes"] if d["submitted"] else h["submitted_no"], d["gaps"],
                 *(v.get(d["verdicts"].get(q.id, ""), "") for q in requirements)]
                for r in inspection.ok for d in r.departments)
        self._book.sheet(h["departments"], head, rows, [12, 10, 6, 12, 16, 12, 8, 6] + [14] * len(requirements))


def _matrix_row(inspection: Inspection, r: CaseResult) -> list[Any]:
    row: list[Any] = [r.district, r.parent, r.period, *(r.counts.get(x, 0) for x in VERDICTS), r.share, r.share_without_waivers]
    if inspection.profile:
        p = r.points or {}
        row += [p.get("total"), p.get("without_waivers"), p.get("max")]
    row += [r.tiers.get("verified_share"), len(r.data_quality)]
    for d in inspection.domains:
        counts = r.by_domain.get(d, {})
        row += [counts.get(x, 0) for x in VERDICTS]
    for d in inspection.domains:
        if inspection.profile:
            earned = (r.points or {}).get("by_domain", {}).get(d)
            row.append(earned[0] if earned else None)
        else:
            c = r.by_domain.get(d, {})
            scored = c.get("met", 0) + c.get("gap", 0) + c.get("insufficient_facts", 0)
            row.append(round(100 * c.get("met", 0) / scored, 1) if scored else None)
    row.append(r.path)
    return row


def _trend_rows(inspection: Inspection) -> Iterator[list[Any]]:
    words = _CHANGE_LABELS[inspection.lang]
    joint = "，" if inspection.lang != "en" else ", "
    for t in inspection.trends:
        for y in t["years"]:
            changes = y["changes"]
            text = joint.join(f"{words.get(k, k)} {n}" for k, n in changes.items()) if changes else ""
            points = [y["points"]] if inspection.profile else []
            yield [t["district"], t["parent"], y["period"], y["gap"], y["share"], *points, text]
