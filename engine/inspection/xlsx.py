"""summary.xlsx: the matrix (district × domain), every finding with filters, data quality, waivers, errors.

The findings sheet is most of the file (~185 rows a case): the workers render their cases' rows
(`findings_xml`, with the catalogue's strings shared) and the parent only streams them into the zip.
"""
from __future__ import annotations

from typing import Any, Iterator

from fazhi.model.catalogue import Catalogue
from fazhi.load.profiles import Profile
from fazhi.vocabulary import Severity, Text, Verdict
from fazhi.inspection import cells
from fazhi.inspection.cells import SharedStrings
from fazhi.inspection.results import ROW, TIERS, VERDICTS, CaseResult
from fazhi.inspection.summary import Inspection
from fazhi.inspection.xlsxwriter import Workbook

HEAD = {
    "zh": {"district": "地区", "parent": "上级", "period": "年度", "share": "符合率%", "share_w": "符合率%（不计豁免）",
           "points": "得分", "points_w": "得分（不计豁免）", "max": "满分", "verified": "核验支撑%", "dq": "数据质量问题",
           "path": "案卷", "error": "错误", "matrix": "矩阵", "findings": "全部结论", "quality": "数据质量", "waivers": "豁免",
           "errors": "错误", "trends": "趋势", "note": "备注", "check": "核验项", "kind": "类型", "fact": "事实",
           "message": "说明", "expected": "应为", "actual": "填报", "location": "位置", "status": "状态", "expires": "有效期至",
           "requested_by": "申请人", "approved_by": "批准人", "justification": "理由", "file": "文件", "gap": "差距数",
           "changes": "与上年相比"},
    "en": {"district": "district", "parent": "parent", "period": "year", "share": "share met %",
           "share_w": "share met % (without waivers)", "points": "points", "points_w": "points (without waivers)",
           "max": "max", "verified": "verified %", "dq": "data-quality findings", "path": "case", "error": "error",
           "matrix": "matrix", "findings": "findings", "quality": "data quality", "waivers": "waivers", "errors": "errors",
           "trends": "trends", "note": "note", "check": "check", "kind": "kind", "fact": "fact", "message": "message",
           "expected": "expected", "actual": "stated", "location": "where", "status": "status", "expires": "expires",
           "requested_by": "requested by", "approved_by": "approved by", "justification": "justification", "file": "file",
           "gap": "gaps", "changes": "change on the year before"},
}
VERDICT_HEAD = {"zh": {"met": "符合", "gap": "差距", "insufficient_facts": "事实不足", "waived": "豁免", "not_applicable": "不适用"},
                "en": {"met": "met", "gap": "gap", "insufficient_facts": "insufficient", "waived": "waived",
                       "not_applicable": "n/a"}}


# Wording the engine gives findings of any district (engine/evaluate.py): shared strings too. A text
# not in the table is written inline, so a change there costs only size, never correctness.
_ENGINE_MET = {"zh": "符合要求：", "en": "Met: "}
_ENGINE_NOT_APPLICABLE = (Text("适用条件不成立", "the condition for applying it does not hold"),
                          Text("本年度无相关事项", "no such items in the period"),
                          Text("无适用的事项", "no item the requirement applies to"), Text("不适用", "not applicable"))


def shared_strings(catalogue: Catalogue, profile: Profile | None, lang: str) -> SharedStrings:
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
    return SharedStrings(strings)


def findings_xml(result: CaseResult, rows: list[tuple[Any, ...]], shared: SharedStrings | None) -> bytes:
    """A case's rows of the findings sheet (in its worker): district, parent, year, then the ROW."""
    head = cells.cell(result.district) + cells.cell(result.parent) + cells.cell(result.period)
    return cells.rows(rows, shared, prefix=head).encode("utf-8")


class SummaryBook:
    """summary.xlsx, begun before the run: the findings sheet takes each case's rendered rows as it comes
    (in case order), while the workers go on; the other sheets are written at the end."""

    def __init__(self, inspection: Inspection, path: str, shared: SharedStrings | None):
        self.inspection = inspection
        h = HEAD[inspection.lang]
        self._book = Workbook(path, shared, [h[k] for k in ("matrix", "findings", "quality", "waivers", "trends", "errors")])
        labels = {"id": "id", "requirement": "requirement", "record": "record", "domain": "domain", "severity": "severity",
                  "verdict": "verdict", "original": "original verdict", "tier": "evidence tier", "title": "title",
                  "message": "message", "waiver": "waiver"}
        try:
            self._findings = self._book.stream(h["findings"], [h["district"], h["parent"], h["period"]] + [labels[k] for k in ROW],
                                               [12, 10, 6, 17, 22, 10, 16, 10, 12, 12, 14, 30, 60, 24])
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
        book.sheet(h["quality"], [h["district"], h["parent"], h["period"], h["check"], h["kind"], h["fact"], "record",
                                  h["message"], h["expected"], h["actual"], h["location"]],
                   ([r.district, r.parent, r.period, q["check"], q["kind"], q["fact"], q["record"], q["message"], q["expected"],
                     q["actual"], q["location"]] for r in inspection.ok for q in r.data_quality),
                   [12, 10, 6, 36, 10, 30, 8, 60, 16, 16, 40])
        book.sheet(h["waivers"], [h["district"], h["parent"], h["period"], "requirement", "record", h["status"], h["expires"],
                                  h["requested_by"], h["approved_by"], h["justification"], h["file"]],
                   ([r.district, r.parent, r.period, w["requirement"], w["record"], w["status"], w["expires"],
                     w["requested_by"], w["approved_by"], w["justification"], w["file"]] for r in inspection.ok for w in r.waivers),
                   [12, 10, 6, 22, 8, 10, 12, 16, 16, 40, 30])
        book.sheet(h["trends"], [h["district"], h["parent"], h["period"], h["gap"], h["share"], h["points"], h["changes"]],
                   _trend_rows(inspection), [12, 10, 6, 8, 10, 8, 60])
        book.sheet(h["errors"], [h["path"], h["error"]], ([r.path, r.error] for r in inspection.failed), [40, 100])


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
    for t in inspection.trends:
        for y in t["years"]:
            changes = y["changes"]
            text = ", ".join(f"{k} {n}" for k, n in changes.items()) if changes else ""
            yield [t["district"], t["parent"], y["period"], y["gap"], y["share"], y["points"], text]
