"""Inspector, coordinator-management and admin pages: region ranking and queues, verification, waivers,
year-over-year comparison, departments and users, regions."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from fazhi.web import engine_bridge as bridge
from fazhi.web import models as m
from fazhi.web import permissions as perm
from fazhi.web.app import form_checked, render, require_user, store_of
from fazhi.web.views import _int, _requirement_verdicts, load_case

WEIGHTS = {"critical": 8, "major": 4, "minor": 2, "advisory": 1}


async def region_page(request: Request) -> Response:
    user = require_user(request)
    if user.role != "inspector":
        raise HTTPException(403, "forbidden")
    store = store_of(request)
    with store.session() as s:
        region = s.get(m.Region, user.region_id)
        rows = []
        for district in s.scalars(select(m.District).where(m.District.region_id == user.region_id)):
            case = s.scalar(select(m.Case).where(m.Case.district_id == district.id).order_by(m.Case.period.desc()).limit(1))
            if case is None:
                continue
            evaluation = store.evaluate(s, case)
            gaps = [f for f in evaluation.findings if f.verdict.value == "gap"]
            weighted = sum(WEIGHTS.get(f.severity.value, 1) for f in gaps)
            missing = sum(1 for f in evaluation.findings if f.verdict.value == "insufficient_facts")
            rows.append({"district": district, "case": case, "weighted": weighted, "gaps": len(gaps), "missing": missing})
        rows.sort(key=lambda r: (-r["weighted"], -r["missing"], r["district"].name))
        case_ids = [r["case"].id for r in rows]
        pending = list(s.scalars(select(m.Waiver).where(m.Waiver.case_id.in_(case_ids), m.Waiver.status == "pending")))
        verified = {(v.case_id, v.fact) for v in s.scalars(select(m.Verification).where(m.Verification.case_id.in_(case_ids)))}
        submitted = {r["case"].id: r for r in rows if r["case"].status == m.CASE_SUBMITTED}
        queue = [(submitted[f.case_id], f) for f in s.scalars(select(m.Fact).where(m.Fact.case_id.in_(list(submitted)),
                                                                                    m.Fact.of_department_id.is_(None))
                                                                .order_by(m.Fact.case_id, m.Fact.key))
                 if (f.case_id, f.key) not in verified and f.value is not None][:200]
        cases = {r["case"].id: r for r in rows}
        return render(request, "region.html", region=region, rows=rows, pending=pending, cases=cases, queue=queue,
                      vocabulary=bridge.vocabulary())


async def verify_fact(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    key = request.path_params["key"]
    form = await form_checked(request)
    with store.session() as s, s.begin():
        district, case = load_case(s, request, user)
        perm.inspector_of(user, district)
        spec = bridge.vocabulary().get(key)
        if spec is None or spec.type is bridge.FactType.RECORDS:
            raise HTTPException(404, "not_found")
        raw = str(form.get("value", "")).strip()
        value, problems = bridge.validate_fact(key, raw or None, None, {})
        if problems or value is None:
            raise HTTPException(400, "bad_request")
        note = str(form.get("note", "")).strip()[:2000] or None
        existing = s.scalar(select(m.Verification).where(m.Verification.case_id == case.id, m.Verification.fact == key,
                                                         m.Verification.record.is_(None)))
        before = None
        if existing is not None:
            before = {"value": existing.value, "note": existing.note}
            existing.value, existing.note, existing.inspector, existing.date = value, note, user.name, dt.date.today()
        else:
            s.add(m.Verification(case_id=case.id, fact=key, value=value, inspector=user.name, date=dt.date.today(), note=note))
        store.audit(s, case, user, "verify", key, before, {"value": value, "note": note})
    back = request.query_params.get("back") or f"/d/{district.id}/{case.period}/domain/{bridge.domain_of_fact(key)}"
    return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/", 303)


async def request_waiver(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    form = await form_checked(request)
    with store.session() as s, s.begin():
        district, case = load_case(s, request, user)
        perm.coordinator_of(user, district)
        rid = str(form.get("requirement", "")).strip()
        justification = str(form.get("justification", "")).strip()[:4000]
        try:
            expires = dt.date.fromisoformat(str(form.get("expires", "")).strip())
        except ValueError:
            raise HTTPException(400, "bad_request") from None
        if bridge.catalogue().requirement(rid) is None or not justification:
            raise HTTPException(400, "bad_request")
        requester = f"{district.name}司法局（{user.name}）"
        s.add(m.Waiver(case_id=case.id, requirement=rid, justification=justification, requested_by=requester,
                       requested_by_user=user.id, expires=expires, status="pending"))
        store.audit(s, case, user, "waiver-request", rid, None, {"justification": justification, "expires": expires.isoformat()})
    return RedirectResponse(f"/d/{district.id}/{case.period}", 303)


async def decide_waiver(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    form = await form_checked(request)
    decision = str(form.get("decision", ""))
    with store.session() as s, s.begin():
        waiver = s.get(m.Waiver, _int(request.path_params["waiver"]))
        if waiver is None:
            raise HTTPException(404, "not_found")
        case = s.get(m.Case, waiver.case_id)
        district = s.get(m.District, case.district_id)
        perm.inspector_of(user, district)
        approver = f"{(district.region.name if district.region else '')}督察（{user.name}）"
        if waiver.requested_by_user == user.id or waiver.requested_by.strip() == approver:
            raise HTTPException(403, "forbidden")  # the approver is never the requester
        if waiver.status != "pending" or decision not in ("approve", "reject"):
            raise HTTPException(400, "bad_request")
        waiver.status = "approved" if decision == "approve" else "rejected"
        waiver.approved_by, waiver.approved_by_user = approver, user.id
        store.audit(s, case, user, f"waiver-{decision}", waiver.requirement, {"status": "pending"}, {"status": waiver.status})
    return RedirectResponse("/region", 303)


async def compare_years(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    with store.session() as s:
        district = s.get(m.District, _int(request.path_params["district"]))
        if district is None:
            raise HTTPException(404, "not_found")
        perm.view_district(user, district)
        cases = list(s.scalars(select(m.Case).where(m.Case.district_id == district.id).order_by(m.Case.period)))
        table: dict[str, dict[int, str]] = {}
        for case in cases:
            for rid, verdict in _requirement_verdicts(store.evaluate(s, case)).items():
                table.setdefault(rid, {})[case.period] = verdict
        changed = {rid: row for rid, row in table.items() if len(set(row.values())) > 1 or len(row) < len(cases)}
        return render(request, "compare.html", district=district, cases=cases, table=table, changed=changed,
                      catalogue=bridge.catalogue())


async def manage_page(request: Request) -> Response:
    user = require_user(request)
    with store_of(request).session() as s:
        district = s.get(m.District, _int(request.path_params["district"]))
        if district is None:
            raise HTTPException(404, "not_found")
        perm.coordinator_of(user, district)
        departments = list(s.scalars(select(m.Department).where(m.Department.district_id == district.id)))
        users = list(s.scalars(select(m.User).where(m.User.district_id == district.id).order_by(m.User.name)))
        return render(request, "manage.html", district=district, departments=departments, users=users,
                      domains=bridge.domains())


async def add_department(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    form = await form_checked(request)
    with store.session() as s, s.begin():
        district = s.get(m.District, _int(request.path_params["district"]))
        if district is None:
            raise HTTPException(404, "not_found")
        perm.coordinator_of(user, district)
        code, name = str(form.get("code", "")).strip()[:100], str(form.get("name", "")).strip()[:200]
        chosen = [d for d in form.getlist("domains") if bridge.domain(str(d))]
        if not code or not name or s.scalar(select(m.Department).where(m.Department.district_id == district.id,
                                                                      m.Department.code == code)):
            raise HTTPException(400, "bad_request")
        s.add(m.Department(district_id=district.id, code=code, name=name, kind=str(form.get("kind") or "行政执法机关")[:100],
                           domains=chosen))
        s.add(m.AuditEntry(district_id=district.id, user=user.name, action="department-add", target=name,
                           before=None, after={"code": code, "domains": chosen}))
    return RedirectResponse(f"/d/{district.id}/manage", 303)


async def add_district_user(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    form = await form_checked(request)
    with store.session() as s:
        district = s.get(m.District, _int(request.path_params["district"]))
        if district is None:
            raise HTTPException(404, "not_found")
        perm.coordinator_of(user, district)
        dept = s.get(m.Department, _int(str(form.get("department", "x")))) if str(form.get("department", "")).isdigit() else None
        if dept is None or dept.district_id != district.id:
            raise HTTPException(400, "bad_request")
        name = district.name
    _add_user(store, form, "department", name, dept.code, None, user)
    return RedirectResponse(f"/d/{district.id}/manage", 303)


def _add_user(store: Any, form: Any, role: str, district: str | None, department: str | None, region: str | None,
              actor: m.User) -> None:
    from fazhi.errors import FazhiError
    name, password = str(form.get("username", "")).strip()[:100], str(form.get("password", ""))[:1000]
    if not name:
        raise HTTPException(400, "bad_request")
    try:
        store.add_user(name, password, role, district, department, region)
    except FazhiError:
        raise HTTPException(400, "bad_request") from None


async def admin_page(request: Request) -> Response:
    user = require_user(request)
    perm.admin(user)
    with store_of(request).session() as s:
        return render(request, "admin.html", regions=list(s.scalars(select(m.Region).order_by(m.Region.name))),
                      users=list(s.scalars(select(m.User).order_by(m.User.name))),
                      districts=list(s.scalars(select(m.District).order_by(m.District.name))))


async def admin_add_user(request: Request) -> Response:
    user = require_user(request)
    perm.admin(user)
    form = await form_checked(request)
    role = str(form.get("role", ""))
    if role not in ("coordinator", "inspector", "admin"):
        raise HTTPException(400, "bad_request")
    _add_user(store_of(request), form, role, str(form.get("district", "")).strip() or None, None,
              str(form.get("region", "")).strip() or None, user)
    return RedirectResponse("/admin", 303)


async def admin_add_region(request: Request) -> Response:
    user = require_user(request)
    perm.admin(user)
    form = await form_checked(request)
    name = str(form.get("name", "")).strip()[:200]
    with store_of(request).session() as s, s.begin():
        if not name or s.scalar(select(m.Region).where(m.Region.name == name)):
            raise HTTPException(400, "bad_request")
        s.add(m.Region(name=name))
        s.add(m.AuditEntry(user=user.name, action="region-add", target=name, before=None, after=None))
    return RedirectResponse("/admin", 303)


def routes() -> list[Route]:
    base = "/d/{district}/{period}"
    return [
        Route("/region", region_page),
        Route(base + "/verify/{key}", verify_fact, methods=["POST"]),
        Route(base + "/waivers", request_waiver, methods=["POST"]),
        Route("/waivers/{waiver}/decide", decide_waiver, methods=["POST"]),
        Route("/d/{district}/compare/years", compare_years),
        Route("/d/{district}/manage", manage_page),
        Route("/d/{district}/manage/departments", add_department, methods=["POST"]),
        Route("/d/{district}/manage/users", add_district_user, methods=["POST"]),
        Route("/admin", admin_page), Route("/admin/users", admin_add_user, methods=["POST"]),
        Route("/admin/regions", admin_add_region, methods=["POST"]),
    ]
