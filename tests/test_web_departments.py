"""Departments in the web app: a case's departments keep their own facts and records through import and
export (lossless, judged as `fazhi check` judges the folder), and the migration that made room for them."""
from __future__ import annotations

import dataclasses
import re
import datetime as dt
from pathlib import Path

import pytest

from web_support import ROOT, fresh_store

from fazhi.evaluate.assess import assess
from fazhi.load.facts_loader import load_case
from fazhi.web import engine_bridge as bridge
from fazhi.web import models as m

EXAMPLE = ROOT / "cases" / "example-departments-2020"
DISTRICT = "示例区（虚构）"
ON = dt.date(2021, 3, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    s = fresh_store(request.param, tmp_path)
    yield s
    s.engine.dispose()


def _verdicts(evaluation) -> list[tuple[str, str | None, str | None, str]]:
    """Every finding: requirement, department, record, verdict (the district's and each department's)."""
    return sorted((f.requirement, f.department or "", f.record or "", f.verdict.value)
                  for f in evaluation.findings + evaluation.department_findings)


def _case(folder: Path):
    case = load_case(str(folder), bridge.vocabulary())
    return dataclasses.replace(case, file=None)


def test_the_example_imports_with_its_departments_and_exports_the_same_case(store, tmp_path: Path) -> None:
    store.import_case(str(EXAMPLE))
    with store.session() as s:
        case = s.query(m.Case).one()
        departments = s.query(m.Department).order_by(m.Department.id).all()
        assert len(departments) == 22 and departments[0].code == "gongan" and departments[0].name == "公安分局"
        assert {d.kind for d in departments} == {"行政执法机关"}
        own = s.query(m.Fact).filter(m.Fact.case_id == case.id, m.Fact.of_department_id.isnot(None)).count()
        assert own > 22 * 5  # every department's facts, not the roll-up alone
        staff = s.query(m.Fact).filter_by(case_id=case.id, key="three_systems.enforcement.staff",
                                          of_department_id=departments[0].id).one()
        assert staff.value == 212
        # the district keeps only what it gave itself: a rolled-up figure is the engine's, made when read
        assert s.query(m.Fact).filter_by(case_id=case.id, key="three_systems.enforcement.staff",
                                         of_department_id=None).count() == 0
    out = tmp_path / "out"
    store.export_case(DISTRICT, 2020, str(out))
    original, exported = _case(EXAMPLE), _case(out)
    assert exported.departments == original.departments
    assert exported == original
    assert _verdicts(assess(bridge.evaluator(), str(out), on=ON)) == _verdicts(assess(bridge.evaluator(), str(EXAMPLE), on=ON))
    # and back again: database → folder → database → folder gives the same files
    other = fresh_store("sqlite", tmp_path / "second-db")
    other.import_case(str(out))
    again = tmp_path / "again"
    other.export_case(DISTRICT, 2020, str(again))
    for name in ("facts.yaml", "departments.yaml"):
        if (out / name).exists() or (again / name).exists():
            assert (out / name).read_text(encoding="utf-8") == (again / name).read_text(encoding="utf-8"), name


def test_the_imported_example_is_judged_as_fazhi_check_judges_it(store) -> None:
    store.import_case(str(EXAMPLE))
    expected = assess(bridge.evaluator(), str(EXAMPLE), on=ON)
    assert expected.department_findings  # the example has per-department requirements
    with store.session() as s:
        got = store.evaluate(s, s.query(m.Case).one(), on=ON)
    assert _verdicts(got) == _verdicts(expected)
    assert [d.id for d in got.case.departments] == [d.id for d in expected.case.departments]
    from fazhi.evaluate.unevenness import statements
    assert statements(got) == statements(expected) and statements(expected)


def test_a_withheld_department_and_one_without_facts_survive(store, tmp_path: Path) -> None:
    text = (EXAMPLE / "facts.yaml").read_text(encoding="utf-8")
    # 公安分局 gave facts but says it has not submitted (未报送); 新建局 lists no facts at all
    text = text.replace("- id: gongan\n  name: 公安分局\n  kind: 行政执法机关\n",
                        "- id: gongan\n  name: 公安分局\n  kind: 行政执法机关\n  submitted: false\n", 1)
    text += "- {id: xinjian, name: 新建局, kind: 行政执法机关}\n"
    case = tmp_path / "case"
    case.mkdir()
    (case / "facts.yaml").write_text(text, encoding="utf-8")
    original = _case(case)
    assert not original.department("gongan").submitted and not original.department("xinjian").submitted
    store.import_case(str(case))
    out = tmp_path / "out"
    store.export_case(DISTRICT, 2020, str(out))
    assert _case(out) == original
    assert _verdicts(assess(bridge.evaluator(), str(out), on=ON)) == _verdicts(assess(bridge.evaluator(), str(case), on=ON))


def test_a_department_named_otherwise_in_the_database_is_refused(store, tmp_path: Path) -> None:
    store.import_case(str(EXAMPLE))
    text = (EXAMPLE / "facts.yaml").read_text(encoding="utf-8").replace("period: 2020", "period: 2021", 1)
    text = text.replace("name: 公安分局", "name: 公安局", 1)
    case = tmp_path / "case"
    case.mkdir()
    (case / "facts.yaml").write_text(text, encoding="utf-8")
    from fazhi.errors import InputError
    with pytest.raises(InputError, match="gongan"):
        store.import_case(str(case))
    with store.session() as s:
        assert s.query(m.Case).count() == 1 and s.query(m.Department).filter_by(name="公安局").count() == 0


def test_migration_0002_keeps_the_facts_of_a_0001_database(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text
    from fazhi.web import db
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    with engine.begin() as c:
        config.attributes["connection"] = c
        command.upgrade(config, "0001")
        c.execute(text("INSERT INTO district (id, name) VALUES (1, '甲区')"))
        c.execute(text("INSERT INTO \"case\" (id, district_id, period, status, version) VALUES (1, 1, 2020, 'open', 1)"))
        c.execute(text("INSERT INTO fact (case_id, key, value, version, updated_at) "
                       "VALUES (1, 'litigation.cases_won', '12', 1, '2021-01-01')"))
    db.upgrade(engine)
    from sqlalchemy.exc import IntegrityError
    with engine.begin() as c:
        assert c.execute(text("SELECT key, of_department_id FROM fact")).all() == [("litigation.cases_won", None)]
        c.execute(text("INSERT INTO department (id, district_id, code, name, kind, domains) VALUES (1, 1, 'a', 'A', 'k', '[]')"))
        c.execute(text("INSERT INTO fact (case_id, key, value, version, updated_at, of_department_id) "
                       "VALUES (1, 'litigation.cases_won', '3', 1, '2021-01-01', 1)"))  # a department's own: allowed
    with pytest.raises(IntegrityError), engine.begin() as c:  # a second district row: refused
        c.execute(text("INSERT INTO fact (case_id, key, value, version, updated_at) "
                       "VALUES (1, 'litigation.cases_won', '13', 1, '2021-01-01')"))
    engine.dispose()


# --- pages: each department fills its own facts; the coordinator the district's; nobody another's -----------

from web_support import PASSWORD, client  # noqa: E402

REVIEWERS = "three_systems.legal_review.reviewers"
STAFF_RULE = "TS-REVIEW-STAFF-5PCT"


@pytest.fixture
def example(tmp_path: Path):
    store = fresh_store("sqlite", tmp_path)
    store.import_case(str(EXAMPLE))
    store.add_user("coord", PASSWORD, "coordinator", DISTRICT)
    store.add_user("ga", PASSWORD, "department", DISTRICT, "gongan")
    store.add_user("sc", PASSWORD, "department", DISTRICT, "shichang")
    store.add_user("insp", PASSWORD, "inspector", region="示例市")
    with store.session() as s, s.begin():
        case = s.query(m.Case).one()
        case.status = m.CASE_OPEN  # imported submitted: reopened to fill
        ids = {"district": case.district_id, "dept": {d.code: d.id for d in s.query(m.Department)}}
    yield store, ids
    store.engine.dispose()


def _row(store, dept_id, key):
    with store.session() as s:
        row = s.query(m.Fact).filter_by(key=key, of_department_id=dept_id).one_or_none()
        return None if row is None else (row.value, row.version)


def _audit_count(store) -> int:
    with store.session() as s:
        return s.query(m.AuditEntry).count()


def test_a_department_fills_its_own_facts_and_sees_its_verdict_change(example) -> None:
    store, ids = example
    web = client(store)
    assert web.login("ga").status_code == 303
    base = f"/d/{ids['district']}/2020"
    domain = bridge.domain_of_fact(REVIEWERS)
    page = web.get(f"{base}/dept/gongan/domain/{domain}")
    assert page.status_code == 200 and f'id="save-{REVIEWERS}"' in page.text
    assert "three_systems.henan" not in page.text.split('id="rolled-up"')[0]  # a district-only question is not theirs
    before = web.get(f"{base}/dept/gongan").text
    assert re.search(rf'data-requirement="{STAFF_RULE}">.*?data-verdict="met"', before, re.S)
    value, version = _row(store, ids["dept"]["gongan"], REVIEWERS)
    assert value == 22
    # 5 of 212 enforcement staff is below 5%: the department's own verdict becomes a gap, the district's too
    saved = web.form(f"{base}/dept/gongan/fact/{REVIEWERS}", {"version": str(version), "value": "5"})
    assert saved.status_code == 303 and "/dept/gongan/domain/" in saved.headers["location"]
    assert _row(store, ids["dept"]["gongan"], REVIEWERS) == (5, version + 1)
    assert _row(store, None, REVIEWERS) is None  # never written as the district's
    after = web.get(f"{base}/dept/gongan").text
    assert re.search(rf'data-requirement="{STAFF_RULE}">.*?data-verdict="gap"', after, re.S)
    home = web.get(base).text
    assert re.search(r'data-department="gongan">.*?data-requirement="%s" data-verdict="gap"' % STAFF_RULE, home, re.S)
    # a bad value gets the loader's message at the field, and nothing changes
    bad = web.form(f"{base}/dept/gongan/fact/{REVIEWERS}", {"version": str(version + 1), "value": "五"})
    assert bad.status_code == 400 and "field-error" in bad.text
    assert _row(store, ids["dept"]["gongan"], REVIEWERS) == (5, version + 1)
    # a save from a stale page is a conflict showing both values, and nothing changes
    stale = web.form(f"{base}/dept/gongan/fact/{REVIEWERS}", {"version": str(version), "value": "30"})
    assert stale.status_code == 409 and f"{base}/dept/gongan/domain/{domain}#{REVIEWERS}" in stale.text
    assert _row(store, ids["dept"]["gongan"], REVIEWERS) == (5, version + 1)
    # the audit log names the department
    with store.session() as s:
        entry = s.query(m.AuditEntry).filter_by(action="fact-save").one()
        assert entry.department == "公安分局" and entry.target == f"公安分局：{REVIEWERS}"


@pytest.mark.parametrize("who, url_dept, key", [
    ("ga", "shichang", REVIEWERS),             # another department's fact
    ("sc", "gongan", REVIEWERS),
    ("coord", "gongan", REVIEWERS),            # the coordinator does not write a department's own facts
    ("insp", "gongan", REVIEWERS),
    ("ga", "gongan", "three_systems.henan"),   # a district-only fact is not a department's
])
def test_nobody_else_edits_a_departments_facts(example, who, url_dept, key) -> None:
    store, ids = example
    web = client(store)
    assert web.login(who).status_code == 303
    before, count = _row(store, ids["dept"][url_dept], key), _audit_count(store)
    version = before[1] if before else 0
    answer = web.form(f"/d/{ids['district']}/2020/dept/{url_dept}/fact/{key}", {"version": str(version), "value": "1"})
    assert answer.status_code == 403
    assert _row(store, ids["dept"][url_dept], key) == before and _audit_count(store) == count


def test_a_department_cannot_write_the_district_figure_and_the_coordinator_can(example) -> None:
    store, ids = example
    base = f"/d/{ids['district']}/2020"
    key = "three_systems.subjects.count"
    web = client(store)
    assert web.login("ga").status_code == 303
    assert web.form(f"{base}/fact/{key}", {"version": "1", "value": "23"}).status_code == 403
    assert web.get(f"{base}/dept/nosuch").status_code == 404
    coord = client(store)
    assert coord.login("coord").status_code == 303
    assert coord.form(f"{base}/fact/{key}", {"version": "1", "value": "23"}).status_code == 303
    assert _row(store, None, key) == (23, 2)
    # beside a figure the district may also give, the form shows what its departments add up to
    page = coord.get(f"{base}/domain/{bridge.domain_of_fact(REVIEWERS)}").text
    total = load_case(str(EXAMPLE), bridge.vocabulary()).facts[REVIEWERS].value
    assert f'<b data-rolled="{REVIEWERS}">{total}</b>' in page


def test_the_district_page_shows_the_department_matrix_and_the_unevenness(example) -> None:
    store, ids = example
    web = client(store)
    assert web.login("insp").status_code == 303
    page = web.get(f"/d/{ids['district']}/2020").text
    expected = assess(bridge.evaluator(), str(EXAMPLE), on=dt.date.today())
    from fazhi.evaluate.departments import department_verdict
    from fazhi.evaluate.unevenness import statements
    matrix = page.split('id="department-matrix"')[1].split("</table>")[0]
    for d in expected.case.departments:
        row = matrix.split(f'data-department="{d.id}">')[1].split("</tr>")[0]
        shown = dict(re.findall(r'data-requirement="([^"]+)" data-verdict="(\w*)"', row))
        mine = {}
        for f in expected.department_findings:
            if f.department == d.id:
                mine.setdefault(f.requirement, []).append(f)
        assert {r: v for r, v in shown.items() if v} == {r: department_verdict(fs).value for r, fs in mine.items()}, d.id
    lines = statements(expected, "zh")
    assert lines and all(line in page for line in lines)


def test_a_department_that_has_not_reported_is_shown_as_such(tmp_path: Path) -> None:
    text = (EXAMPLE / "facts.yaml").read_text(encoding="utf-8")
    text = text.replace("- id: gongan\n  name: 公安分局\n  kind: 行政执法机关\n",
                        "- id: gongan\n  name: 公安分局\n  kind: 行政执法机关\n  submitted: false\n", 1)
    text += "- {id: xinjian, name: 新建局, kind: 行政执法机关}\n"
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "facts.yaml").write_text(text, encoding="utf-8")
    store = fresh_store("sqlite", tmp_path)
    store.import_case(str(folder))
    store.add_user("coord", PASSWORD, "coordinator", DISTRICT)
    store.add_user("ga", PASSWORD, "department", DISTRICT, "gongan")
    with store.session() as s, s.begin():
        case = s.query(m.Case).one()
        case.status = m.CASE_OPEN
        district = case.district_id
    web = client(store)
    assert web.login("coord").status_code == 303
    page = web.get(f"/d/{district}/2020").text
    progress = page.split('id="progress"')[1].split("</table>")[0]

    def status(code: str) -> str:
        return progress.split(f'data-department="{code}">')[1].split("</tr>")[0]

    assert "未报送" in status("gongan") and "未报送" in status("xinjian") and "未报送" not in status("shichang")
    assert "已报送" in status("shichang")
    # 公安分局 submits its part in the app: no longer 未报送, and its own findings count again
    ga = client(store)
    assert ga.login("ga").status_code == 303
    assert ga.form(f"/d/{district}/2020/department-submit").status_code == 303
    page = web.get(f"/d/{district}/2020").text
    progress = page.split('id="progress"')[1].split("</table>")[0]
    assert "未报送" not in status("gongan") and "未报送" in status("xinjian")
    store.engine.dispose()


def test_a_district_record_naming_its_department_keeps_it_through_folder_and_form(tmp_path: Path) -> None:
    text = (EXAMPLE / "facts.yaml").read_text(encoding="utf-8")
    text = text.replace("facts: {three_systems.henan: true,",
                        "facts: {three_systems.agencies: [{id: 区司法局执法大队, department: gongan, review_body: true}], "
                        "three_systems.henan: true,", 1)
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "facts.yaml").write_text(text, encoding="utf-8")
    original = _case(folder)
    assert original.facts["three_systems.agencies"].value[0].department == "gongan"
    store = fresh_store("sqlite", tmp_path)
    store.import_case(str(folder))
    out = tmp_path / "out"
    store.export_case(DISTRICT, 2020, str(out))
    assert _case(out) == original
    # the coordinator saves the district's records from the form: the department named stays
    store.add_user("coord", PASSWORD, "coordinator", DISTRICT)
    with store.session() as s, s.begin():
        case = s.query(m.Case).one()
        case.status = m.CASE_OPEN
        district = case.district_id
        version = s.query(m.Fact).filter_by(key="three_systems.agencies", of_department_id=None).one().version
    web = client(store)
    assert web.login("coord").status_code == 303
    page = web.get(f"/d/{district}/2020/domain/{bridge.domain_of_fact('three_systems.agencies')}").text
    assert 'name="r0.department" value="gongan"' in page
    answer = web.form(f"/d/{district}/2020/fact/three_systems.agencies",
                      {"version": str(version), "rows": "1", "r0.id": "区司法局执法大队", "r0.department": "gongan",
                       "r0.review_body": "否"})
    assert answer.status_code == 303, answer.text[:2000]
    with store.session() as s:
        value = s.query(m.Fact).filter_by(key="three_systems.agencies", of_department_id=None).one().value
    assert value == [{"id": "区司法局执法大队", "department": "gongan", "fields": {"review_body": False}}]
    store.engine.dispose()
