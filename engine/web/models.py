"""The database: regions → districts → departments; a case (district, period) → facts, verifications,
waivers, uploads; users; the append-only audit log.

A fact's value is kept in the JSON form of engine_bridge.encode_value (dates and decimals as text), so
the same value comes back on every database and goes out to facts.yaml unchanged.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("coordinator", "department", "inspector", "admin")
CASE_OPEN, CASE_SUBMITTED = "open", "submitted"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Region(Base):
    __tablename__ = "region"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class District(Base):
    __tablename__ = "district"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str | None] = mapped_column(String(100))
    parent: Mapped[str | None] = mapped_column(String(200))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    region: Mapped[Region | None] = relationship()
    departments: Mapped[list["Department"]] = relationship(back_populates="district", order_by="Department.id")


class Department(Base):
    """An enforcement body or other unit of a district; `domains` are the questionnaire domains it fills."""

    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("district_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100), default="行政执法机关")
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    district: Mapped[District] = relationship(back_populates="departments")


class Case(Base):
    """One district's self-assessment for one period; submitting locks it."""

    __tablename__ = "case"
    __table_args__ = (UniqueConstraint("district_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    period: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=CASE_OPEN)
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    district: Mapped[District] = relationship()


class DepartmentProgress(Base):
    """A department's part in a case. `listed`: it is among the case's `departments:` (set on import and on
    its first own fact), which the engine judges it by — listed without facts it is 未报送 there.
    `submitted_at`: its filler's submission in the app (未报送 until then). `withheld` keeps a case
    folder's `submitted: false` (the engine then judges it 未报送 although it gave facts)."""

    __tablename__ = "department_progress"
    __table_args__ = (UniqueConstraint("case_id", "department_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    withheld: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Fact(Base):
    """One fact of a case: its value (or records) and evidence; `version` guards against stale saves.

    `of_department_id` is the department whose own fact it is (facts.yaml `departments: [{facts: …}]`),
    None for the district's own fact; `department_id` is the department that filled it in the app. One row
    per case, key and owner: two partial unique indexes, as NULLs are distinct in a unique constraint."""

    __tablename__ = "fact"
    __table_args__ = (
        Index("uq_fact_district_key", "case_id", "key", unique=True,
              sqlite_where=text("of_department_id IS NULL"), postgresql_where=text("of_department_id IS NULL")),
        Index("uq_fact_department_key", "case_id", "of_department_id", "key", unique=True,
              sqlite_where=text("of_department_id IS NOT NULL"), postgresql_where=text("of_department_id IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[Any] = mapped_column(JSON)  # None: stated as unknown (kept so the version chain stays)
    evidence: Mapped[dict[str, str] | None] = mapped_column(JSON)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    of_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(200))


class Verification(Base):
    """An inspector's check (verifications.yaml): the verified value replaces the claim, which stays."""

    __tablename__ = "verification"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    fact: Mapped[str] = mapped_column(String(200))
    record: Mapped[str | None] = mapped_column(String(200))
    field: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[Any] = mapped_column(JSON)
    inspector: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class Waiver(Base):
    """A requested exception; only an approved one reaches waivers.yaml and the evaluation."""

    __tablename__ = "waiver"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    requirement: Mapped[str] = mapped_column(String(100))
    record: Mapped[str | None] = mapped_column(String(200))
    justification: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_by_user: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_by_user: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    expires: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, approved, rejected


class Upload(Base):
    """An evidence file: stored outside anything served statically, under its sha256."""

    __tablename__ = "upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    fact: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    evidence_date: Mapped[dt.date | None] = mapped_column(Date)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by: Mapped[str | None] = mapped_column(String(200))


class User(Base):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditEntry(Base):
    """Append-only (the migration adds triggers that refuse UPDATE and DELETE on both databases)."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str | None] = mapped_column(String(300))
    before: Mapped[Any] = mapped_column(JSON)
    after: Mapped[Any] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
