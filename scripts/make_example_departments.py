"""Write cases/example-departments-2020/facts.yaml: a SYNTHETIC district with 22 enforcement bodies.

    python scripts/make_example_departments.py            # rewrites the example (seeded: the same every time)

The department names are the usual bodies of a Chinese urban district; every figure is made up. The
district-level facts are those a justice bureau states for the whole district; the rest come from the
departments and roll up. Five departments have fewer legal reviewers than 5% of their enforcement staff,
two have no legal-review catalogue, and a few published decisions late, so the example shows per-department
findings, the roll-up and the unevenness statement.
"""
from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "cases" / "example-departments-2020" / "facts.yaml"

DEPARTMENTS = [  # id, name, enforcement staff
    ("gongan", "公安分局", 212), ("shichang", "市场监督管理局", 96), ("zhijian", "城市管理执法局", 88),
    ("ziranziyuan", "自然资源局", 34), ("shengtai", "生态环境分局", 28), ("jiaotong", "交通运输局", 41),
    ("weijian", "卫生健康委员会", 37), ("yingji", "应急管理局", 22), ("renshe", "人力资源和社会保障局", 18),
    ("zhujian", "住房和城乡建设局", 26), ("nongye", "农业农村局", 24), ("shuili", "水利局", 12),
    ("jiaoyu", "教育局", 15), ("wenlv", "文化广电和旅游局", 14), ("minzheng", "民政局", 9),
    ("fagai", "发展和改革委员会", 8), ("caizheng", "财政局", 7), ("tongji", "统计局", 6),
    ("shenji", "审计局", 7), ("minzu", "民族宗教事务局", 5), ("sifa", "司法局", 11), ("tuijun", "退役军人事务局", 5),
]
SHORT_OF_REVIEWERS = {"zhijian", "jiaotong", "zhujian", "nongye", "wenlv"}  # below 5% of their staff
NOT_SUBMITTED: set[str] = set()  # tests/test_departments.py covers 未报送; here every body reports, so sums roll up
LATE_PUBLISHERS = {"shichang", "zhijian"}
NO_CATALOGUE = {"shuili", "minzheng"}

HEADER = """\
# SYNTHETIC EXAMPLE — not a real district. Written by scripts/make_example_departments.py (seeded).
# A district of 22 enforcement bodies (行政执法主体), each reporting its own facts to the justice bureau,
# which states the district-wide facts and lets Fazhi add the rest up (docs/facts.md, "Departments").
# Made up: five bodies have too few legal reviewers (below 5% of their own enforcement staff) although
# the district total is above 5%; two have no legal-review catalogue; two published decisions late.
"""


def department(rng: random.Random, did: str, name: str, staff: int) -> dict:
    if did in NOT_SUBMITTED:
        return {"id": did, "name": name, "kind": "行政执法机关", "submitted": False}
    need = -(-staff * 5 // 100)  # 5%, rounded up
    reviewers = max(0, need - rng.randint(1, 2)) if did in SHORT_OF_REVIEWERS else need + rng.randint(0, 3)
    if did == "gongan":
        reviewers = 22  # the largest body is well staffed: it lifts the district total above 5%
    certified = staff - (1 if rng.random() < 0.2 else 0)
    facts: dict = {
        "three_systems.enforcement.staff": staff,
        "three_systems.enforcement.certified": certified,
        "three_systems.enforcement.noncivil_enforcing": 0,
        "three_systems.legal_review.reviewers": reviewers,
        "three_systems.records.complete": did not in {"zhijian"},
        "three_systems.publicity.timely": did not in LATE_PUBLISHERS,
        "three_systems.agencies": [{
            "id": name, "pre_info_published": True, "guide_published": did != "jiaoyu", "penalty_power": True,
            "penalty_info_published": True, "stats_published": True,
            "stats_published_on": dt.date(2021, 1, rng.randint(10, 29)) if did != "nongye" else dt.date(2021, 2, 8),
            "stats_reported": True, "av_rules": True, "record_access_rules": True, "record_rules": True,
            "review_body": True, "review_catalogue": did not in NO_CATALOGUE, "major_scope_published": True,
            "discretion_published": True, "penalty_quota": False, "secrecy_review": True}],
    }
    decisions = []
    for i in range(rng.randint(2, 6) if staff > 10 else 1):
        decided = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(20, 330))
        opened = decided - dt.timedelta(days=rng.randint(10, 60))
        late = did in LATE_PUBLISHERS and i == 0
        decisions.append({
            "id": f"{did.upper()}-2020-{i + 1:03d}", "type": "penalty", "procedure": "ordinary",
            "opened_on": opened, "decided_on": decided, "officers": 2, "officers_certified": True,
            "in_review_scope": False, "social_impact": False, "publication": "published",
            "published_on": decided + dt.timedelta(days=45 if late else rng.randint(1, 6)), "overturn": "none"})
    facts["three_systems.enforcement_decisions"] = decisions
    return {"id": did, "name": name, "kind": "行政执法机关", "facts": facts}


def district_facts() -> dict:
    return {
        "three_systems.henan": True,
        "three_systems.impl_plan.adopted": True,
        "three_systems.implementation.all_agencies": True,  # the confession; the departments decide instead
        "three_systems.assessment.included": True,
        "three_systems.publicity.platform": True,
        "three_systems.subjects.confirmed": True,
        "three_systems.subjects.announced": True,
        "three_systems.subjects.count": 22,
        "three_systems.windows.total": 40,
        "three_systems.windows.with_board": 40,
    }


def build(seed: int = 2020) -> dict:
    rng = random.Random(seed)
    return {"case": {"district": {"name": "示例区（虚构）", "level": "市辖区", "parent": "示例市"}, "period": 2020,
                     "submitted": {"date": dt.date(2021, 2, 20), "by": "示例区司法局（虚构）"}},
            "facts": district_facts(),
            "departments": [department(rng, *d) for d in DEPARTMENTS]}


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(build(), allow_unicode=True, sort_keys=False, width=140, default_flow_style=None)
    OUT.write_text(HEADER + text, encoding="utf-8")
    print(OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
