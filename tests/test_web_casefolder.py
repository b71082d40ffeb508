"""The database ⇄ case folder round trip, and the imported Macun case judged as `fazhi check` judges it."""
from __future__ import annotations

import datetime as dt
import filecmp
import re
from pathlib import Path

import pytest

from web_support import MACUN, client, fresh_store, populate

from fazhi.evaluate.assess import assess
from fazhi.web import engine_bridge as bridge
from fazhi.web import models as m


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    s = fresh_store(request.param, tmp_path)
    yield s
    s.engine.dispose()


def _same_folders(a: Path, b: Path) -> None:
    names_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*"))
    names_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*"))
    assert names_a == names_b
    for name in names_a:
        if (a / name).is_file():
            assert filecmp.cmp(a / name, b / name, shallow=False), name


def test_round_trip_is_lossless(store, tmp_path: Path) -> None:
    populate(store)
    with store.session() as s, s.begin():  # verifications, a waiver, an upload and department facts too
        case = s.query(m.Case).filter_by(period=2020).join(m.District).filter(m.District.name == "马村区").one()
        dept = s.query(m.Department).filter_by(code="gaj").first()
        s.add(m.Verification(case_id=case.id, fact="litigation.cases_won", value=12, inspector="李明",
                             date=dt.date(2021, 4, 20), note="核对裁判文书"))
        s.add(m.Waiver(case_id=case.id, requirement="RL-HEAD-APPEAR", justification="疫情期间书面审理",
                       requested_by="马村区司法局", approved_by="焦作市依法治市办", expires=dt.date(2021, 12, 31),
                       status="approved"))
        s.query(m.Fact).filter_by(case_id=case.id, key="litigation.cases_won").one().department_id = dept.id
        data = b"%PDF-1.4 evidence"
        import hashlib
        digest = hashlib.sha256(data).hexdigest()
        (store.uploads / f"{digest}.pdf").write_bytes(data)
        s.add(m.Upload(case_id=case.id, fact="litigation.cases_won", filename="判决书.pdf", kind="pdf", sha256=digest,
                       size=len(data), evidence_date=dt.date(2020, 12, 1), uploaded_at=dt.datetime(2021, 1, 5, 9, 30)))
    first = tmp_path / "first"
    store.export_case("马村区", 2020, str(first))
    assert {p.name for p in first.iterdir()} >= {"facts.yaml", "verifications.yaml", "waivers.yaml", "evidence",
                                                 "departments.yaml"}
    other = fresh_store("sqlite", tmp_path / "second-db")
    other.import_case(str(first))
    second = tmp_path / "second"
    other.export_case("马村区", 2020, str(second))
    _same_folders(first, second)
    # the folder reads exactly as the original case does, every fact and its evidence
    original = bridge.catalogue()
    from fazhi.load.facts_loader import load_case
    a, b = load_case(str(MACUN), original.facts), load_case(str(first), original.facts)
    assert (a.district, a.period, a.submitted_on, a.submitted_by) == (b.district, b.period, b.submitted_on, b.submitted_by)
    assert a.facts.keys() == b.facts.keys()
    for key in a.facts:
        if key != "litigation.cases_won":
            assert a.facts[key] == b.facts[key], key


def test_export_refuses_a_folder_with_files(store, tmp_path: Path) -> None:
    populate(store)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    from fazhi.errors import InputError
    with pytest.raises(InputError):
        store.export_case("马村区", 2020, str(out))
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_imported_macun_shows_the_verdicts_of_fazhi_check(store) -> None:
    ids = populate(store)
    expected = assess(bridge.evaluator(), str(MACUN), on=dt.date.today())
    counts = {}
    for f in expected.findings:
        counts[f.verdict.value] = counts.get(f.verdict.value, 0) + 1
    web = client(store)
    assert web.login("coord").status_code == 303
    page = web.get(f"/d/{ids['macun']}/2020").text
    shown = {v: int(n) for v, n in re.findall(r'data-verdict="(\w+)">(\d+)<', page)}
    assert {k: v for k, v in shown.items() if v} == counts
    for f in expected.findings:
        if f.verdict.value == "gap":
            assert f.requirement in page


def test_a_broken_case_folder_is_refused_with_the_loaders_message(store, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "facts.yaml").write_text("case: {district: {name: 甲区}, period: 2020}\nfacts:\n  litigation.cases_won: 十二\n",
                                    encoding="utf-8")
    from fazhi.errors import InputError
    with pytest.raises(InputError, match="litigation.cases_won"):
        store.import_case(str(bad))
    with store.session() as s:
        assert s.query(m.Case).count() == 0
