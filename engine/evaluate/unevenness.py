"""Unevenness across departments: for each per-department requirement and each domain, the share of
departments that meet it, the lowest departments and the spread; said as a 自查报告 says it
("一是“三项制度”落实不平衡：22个执法主体中有5个未做到……，分别是……")."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Sequence

from fazhi.evaluate.departments import department_verdict
from fazhi.formatting import number
from fazhi.model.case import Case
from fazhi.model.catalogue import Catalogue
from fazhi.model.results import Evaluation, Finding
from fazhi.vocabulary import Text, Verdict

LOWEST = 3  # departments named as the lowest
ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class RequirementSpread:
    requirement: str
    title: Text
    domain: str
    departments: int  # judged (of the requirement's kind)
    met: int
    gaps: tuple[str, ...]  # department names with a gap, lowest measure first
    lacking: tuple[str, ...]  # lacking facts or not submitted
    lowest: tuple[tuple[str, str], ...]  # (department name, its measure shown), lowest first
    spread: str | None  # the measure's range, e.g. "0%–8.4%"; None when it has no measure

    @property
    def share_met(self) -> Fraction:
        return Fraction(self.met, self.departments) if self.departments else Fraction(0)


@dataclass(frozen=True)
class DomainSpread:
    domain: str
    title: Text
    departments: int
    all_met: int  # departments meeting every per-department requirement of the domain
    shares: tuple[tuple[str, Fraction], ...]  # (department name, share of its requirements met), lowest first
    gaps: tuple[str, ...]  # departments with any gap in the domain

    @property
    def share_met(self) -> Fraction:
        return Fraction(self.all_met, self.departments) if self.departments else Fraction(0)

    @property
    def spread(self) -> Fraction:
        values = [s for _, s in self.shares]
        return max(values) - min(values) if values else Fraction(0)


def _measure(f: Finding) -> Any:
    """The requirement's own computed measure (a percentage, a number of days) of a department's finding."""
    for use in f.facts:
        if use.key.startswith(f.requirement + ".") and isinstance(use.value, (int, Decimal, Fraction, float)) \
                and not isinstance(use.value, bool):
            return use.value
    return None


def requirement_spreads(evaluation: Evaluation) -> list[RequirementSpread]:
    return _requirement_spreads(evaluation.case, evaluation.department_findings)


def _requirement_spreads(case: Case, findings: Sequence[Finding]) -> list[RequirementSpread]:
    names = {d.id: d.name for d in case.departments}
    by_req: dict[str, dict[str, list[Finding]]] = {}
    for f in findings:
        by_req.setdefault(f.requirement, {}).setdefault(f.department or "", []).append(f)
    out = []
    for rid, per in by_req.items():
        first = next(iter(per.values()))[0]
        verdicts = {d: department_verdict(fs) for d, fs in per.items()}
        measures = {d: _measure(fs[0]) for d, fs in per.items() if len(fs) == 1 and _measure(fs[0]) is not None}
        order = sorted(per, key=lambda d: (verdicts[d] is not Verdict.GAP, measures.get(d, 10 ** 9), names.get(d, d)))
        gaps = tuple(names.get(d, d) for d in order if verdicts[d] is Verdict.GAP)
        lacking = tuple(names.get(d, d) for d in order if verdicts[d] is Verdict.INSUFFICIENT)
        lowest = tuple((names.get(d, d), _shown(measures[d], first)) for d in
                       sorted(measures, key=lambda d: measures[d])[:LOWEST])
        spread = None
        if measures:
            spread = f"{_shown(min(measures.values()), first)}–{_shown(max(measures.values()), first)}"
        decided = [d for d in per if verdicts[d] is not Verdict.NOT_APPLICABLE]
        out.append(RequirementSpread(rid, first.title, first.domain, len(decided),
                                     sum(1 for d in decided if verdicts[d] in (Verdict.MET, Verdict.WAIVED)),
                                     gaps, lacking, lowest, spread))
    return out


def _shown(value: Any, finding: Finding) -> str:
    unit = "%" if any(u.key.startswith(finding.requirement + ".") and u.display.zh.endswith("%") for u in finding.facts) else ""
    return number(value, 1) + unit


def domain_spreads(evaluation: Evaluation) -> list[DomainSpread]:
    return _domain_spreads(evaluation.case, evaluation.catalogue, evaluation.department_findings)


def _domain_spreads(case: Case, catalogue: Catalogue, findings: Sequence[Finding]) -> list[DomainSpread]:
    names = {d.id: d.name for d in case.departments}
    titles = catalogue.domain_titles
    by_domain: dict[str, dict[str, dict[str, list[Finding]]]] = {}
    for f in findings:
        by_domain.setdefault(f.domain, {}).setdefault(f.department or "", {}).setdefault(f.requirement, []).append(f)
    out = []
    for domain, per in by_domain.items():
        shares, gaps, all_met = [], [], 0
        for d, reqs in per.items():
            verdicts = [department_verdict(fs) for fs in reqs.values()]
            decided = [v for v in verdicts if v is not Verdict.NOT_APPLICABLE]
            met = sum(1 for v in decided if v in (Verdict.MET, Verdict.WAIVED))
            shares.append((names.get(d, d), Fraction(met, len(decided)) if decided else Fraction(1)))
            if Verdict.GAP in verdicts:
                gaps.append(names.get(d, d))
            if decided and met == len(decided):
                all_met += 1
        shares.sort(key=lambda s: (s[1], s[0]))
        out.append(DomainSpread(domain, titles.get(domain, Text(domain, domain)), len(per), all_met, tuple(shares),
                                tuple(gaps)))
    return out


def _pct(share: Fraction) -> str:
    return number(share * 100, 1) + "%"


def uneven_text(case: Case, catalogue: Catalogue, findings: Sequence[Finding], domain: str) -> Text | None:
    """uneven_sentence in both languages, the spreads worked out once."""
    spreads = (_domain_spreads(case, catalogue, findings), _requirement_spreads(case, findings))
    zh = uneven_sentence(case, catalogue, findings, domain, "zh", spreads)
    en = uneven_sentence(case, catalogue, findings, domain, "en", spreads)
    return Text(zh, en) if zh is not None and en is not None else None


def uneven_sentence(case: Case, catalogue: Catalogue, findings: Sequence[Finding], domain: str,
                    lang: str = "zh", spreads: tuple[list[DomainSpread], list[RequirementSpread]] | None = None
                    ) -> str | None:
    """The domain's unevenness as one statement without its ordinal; None when no department has a gap."""
    domains, requirements = spreads or (_domain_spreads(case, catalogue, findings), _requirement_spreads(case, findings))
    dom = next((d for d in domains if d.domain == domain and d.gaps), None)
    if dom is None:
        return None
    mine = sorted((r for r in requirements if r.domain == domain and r.gaps),
                  key=lambda r: -len(r.gaps))  # the widest shortfall first, as a report leads with it
    if lang == "en":
        title = dom.title.en[0].lower() + dom.title.en[1:] if dom.title.en.startswith("The ") else dom.title.en
        parts = [f"{len(r.gaps)} of {r.departments} enforcement bodies fall short of “{r.title.en}”: {', '.join(r.gaps)}"
                 for r in mine]
        return (f"Implementation of {title} is uneven: " + "; ".join(parts)
                + f" ({_pct(dom.share_met)} of {dom.departments} bodies meet every duty; their shares met differ by "
                f"{_pct(dom.spread)})")
    parts = [f"{r.departments}个执法主体中有{len(r.gaps)}个未做到“{r.title.zh}”，分别是{'、'.join(r.gaps)}" for r in mine]
    return (f"“{dom.title.zh}”落实不平衡：" + "；".join(parts)
            + f"（{dom.departments}个执法主体中全部达标的占{_pct(dom.share_met)}，各主体达标率最多相差{_pct(dom.spread)}）")


def statements(evaluation: Evaluation, lang: str = "zh") -> list[str]:
    """The unevenness as a 自查报告 words it: one numbered sentence per domain with gaps."""
    out = []
    for dom in domain_spreads(evaluation):
        sentence = uneven_sentence(evaluation.case, evaluation.catalogue, evaluation.department_findings, dom.domain, lang)
        if sentence is None:
            continue
        i = len(out)
        if lang == "en":
            out.append(f"{i + 1}. {sentence}.")
        else:
            out.append((ORDINALS[i] if i < len(ORDINALS) else str(i + 1)) + "是" + sentence + "。")
    return out


def spread_data(evaluation: Evaluation, lang: str) -> dict[str, Any]:
    """The unevenness for the JSON output."""
    return {
        "requirements": [{"requirement": r.requirement, "departments": r.departments, "met": r.met,
                          "share_met": float(round(r.share_met, 4)), "gaps": list(r.gaps), "lacking": list(r.lacking),
                          "lowest": [{"department": n, "value": v} for n, v in r.lowest], "spread": r.spread}
                         for r in requirement_spreads(evaluation)],
        "domains": [{"domain": d.domain, "departments": d.departments, "all_met": d.all_met,
                     "share_met": float(round(d.share_met, 4)), "spread": float(round(d.spread, 4)),
                     "lowest": [{"department": n, "share_met": float(round(s, 4))} for n, s in d.shares[:LOWEST]],
                     "gaps": list(d.gaps)} for d in domain_spreads(evaluation)],
        "statements": statements(evaluation, lang),
    }
