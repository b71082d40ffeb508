"""District pages: home, a form per domain, fact saves, uploads, documents, submission, audit log."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from fazhi.web import engine_bridge as bridge
from fazhi.web import models as m
from fazhi.web import permissions as perm
from fazhi.web.app import form_checked, lang_of, render, require_user, store_of
from fazhi.web.uploads import ALLOWED, MAX_BYTES, MEDIA, sniff

SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2, "advisory": 3}
VERDICTS = ("gap", "insufficient_facts", "met", "waived", "not_applicable")
_ID = re.compile(r"\d{1,9}")


def _int(text: str) -> int:
    if not _ID.fullmatch(text):
        raise HTTPException(404, "not_found")
    return int(text)


def load_case(s: Session, request: Request, user: m.User) -> tuple[m.District, m.Case]:
    """The district and case named in the URL: 404 when unknown, 403 when not the user's."""
    district = s.get(m.District, _int(request.path_params["district"]))
    if district is None:
        raise HTTPException(404, "not_found")
    perm.view_district(user, district)
    case = s.scalar(select(m.Case).where(m.Case.district_id == district.id,
                                         m.Case.period == _int(request.path_params["period"])))
    if case is None:
        raise HTTPException(404, "not_found")
    return district, case


def departments_of(s: Session, district_id: int) -> list[m.Department]:
    return list(s.scalars(select(m.Department).where(m.Department.district_id == district_id).order_by(m.Department.id)))


async def index(request: Request) -> Response:
    user = require_user(request)
    if user.role == "admin":
        return RedirectResponse("/admin", 303)
    if user.role == "inspector":
        return RedirectResponse("/region", 303)
    return RedirectResponse(f"/d/{user.district_id}", 303)


async def district_page(request: Request) -> Response:
    user = require_user(request)
    with store_of(request).session() as s:
        district = s.get(m.District, _int(request.path_params["district"]))
        if district is None:
            raise HTTPException(404, "not_found")
        perm.view_district(user, district)
        latest = s.scalar(select(func.max(m.Case.period)).where(m.Case.district_id == district.id))
        if latest is None:
            raise HTTPException(404, "not_found")
    return RedirectResponse(f"/d/{district.id}/{latest}", 303)


def verdict_summary(evaluation: Any) -> tuple[Counter[str], list[Any]]:
    counts = Counter(f.verdict.value for f in evaluation.findings)
    gaps = sorted((f for f in evaluation.findings if f.verdict.value == "gap"),
                  key=lambda f: (SEVERITY_ORDER.get(f.severity.value, 9), f.requirement))
    return counts, gaps


def department_progress(s: Session, case: m.Case, departments: list[m.Department]) -> dict[int, str]:
    """Each department's progress: submitted (in the app, or reported in an imported case folder), in
    progress (has filled something), or not started; a withheld one (`submitted: false`) is not submitted."""
    filled = Counter(d for d in s.scalars(select(m.Fact.department_id).where(m.Fact.case_id == case.id)) if d)
    submitted = {p.department_id for p in s.scalars(select(m.DepartmentProgress).where(m.DepartmentProgress.case_id == case.id))
                 if p.submitted_at is not None and not p.withheld}
    return {d.id: "dept_submitted" if d.id in submitted else "in_progress" if filled[d.id] else "not_started"
            for d in departments}


async def case_home(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    with store.session() as s:
        district, case = load_case(s, request, user)
        departments = departments_of(s, district.id)
        evaluation = store.evaluate(s, case)
        counts, gaps = verdict_summary(evaluation)
        progress = department_progress(s, case, departments)
        # 未报送 as the engine judges it: listed in the case's departments without facts, or withheld
        not_reported = {d.id for d in evaluation.case.departments if not d.submitted}
        periods = list(s.scalars(select(m.Case.period).where(m.Case.district_id == district.id).order_by(m.Case.period)))
        waivers = list(s.scalars(select(m.Waiver).where(m.Waiver.case_id == case.id).order_by(m.Waiver.id)))
        from fazhi.evaluate.unevenness import statements
        return render(request, "case.html", district=district, case=case, departments=departments, progress=progress,
                      matrix=department_matrix(evaluation), uneven=statements(evaluation, lang_of(request)),
                      dept_base={d.id: department_base(district, case, d) for d in departments},
                      not_reported=not_reported,
                      counts=counts, verdicts=VERDICTS, gaps=gaps, domains=bridge.domains(), periods=periods,
                      deadline=dt.date(case.period + 1, 3, 1), waivers=waivers,
                      owners={d.id: perm.fact_owner(departments, d.facts[0].key) for d in bridge.domains() if d.facts},
                      catalogue=bridge.catalogue())


def _fact_rows(s: Session, case: m.Case, department_id: int | None = None) -> dict[str, m.Fact]:
    """The district's own facts (department_id None), or one department's own facts."""
    return {f.key: f for f in s.scalars(select(m.Fact).where(m.Fact.case_id == case.id,
                                                             m.Fact.of_department_id.is_(None) if department_id is None
                                                             else m.Fact.of_department_id == department_id))}


def _requirement_verdicts(evaluation: Any) -> dict[str, str]:
    """requirement id → its worst verdict now (a per-record requirement has one finding per record)."""
    rank = {v: i for i, v in enumerate(VERDICTS)}
    out: dict[str, str] = {}
    for f in evaluation.findings:
        v = f.verdict.value
        if f.requirement not in out or rank[v] < rank[out[f.requirement]]:
            out[f.requirement] = v
    return out


def department_of(s: Session, district: m.District, code: str) -> m.Department:
    """The district's department named by its code in the URL (404 when it has none of that code)."""
    dept = s.scalar(select(m.Department).where(m.Department.district_id == district.id, m.Department.code == code))
    if dept is None:
        raise HTTPException(404, "not_found")
    return dept


def department_base(district: m.District, case: m.Case, dept: m.Department | None) -> str:
    from urllib.parse import quote
    base = f"/d/{district.id}/{case.period}"
    return base + f"/dept/{quote(dept.code, safe='')}" if dept is not None else base


def department_verdicts(evaluation: Any, code: str) -> dict[str, str]:
    """requirement id → one department's verdict on it (its own findings, as the engine judged them)."""
    from fazhi.evaluate.departments import department_verdict
    mine: dict[str, list[Any]] = {}
    for f in evaluation.department_findings:
        if f.department == code:
            mine.setdefault(f.requirement, []).append(f)
    return {rid: department_verdict(found).value for rid, found in mine.items()}


@dataclass(frozen=True)
class DepartmentMatrix:
    """Departments × per-department requirements: each cell the department's verdict (None: not its kind)."""

    requirements: tuple[Any, ...]
    departments: tuple[Any, ...]  # the engine's departments of the case, in its order
    cells: dict[tuple[str, str], str]
    district: dict[str, str]  # requirement id → the district's finding made from the departments'


def department_matrix(evaluation: Any) -> DepartmentMatrix | None:
    if not evaluation.department_findings:
        return None
    from fazhi.evaluate.departments import department_verdict
    grouped: dict[tuple[str, str], list[Any]] = {}
    for f in evaluation.department_findings:
        grouped.setdefault((f.requirement, f.department), []).append(f)
    ids = {rid for rid, _ in grouped}
    requirements = tuple(r for r in evaluation.catalogue.requirements if r.id in ids)
    cells = {key: department_verdict(found).value for key, found in grouped.items()}
    district = {f.requirement: f.verdict.value for f in evaluation.findings if f.requirement in ids}
    return DepartmentMatrix(requirements, tuple(evaluation.case.departments), cells, district)


async def domain_form(request: Request, errors: dict[str, Any] | None = None, status: int = 200) -> Response:
    """A domain's questions: the district's own (scope district or both), or, under /dept/{code}/, that
    department's own (scope department or both) with its verdicts beside them."""
    user = require_user(request)
    store = store_of(request)
    domain = bridge.domain(request.path_params["domain"])
    code = request.path_params.get("code")
    with store.session() as s:
        district, case = load_case(s, request, user)
        dept = department_of(s, district, code) if code is not None else None
        if domain is None:
            raise HTTPException(404, "not_found")
        departments = departments_of(s, district.id)
        evaluation = store.evaluate(s, case)
        verdict_now = _requirement_verdicts(evaluation)
        uploads: dict[str, list[m.Upload]] = {}
        rolled: dict[str, str] = {}
        if dept is None:
            facts = [f for f in domain.facts if perm.district_scoped(f.key)]
            owner = perm.fact_owner(departments, domain.facts[0].key) if domain.facts else None
            editable = {f.key: perm.may_edit_fact(user, case, f.key, departments) for f in facts}
            for u in s.scalars(select(m.Upload).where(m.Upload.case_id == case.id).order_by(m.Upload.id)):
                uploads.setdefault(u.fact, []).append(u)
            for f in domain.facts:  # what the departments' own figures add up to now (records: how many)
                if f.rollup is not None and (f.key in evaluation.case.rolled_up or not perm.district_scoped(f.key)):
                    value = evaluation.case.facts.get(f.key) if f.key in evaluation.case.rolled_up else None
                    rolled[f.key] = "" if value is None else (f"{len(value.value)}" if isinstance(value.value, tuple)
                                                              else _text(value.value))
        else:
            facts = [f for f in domain.facts if perm.department_scoped(f.key)]
            owner = dept
            editable = {f.key: perm.may_edit_department_fact(user, case, dept, f.key) for f in facts}
            verdict_now.update(department_verdicts(evaluation, dept.code))
        rows = _fact_rows(s, case, dept.id if dept else None)
        verified = {v.fact for v in s.scalars(select(m.Verification).where(m.Verification.case_id == case.id))}
        return render(request, "domain.html", status, district=district, case=case, domain=domain, rows=rows, owner=owner,
                      facts=facts, department=dept, fact_base=department_base(district, case, dept), rolled=rolled,
                      rolled_only=[k for k in rolled if not perm.district_scoped(k)],
                      specs=bridge.vocabulary(), editable=editable,
                      reading=bridge.requirements_reading(), verdict_now=verdict_now,
                      errors=errors or {}, uploads=uploads, verified=verified, FactType=bridge.FactType,
                      shown=lambda spec, row: shown_value(spec, row), saved=request.query_params.get("saved"))


def shown_value(spec: Any, row: m.Fact | None) -> Any:
    """The form's value of a fact: text for scalars, rows (dicts of text) for records."""
    if row is None or row.value is None:
        return [] if spec.type is bridge.FactType.RECORDS else ""
    if spec.type is bridge.FactType.RECORDS:
        return [{"id": r["id"], **{k: _text(v) for k, v in r["fields"].items()},
                 **({"department": r["department"]} if r.get("department") else {})} for r in row.value]
    if spec.type is bridge.FactType.BOOL:
        return "是" if row.value else "否"
    return _text(row.value)


def _text(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "" if value is None else str(value)


def _form_raw(spec: Any, form: Any) -> Any:
    """The fact's raw value from the form: text (None when blank) or a list of record mappings."""
    if spec.type is not bridge.FactType.RECORDS:
        text = str(form.get("value", "")).strip()
        return text or None
    rows = []
    count = min(int(form.get("rows", "0")) if str(form.get("rows", "0")).isdigit() else 0, 1000)
    for i in range(count):
        rid = str(form.get(f"r{i}.id", "")).strip()
        if not rid or form.get(f"r{i}.delete"):
            continue
        row: dict[str, Any] = {"id": rid}
        department = str(form.get(f"r{i}.department", "")).strip()
        if department:  # a district record naming the department it came from keeps it
            row["department"] = department
        for f in spec.fields:
            text = str(form.get(f"r{i}.{f.name}", "")).strip()
            if text:
                row[f.name] = text
        rows.append(row)
    return rows or None


def _form_evidence(form: Any) -> dict[str, str] | None:
    evidence = {k: str(form.get(f"ev.{k}", "")).strip()[:10_000] for k in bridge.EVIDENCE_KEYS}
    evidence = {k: v for k, v in evidence.items() if v}
    return evidence or None


async def save_fact(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    key = request.path_params["key"]
    spec = bridge.vocabulary().get(key)
    form = await form_checked(request)
    version_text = str(form.get("version", ""))
    if not version_text.isdigit():
        raise HTTPException(400, "bad_request")
    with store.session() as s, s.begin():
        district, case = load_case(s, request, user)
        if spec is None:
            raise HTTPException(404, "not_found")
        departments = departments_of(s, district.id)
        perm.edit_fact(user, case, key, departments)
        department = next((d for d in departments if d.id == user.department_id), None)
        result = store.save_fact(s, case, user, key, _form_raw(spec, form), _form_evidence(form), int(version_text),
                                 department)
        if result.conflict is not None:
            theirs = result.conflict
            return render(request, "conflict.html", 409, district=district, case=case, spec=spec,
                          theirs=theirs, mine=result.mine, domain=bridge.domain_of_fact(key))
    if result.problems:  # nothing was written: validation comes before any change
        request.state.form = form
        errors = {key: [(p.field, p.message) for p in result.problems]}
        return await domain_form_for(request, bridge.domain_of_fact(key), errors)
    return RedirectResponse(f"/d/{district.id}/{case.period}/domain/{bridge.domain_of_fact(key)}?saved={key}#{key}", 303)


async def save_department_fact(request: Request) -> Response:
    """A department's own fact, saved by that department's filler (403 for anyone else, nothing changed)."""
    user = require_user(request)
    store = store_of(request)
    key = request.path_params["key"]
    spec = bridge.vocabulary().get(key)
    form = await form_checked(request)
    version_text = str(form.get("version", ""))
    if not version_text.isdigit():
        raise HTTPException(400, "bad_request")
    with store.session() as s, s.begin():
        district, case = load_case(s, request, user)
        dept = department_of(s, district, request.path_params["code"])
        if spec is None:
            raise HTTPException(404, "not_found")
        perm.edit_department_fact(user, case, dept, key)
        result = store.save_fact(s, case, user, key, _form_raw(spec, form), _form_evidence(form), int(version_text),
                                 dept, owner=dept)
        if result.conflict is not None:
            return render(request, "conflict.html", 409, district=district, case=case, spec=spec,
                          theirs=result.conflict, mine=result.mine, domain=bridge.domain_of_fact(key),
                          back_base=department_base(district, case, dept))
        base = department_base(district, case, dept)
    if result.problems:
        request.state.form = form
        errors = {key: [(p.field, p.message) for p in result.problems]}
        return await domain_form_for(request, bridge.domain_of_fact(key), errors)
    return RedirectResponse(f"{base}/domain/{bridge.domain_of_fact(key)}?saved={key}#{key}", 303)


async def department_page(request: Request) -> Response:
    """One department's part: its forms (domains with department-scoped questions), progress and verdicts."""
    user = require_user(request)
    store = store_of(request)
    with store.session() as s:
        district, case = load_case(s, request, user)
        dept = department_of(s, district, request.path_params["code"])
        evaluation = store.evaluate(s, case)
        forms = [d for d in bridge.domains() if any(perm.department_scoped(f.key) for f in d.facts)]
        own = _fact_rows(s, case, dept.id)
        verdicts = department_verdicts(evaluation, dept.code)
        findings = [f for f in evaluation.department_findings if f.department == dept.code]
        engine_dept = evaluation.case.department(dept.code)
        progress = department_progress(s, case, [dept])[dept.id]
        return render(request, "department.html", district=district, case=case, department=dept, forms=forms,
                      own=own, verdicts=verdicts, findings=findings, engine_dept=engine_dept, progress=progress,
                      base=department_base(district, case, dept), catalogue=bridge.catalogue(),
                      may_edit=user.role == "department" and user.department_id == dept.id)


async def domain_form_for(request: Request, domain_id: str | None, errors: dict[str, Any]) -> Response:
    request.scope["path_params"] = {**request.path_params, "domain": domain_id or ""}
    return await domain_form(request, errors, 400)


async def upload(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    key = request.path_params["key"]
    form = await form_checked(request)
    file = form.get("file")
    lang = lang_of(request)
    with store.session() as s, s.begin():
        district, case = load_case(s, request, user)
        if key not in bridge.vocabulary():
            raise HTTPException(404, "not_found")
        departments = departments_of(s, district.id)
        perm.edit_fact(user, case, key, departments)
        if file is None or isinstance(file, str):
            raise HTTPException(400, "bad_request")
        data = await file.read(MAX_BYTES + 1)
        from fazhi.web import i18n
        if len(data) > MAX_BYTES:
            return render(request, "error.html", 413, message=i18n.t(lang, "upload_too_big", mb=MAX_BYTES // 2**20))
        kind = sniff(data[:4096], file.filename or "", data)
        if kind is None or kind not in ALLOWED:
            return render(request, "error.html", 415, message=i18n.t(lang, "upload_bad_type"))
        day = None
        text = str(form.get("evidence_date", "")).strip()
        if text:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise HTTPException(400, "bad_request") from None
        digest = hashlib.sha256(data).hexdigest()
        from fazhi.web.casefolder import stored_name
        target = store.uploads / stored_name(digest, kind)
        if not target.exists():
            partial = target.with_suffix(".partial")
            partial.write_bytes(data)
            partial.replace(target)
        name = re.sub(r"[\x00-\x1f/\\]", "_", (file.filename or f"evidence.{kind}"))[-200:]
        row = m.Upload(case_id=case.id, fact=key, filename=name, kind=kind, sha256=digest, size=len(data),
                       evidence_date=day, uploaded_by=user.name)
        s.add(row)
        s.flush()
        store.audit(s, case, user, "upload", key, None, {"file": name, "sha256": digest, "size": len(data),
                                                        "evidence_date": text or None})
    return RedirectResponse(f"/d/{district.id}/{case.period}/domain/{bridge.domain_of_fact(key)}#{key}", 303)


async def download_upload(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    with store.session() as s:
        row = s.get(m.Upload, _int(request.path_params["upload"]))
        if row is None:
            raise HTTPException(404, "not_found")
        case = s.get(m.Case, row.case_id)
        perm.view_district(user, s.get(m.District, case.district_id))
        from fazhi.web.casefolder import stored_name
        data = (store.uploads / stored_name(row.sha256, row.kind)).read_bytes()
        return _attachment(data, MEDIA[row.kind], row.filename)


def _attachment(data: bytes, media: str, name: str) -> Response:
    from urllib.parse import quote
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "download"
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"})


async def documents(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    kind, fmt = request.path_params["kind"], request.path_params["fmt"]
    if kind not in ("report", "memo") or fmt not in bridge.DOCUMENT_TYPES:
        raise HTTPException(404, "not_found")
    lang = lang_of(request)
    with store.session() as s:
        district, case = load_case(s, request, user)
        data = store.document(s, case, kind, fmt, lang)
    name = f"{district.name}-{case.period}-{'gap-report' if kind == 'report' else 'memo'}.{fmt}"
    if request.query_params.get("view") == "1" and fmt == "html":
        from fazhi.web.security import DOCUMENT_CSP
        return Response(data, media_type=bridge.DOCUMENT_TYPES[fmt], headers={"Content-Security-Policy": DOCUMENT_CSP})
    return _attachment(data, bridge.DOCUMENT_TYPES[fmt], name)


async def document_page(request: Request) -> Response:
    user = require_user(request)
    kind = request.path_params["kind"]
    if kind not in ("report", "memo"):
        raise HTTPException(404, "not_found")
    with store_of(request).session() as s:
        district, case = load_case(s, request, user)
        return render(request, "document.html", district=district, case=case, kind=kind)


async def submit_case(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    await form_checked(request)
    with store.session() as s, s.begin():
        district, case = load_case(s, request, user)
        perm.coordinator_of(user, district)
        if case.status != m.CASE_OPEN:
            raise HTTPException(403, "locked")
        case.status, case.submitted_on, case.submitted_by = m.CASE_SUBMITTED, dt.date.today(), user.name
        case.version += 1
        store.audit(s, case, user, "submit", f"{district.name} {case.period}", {"status": "open"}, {"status": "submitted"})
    return RedirectResponse(f"/d/{district.id}/{case.period}", 303)


async def reopen_case(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    form = await form_checked(request)
    reason = str(form.get("reason", "")).strip()[:2000]
    with store.session() as s, s.begin():
        district, case = load_case(s, request, user)
        if not ((user.role == "coordinator" and user.district_id == district.id) or
                (user.role == "inspector" and user.region_id == district.region_id)):
            raise HTTPException(403, "forbidden")
        if case.status != m.CASE_SUBMITTED:
            raise HTTPException(400, "bad_request")
        if not reason:
            raise HTTPException(400, "note_required")
        case.status, case.submitted_on, case.submitted_by = m.CASE_OPEN, None, None
        case.version += 1
        store.audit(s, case, user, "reopen", f"{district.name} {case.period}", {"status": "submitted"},
                    {"status": "open"}, reason)
    return RedirectResponse(f"/d/{district.id}/{case.period}", 303)


async def submit_department(request: Request) -> Response:
    user = require_user(request)
    store = store_of(request)
    await form_checked(request)
    with store.session() as s, s.begin():
        district, case = load_case(s, request, user)
        if user.role != "department" or user.district_id != district.id or case.status != m.CASE_OPEN:
            raise HTTPException(403, "forbidden")
        dept = s.get(m.Department, user.department_id)
        row = s.scalar(select(m.DepartmentProgress).where(m.DepartmentProgress.case_id == case.id,
                                                          m.DepartmentProgress.department_id == dept.id))
        if row is None:
            s.add(m.DepartmentProgress(case_id=case.id, department_id=dept.id, submitted_at=m.utcnow()))
            store.audit(s, case, user, "department-submit", dept.name)
        elif row.submitted_at is None or row.withheld:
            row.submitted_at, row.withheld = row.submitted_at or m.utcnow(), False  # no longer 未报送 to the engine
            store.audit(s, case, user, "department-submit", dept.name)
    return RedirectResponse(f"/d/{district.id}/{case.period}", 303)


async def audit_page(request: Request) -> Response:
    user = require_user(request)
    with store_of(request).session() as s:
        district, case = load_case(s, request, user)
        entries = list(s.scalars(select(m.AuditEntry).where(m.AuditEntry.district_id == district.id)
                                 .order_by(m.AuditEntry.id.desc()).limit(500)))
        return render(request, "audit.html", district=district, case=case, entries=entries)


def routes() -> list[Route]:
    base = "/d/{district}/{period}"
    return [
        Route("/", index), Route("/d/{district}", district_page), Route(base, case_home),
        Route(base + "/domain/{domain}", domain_form),
        Route(base + "/fact/{key}", save_fact, methods=["POST"]),
        Route(base + "/fact/{key}/upload", upload, methods=["POST"]),
        Route(base + "/dept/{code}", department_page),
        Route(base + "/dept/{code}/domain/{domain}", domain_form),
        Route(base + "/dept/{code}/fact/{key}", save_department_fact, methods=["POST"]),
        Route("/uploads/{upload}", download_upload),
        Route(base + "/{kind}.{fmt}", documents), Route(base + "/view/{kind}", document_page),
        Route(base + "/submit", submit_case, methods=["POST"]), Route(base + "/reopen", reopen_case, methods=["POST"]),
        Route(base + "/department-submit", submit_department, methods=["POST"]),
        Route(base + "/audit", audit_page),
    ]
