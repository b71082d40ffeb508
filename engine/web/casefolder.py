"""A case in the database ⇄ a case folder in the format of cases/ (the backup, and the way in).

    facts.yaml           case (district, period, submitted) and every fact with its evidence
    verifications.yaml   the inspectors' verified values (only when there are some)
    waivers.yaml         approved waivers (only when there are some)
                         with `departments:`: each department taking part in the case (id = its code,
                         name, kind, `submitted: false` when withheld) with its own facts and records,
                         which the engine rolls up to the district as `fazhi check` does
    departments.yaml     what only the app keeps of the district's departments: the questionnaire domains
                         each fills, the district facts each filled, when each submitted in the app
    evidence/index.yaml  uploaded evidence files: fact, name, sha256, size, evidence date, upload date;
                         the files themselves beside it as evidence/<sha256>.<type>

Importing reads every file with the engine's own loaders, so a folder the CLI rejects is rejected here
too, with the same messages. Export → import → export gives the same files (tests/test_web_casefolder.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from fazhi.errors import InputError, Location, Problem
from fazhi.web import engine_bridge as bridge
from fazhi.web import models as m


# libyaml's emitter when PyYAML was built with it: the pure-Python emitter was a quarter of a fact save's
# time (every save re-writes the case as YAML for the engine's own loader).
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _decimal(dumper: Any, value: Decimal) -> yaml.Node:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def case_files(session: Session, case: m.Case) -> dict[str, str]:
    """The text files of the case folder (without evidence/ and departments.yaml): what `assess` reads."""
    vocabulary = bridge.vocabulary()
    district = case.district
    meta: dict[str, Any] = {"district": {k: v for k, v in (("name", district.name), ("level", district.level),
                                                           ("parent", district.parent)) if v}}
    meta["period"] = case.period
    if case.submitted_on or case.submitted_by:
        meta["submitted"] = {k: v for k, v in (("date", case.submitted_on), ("by", case.submitted_by)) if v}
    facts: dict[str, Any] = {}
    own: dict[int, dict[str, Any]] = {}  # department id → its own facts
    for fact in session.scalars(select(m.Fact).where(m.Fact.case_id == case.id).order_by(m.Fact.key)):
        spec = vocabulary.get(fact.key)
        if spec is None or fact.value is None:
            continue
        body = "records" if spec.type is bridge.FactType.RECORDS else "value"
        item: dict[str, Any] = {body: bridge.yaml_value(spec, fact.value)}
        if fact.evidence:
            item["evidence"] = dict(fact.evidence)
        (facts if fact.of_department_id is None else own.setdefault(fact.of_department_id, {}))[fact.key] = item
    data: dict[str, Any] = {"case": meta, "facts": facts}
    departments = case_departments(session, case, own)
    if departments:
        data["departments"] = departments
    files = {"facts.yaml": dump(data)}
    checks = []
    for v in session.scalars(select(m.Verification).where(m.Verification.case_id == case.id).order_by(m.Verification.id)):
        spec = vocabulary[v.fact]
        entry: dict[str, Any] = {"fact": v.fact}
        if v.record is not None:
            entry["record"], entry["field"] = v.record, v.field
        entry.update(value=bridge.decode(bridge.field_type(spec, v.field), v.value), inspector=v.inspector, date=v.date)
        if v.note:
            entry["note"] = v.note
        checks.append(entry)
    if checks:
        files["verifications.yaml"] = dump({"verifications": checks})
    approved = []
    for w in session.scalars(select(m.Waiver).where(m.Waiver.case_id == case.id, m.Waiver.status == "approved")
                             .order_by(m.Waiver.id)):
        entry = {"requirement": w.requirement, "district": district.name}
        if w.record:
            entry["record"] = w.record
        entry.update(justification=w.justification, requested_by=w.requested_by, approved_by=w.approved_by,
                     expires=w.expires)
        approved.append(entry)
    if approved:
        files["waivers.yaml"] = dump({"waivers": approved})
    return files


def case_departments(session: Session, case: m.Case, own: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The case's `departments:`: every department with a progress row in the case or facts of its own, in
    the order they were added; one without facts is 未报送 to the engine (its requirements insufficient)."""
    progress = {p.department_id: p for p in
                session.scalars(select(m.DepartmentProgress).where(m.DepartmentProgress.case_id == case.id))}
    taking_part = {d for d, p in progress.items() if p.listed} | set(own)
    if not taking_part:
        return []
    out = []
    for d in session.scalars(select(m.Department).where(m.Department.id.in_(taking_part)).order_by(m.Department.id)):
        entry: dict[str, Any] = {"id": d.code, "name": d.name, "kind": d.kind}
        row = progress.get(d.id)
        if row is not None and row.withheld:
            entry["submitted"] = False
        if d.id in own:
            entry["facts"] = own[d.id]
        out.append(entry)
    return out


def export_case(session: Session, case: m.Case, out: str | os.PathLike[str], uploads: Path) -> Path:
    """Write the case folder to `out`, which must not exist yet or be empty (nothing is overwritten)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise InputError([Problem(Location(str(out)), "the folder exists and is not empty",
                                  suggestion="export into a new folder")])
    files = case_files(session, case)
    departments = _departments_data(session, case)
    if departments:
        files["departments.yaml"] = dump(departments)
    index = [_upload_data(u) for u in session.scalars(select(m.Upload).where(m.Upload.case_id == case.id).order_by(m.Upload.id))]
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, text in files.items():
        (staging / name).write_text(text, encoding="utf-8")
    if index:
        (staging / "evidence").mkdir()
        (staging / "evidence" / "index.yaml").write_text(dump({"evidence": index}), encoding="utf-8")
        for entry in index:
            shutil.copyfile(uploads / entry["file"], staging / "evidence" / entry["file"])
    if out.exists():
        out.rmdir()
    staging.rename(out)  # the folder appears whole or not at all
    return out


def _departments_data(session: Session, case: m.Case) -> dict[str, Any] | None:
    depts = session.scalars(select(m.Department).where(m.Department.district_id == case.district_id)
                            .order_by(m.Department.id)).all()
    if not depts:
        return None
    filled: dict[int, list[str]] = {}
    for key, dept in session.execute(select(m.Fact.key, m.Fact.department_id).where(
            m.Fact.case_id == case.id, m.Fact.of_department_id.is_(None)).order_by(m.Fact.key)):
        if dept is not None:
            filled.setdefault(dept, []).append(key)
    submitted = {p.department_id: p.submitted_at for p in
                 session.scalars(select(m.DepartmentProgress).where(m.DepartmentProgress.case_id == case.id))
                 if p.submitted_at is not None}
    out = []
    for d in depts:
        entry: dict[str, Any] = {"id": d.code, "name": d.name, "kind": d.kind, "domains": list(d.domains or [])}
        if filled.get(d.id):
            entry["facts"] = filled[d.id]
        if submitted.get(d.id):
            entry["submitted_at"] = submitted[d.id].isoformat(timespec="seconds")
        out.append(entry)
    return {"departments": out}


def _upload_data(u: m.Upload) -> dict[str, Any]:
    entry: dict[str, Any] = {"fact": u.fact, "file": stored_name(u.sha256, u.kind), "name": u.filename,
                             "sha256": u.sha256, "size": u.size}
    if u.evidence_date:
        entry["evidence_date"] = u.evidence_date
    entry["uploaded_at"] = u.uploaded_at.isoformat(timespec="seconds")
    if u.uploaded_by:
        entry["uploaded_by"] = u.uploaded_by
    return entry


def stored_name(sha256: str, kind: str) -> str:
    return f"{sha256}.{kind}"


# --- import ---------------------------------------------------------------------------------------

def import_case(session: Session, folder: str | os.PathLike[str], uploads: Path, user: str = "import") -> m.Case:
    """Add the case folder to the database in one transaction (the caller commits); refuses a case that
    is there already. Every file is read by the engine's loader first: any problem raises InputError."""
    from fazhi.checks.verifications import case_verifications_file, load_verifications
    from fazhi.checks.waivers import case_waivers_file, load_waivers
    from fazhi.load.facts_loader import load_case
    from fazhi.evaluate.assess import CASE_FILES
    from fazhi.load.reading import confine_case
    folder = str(folder)
    confine_case(folder, CASE_FILES + ("departments.yaml", "evidence/index.yaml"))  # a district's files, not /etc/passwd
    vocabulary = bridge.vocabulary()
    loaded = load_case(folder, vocabulary)
    checks = load_verifications(case_verifications_file(folder), vocabulary)
    waivers = load_waivers(case_waivers_file(folder), bridge.catalogue())
    district = session.scalar(select(m.District).where(m.District.name == loaded.district.name))
    if district is None:
        region = None
        if loaded.district.parent:
            region = session.scalar(select(m.Region).where(m.Region.name == loaded.district.parent))
            if region is None:
                region = m.Region(name=loaded.district.parent)
                session.add(region)
        district = m.District(name=loaded.district.name, level=loaded.district.level, parent=loaded.district.parent,
                              region=region)
        session.add(district)
        session.flush()
    elif session.scalar(select(m.Case).where(m.Case.district_id == district.id, m.Case.period == loaded.period)):
        raise InputError([Problem(Location(folder), f"{district.name} {loaded.period} is already in the database",
                                  suggestion="export it first if you mean to replace it")])
    case = m.Case(district_id=district.id, period=loaded.period, submitted_on=loaded.submitted_on,
                  submitted_by=loaded.submitted_by, status=m.CASE_SUBMITTED if loaded.submitted_on else m.CASE_OPEN)
    session.add(case)
    session.flush()
    dept_ids = _import_case_departments(session, district, case, loaded, folder)
    owners = _import_departments(session, district, case, Path(folder) / "departments.yaml")
    now = m.utcnow()
    # the district's own facts only: the roll-up of the departments' is the engine's, made again when read
    district_facts = _district_facts(folder, vocabulary) if loaded.departments else loaded.facts
    for key, fact in district_facts.items():
        row = m.Fact(case_id=case.id, key=key, value=bridge.encode_fact(vocabulary[key], fact),
                     evidence=bridge.evidence_data(fact.evidence), department_id=owners.get(key), version=1,
                     updated_at=now, updated_by=user)
        session.add(row)
    for dept in loaded.departments:
        for key, fact in dept.facts.items():
            session.add(m.Fact(case_id=case.id, key=key, value=bridge.encode_fact(vocabulary[key], fact, dept.id),
                               evidence=bridge.evidence_data(fact.evidence), department_id=dept_ids[dept.id],
                               of_department_id=dept_ids[dept.id], version=1, updated_at=now, updated_by=user))
    for v in checks:
        session.add(m.Verification(case_id=case.id, fact=v.fact, record=v.record, field=v.record_field,
                                   value=bridge.encode(bridge.field_type(vocabulary[v.fact], v.record_field), v.value),
                                   inspector=v.inspector, date=v.date, note=v.note))
    for w in waivers:
        session.add(m.Waiver(case_id=case.id, requirement=w.requirement, record=w.record, justification=w.justification,
                             requested_by=w.requested_by, approved_by=w.approved_by, expires=w.expires, status="approved"))
    _import_evidence(session, case, Path(folder) / "evidence", uploads)
    session.add(m.AuditEntry(district_id=district.id, case_id=case.id, user=user, action="import-case",
                             target=folder, before=None, after={"facts": len(district_facts), "departments": {
                                 d.id: len(d.facts) for d in loaded.departments} or None}))
    session.flush()
    return case


def _district_facts(folder: str, vocabulary: Any) -> dict[str, Any]:
    """The facts the district gave itself (facts.yaml `facts:`), without what its departments roll up to.
    The case was read whole by load_case first, so this reading finds no problem."""
    from fazhi.load.facts_loader import facts_file, parse_fact_values
    from fazhi.load.schema import Reader
    from fazhi.load.yamlio import load_file
    reader = Reader(load_file(facts_file(folder)))
    return parse_fact_values(reader, ("facts",), vocabulary)


def _import_case_departments(session: Session, district: m.District, case: m.Case, loaded: Any,
                             folder: str) -> dict[str, int]:
    """The case's `departments:` (id → code, name, kind), added to the district when new, each with its
    progress row in the case; department id → its row id."""
    out: dict[str, int] = {}
    for d in loaded.departments:
        dept = session.scalar(select(m.Department).where(m.Department.district_id == district.id,
                                                         m.Department.code == d.id))
        if dept is None:
            dept = m.Department(district_id=district.id, code=d.id, name=d.name, kind=d.kind, domains=[])
            session.add(dept)
            session.flush()
        elif (dept.name, dept.kind) != (d.name, d.kind):
            raise InputError([Problem(d.location or Location(folder),
                                      f"部门“{d.id}”在数据库中为“{dept.name}”（{dept.kind}），此处为“{d.name}”（{d.kind}） / "
                                      f"department '{d.id}' is '{dept.name}' ({dept.kind}) in the database, "
                                      f"'{d.name}' ({d.kind}) here", suggestion="give the department the same name and kind, "
                                      "or another id")])
        # the loader judges a department without facts 未报送 whatever it says: only facts given and
        # `submitted: false` need keeping
        reported = bool(d.facts) and d.submitted  # the folder says it reported: submitted as of the import
        session.add(m.DepartmentProgress(case_id=case.id, department_id=dept.id, listed=True,
                                         withheld=bool(d.facts) and not d.submitted,
                                         submitted_at=m.utcnow().replace(microsecond=0) if reported else None))
        out[d.id] = dept.id
    session.flush()
    return out


def _import_departments(session: Session, district: m.District, case: m.Case, file: Path) -> dict[str, int]:
    """Departments from departments.yaml (added to the district when new); fact key → department id."""
    if not os.path.lexists(file):
        return {}
    data = _read_yaml(file, "departments")
    owners: dict[str, int] = {}
    for i, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not isinstance(entry.get("name"), str):
            raise InputError([Problem(Location(str(file)), f"item {i + 1}: a department needs an id and a name")])
        dept = session.scalar(select(m.Department).where(m.Department.district_id == district.id,
                                                         m.Department.code == entry["id"]))
        if dept is None:
            dept = m.Department(district_id=district.id, code=entry["id"], name=entry["name"],
                                kind=str(entry.get("kind") or "行政执法机关"), domains=list(entry.get("domains") or []))
            session.add(dept)
            session.flush()
        elif entry.get("domains") and not dept.domains:  # made just now from facts.yaml's departments
            dept.domains = list(entry["domains"])
        for key in entry.get("facts") or []:
            owners[str(key)] = dept.id
        if entry.get("submitted_at"):
            at = dt.datetime.fromisoformat(str(entry["submitted_at"]))
            row = session.scalar(select(m.DepartmentProgress).where(m.DepartmentProgress.case_id == case.id,
                                                                    m.DepartmentProgress.department_id == dept.id))
            if row is None:
                session.add(m.DepartmentProgress(case_id=case.id, department_id=dept.id, submitted_at=at))
            else:
                row.submitted_at = at
    return owners


def _import_evidence(session: Session, case: m.Case, folder: Path, uploads: Path) -> None:
    """Evidence files listed in evidence/index.yaml, each read once through the bounded reader (a regular
    file inside the case folder, at most the upload limit), checked against its sha256, then stored."""
    index = folder / "index.yaml"
    if not os.path.lexists(index):
        return
    from fazhi.load.reading import confine, read_bytes
    from fazhi.web.uploads import MAX_BYTES, sniff
    case_folder = str(folder.parent)
    for i, entry in enumerate(_read_yaml(index, "evidence")):
        where = Location(str(index))
        name = str(entry.get("file", "")) if isinstance(entry, dict) else ""
        source = folder / name
        if not name or "/" in name or "\\" in name or name in (".", "..") or not os.path.lexists(source):
            raise InputError([Problem(where, f"item {i + 1}: no evidence file '{name}' beside the index")])
        confine([str(source)], case_folder)
        content = read_bytes(source, MAX_BYTES, "evidence file")
        digest = hashlib.sha256(content).hexdigest()
        if digest != entry.get("sha256"):
            raise InputError([Problem(where, f"item {i + 1}: {name} does not match its sha256", field="sha256")])
        kind = sniff(content[:4096], str(entry.get("name", name)), content)
        if kind is None or entry.get("fact") not in bridge.vocabulary():
            raise InputError([Problem(where, f"item {i + 1}: {name} is not an allowed evidence file of a known fact")])
        target = uploads / stored_name(digest, kind)
        if not target.exists():
            from fazhi.render.output import write_atomic
            write_atomic(str(target), content)  # the bytes checked, not whatever the path names by now
        session.add(m.Upload(case_id=case.id, fact=entry["fact"], filename=str(entry.get("name", name)), kind=kind,
                             sha256=digest, size=len(content), evidence_date=entry.get("evidence_date"),
                             uploaded_at=dt.datetime.fromisoformat(str(entry["uploaded_at"])),
                             uploaded_by=entry.get("uploaded_by")))


def _read_yaml(file: Path, key: str) -> list[Any]:
    """A YAML file of the case folder through the engine's reader: a regular file inside the folder (symlinks
    out refused unless --follow-symlinks), at most 20 MB, read with the YAML limits (docs/limits.md)."""
    from fazhi.load.reading import confine
    from fazhi.load.yamlio import load_file
    case_folder = file.parent.parent if file.parent.name == "evidence" else file.parent
    confine([str(file)], str(case_folder))
    data = load_file(file).data
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise InputError([Problem(Location(str(file)), f"expected a mapping with a list '{key}'")])
    return data[key]
