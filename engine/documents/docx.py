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
            g.para(f"{L['requirement']}{L['colon']}{p.requirement} {p.title}{L['open_paren']}{p.severity}{L['close_paren']}")
            g.para(f"{L['expected']}{L['colon']}{p.expected}")
            if p.facts:
                g.para(L["actual"] + L["colon"])
                for f in p.facts:
                    evidence = f"{L['open_paren']}{L['evidence']}{L['colon']}{f.evidence}{L['close_paren']}" if f.evidence else ""
                    g.para(f"{f.label}{L['colon']}{f.value}{evidence}", style="Fazhi Detail")
            for b in p.basis:
                g.para(f"{L['basis']}{L['colon']}{b}", style="Fazhi Detail")
            if p.records:
                g.para(L["records"] + L["colon"])
                g.table([L["record"], L["situation"], L["evidence"]],
                        [(r.record, "\n".join([r.sentence] + [f"{f.label}{L['colon']}{f.value}" for f in r.facts]),
                          r.evidence or "—") for r in p.records], (22, 90, 44))
    _inspection_sections(g, view, L)
    g.heading(view.sections["rfi"].heading)
    if view.requests:
        g.para(L["rfi_intro"])
        g.table([L["number"], L["requirement"], L["question"], L["attach"]],
                [(req.number if i == 0 else "", f"{req.requirement} {req.title}{req.mark}" if i == 0 else "", q.question, q.attach or "—")
                 for req in view.requests for i, q in enumerate(req.questions)], (12, 40, 56, 48))
    else:
        g.para(L["no_rfi"])
    if view.progress is not None:
        g.heading(view.sections["progress"].heading)
        g.progress(view.progress, L)
    g.date(view.header.evaluated_on)
    g.page_break()
    g.heading(L["annex"])
    g.table([L["id"], L["requirement"], L["domain"], L["severity"], L["verdict"], L["note"], L["basis"]],
            [(a.requirement, a.title + a.mark, a.domain, a.severity, a.verdict, a.note, a.basis) for a in view.annex],
            (24, 28, 18, 12, 16, 36, 28), small=True)
    return g.save(view.header.title, dt.date.fromisoformat(view.header.evaluated_on_iso))


def _inspection_sections(g: GovDocument, view: ReportView, L: dict[str, str]) -> None:
    """Waivers, requirements met on unverified facts, data quality: when the report has them."""
    if "waivers" in view.sections:
        g.heading(view.sections["waivers"].heading)
        g.para(L["waivers_intro"])
        g.table([L["requirement"], L["justification"], L["requested_by"], L["approved_by"], L["expires"], L["status"]],
                [(f"{w.requirement}{' ' + w.record if w.record else ''} {w.title}", w.justification, w.requested_by,
                  w.approved_by, w.expires, w.status) for w in view.waivers], (40, 40, 22, 22, 20, 16), small=True)
    if "unverified" in view.sections:
        g.heading(view.sections["unverified"].heading)
        if view.unverified:
            g.para(L["unverified_intro"])
            g.table([L["requirement"], L["tier"], L["actual"]],
                    [(f"{u.requirement} {u.title}", u.tier, "\n".join(f"{f.label}{L['colon']}{f.value}" for f in u.facts))
                     for u in view.unverified], (56, 20, 80), small=True)
        else:
            g.para(L["no_unverified"])
    if "data_quality" in view.sections:
        g.heading(view.sections["data_quality"].heading)
        g.para(L["data_quality_intro"])
        g.table([L["check"], L["situation"], L["location"]],
                [(q.check + (f" {q.record}" if q.record else ""), q.message, q.location) for q in view.data_quality],
                (44, 76, 36), small=True)


def memo_docx(view: MemoView) -> bytes:
    L = LABELS[view.lang]
    g = GovDocument(view.lang)
    g.title(view.header.title)
    g.info(view.header)
    g.heading(view.sections["tasks"].heading)
    if view.items:
        g.table([L["number"], L["problem"], L["measure"], L["owner"], L["deadline"], L["acceptance"], L["status"]],
                [(str(i.number), f"{i.problem}\n{i.requirement}{' ' + i.record if i.record else ''}{L['sep']}{L['id']} {i.id}",
                  i.measure, i.owner, i.deadline, i.acceptance, i.status) for i in view.items],
                (8, 38, 30, 18, 22, 26, 14), small=True)
    else:
        g.para(L["no_tasks"])
    g.heading(view.sections["deadlines"].heading)
    g.para(view.deadline_sentence)
    if view.progress is not None:
        g.heading(view.sections["progress"].heading)
        g.progress(view.progress, L)
    g.date(view.header.evaluated_on)
    return g.save(view.header.title, dt.date.fromisoformat(view.header.evaluated_on_iso))


__all__ = ["memo_docx", "report_docx"]
