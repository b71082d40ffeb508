"""The gap report and the remediation memo as DOCX, laid out by docx_style.GovDocument (GB/T 9704-2012).

Both read the same view as the templates, so DOCX, Markdown and HTML say the same thing. Tests read
the file back with python-docx: headings are real Word headings, tables real tables.
"""
from __future__ import annotations

import datetime as dt

from fazhi.documents.docx_style import GovDocument
from fazhi.documents.labels import LABELS, VERDICT
from fazhi.documents.model import MemoView, ReportView


# --- the two documents -------------------------------------------------------------------------

def report_docx(view: ReportView) -> bytes:
    L, V = LABELS[view.lang], VERDICT[view.lang]
    g = GovDocument(view.lang)
    g.title(view.header.title)
    g.info(view.header)
    g.heading(view.sections["overview"].heading)
    g.para(view.summary.sentence)
    s = view.summary
    scored = s.total_score is not None
    rows = [(d.title, str(d.requirements), str(d.met), str(d.gap), str(d.insufficient), str(d.not_applicable))
            + ((str(d.waived),) if s.show_waived else ()) + (d.score,)
            + ((d.points or "—",) if scored else ()) for d in s.domains + (s.total,)]
    headers = [L["domain"], L["requirements"], V["met"], V["gap"], V["insufficient_facts"], V["not_applicable"]] + (
        [V["waived"]] if s.show_waived else []) + [L["score"]]
    widths = [40, 18, 16, 16, 22, 20] + ([16] if s.show_waived else []) + [24]
    if scored:
        headers, widths = headers + [L["points"]], widths + [26]
    g.table(headers, rows, widths)
    for note in s.notes:
        g.para(note, style="Fazhi Table")
    g.heading(view.sections["problems"].heading)
    if not view.problems:
        g.para(L["no_problems"])
    for group in view.problems:
        g.heading(group.heading, level=2)
        for p in group.points:
            note = f"{L['open_paren']}{p.progress_note}{L['close_paren']}" if p.progress_note else ""
            g.para(p.sentence + note, lead=p.ordinal)
    if view.problems:
        g.para(L["details_ref"])
    _inspection_sections(g, view, L)
    g.heading(view.sections["rfi"].heading)
    g.para(view.rfi_summary)
    if view.progress is not None:
        g.heading(view.sections["progress"].heading)
        g.progress(view.progress, L)
    if view.problems or view.request_rows:
        for i, t in enumerate(view.annexes, start=1):
            g.para(f"{i}.{t}", lead=L["annex_list"] if i == 1 else "")
    if view.issuer:
        g.right(view.issuer)
    g.date(view.header.evaluated_on)
    if view.problems:
        g.annex_section(L["annex_label"].format(number=1), view.annexes[0])
        for group in view.problems:
            g.heading(group.heading, level=2)
            for p in group.points:
                g.para(f"{p.title}{L['open_paren']}{p.severity}{L['close_paren']}", lead=p.ordinal)
                g.para(f"{L['expected']}{L['colon']}{p.expected}", style="Fazhi Detail")
                if p.facts:
                    g.para(L["actual"] + L["colon"], style="Fazhi Detail")
                    for f in p.facts:
                        evidence = f"{L['open_paren']}{L['evidence']}{L['colon']}{f.evidence}{L['close_paren']}" if f.evidence else ""
                        g.para(f"{f.label}{L['colon']}{f.value}{evidence}", style="Fazhi Detail")
                for b in p.basis:
                    g.para(f"{L['basis']}{L['colon']}{b}", style="Fazhi Detail")
                if p.records:
                    g.para(L["records"] + L["colon"], style="Fazhi Detail")
                    g.table([L["record"], L["situation"], L["evidence"]],
                            [(_unbroken(r.record), "\n".join([r.sentence] + [f"{f.label}{L['colon']}{f.value}" for f in r.facts]),
                              r.evidence or "—") for r in p.records], (28, 80, 48), small=True)
    if view.request_rows:
        g.annex_section(L["annex_label"].format(number=2), view.annexes[1], landscape=True)
        g.table([L["number"], L["question_attach"], L["fields"], L["for_requirements"]],
                [(str(r.number), r.question, r.fields or "—", _unbroken(r.requirements)) for r in view.request_rows],
                (10, 90, 85, 40), small=True)
    g.annex_section(L["annex_label"].format(number=3), view.annexes[2], landscape=True)
    g.para(view.counts_sentence, style="Fazhi Table")
    g.table([L["id"], L["requirement"], L["domain"], L["severity"], L["verdict"], L["note"], L["basis"]],
            [(_unbroken(a.requirement), a.title + a.mark, a.domain, a.severity, a.verdict, a.note, a.basis) for a in view.annex],
            (34, 40, 24, 12, 18, 57, 40), small=True)
    return g.save(view.header.title, dt.date.fromisoformat(view.header.evaluated_on_iso))


def _unbroken(code: str) -> str:
    """AR-SUBMIT-0301 with non-breaking hyphens (U+2011): Word and LibreOffice never break it inside."""
    return code.replace("-", "\u2011")


def _inspection_sections(g: GovDocument, view: ReportView, L: dict[str, str]) -> None:
    """Waivers, requirements met on unverified facts, data quality: when the report has them."""
    if "waivers" in view.sections:
        g.heading(view.sections["waivers"].heading)
        g.para(L["waivers_intro"])
        g.table([L["requirement"], L["justification"], L["requested_by"], L["approved_by"], L["expires"], L["status"]],
                [(w.title + (f"{L['open_paren']}{w.record}{L['close_paren']}" if w.record else ""), w.justification, w.requested_by,
                  w.approved_by, w.expires, w.status) for w in view.waivers], (40, 40, 22, 22, 20, 16), small=True)
    if "unverified" in view.sections:
        g.heading(view.sections["unverified"].heading)
        if view.unverified:
            g.para(L["unverified_intro"])
            g.table([L["requirement"], L["tier"], L["actual"]],
                    [(u.title, u.tier, "\n".join(f"{f.label}{L['colon']}{f.value}" for f in u.facts))
                     for u in view.unverified], (56, 20, 80), small=True)
        else:
            g.para(L["no_unverified"])
    if "data_quality" in view.sections:
        g.heading(view.sections["data_quality"].heading)
        g.para(L["data_quality_intro"])
        g.table([L["number"], L["situation"], L["location"]],
                [(str(i), (f"{q.record}{L['colon']}" if q.record else "") + q.message, q.location)
                 for i, q in enumerate(view.data_quality, start=1)], (12, 108, 36), small=True)


def memo_docx(view: MemoView) -> bytes:
    L = LABELS[view.lang]
    g = GovDocument(view.lang)
    g.title(view.header.title)
    g.info(view.header)
    for b in view.blocks:
        if b.kind == "heading1":
            g.heading(b.text)
        elif b.kind == "heading2":
            g.heading(b.text, level=2)
        elif b.kind == "paragraph":
            g.para(b.text)
        else:
            g.para(view.deadline_sentence)
            if view.tasks:
                g.landscape(True)  # the task table needs the width: its own landscape section
                g.table([L["number"], L["problem"], L["records"], L["measure"], L["owner"], L["deadline"], L["acceptance"], L["status"]],
                        [(t.number, f"{t.problem}{L['open_paren']}{t.severity}{L['close_paren']}", _unbroken(t.records) or "—",
                          t.measure, t.owner, t.deadline, t.acceptance, t.status) for t in view.tasks],
                        (18, 44, 18, 42, 20, 24, 40, 14), small=True)
                g.landscape(False)
            else:
                g.para(L["no_tasks"])
    if view.progress is not None:
        g.heading(view.sections["progress"].heading)
        g.progress(view.progress, L)
    if view.issuer:
        g.right(view.issuer)
    g.date(view.header.evaluated_on)
    return g.save(view.header.title, dt.date.fromisoformat(view.header.evaluated_on_iso))


__all__ = ["memo_docx", "report_docx"]
