#!/usr/bin/env python3
"""Generate synthetic districts: one case folder per district and year, every fact of the vocabulary.

    python bench/generate.py --districts 200 --out bench-generated            # one year (2021)
    python bench/generate.py --districts 50 --years 2020 2021 --out /tmp/g    # two years each (trends)

Distributions (deterministic in --seed and the district's index):
- every fact is left out with p = --missing (0.12): those requirements become insufficient_facts;
- bool: true with p = 0.8; int: 30% zero, else log-normal (median 12), within the declared min/max;
  a part declared `not_above`/`part_of` a total is 50–100% of it; percent: mostly 90–100, 15% exactly 100;
- records: 0–25 items (log-normal, 8% an empty list), each field missing with p = 0.08, dates in
  the period and each later date field 0–45 days after the one before (so periods run forward);
- dates of a fact follow its `in_period` check (the report on a year falls in the next);
- stated rates are part/total rounded to 2 decimals; 5% are truncated instead (the Macun mistake);
  5% of counts stated beside a list disagree with it; 2% of record dates fall before the period;
  3% of parts declared only `part_of` exceed their total;
- 10% of districts get verifications.yaml (3–5 facts checked, a third of them corrected);
  5% get a waiver in waivers.yaml at the output root: two thirds valid until the end of next year
  (counted from --today), a third expired at the end of the period.
A later year copies the year before and redraws each fact with p = 0.25, so gaps persist, resolve and appear.
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fazhi.model.catalogue import Catalogue, FactSpec, FieldSpec
from fazhi.vocabulary import FactType
from fazhi.load.ruleset_loader import load_catalogue  # noqa: E402

_SYL = "安宝北昌城春大东丰福光广海和河华吉嘉江金景康乐临龙隆明南宁平庆仁瑞山善胜寿顺泰天通万文武西祥新兴阳永裕云长正中"
_PARENTS = ["焦作市", "洛阳市", "开封市", "新乡市", "安阳市", "许昌市", "南阳市", "信阳市", "周口市", "商丘市", "平顶山市", "鹤壁市"]
_LEVELS = ["市辖区", "县", "县级市"]
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def district_names(n: int, seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    names: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    while len(names) < n:
        level = rng.choice(_LEVELS)
        name = rng.choice(_SYL) + rng.choice(_SYL) + {"市辖区": "区", "县": "县", "县级市": "市"}[level]
        if len(seen) > len(_SYL) ** 2 // 2:  # beyond two syllables: add a third
            name = rng.choice(_SYL) + name
        if name in seen:
            continue
        seen.add(name)
        names.append((name, rng.choice(_PARENTS), level))
    return names


class Generator:
    def __init__(self, catalogue: Catalogue, seed: int = 1, missing: float = 0.12, today: dt.date | None = None):
        self.catalogue = catalogue
        self.today = today or dt.date.today()
        self.seed = seed
        self.missing = missing
        self.parts = {k: s.not_above for k, s in catalogue.facts.items() if s.not_above}
        for check in catalogue.data_checks:
            if check.kind == "part_of" and not check.refs[0].count:
                self.parts.setdefault(check.fact, check.refs[0].key)
        self.rates = {c.fact: c for c in catalogue.data_checks if c.kind == "rate"}
        self.same = {c.fact: c for c in catalogue.data_checks if c.kind == "same_as"}
        self.windows = {(c.fact, c.record_field): c.window for c in catalogue.data_checks if c.kind == "in_period"}
        self.after = {(c.fact, c.record_field) for c in catalogue.data_checks if c.kind == "after_period"}
        self.part_only = {c.fact for c in catalogue.data_checks if c.kind == "part_of"} - {
            k for k, s in catalogue.facts.items() if s.not_above}

    # --- one case ---------------------------------------------------------------------------

    def _order(self) -> list[str]:
        """Every fact after the facts it is drawn from: totals before parts, counts and parts before rates."""
        needs: dict[str, set[str]] = {k: set() for k in self.catalogue.facts}
        for k, total in self.parts.items():
            needs[k].add(total)
        for k, check in [*self.rates.items(), *self.same.items()]:
            needs[k] |= {r.key for r in check.refs}
        order: list[str] = []
        done: set[str] = set()

        def visit(key: str, path: tuple[str, ...] = ()) -> None:
            if key in done or key in path:
                return
            for dep in sorted(needs.get(key, ())):
                visit(dep, path + (key,))
            done.add(key)
            order.append(key)
        for key in sorted(self.catalogue.facts):
            visit(key)
        return order

    def facts(self, rng: random.Random, period: int, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        order = self._order()
        out: dict[str, Any] = {}
        for key in order:
            spec = self.catalogue.facts[key]
            if previous is not None and rng.random() > 0.25 and key not in self.rates and key not in self.same \
                    and key not in self.parts:
                if key in previous:
                    out[key] = _shift_year(previous[key], 1)
                continue
            if rng.random() < self.missing:
                continue
            value = self._value(rng, spec, period, out)
            if value is not None:
                out[key] = value
        return out

    def _value(self, rng: random.Random, spec: FactSpec, period: int, sofar: dict[str, Any]) -> Any:
        key = spec.key
        if key in self.rates:
            part, total = (_plain(sofar.get(r.key)) for r in self.rates[key].refs)
            if part is None or total in (None, 0) or part > total:
                return None
            exact = Decimal(100 * part) / Decimal(total)
            rounded = round(exact, 2)
            if rng.random() < 0.05:  # wrong in the last digit, as Macun's 92.85 for 13 of 14 (92.857…)
                truncated = Decimal(math.floor(exact * 100)) / 100
                if truncated == rounded:
                    truncated = rounded - Decimal("0.01") if rounded > 0 else Decimal("0.01")
                return float(truncated)
            return float(rounded)
        if key in self.same:
            ref = self.same[key].refs[0]
            other = sofar.get(ref.key)
            if other is not None:
                n = len(other["records"]) if ref.count else _plain(other)
                return n + (rng.randint(1, 3) if rng.random() < 0.05 else 0)
        if key in self.parts and _plain(sofar.get(self.parts[key])) is not None:
            total = _plain(sofar[self.parts[key]])
            if key in self.part_only and rng.random() < 0.03:
                return total + rng.randint(1, 3)
            return int(total * rng.uniform(0.5, 1.0)) if spec.type is FactType.INT else round(total * rng.uniform(0.5, 1.0), 1)
        if spec.type is FactType.RECORDS:
            return {"records": self._records(rng, spec, period)}
        return self._scalar(rng, spec.type, spec.choices, spec.minimum, spec.maximum, period, self.windows.get((key, None)))

    def _scalar(self, rng: random.Random, ftype: FactType, choices: tuple[str, ...], low: Decimal | None,
                high: Decimal | None, period: int, window: tuple[int, int, int] | None) -> Any:
        if ftype is FactType.BOOL:
            return rng.random() < 0.8
        if ftype in (FactType.INT, FactType.NUMBER):
            value = 0 if rng.random() < 0.3 else int(rng.lognormvariate(math.log(12), 1.1))
            lo = int(low) if low is not None else 0
            hi = int(high) if high is not None else 10**6
            value = min(max(value, lo), hi)
            return value if ftype is FactType.INT else float(value)
        if ftype is FactType.PERCENT:
            r = rng.random()
            return 100 if r < 0.15 else round(rng.uniform(90, 100), 2) if r < 0.8 else round(rng.uniform(50, 100), 2)
        if ftype is FactType.DATE:
            year = period + (window[0] if window else 1)
            start = dt.date(year, 1, 1)
            span = 364 if window else 150
            return start + dt.timedelta(days=rng.randint(0, span))
        if ftype is FactType.ENUM:
            return rng.choice(choices)
        return "示例"

    def _records(self, rng: random.Random, spec: FactSpec, period: int) -> list[dict[str, Any]]:
        count = 0 if rng.random() < 0.08 else min(25, int(rng.lognormvariate(math.log(5), 0.8)))
        items = []
        dates = [f.name for f in spec.fields if f.type is FactType.DATE]
        step = 45 if len(dates) <= 2 else 60 // (len(dates) - 1)  # a record's dates, in field order, stay in the year
        for i in range(count):
            item: dict[str, Any] = {"id": f"{spec.key.split('.')[-1][:2].upper()}{i + 1}"}
            day = dt.date(period, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
            if rng.random() < 0.02:
                day = day.replace(year=period - 1)  # a date outside the period (a data-quality finding)
            for f in spec.fields:
                if f.type is FactType.DATE:
                    day = day + dt.timedelta(days=rng.randint(0, step))
                if rng.random() < 0.08:
                    continue
                if (spec.key, f.name) in self.after:  # reports on the year: early in the next one
                    item[f.name] = dt.date(period + 1, 1, 1) + dt.timedelta(days=rng.randint(0, 60))
                    continue
                item[f.name] = day if f.type is FactType.DATE else self._field(rng, f, period)
            given = [name for name in dates if name in item]
            if len(given) >= 2 and rng.random() < 0.01:  # two dates swapped: an impossible order where one is declared
                first, last = given[0], given[-1]
                item[first], item[last] = item[last], item[first]
            items.append(item)
        return items

    def _field(self, rng: random.Random, f: FieldSpec, period: int) -> Any:
        if f.type is FactType.BOOL:
            return rng.random() < 0.85
        if f.type is FactType.INT:
            return max(int(f.minimum or 0), min(int(f.maximum or 10**6), rng.randint(1, 5)))
        return self._scalar(rng, f.type, f.choices, f.minimum, f.maximum, period, None)

    # --- districts with departments --------------------------------------------------------------

    def department_doc(self, rng: random.Random, name: str, period: int, departments: int, records: int,
                       unsubmitted: float = 0.02) -> dict[str, Any]:
        """A district whose department- and both-scoped facts come from `departments` enforcement bodies,
        with `records` records in all spread over them (the district states only its district-scoped facts)."""
        from fazhi.model.catalogue import Scope
        specs = self.catalogue.facts
        district = {k: v for k, v in self.facts(rng, period).items() if specs[k].scope == Scope.DISTRICT}
        own_keys = [k for k in self._order() if specs[k].scope != Scope.DISTRICT]
        agencies = "three_systems.agencies"  # each body lists itself once; the other lists share `records`
        record_keys = [k for k in own_keys if specs[k].type is FactType.RECORDS and k != agencies]
        weights = [rng.random() + 0.2 for _ in range(departments)]
        shares = [int(records * w / sum(weights)) for w in weights]
        shares[0] += records - sum(shares)
        out = []
        for i in range(departments):
            did = f"dept{i + 1:02d}"
            if rng.random() < unsubmitted:
                out.append({"id": did, "name": f"部门{i + 1}", "kind": "行政执法机关", "submitted": False})
                continue
            facts: dict[str, Any] = {}
            for key in own_keys:
                spec = specs[key]
                if spec.type is FactType.RECORDS:
                    continue
                if rng.random() < self.missing / 3:
                    continue
                value = self._value(rng, spec, period, facts)
                if value is not None:
                    facts[key] = value
            for n, key in enumerate(record_keys):  # most records are decisions: the first list takes half
                count = shares[i] // 2 if n == 0 else shares[i] // (2 * max(1, len(record_keys) - 1))
                if n == len(record_keys) - 1 and n > 0:
                    count = shares[i] - shares[i] // 2 - (shares[i] // (2 * max(1, len(record_keys) - 1))) * (n - 1)
                facts[key] = {"records": self._records_n(rng, specs[key], period, count, did)}
            if agencies in specs and specs[agencies].scope != Scope.DISTRICT:
                facts[agencies] = {"records": [{**self._records_n(rng, specs[agencies], period, 1, did)[0],
                                                "id": f"部门{i + 1}"}]}
            kind = "行政执法机关" if i < departments - 1 or departments < 3 else "事业单位"
            out.append({"id": did, "name": f"部门{i + 1}", "kind": kind, "facts": facts})
        return {"case": {"district": {"name": name, "level": "市辖区", "parent": "示例市"}, "period": period},
                "facts": district, "departments": out}

    def _records_n(self, rng: random.Random, spec: FactSpec, period: int, count: int, prefix: str) -> list[dict[str, Any]]:
        items = []
        for i in range(count):
            item: dict[str, Any] = {"id": f"{prefix}-{spec.key.split('.')[-1][:2].upper()}{i + 1}"}
            day = dt.date(period, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
            for f in spec.fields:
                if f.type is FactType.DATE:
                    day = day + dt.timedelta(days=rng.randint(0, 45))
                if rng.random() < 0.08:
                    continue
                item[f.name] = day if f.type is FactType.DATE else self._field(rng, f, period)
            items.append(item)
        return items

    def write_departments(self, out: Path, districts: int, period: int = 2021, departments: tuple[int, int] = (10, 40),
                          records: tuple[int, int] = (200, 3000)) -> list[Path]:
        """`districts` districts, each with a number of departments and of records drawn from the ranges."""
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for index, (name, _, _) in enumerate(district_names(districts, self.seed)):
            rng = random.Random(f"{self.seed}-dept-{index}")
            doc = self.department_doc(rng, name, period, rng.randint(*departments), rng.randint(*records))
            folder = out / f"d{index:05d}-{period}"
            folder.mkdir(exist_ok=True)
            (folder / "facts.yaml").write_text(yaml.dump(doc, Dumper=_DUMPER, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
            paths.append(folder)
        return paths

    # --- files --------------------------------------------------------------------------------

    def write(self, out: Path, districts: int, years: list[int], verify_share: float = 0.10,
              waiver_share: float = 0.05) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        names = district_names(districts, self.seed)
        requirements = [r.id for r in self.catalogue.requirements if r.for_each is None]
        waivers, paths = [], []
        for index, (name, parent, level) in enumerate(names):
            rng = random.Random(f"{self.seed}-{index}")
            previous = None
            for period in years:
                facts = self.facts(rng, period, previous)
                previous = facts
                folder = out / f"d{index:05d}-{period}"
                folder.mkdir(exist_ok=True)
                doc = {"case": {"district": {"name": name, "level": level, "parent": parent}, "period": period,
                                "submitted": {"date": dt.date(period + 1, 2, 20), "by": f"{name}人民政府"}},
                       "facts": {k: _with_evidence(rng, v) for k, v in facts.items()}}
                (folder / "facts.yaml").write_text(yaml.dump(doc, Dumper=_DUMPER, allow_unicode=True, sort_keys=False),
                                                   encoding="utf-8")
                if rng.random() < verify_share:
                    self._verifications(rng, folder, facts, period)
                paths.append(folder)
            if rng.random() < waiver_share:
                valid = rng.random() < 0.67  # valid a year beyond today; the rest ran out at the end of the period
                expires = dt.date(self.today.year + 1, 12, 31) if valid else dt.date(years[-1], 12, 31)
                waivers.append({"requirement": rng.choice(requirements), "district": name,
                                "justification": "受疫情影响，经批准暂缓执行", "requested_by": f"{name}司法局",
                                "approved_by": f"{parent}依法治市办", "expires": expires})
        if waivers:
            (out / "waivers.yaml").write_text(yaml.dump({"waivers": waivers}, Dumper=_DUMPER, allow_unicode=True,
                                                        sort_keys=False), encoding="utf-8")
        return paths

    def _verifications(self, rng: random.Random, folder: Path, facts: dict[str, Any], period: int) -> None:
        scalars = [k for k, v in facts.items() if not isinstance(v, dict) and k not in self.rates]
        chosen = rng.sample(scalars, min(len(scalars), rng.randint(3, 5)))
        entries = []
        for key in chosen:
            value = facts[key]
            if rng.random() < 0.33:  # the inspector found otherwise
                spec = self.catalogue.facts[key]
                if spec.type is FactType.BOOL:
                    value = not value
                elif spec.type is FactType.INT and (key not in self.parts):
                    value = max(0, int(value) - rng.randint(1, 3))
            entries.append({"fact": key, "value": value, "inspector": "督察组", "date": dt.date(period + 1, 4, 15),
                            "note": "抽查原始台账"})
        (folder / "verifications.yaml").write_text(yaml.dump({"verifications": entries}, Dumper=_DUMPER,
                                                             allow_unicode=True, sort_keys=False), encoding="utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("value")
    return value


def _shift_year(value: Any, years: int) -> Any:
    if isinstance(value, dt.date):
        try:
            return value.replace(year=value.year + years)
        except ValueError:
            return value.replace(year=value.year + years, day=28)
    if isinstance(value, dict) and "records" in value:
        return {"records": [{k: _shift_year(v, years) for k, v in item.items()} for item in value["records"]]}
    return value


def _with_evidence(rng: random.Random, value: Any) -> Any:
    """Two thirds of the facts cite a document (tier `documented`); the rest are bare claims."""
    if rng.random() < 0.33:
        return value
    body = value if isinstance(value, dict) else {"value": value}
    return {**body, "evidence": {"document": "年度法治政府建设工作报告", "page": str(rng.randint(1, 30))}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--districts", type=int, default=200)
    parser.add_argument("--years", type=int, nargs="+", default=[2021])
    parser.add_argument("--out", default=str(ROOT / "bench-generated"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rules", default=str(ROOT / "rulesets"))
    parser.add_argument("--missing", type=float, default=0.12)
    parser.add_argument("--departments", type=int, nargs=2, metavar=("MIN", "MAX"),
                        help="districts with departments (e.g. 10 40), each with --records MIN MAX records in all")
    parser.add_argument("--records", type=int, nargs=2, metavar=("MIN", "MAX"), default=[200, 3000])
    args = parser.parse_args()
    catalogue = load_catalogue([args.rules])
    if args.departments:
        paths = Generator(catalogue, args.seed, args.missing).write_departments(
            Path(args.out), args.districts, args.years[0], tuple(args.departments), tuple(args.records))
        print(f"wrote {len(paths)} districts with {args.departments[0]}–{args.departments[1]} departments under {args.out}")
        return
    paths = Generator(catalogue, args.seed, args.missing).write(Path(args.out), args.districts, args.years)
    print(f"wrote {len(paths)} cases ({args.districts} districts × {len(args.years)} years) under {args.out}")


if __name__ == "__main__":
    main()
