"""index.html: the inspection dashboard (inline CSS, inline SVG, nothing fetched from the network) and
sort.js beside it, the one script, external so that a Content-Security-Policy without inline script
holds (it only sorts the tables; without it the page reads the same, worst first).

The charts, the ranking and the heatmap show each district's latest year; the trends show every
year of the districts that have several. Each district links to its gap report and memo under
districts/<slug>/. The ranking lists the worst first by gaps weighted by severity (a critical gap
outweighs minor ones; insufficient facts and data-quality problems are columns of their own, never
mixed into it), each district keeping its rank by points or share.
"""
from __future__ import annotations

from importlib import resources
from typing import Any

from fazhi.documents.labels import SEVERITY, WAIVER_STATUS
from fazhi.documents.render import render_template
from fazhi.inspection.results import SEVERITIES, VERDICTS, CaseResult
from fazhi.inspection.summary import Inspection
from fazhi.inspection.svg import heatmap, meter, sparkline, stacked_bars

MAX_LISTED = 1000  # data-quality rows on the page; the rest are in summary.xlsx
SCRIPT = "sort.js"  # written beside index.html (templates/inspect-sort.js)
# How much a gap weighs in the worst-first order. Not a legal figure: an ordering for the reader, shown
# on the page; advisory requirements (an unconfirmed source) weigh nothing, as in the profiles' scores.
SEVERITY_WEIGHTS = {"critical": 3, "major": 2, "minor": 1, "advisory": 0}

LABELS = {
    "zh": {"title": "法治政府建设督察汇总", "evaluated_on": "评估日期", "profile": "评分方案", "no_profile": "未使用（按符合率排序）",
           "cases": "案卷", "districts": "地区", "errors": "出错案卷", "gaps": "差距", "insufficient": "事实不足",
           "waived": "已豁免", "dq": "数据质量问题", "unverified": "符合但未核验", "verified": "核验支撑",
           "by_domain": "各领域差距（各地区最新年度）", "ranking": "地区排名（由差到好，各地区最新年度）", "heatmap": "地区×领域符合率热力图",
           "heat_note": "颜色为符合率（红0%→绿100%，灰为无计分要求），数字为差距项数；悬停查看详情。",
           "rank": "名次", "district": "地区", "period": "年度", "score": "得分", "share": "符合率",
           "share_w": "不计豁免", "documents": "文书", "report": "差距报告", "memo": "整改方案", "trends": "历年趋势",
           "trend_gaps": "差距项数", "changes": "与上年相比", "new": "新增", "regressed": "反弹", "persisting": "持续",
           "resolved": "已整改", "unverified_change": "待核验", "waived_change": "豁免", "quality": "数据质量问题",
           "check": "核验项", "message": "说明", "location": "位置", "more": "另有{n}条，见 summary.xlsx。",
           "waivers": "豁免", "requirement": "要求", "status": "状态", "expires": "有效期至", "approved_by": "批准人",
           "error_list": "出错的案卷", "verified_note": "核验支撑＝判定为符合或差距的要求中，所依事实均经督察核验的比例。",
           "none": "无", "colon": "：", "weighted": "加权差距",
           "weighted_note": "由差到好按加权差距排列：严重×3＋较重×2＋一般×1（提示不计）；名次按{basis}由好到差。"
                            "点击表头可按该列排序。",
           "basis_points": "得分", "basis_share": "符合率", "severity_gaps": "其中",
           "departments": "各地区部门情况", "departments_note": "逐个执法主体对照“每个行政执法机关”须做到的要求；点击地区名展开。",
           "department": "部门", "department_kind": "类别", "submitted": "报送", "submitted_yes": "已报送", "not_submitted": "未报送",
           "department_gaps": "{n}个部门存在差距", "department_link": "部门"},
    "en": {"title": "Law-based government inspection", "evaluated_on": "Evaluated on", "profile": "Profile",
           "no_profile": "none (ranked by share met)", "cases": "cases", "districts": "districts", "errors": "cases with errors",
           "gaps": "gaps", "insufficient": "insufficient facts", "waived": "waived", "dq": "data-quality findings",
           "unverified": "met, unverified", "verified": "verified",
           "by_domain": "Gaps by domain (each district's latest year)", "ranking": "District ranking (worst first, latest year)",
           "heatmap": "Share met, district × domain",
           "heat_note": "Colour is the share met (red 0% → green 100%; grey: nothing scored); the figure is the number of gaps. Hover for details.",
           "rank": "#", "district": "district", "period": "year", "score": "points", "share": "share met",
           "share_w": "without waivers", "documents": "documents", "report": "gap report", "memo": "memo", "trends": "Trends",
           "trend_gaps": "gaps", "changes": "on the year before", "new": "new", "regressed": "regressed",
           "persisting": "persisting", "resolved": "resolved", "unverified_change": "unverified", "waived_change": "waived",
           "quality": "Data quality", "check": "check", "message": "finding", "location": "where",
           "more": "{n} more in summary.xlsx.", "waivers": "Waivers", "requirement": "requirement", "status": "status",
           "expires": "expires", "approved_by": "approved by", "error_list": "Cases that failed",
           "verified_note": "Verified = the share of requirements met or in gap whose facts an inspector has all verified.",
           "none": "none", "colon": ": ", "weighted": "weighted gaps",
           "weighted_note": "Worst first by weighted gaps: critical × 3 + major × 2 + minor × 1 (advisory not counted); "
                            "the rank is by {basis}, best first. Click a column's header to sort by it. ",
           "basis_points": "points", "basis_share": "share met", "severity_gaps": "of which",
           "departments": "Departments of each district",
           "departments_note": "Each enforcement body against the requirements that bind every one of them; click a district to open it.",
           "department": "department", "department_kind": "kind", "submitted": "reported", "submitted_yes": "yes", "not_submitted": "not submitted",
           "department_gaps": "{n} departments with gaps", "department_link": "departments"},
}
VERDICT_LABELS = {"zh": {"met": "符合", "gap": "差距", "insufficient_facts": "事实不足", "waived": "已豁免", "not_applicable": "不适用"},
                  "en": {"met": "met", "gap": "gap", "insufficient_facts": "insufficient facts", "waived": "waived",
                         "not_applicable": "not applicable"}}


def render_dashboard(inspection: Inspection, templates: str | None = None) -> str:
    """templates: a folder whose inspect.html.j2 overrides the built-in one (`fazhi inspect --templates`)."""
    lang = inspection.lang
    L = LABELS[lang]
    latest = inspection.latest()
    latest_ids = {id(r) for r in latest}
    # worst first (the districts an inspector must look at), each keeping its rank from the best
    ranked = [r for r in inspection.ranking() if id(r) in latest_ids]
    ranks = {id(r): i for i, r in enumerate(ranked, start=1)}
    ranked.reverse()
    ranked.sort(key=lambda r: (-weighted_gaps(r), -r.counts.get("gap", 0), -r.counts.get("insufficient_facts", 0)))
    totals = inspection.totals()
    latest_counts = {v: sum(r.counts.get(v, 0) for r in latest) for v in VERDICTS}
    by_domain = {d: {v: 0 for v in VERDICTS} for d in inspection.domains}
    for r in latest:
        for d, counts in r.by_domain.items():
            for v, n in counts.items():
                by_domain.setdefault(d, {}).setdefault(v, 0)
                by_domain[d][v] += n
    titles = {d: inspection.titles[d].get(lang) for d in inspection.domains}
    domain_rows = sorted(((titles[d], c) for d, c in by_domain.items() if d in titles), key=lambda x: -x[1].get("gap", 0))
    trends = {(t["parent"] or "", t["district"]): t for t in inspection.trends}
    context: dict[str, Any] = {
        "lang": lang, "L": L, "V": VERDICT_LABELS[lang],
        "evaluated_on": inspection.evaluated_on,
        "profile": f"{inspection.profile.title.get(lang)} ({inspection.profile.id} {inspection.profile.version})"
                   if inspection.profile else L["no_profile"],
        "scored": inspection.profile is not None,
        # the tiles count each district's latest year, as the charts and the ranking do
        "kpis": [(L["cases"], totals["cases"]), (L["districts"], totals["districts"]), (L["gaps"], latest_counts["gap"]),
                 (L["insufficient"], latest_counts["insufficient_facts"]), (L["waived"], latest_counts["waived"]),
                 (L["dq"], sum(len(r.data_quality) for r in latest)),
                 (L["unverified"], sum(r.tiers.get("met_unverified", 0) for r in latest)), (L["errors"], totals["errors"])],
        "domain_chart": stacked_bars(domain_rows, ["gap", "insufficient_facts", "waived", "met"], VERDICT_LABELS[lang]),
        "ranking": [_rank_row(ranks[id(r)], r, trends.get(r.key), lang) for r in ranked],
        "weighted_note": L["weighted_note"].format(basis=L["basis_points"] if inspection.profile else L["basis_share"]),
        "script": SCRIPT,
        "heatmap": heatmap([(f"{r.label} {r.period}", _shares(r, inspection.domains),
                             [r.by_domain.get(d, {}).get("gap", 0) for d in inspection.domains]) for r in ranked],
                           [titles[d] for d in inspection.domains]),
        # most worsened first: the rise in gaps from the first year to the last
        "trends": [_trend_row(t, L) for t in sorted(inspection.trends, key=lambda t: (t["years"][0]["gap"] - t["years"][-1]["gap"],
                                                                                      t["parent"] or "", t["district"]))],
        "quality": [(r, q) for r in latest for q in r.data_quality][:MAX_LISTED],
        "quality_more": _more(L, sum(len(r.data_quality) for r in latest) - MAX_LISTED),
        "waivers": [(r, w) for r in inspection.ok for w in r.waivers],
        "departments": [_department_table(r, inspection, lang) for r in ranked if r.departments],
        "requirement_titles": {q.id: q.title.get(lang) for q in inspection.catalogue.requirements},
        "waiver_status": WAIVER_STATUS[lang],
        "failed": inspection.failed,
    }
    return render_template("inspect.html.j2", context, templates)


def script() -> str:
    """sort.js, as shipped (package data)."""
    return resources.files("fazhi.templates").joinpath("inspect-sort.js").read_text(encoding="utf-8")


def weighted_gaps(r: CaseResult) -> int:
    return sum(SEVERITY_WEIGHTS[s] * n for s, n in r.gaps_by_severity.items())


def _more(L: dict[str, str], n: int) -> str:
    return L["more"].format(n=n) if n > 0 else ""


def _shares(r: CaseResult, domains: list[str]) -> list[float | None]:
    out = []
    for d in domains:
        c = r.by_domain.get(d, {})
        scored = c.get("met", 0) + c.get("gap", 0) + c.get("insufficient_facts", 0)
        out.append(round(100 * c.get("met", 0) / scored, 1) if scored else None)
    return out


def _rank_row(rank: int, r: CaseResult, trend: dict[str, Any] | None, lang: str) -> dict[str, Any]:
    points = r.points
    words = SEVERITY[lang]
    return {"rank": rank, "label": r.label, "period": r.period, "result": r,
            "weighted": weighted_gaps(r),
            "severities": "，".join(f"{words[s]}{r.gaps_by_severity[s]}" for s in SEVERITIES if r.gaps_by_severity.get(s))
            if lang != "en" else ", ".join(f"{r.gaps_by_severity[s]} {words[s]}" for s in SEVERITIES if r.gaps_by_severity.get(s)),
            "points_value": points["total"] if points else None,
            "score": f"{points['total']:g} / {points['max']:g}" if points else None,
            "score_w": f"{points['without_waivers']:g}" if points else None,
            "share": meter(r.share), "share_w": r.share_without_waivers,
            "verified": meter(r.tiers.get("verified_share"), color="#1565c0"),
            "spark": sparkline([y["gap"] for y in trend["years"]], [str(y["period"]) for y in trend["years"]])
            if trend else None}


def department_anchor(r: CaseResult) -> str:
    """The id of a district's department table in the dashboard: its row in the ranking links to it."""
    return f"departments-{r.slug}"


def _department_table(r: CaseResult, inspection: Any, lang: str) -> dict[str, Any]:
    """A district's departments × its per-department requirements, worst department first."""
    seen = {req for d in r.departments for req in d["verdicts"]}
    requirements = [(q.id, q.title.get(lang)) for q in inspection.catalogue.requirements if q.id in seen]
    rows = sorted(r.departments, key=lambda d: (-d["gaps"], d["submitted"], d["name"]))
    return {"anchor": department_anchor(r), "label": f"{r.label} {r.period}", "requirements": requirements, "rows": rows,
            "lagging": sum(1 for d in r.departments if d["gaps"])}


def _trend_row(t: dict[str, Any], L: dict[str, str]) -> dict[str, Any]:
    years = t["years"]
    last = years[-1]["changes"] or {}
    names = {"new": L["new"], "regressed": L["regressed"], "persisting": L["persisting"], "resolved": L["resolved"],
             "unverified": L["unverified_change"], "waived": L["waived_change"]}
    return {"label": f"{t['parent'] or ''}{t['district']}", "years": years,
            "spark": sparkline([y["gap"] for y in years], [str(y["period"]) for y in years]),
            "changes": [(names[k], n, k) for k, n in last.items()]}
