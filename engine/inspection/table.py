"""The inspection summary as a terminal table: totals by domain, the ranking (top rows), trends, errors."""
from __future__ import annotations

import unicodedata

from fazhi.inspection.summary import Inspection

HEAD = {"zh": ("名次", "地区", "年度", "得分", "符合率", "差距", "事实不足", "豁免", "数据质量", "核验支撑", "趋势(差距)"),
        "en": ("#", "district", "year", "points", "met %", "gaps", "insuff.", "waived", "data q.", "verified %", "trend (gaps)")}


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, n: int, right: bool = False) -> str:
    space = " " * max(0, n - width(text))
    return space + text if right else text + space


def render_table(inspection: Inspection, top: int = 30) -> str:
    lang = inspection.lang
    h = HEAD[lang]
    totals = inspection.totals()
    lines = []
    c = totals["counts"]
    if lang == "zh":
        lines.append(f"{totals['cases']}个案卷（{totals['districts']}个地区），出错{totals['errors']}个；"
                     f"差距{c['gap']}项、事实不足{c['insufficient_facts']}项、豁免{c['waived']}项、"
                     f"数据质量问题{totals['data_quality']}条、符合但未核验{totals['met_unverified']}项")
    else:
        lines.append(f"{totals['cases']} cases ({totals['districts']} districts), {totals['errors']} failed; "
                     f"{c['gap']} gaps, {c['insufficient_facts']} insufficient, {c['waived']} waived, "
                     f"{totals['data_quality']} data-quality findings, {totals['met_unverified']} met but unverified")
    lines.append("")
    names = {d: inspection.titles[d].get(lang) for d in inspection.domains}
    w = max((width(n) for n in names.values()), default=8) + 2
    lines.append(pad("领域" if lang == "zh" else "domain", w) + "".join(pad(x, 10, True) for x in h[5:8]))
    for d in inspection.domains:
        t = totals["by_domain"].get(d, {})
        lines.append(pad(names[d], w) + "".join(pad(str(t.get(k, 0)), 10, True) for k in ("gap", "insufficient_facts", "waived")))
    lines.append("")
    trends = {(t["parent"] or "", t["district"]): t for t in inspection.trends}
    ranked = inspection.ranking()
    shown = ranked if top <= 0 else ranked[:top]
    label_w = max((width(r.label) for r in shown), default=8) + 2
    cols = [(h[0], 5), (h[1], label_w), (h[2], 6), (h[3], 14), (h[4], 8), (h[5], 6), (h[6], 9), (h[7], 7), (h[8], 9),
            (h[9], 10), (h[10], 0)]
    lines.append("".join(pad(name, n) for name, n in cols))
    for i, r in enumerate(shown, start=1):
        p = r.points
        score = f"{p['total']:g}/{p['max']:g}" if p else "—"
        trend = trends.get(r.key)
        spark = " → ".join(str(y["gap"]) for y in trend["years"]) if trend else ""
        share = "—" if r.share is None else f"{r.share:g}"
        verified = r.tiers.get("verified_share")
        cells = [str(i), r.label, str(r.period), score, share, str(r.counts.get("gap", 0)),
                 str(r.counts.get("insufficient_facts", 0)), str(r.counts.get("waived", 0)), str(len(r.data_quality)),
                 "—" if verified is None else f"{verified:g}", spark]
        lines.append("".join(pad(cell, n) for cell, (_, n) in zip(cells, cols)))
    if len(ranked) > len(shown):
        lines.append(f"… {len(ranked) - len(shown)} more in summary.xlsx / index.html" if lang == "en"
                     else f"……另有{len(ranked) - len(shown)}个，见 summary.xlsx 或 index.html")
    for r in inspection.failed:
        first = (r.error or "").splitlines()[0] if r.error else ""
        lines.append(("error: " if lang == "en" else "出错：") + f"{r.path}: {first}")
    return "\n".join(lines) + "\n"
