"""Year over year by stable fingerprint: new, regressed, persisting, resolved, unverified, waived; memo status."""
from __future__ import annotations

from fazhi.app.diff import compare, counts, side_from_rows

REQS = ["A", "B", "C", "D", "E", "F", "G"]


def side(period: int, rows: list[tuple[str, str | None, str]], memo: dict[str, str] | None = None):
    return side_from_rows("甲区", "乙市", period, [{"requirement": r, "record": rec, "verdict": v, "title": r, "message": ""}
                                                 for r, rec, v in rows], REQS, memo)


def test_categories():
    old = side(2020, [("A", None, "gap"), ("B", None, "gap"), ("C", None, "gap"), ("D", None, "met"),
                      ("E", "R1", "gap"), ("F", None, "gap"), ("G", None, "insufficient_facts")])
    new = side(2021, [("A", None, "gap"), ("B", None, "met"), ("C", None, "insufficient_facts"), ("D", None, "gap"),
                      ("E", "R2", "gap"), ("F", None, "waived"), ("G", None, "gap")])
    got = {(c.requirement, c.record): c.category for c in compare(old, new)}
    assert got == {("A", None): "persisting", ("B", None): "resolved", ("C", None): "unverified",
                   ("D", None): "regressed", ("E", "R1"): "resolved", ("E", "R2"): "regressed", ("F", None): "waived",
                   ("G", None): "new"}  # E R2: E was decided before and R2 no gap in it; G was undecided
    assert counts(compare(old, new)) == {"new": 1, "regressed": 2, "persisting": 1, "resolved": 2, "unverified": 1,
                                         "waived": 1}


def test_requirement_level_insufficient_leaves_a_record_unverified():
    old = side(2020, [("E", "R1", "gap")])
    new = side(2021, [("E", None, "insufficient_facts")])  # the records were not submitted this year
    assert [c.category for c in compare(old, new)] == ["unverified"]


def test_memo_status_follows_the_previous_memo():
    old_rows = [("A", None, "gap"), ("B", None, "gap")]
    fids = {r: side(2020, old_rows).findings for r in ("x",)}["x"]
    ids = {row["requirement"]: fid for fid, row in fids.items()}
    old = side(2020, old_rows + [("C", None, "met")], memo={ids["A"]: "closed", ids["B"]: "open"})
    old_memo_c = side(2019, [("C", None, "gap")]).findings
    old.memo[next(iter(old_memo_c))] = "closed"
    new = side(2021, [("A", None, "gap"), ("B", None, "met"), ("C", None, "gap")])
    status = {c.requirement: (c.category, c.memo_status) for c in compare(old, new)}
    assert status == {"A": ("persisting", "reopened"), "B": ("resolved", "closed"), "C": ("regressed", "reopened")}
