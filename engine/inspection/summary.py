"""All cases of a run together: totals, the district × domain matrix, the ranking, trends; summary.json.

The parent holds only each case's counts however many cases there are. The rest comes rendered by
the workers (render.py) and goes to spools as results arrive, in case order: each case's
summary.json entry (at the end, summary.json is its head, then that spool copied), and its findings
pickled (read back by offset, unpickled only for a district's several years). Those years give a
trend: the gaps, the share met and the changes from one year to the next (engine/diff.py).
"""
from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
from collections import Counter
from typing import Any

from fazhi.app.diff import compare, counts as change_counts, side_from_rows
from fazhi.model.catalogue import Catalogue
from fazhi.vocabulary import Text
from fazhi.render.output import atomic_file
from fazhi.load.profiles import Profile
from fazhi.inspection.results import ROW, VERDICTS, CaseResult

SCHEMA_VERSION = "1.0"
KIND = "fazhi-inspection"


class Inspection:
    def __init__(self, catalogue: Catalogue, profile: Profile | None, lang: str, evaluated_on: str, spool_dir: str):
        selected = [r for r in catalogue.requirements if profile is None or profile.selects(r.id, r.domain)]
        self.catalogue = catalogue
        self.profile = profile
        self.lang = lang
        self.evaluated_on = evaluated_on
        self.requirements = [r.id for r in selected]
        self.domains = list(dict.fromkeys(r.domain for r in selected))
        titles = catalogue.domain_titles
        self.titles: dict[str, Text] = {d: titles.get(d, Text(d, d)) for d in self.domains}
        self.results: list[CaseResult] = []
        self._spool = tempfile.TemporaryFile(dir=spool_dir, prefix=".fazhi-spool-")  # findings, pickled
        self._offsets: dict[int, int] = {}
        self._entries = tempfile.TemporaryFile(dir=spool_dir, prefix=".fazhi-spool-")  # summary.json's cases
        self.trends: list[dict[str, Any]] = []

    # --- collecting --------------------------------------------------------------------------

    def add(self, result: CaseResult) -> None:
        """The next case (call in case order, with `result.rendered`, which is then dropped)."""
        rendered, result.rendered = result.rendered, None
        if rendered.rows:
            self._spool.seek(0, os.SEEK_END)
            self._offsets[result.index] = self._spool.tell()
            self._spool.write(rendered.rows)
        self._entries.write((b",\n" if self.results else b"") + rendered.entry)
        self.results.append(result)

    def rows(self, result: CaseResult) -> list[tuple[Any, ...]]:
        if result.index not in self._offsets:
            return []
        self._spool.seek(self._offsets[result.index])
        return pickle.load(self._spool)

    def finish(self) -> None:
        self.results.sort(key=lambda r: r.index)
        self.trends = self._trends()

    def close(self) -> None:
        self._spool.close()
        self._entries.close()

    # --- views -------------------------------------------------------------------------------

    @property
    def ok(self) -> list[CaseResult]:
        return [r for r in self.results if r.error is None]

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.error is not None]

    def totals(self) -> dict[str, Any]:
        counts: Counter[str] = Counter()
        by_domain: dict[str, Counter[str]] = {d: Counter() for d in self.domains}
        for r in self.ok:
            counts.update(r.counts)
            for d, c in r.by_domain.items():
                by_domain.setdefault(d, Counter()).update(c)
        return {"cases": len(self.results), "districts": len({r.key for r in self.ok}), "errors": len(self.failed),
                "counts": {v: counts.get(v, 0) for v in VERDICTS},
                "by_domain": {d: {v: c.get(v, 0) for v in VERDICTS} for d, c in by_domain.items()},
                "data_quality": sum(len(r.data_quality) for r in self.ok),
                "met_unverified": sum(r.tiers.get("met_unverified", 0) for r in self.ok),
                "waivers": Counter(w["status"] for r in self.ok for w in r.waivers)}

    def ranking(self) -> list[CaseResult]:
        """Best first: by points under a profile, else by share met; then fewer gaps."""
        def key(r: CaseResult) -> tuple[Any, ...]:
            score = r.points["total"] if r.points else (r.share if r.share is not None else -1)
            return (-score, r.counts.get("gap", 0), r.label, r.period)
        return sorted(self.ok, key=key)

    def latest(self) -> list[CaseResult]:
        """Each district's latest year (the matrix and ranking of a multi-year run)."""
        best: dict[tuple[str, str], CaseResult] = {}
        for r in self.ok:
            if r.key not in best or r.period > best[r.key].period:
                best[r.key] = r
        return [r for r in self.ok if best[r.key] is r]

    def _trends(self) -> list[dict[str, Any]]:
        years: dict[tuple[str, str], list[CaseResult]] = {}
        for r in self.ok:
            years.setdefault(r.key, []).append(r)
        trends = []
        for key, rs in years.items():
            if len({r.period for r in rs}) < 2:
                continue
            rs = sorted(rs, key=lambda r: r.period)
            points, previous = [], None
            for r in rs:
                side = side_from_rows(r.district, r.parent, r.period, (dict(zip(ROW, row)) for row in self.rows(r)),
                                      self.requirements)
                changes = change_counts(compare(previous, side)) if previous is not None else None
                points.append({"period": r.period, "gap": r.counts.get("gap", 0), "share": r.share,
                               "points": r.points["total"] if r.points else None, "changes": changes, "slug": r.slug})
                previous = side
            trends.append({"district": rs[0].district, "parent": rs[0].parent, "years": points})
        return trends

    # --- summary.json ------------------------------------------------------------------------

    def write_json(self, path: str) -> None:
        """summary.json: the head, then the cases' entries from their spool (atomically: a temporary file,
        then renamed)."""
        head = {
            "schema_version": SCHEMA_VERSION, "kind": KIND, "evaluated_on": self.evaluated_on, "lang": self.lang,
            "profile": {"id": self.profile.id, "version": self.profile.version} if self.profile else None,
            "rulesets": [{"id": rs.id, "version": rs.version} for rs in self.catalogue.rulesets],
            "requirements": self.requirements,
            "domains": [{"id": d, "title": self.titles[d].get(self.lang)} for d in self.domains],
            "totals": self.totals(),
            "ranking": [r.slug for r in self.ranking()],
            "trends": self.trends,
        }
        with atomic_file(path, force=True) as out:
            out.write((json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "cases": [\n').encode("utf-8"))
            self._entries.seek(0)
            shutil.copyfileobj(self._entries, out, 1 << 20)
            out.write(b"\n ]\n}\n")
