"""The web app's use cases on the database: every change in one transaction with its audit entry.

Pages (app.py and views_*.py) call these; they never print or exit. Permission checks are in
permissions.py and happen before any of these is called.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from fazhi.errors import FazhiError, InputError, Location, Problem
from fazhi.web import casefolder, db
from fazhi.web import engine_bridge as bridge
from fazhi.web import models as m

_hasher = PasswordHasher()


@dataclass
class SaveResult:
    """A fact save: ok, a conflict (someone saved first: both values shown), or field problems."""

    ok: bool
    problems: list[Problem] = field(default_factory=list)
    conflict: m.Fact | None = None
    mine: Any = None


class Store:
    def __init__(self, engine: Engine, instance: Path):
        self.engine = engine
        self.instance = instance
        self.uploads = instance / "uploads"
        self.session_factory: sessionmaker[Session] = db.sessions(engine)
        self.secret = db.secret_key(instance)

    @classmethod
    def open(cls, url: str | None = None, instance: str | None = None) -> "Store":
        folder = db.instance_folder(instance)
        engine = db.make_engine(db.database_url(url, folder))
        db.upgrade(engine)
        return cls(engine, folder)

    def session(self) -> Session:
        return self.session_factory()

    # --- users -------------------------------------------------------------------------------------
    def add_user(self, name: str, password: str, role: str, district: str | None = None,
                 department: str | None = None, region: str | None = None) -> int:
        if role not in m.ROLES:
            raise FazhiError(f"unknown role '{role}'")
        if len(password) < 8:
            raise FazhiError("the password needs at least 8 characters")
        with self.session() as s, s.begin():
            if s.scalar(select(m.User).where(m.User.name == name)):
                raise FazhiError(f"user '{name}' exists already")
            d = self._district(s, district) if district else None
            dept = None
            if department:
                if d is None:
                    raise FazhiError("--department needs --district")
                dept = s.scalar(select(m.Department).where(m.Department.district_id == d.id,
                                                           (m.Department.code == department) | (m.Department.name == department)))
                if dept is None:
                    raise FazhiError(f"{d.name} has no department '{department}'")
            reg = None
            if region:
                reg = s.scalar(select(m.Region).where(m.Region.name == region))
                if reg is None:
                    reg = m.Region(name=region)
                    s.add(reg)
                    s.flush()
            if role in ("coordinator", "department") and d is None:
                raise FazhiError(f"a {role} user needs --district")
            if role == "department" and dept is None:
                raise FazhiError("a department user needs --department")
            if role == "inspector" and reg is None:
                raise FazhiError("an inspector needs --region")
            user = m.User(name=name, password_hash=_hasher.hash(password), role=role,
                          district_id=d.id if d else None, department_id=dept.id if dept else None,
                          region_id=reg.id if reg else None)
            s.add(user)
            s.flush()
            s.add(m.AuditEntry(district_id=d.id if d else None, user="cli", action="user-add", target=name,
                               before=None, after={"role": role}))
            return user.id

    def check_password(self, user: m.User, password: str) -> bool:
        try:
            return _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    # --- cases -------------------------------------------------------------------------------------
    def _district(self, s: Session, name: str) -> m.District:
        d = s.scalar(select(m.District).where(m.District.name == name))
        if d is None and name.isdigit():
            d = s.get(m.District, int(name))
        if d is None:
            raise FazhiError(f"no district '{name}' in the database")
        return d

    def import_case(self, folder: str, user: str = "import") -> tuple[str, int]:
        with self.session() as s, s.begin():
            case = casefolder.import_case(s, folder, self.uploads, user)
            return case.district.name, case.period

    def export_case(self, district: str, period: int, out: str) -> Path:
        with self.session() as s:
            d = self._district(s, district)
            case = s.scalar(select(m.Case).where(m.Case.district_id == d.id, m.Case.period == period))
            if case is None:
                raise FazhiError(f"{d.name} has no case for {period}")
            return casefolder.export_case(s, case, out, self.uploads)

    def evaluate(self, s: Session, case: m.Case, on: dt.date | None = None) -> Any:
        return bridge.evaluate(casefolder.case_files(s, case), on or dt.date.today())

    def document(self, s: Session, case: m.Case, kind: str, fmt: str, lang: str, on: dt.date | None = None) -> bytes:
        return bridge.document(casefolder.case_files(s, case), kind, fmt, lang, on or dt.date.today())

    # --- facts -------------------------------------------------------------------------------------
    def save_fact(self, s: Session, case: m.Case, user: m.User, key: str, raw: Any, evidence: dict[str, str] | None,
                  version: int, department: m.Department | None, owner: m.Department | None = None) -> SaveResult:
        """Validate and save one fact in the caller's transaction: only when the row still has `version`
        (0: the fact was empty) — else a conflict, and nothing changes. `department`: who fills it;
        `owner`: the department whose own fact it is (None: the district's)."""
        whose = m.Fact.of_department_id.is_(None) if owner is None else m.Fact.of_department_id == owner.id
        others = {f.key: bridge.yaml_value(bridge.vocabulary()[f.key], f.value)
                  for f in s.scalars(select(m.Fact).where(m.Fact.case_id == case.id, m.Fact.key != key, whose))
                  if f.value is not None and f.key in bridge.vocabulary()}
        codes = () if owner is not None else tuple(s.scalars(
            select(m.Department.code).where(m.Department.district_id == case.district_id).order_by(m.Department.id)))
        value, problems = bridge.validate_fact(key, raw, evidence, others, department=owner is not None,
                                               department_ids=codes)
        if problems:
            return SaveResult(False, problems)
        current = s.scalar(select(m.Fact).where(m.Fact.case_id == case.id, m.Fact.key == key, whose))
        now = m.utcnow()
        before = None
        if current is None:
            if version != 0:
                return SaveResult(False, conflict=m.Fact(key=key, value=None, evidence=None, version=0), mine=value)
            try:
                with s.begin_nested():
                    s.add(m.Fact(case_id=case.id, key=key, value=value, evidence=evidence or None, version=1,
                                 department_id=department.id if department else None,
                                 of_department_id=owner.id if owner else None, updated_at=now, updated_by=user.name))
            except IntegrityError:  # someone created it a moment ago
                s.expire_all()
                theirs = s.scalar(select(m.Fact).where(m.Fact.case_id == case.id, m.Fact.key == key, whose))
                return SaveResult(False, conflict=theirs, mine=value)
            new_version = 1
        else:
            before = {"value": current.value, "evidence": current.evidence}
            done = s.execute(update(m.Fact).where(m.Fact.id == current.id, m.Fact.version == version)
                             .values(value=value, evidence=evidence or None, version=version + 1, updated_at=now,
                                     updated_by=user.name, department_id=department.id if department else current.department_id)
                             .execution_options(synchronize_session=False))
            if done.rowcount != 1:
                s.refresh(current)
                return SaveResult(False, conflict=current, mine=value)
            new_version = version + 1
        if owner is not None:
            self._list_departments(s, case)
        s.add(m.AuditEntry(district_id=case.district_id, case_id=case.id, user=user.name,
                           department=department.name if department else None, action="fact-save",
                           target=key if owner is None else f"{owner.name}：{key}",
                           before=before, after={"value": value, "evidence": evidence or None, "version": new_version}))
        return SaveResult(True)

    def _list_departments(self, s: Session, case: m.Case) -> None:
        """A department's first own fact puts the case on the department model: every department of the
        district is then listed under its `departments:`, one that has given nothing as 未报送."""
        rows = {p.department_id: p for p in s.scalars(select(m.DepartmentProgress).where(m.DepartmentProgress.case_id == case.id))}
        for dept_id in s.scalars(select(m.Department.id).where(m.Department.district_id == case.district_id)):
            row = rows.get(dept_id)
            if row is None:
                s.add(m.DepartmentProgress(case_id=case.id, department_id=dept_id, listed=True))
            elif not row.listed:
                row.listed = True
        s.flush()

    def audit(self, s: Session, case: m.Case, user: m.User, action: str, target: str | None, before: Any = None,
              after: Any = None, reason: str | None = None) -> None:
        s.add(m.AuditEntry(district_id=case.district_id, case_id=case.id, user=user.name, action=action, target=target,
                           before=before, after=after, reason=reason))


def iter_problems(exc: InputError) -> Iterator[str]:
    for p in exc.problems:
        yield str(p)


__all__ = ["Store", "SaveResult", "InputError", "Location"]
