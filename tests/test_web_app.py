"""The web app through the ASGI test client: roles, live verdicts, validation, conflicts, uploads,
documents, submission, waivers, verification, the login slowdown. Every forbidden action is a 403 that
changes nothing; a 500 anywhere fails the test (web_support.Client)."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from web_support import PASSWORD, client, fresh_store, populate

from fazhi.web import models as m

KEY = "legal_advisers.major_matters.proceeded_uncleared"  # LA-VETO: 0 met, more a gap, none insufficient
DOMAIN = "legal-advisers"  # filled by the department scj in web_support.populate


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    store = fresh_store("sqlite", tmp_path_factory.mktemp("web"))
    ids = populate(store)
    yield store, ids
    store.engine.dispose()


def snapshot(store) -> tuple:
    """Everything a forbidden request might change."""
    with store.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in
                     (m.Fact, m.Verification, m.Waiver, m.Upload, m.User, m.Department, m.AuditEntry, m.Region)) + (
            tuple(s.execute(select(m.Fact.key, m.Fact.version)).all()), tuple(s.execute(select(m.Case.status)).all()))


def verdict_of(page: str, requirement: str) -> str:
    found = re.search(rf'class="req v-(\w+)" data-requirement="{requirement}"', page)
    assert found, requirement
    return found.group(1)


def test_department_filler_sees_the_verdict_go_insufficient_gap_met(shared) -> None:
    store, ids = shared
    web = client(store)
    assert web.login("scj").status_code == 303
    url = f"/d/{ids['macun']}/2020/domain/{DOMAIN}"
    assert verdict_of(web.get(url).text, "LA-VETO") == "insufficient_facts"
    for value, verdict in (("2", "gap"), ("0", "met")):
        page = web.get(url).text
        version = re.search(rf'action="/d/\d+/2020/fact/{re.escape(KEY)}".*?name="version" value="(\d+)"', page, re.S).group(1)
        saved = web.form(f"/d/{ids['macun']}/2020/fact/{KEY}", {"version": version, "value": value, "ev.document": "会议纪要"})
        assert saved.status_code == 303
        assert verdict_of(web.get(url).text, "LA-VETO") == verdict
    with store.session() as s:
        entries = s.scalars(select(m.AuditEntry).where(m.AuditEntry.target == KEY).order_by(m.AuditEntry.id)).all()
        assert [e.after["value"] for e in entries][-2:] == [2, 0]
        assert entries[-1].department == "市场监管局" and entries[-1].before["value"] == 2


def test_a_wrong_value_is_shown_at_the_field_in_chinese_and_nothing_changes(shared) -> None:
    store, ids = shared
    web = client(store)
    web.login("scj")
    before = snapshot(store)
    r = web.form(f"/d/{ids['macun']}/2020/fact/legal_advisers.major_matters.total", {"version": "0", "value": "十几件"})
    assert r.status_code == 400
    assert "应填整数" in r.text and 'data-field="value"' in r.text
    assert snapshot(store) == before


def test_a_stale_save_is_a_conflict_showing_both_values(shared) -> None:
    store, ids = shared
    a, b = client(store), client(store)
    a.login("coord")
    b.login("coord")
    key = "legal_advisers.gov.participations"  # legal-advisers is scj's: use a district-level fact instead
    key = "litigation.cases_won"
    with store.session() as s:
        version = s.scalar(select(m.Fact.version).join(m.Case).where(m.Fact.key == key))
    assert a.form(f"/d/{ids['macun']}/2020/fact/{key}", {"version": version, "value": "13"}).status_code == 303
    stale = b.form(f"/d/{ids['macun']}/2020/fact/{key}", {"version": version, "value": "11"})
    assert stale.status_code == 409
    assert 'id="their-value">13<' in stale.text and 'id="your-value">11<' in stale.text
    with store.session() as s:
        assert s.scalar(select(m.Fact.value).where(m.Fact.key == key)) == 13


@pytest.mark.parametrize("who, method, path, data", [
    ("gaj", "post", "/d/{macun}/2020/fact/" + KEY, {"version": "0", "value": "1"}),          # another department's fact
    ("scj", "post", "/d/{macun}/2020/fact/litigation.cases_won", {"version": "1", "value": "1"}),  # district-level fact
    ("coord", "post", "/d/{macun}/2020/fact/" + KEY, {"version": "0", "value": "1"}),        # a department's fact
    ("insp", "post", "/d/{macun}/2020/fact/litigation.cases_won", {"version": "1", "value": "1"}),
    ("othercoord", "post", "/d/{macun}/2020/fact/litigation.cases_won", {"version": "1", "value": "1"}),
    ("othercoord", "get", "/d/{macun}/2020", None),                                          # another district's id
    ("far", "get", "/d/{macun}/2020", None),                                                 # another region
    ("admin", "get", "/d/{macun}/2020", None),
    ("gaj", "post", "/d/{macun}/2020/submit", {}),
    ("insp", "post", "/d/{macun}/2020/submit", {}),
    ("gaj", "post", "/d/{macun}/2020/verify/litigation.cases_won", {"value": "1"}),
    ("coord", "post", "/d/{macun}/2020/verify/litigation.cases_won", {"value": "1"}),
    ("far", "post", "/d/{macun}/2020/verify/litigation.cases_won", {"value": "1"}),
    ("gaj", "post", "/d/{macun}/2020/waivers", {"requirement": "LA-VETO", "justification": "x", "expires": "2030-01-01"}),
    ("coord", "get", "/admin", None),
    ("coord", "post", "/admin/regions", {"name": "新区"}),
    ("gaj", "get", "/d/{macun}/manage", None),
    ("gaj", "post", "/d/{macun}/manage/departments", {"code": "x", "name": "x"}),
    ("insp", "post", "/d/{macun}/manage/departments", {"code": "x", "name": "x"}),
    ("gaj", "get", "/region", None),
    ("gaj", "post", "/d/{macun}/2020/reopen", {"reason": "x"}),
    ("othercoord", "get", "/d/{macun}/2020/report.docx", None),
])
def test_every_forbidden_action_is_403_and_changes_nothing(shared, who, method, path, data) -> None:
    store, ids = shared
    web = client(store)
    web.login(who)
    before = snapshot(store)
    url = path.format(**ids)
    r = web.form(url, data) if method == "post" else web.get(url, follow_redirects=False)
    assert r.status_code == 403, (who, url, r.status_code)
    assert snapshot(store) == before


@pytest.mark.parametrize("path", ["/d/99999/2020", "/d/{macun}/1999", "/d/{macun}/2020/domain/no-such-domain",
                                  "/d/abc/2020", "/uploads/99999", "/d/{macun}/2020/report.pdf"])
def test_unknown_things_are_404(shared, path) -> None:
    store, ids = shared
    web = client(store)
    web.login("coord")
    assert web.get(path.format(**ids)).status_code == 404


def test_a_forged_csrf_token_is_403_and_changes_nothing(shared) -> None:
    store, ids = shared
    web = client(store)
    web.login("coord")
    before = snapshot(store)
    r = web.post(f"/d/{ids['macun']}/2020/fact/litigation.cases_won", data={"csrf": "forged", "version": "1", "value": "1"})
    assert r.status_code == 403
    r = web.post(f"/d/{ids['macun']}/2020/submit", data={})
    assert r.status_code == 403
    assert snapshot(store) == before


def test_pages_carry_a_csp_without_inline_script_and_a_safe_cookie(shared) -> None:
    store, ids = shared
    web = client(store)
    r = web.login("coord")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = web.get(f"/d/{ids['macun']}/2020")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "<script>" not in page.text and "onclick" not in page.text


def test_ten_wrong_passwords_slow_the_login_down(shared) -> None:
    store, _ = shared
    web = client(store)
    store.add_user("victim", PASSWORD, "inspector", region="焦作市")
    for _ in range(10):
        assert web.login("victim", "wrong").status_code == 400
    r = web.login("victim")  # even the right password waits now
    assert r.status_code == 429 and "秒后再试" in r.text
    with store.session() as s, s.begin():  # the wait over, the right password works and resets the count
        user = s.scalar(select(m.User).where(m.User.name == "victim"))
        user.last_failed_at = m.utcnow() - dt.timedelta(minutes=10)
    assert web.login("victim").status_code == 303


def test_html_in_user_text_is_shown_as_text(shared) -> None:
    store, ids = shared
    web = client(store)
    web.login("coord")
    version = 1
    with store.session() as s:
        version = s.scalar(select(m.Fact.version).where(m.Fact.key == "litigation.cases_won"))
    web.form(f"/d/{ids['macun']}/2020/fact/litigation.cases_won",
             {"version": version, "value": "13", "ev.note": "<script>alert(1)</script>"})
    page = web.get(f"/d/{ids['macun']}/2020/domain/reconsideration-litigation").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_uploads_are_checked_by_content_hashed_and_served_only_to_allowed_users(shared) -> None:
    store, ids = shared
    web = client(store)
    web.login("scj")
    url = f"/d/{ids['macun']}/2020/fact/{KEY}/upload"
    before = snapshot(store)
    r = web.form(url, {"evidence_date": "2020-06-30"}, files={"file": ("纪要.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert r.status_code == 415 and "未保存" in r.text
    from fazhi.web import uploads
    big = _pdf() + b"0" * (uploads.MAX_BYTES)
    r = web.form(url, {}, files={"file": ("big.pdf", big, "application/pdf")})
    assert r.status_code == 413
    assert snapshot(store) == before
    r = web.form(url, {"evidence_date": "2020-06-30"}, files={"file": ("纪要.pdf", _pdf(), "application/pdf")})
    assert r.status_code == 303
    with store.session() as s:
        row = s.scalars(select(m.Upload).order_by(m.Upload.id.desc())).first()
        assert row.kind == "pdf" and row.evidence_date == dt.date(2020, 6, 30) and row.uploaded_at.date() == dt.date.today()
        import hashlib
        assert row.sha256 == hashlib.sha256(_pdf()).hexdigest()
    got = web.get(f"/uploads/{row.id}")
    assert got.status_code == 200 and got.content == _pdf() and got.headers["content-disposition"].startswith("attachment")
    assert not (Path(store.instance) / "static").exists()
    stranger = client(store)
    stranger.login("othercoord")
    assert stranger.get(f"/uploads/{row.id}").status_code == 403


def test_documents_are_the_cli_documents(shared) -> None:
    store, ids = shared
    web = client(store)
    web.login("insp")
    r = web.get(f"/d/{ids['macun']}/2020/memo.docx")
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    import docx
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "整改" in text and "马村区" in text
    md = web.get(f"/d/{ids['macun']}/2020/report.md").text
    assert "存在的问题" in md
    view = web.get(f"/d/{ids['macun']}/2020/report.html?view=1")
    assert "script-src" not in view.headers["content-security-policy"] and "default-src 'none'" in view.headers["content-security-policy"]


def test_submit_locks_reopen_needs_a_reason_and_is_logged(shared) -> None:
    store, ids = shared
    coord, dept = client(store), client(store)
    coord.login("coord")
    dept.login("scj")
    assert coord.form(f"/d/{ids['macun']}/2020/submit").status_code == 303
    before = snapshot(store)
    assert dept.form(f"/d/{ids['macun']}/2020/fact/{KEY}", {"version": "2", "value": "5"}).status_code == 403
    assert snapshot(store) == before
    assert coord.form(f"/d/{ids['macun']}/2020/reopen", {"reason": ""}).status_code == 400
    assert coord.form(f"/d/{ids['macun']}/2020/reopen", {"reason": "补充核验材料"}).status_code == 303
    with store.session() as s:
        last = s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id.desc())).first()
        assert last.action == "reopen" and last.reason == "补充核验材料"
        assert s.scalar(select(m.Case.status).where(m.Case.district_id == ids["macun"])) == "open"


def test_waiver_approved_by_another_inspector_reaches_the_evaluation(shared) -> None:
    store, ids = shared
    coord, insp = client(store), client(store)
    coord.login("coord")
    insp.login("insp")
    r = coord.form(f"/d/{ids['macun']}/2020/waivers", {"requirement": "RL-HEAD-APPEAR", "justification": "疫情期间书面审理",
                                                     "expires": "2099-12-31"})
    assert r.status_code == 303
    with store.session() as s:
        waiver = s.scalars(select(m.Waiver).where(m.Waiver.status == "pending")).first()
    assert f'id="approve-{waiver.id}"' in insp.get("/region").text
    assert insp.form(f"/waivers/{waiver.id}/decide", {"decision": "approve"}).status_code == 303
    assert insp.form(f"/waivers/{waiver.id}/decide", {"decision": "approve"}).status_code == 400
    with store.session() as s:
        case = s.scalar(select(m.Case).where(m.Case.district_id == ids["macun"]))
        evaluation = store.evaluate(s, case)
    assert any(f.requirement == "RL-HEAD-APPEAR" and f.verdict.value == "waived" for f in evaluation.findings)


def test_an_inspector_verifies_a_fact_and_the_claim_stays(shared) -> None:
    store, ids = shared
    insp = client(store)
    insp.login("insp")
    r = insp.form(f"/d/{ids['macun']}/2020/verify/litigation.cases_handled", {"value": "15", "note": "核对法院系统"})
    assert r.status_code == 303
    with store.session() as s:
        v = s.scalar(select(m.Verification).where(m.Verification.fact == "litigation.cases_handled"))
        assert v.value == 15 and v.inspector == "insp"
        assert s.scalar(select(m.Fact.value).where(m.Fact.key == "litigation.cases_handled")) == 14


def test_the_audit_log_is_append_only(shared) -> None:
    store, _ = shared
    from sqlalchemy.exc import DatabaseError
    with store.engine.connect() as c:
        with pytest.raises(DatabaseError):
            c.execute(text("UPDATE audit SET user = 'x'"))
        c.rollback()
        with pytest.raises(DatabaseError):
            c.execute(text("DELETE FROM audit"))


def test_language_switch_shows_english(shared) -> None:
    store, ids = shared
    web = client(store)
    web.login("coord")
    web.get("/lang/en?next=/")
    page = web.get(f"/d/{ids['macun']}/2020").text
    assert "Progress per department" in page and "Deadline: 2021-03-01" in page
    web.get("/lang/zh")
    assert "各部门填报进度" in web.get(f"/d/{ids['macun']}/2020").text
