"""Score an evaluation under a profile, with a derivation a reader can check by hand."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fazhi.model.results import Evaluation, Finding
from fazhi.vocabulary import Severity, Text, Verdict
from fazhi.formatting import number
from fazhi.load.profiles import Profile

CENT = Decimal("0.01")


@dataclass(frozen=True)
class DomainScore:
    domain: str
    points: Decimal
    earned: Decimal
    scored: int
    met: int
    gap: int
    insufficient: int


@dataclass(frozen=True)
class Score:
    profile: Profile
    total: Decimal
    maximum: Decimal
    by_domain: tuple[DomainScore, ...]
    derivation: tuple[Text, ...]
    capped: bool
    waived: int = 0  # requirements waived, left out of the scoring like not_applicable ones
    without_waivers: "Score | None" = None  # the same profile on the verdicts before any waiver


# which verdict a requirement takes when its records differ: a gap anywhere wins, then missing facts,
# then a waiver, then met
_RANK = {Verdict.GAP: 4, Verdict.INSUFFICIENT: 3, Verdict.WAIVED: 2, Verdict.MET: 1, Verdict.NOT_APPLICABLE: 0}


def requirement_verdicts(findings: tuple[Finding, ...]) -> dict[str, tuple[Verdict, Finding]]:
    """One verdict per requirement: a gap if any record is a gap, else insufficient, waived, met, not applicable."""
    out: dict[str, tuple[Verdict, Finding]] = {}
    for f in findings:
        current = out.get(f.requirement)
        if current is None or _RANK[f.verdict] > _RANK[current[0]]:
            out[f.requirement] = (f.verdict, f)
    return out


def score(evaluation: Evaluation, profile: Profile) -> Score:
    """Waived requirements are left out, like not_applicable ones; `without_waivers` scores them as they were."""
    result = _score(evaluation, profile)
    if result.waived:
        from fazhi.checks.waivers import unwaived
        before = _score(unwaived(evaluation), profile)
        note = Text(f"豁免{result.waived}项要求不计分；不计豁免（按原结论）总分为{_n(before.total)} / {_n(before.maximum)}",
                    f"{result.waived} waived requirements are left out; without the waivers the total is "
                    f"{_n(before.total)} / {_n(before.maximum)}")
        result = Score(result.profile, result.total, result.maximum, result.by_domain, result.derivation + (note,),
                       result.capped, result.waived, before)
    return result


def _score(evaluation: Evaluation, profile: Profile) -> Score:
    verdicts = {rid: vf for rid, vf in requirement_verdicts(evaluation.findings).items()
                if profile.selects(rid, vf[1].domain)}
    domains: list[DomainScore] = []
    lines: list[Text] = []
    titles = evaluation.catalogue.domain_titles  # the Chinese line names a domain by its title, never its id
    for domain in profile.domains:
        name = titles[domain].zh if domain in titles else domain
        points = profile.domain_points.get(domain, Decimal(0))
        scored = [(rid, v, f) for rid, (v, f) in verdicts.items()
                  if f.domain == domain and v not in (Verdict.NOT_APPLICABLE, Verdict.WAIVED) and _weight(profile, rid, f) > 0]
        total_weight = sum((_weight(profile, rid, f) for rid, _, f in scored), Decimal(0))
        credit = {Verdict.MET: Decimal(1), Verdict.GAP: Decimal(0), Verdict.INSUFFICIENT: profile.insufficient_credit}
        earned = Decimal(0)
        if total_weight:
            earned = sum((points * _weight(profile, rid, f) / total_weight * credit[v] for rid, v, f in scored), Decimal(0))
        counts = {v: sum(1 for _, x, _ in scored if x is v) for v in (Verdict.MET, Verdict.GAP, Verdict.INSUFFICIENT)}
        ds = DomainScore(domain, points if total_weight else Decimal(0), earned.quantize(CENT, ROUND_HALF_UP), len(scored),
                         counts[Verdict.MET], counts[Verdict.GAP], counts[Verdict.INSUFFICIENT])
        domains.append(ds)
        if total_weight:
            lines.append(Text(
                f"{name}：{_n(points)}分，计分要求{len(scored)}项（符合{ds.met}、差距{ds.gap}、事实不足{ds.insufficient}，"
                f"事实不足按{_n(profile.insufficient_credit * 100)}%计），得{_n(ds.earned)}分",
                f"{domain}: {_n(points)} points over {len(scored)} scored requirements ({ds.met} met, {ds.gap} gap, "
                f"{ds.insufficient} insufficient at {_n(profile.insufficient_credit * 100)}%), earned {_n(ds.earned)}"))
        else:
            lines.append(Text(f"{name}：无计分要求，不计入总分", f"{domain}: nothing scored, left out of the maximum"))
    maximum = sum((d.points for d in domains), Decimal(0))
    total = sum((d.earned for d in domains), Decimal(0))
    capped = False
    critical = sorted(rid for rid, (v, f) in verdicts.items() if v is Verdict.GAP and f.severity is Severity.CRITICAL)
    if profile.critical_gap_cap is not None and critical and maximum:
        cap = (maximum * profile.critical_gap_cap / 100).quantize(CENT, ROUND_HALF_UP)
        if total > cap:
            capped = True
            lines.append(Text(f"存在关键差距（{'、'.join(critical)}），总分封顶为满分的{_n(profile.critical_gap_cap)}%：{_n(total)} → {_n(cap)}",
                              f"critical gap ({', '.join(critical)}): total capped at {_n(profile.critical_gap_cap)}% "
                              f"of the maximum: {_n(total)} → {_n(cap)}"))
            total = cap
    lines.append(Text(f"总分：{_n(total)} / {_n(maximum)}", f"total: {_n(total)} / {_n(maximum)}"))
    if profile.note is not None:
        lines.append(Text(f"说明：{profile.note.zh}", f"note: {profile.note.en}"))
    waived = sum(1 for v, _ in verdicts.values() if v is Verdict.WAIVED)
    return Score(profile, total.quantize(CENT, ROUND_HALF_UP), maximum, tuple(domains), tuple(lines), capped, waived)


def _weight(profile: Profile, rid: str, f: Finding) -> Decimal:
    if rid in profile.weights:
        return profile.weights[rid]
    return profile.advisory_weight if f.severity is Severity.ADVISORY else Decimal(1)


def _n(value: Decimal) -> str:
    return number(value)


def score_data(s: Score, lang: str) -> dict[str, Any]:
    return {
        "profile": {"id": s.profile.id, "version": s.profile.version},
        "total": float(s.total), "max": float(s.maximum), "capped": s.capped,
        "by_domain": {d.domain: {"points": float(d.points), "earned": float(d.earned), "scored": d.scored,
                                 "met": d.met, "gap": d.gap, "insufficient_facts": d.insufficient} for d in s.by_domain},
        "derivation": [t.get(lang) for t in s.derivation],
        **({"waived": s.waived, "without_waivers": {"total": float(s.without_waivers.total), "max": float(s.without_waivers.maximum),
                                                     "capped": s.without_waivers.capped}}
           if s.without_waivers is not None else {}),
    }
