"""Who may do what. Each check raises Forbidden (403); unknown things are NotFound (404), looked up first.

coordinator (司法局): their district; district-level facts (domains no department fills); departments,
  department users; submits and reopens (with a reason); requests waivers.
department: their district's pages; their department's own facts (department-scoped, facts.yaml
  `departments:`), and the district facts of their department's domains, while the case is open;
  never another department's facts.
inspector: the districts of their region; verifies facts; approves or rejects waivers (never their own
  request); reopens with a reason; compares years; downloads summaries.
admin: users and regions only.
"""
from __future__ import annotations

from starlette.exceptions import HTTPException

from fazhi.web import engine_bridge as bridge
from fazhi.web import models as m


class Forbidden(HTTPException):
    def __init__(self, detail: str = "forbidden"):
        super().__init__(403, detail)


class NotFound(HTTPException):
    def __init__(self, detail: str = "not_found"):
        super().__init__(404, detail)


def can_view(user: m.User, district: m.District) -> bool:
    if user.role in ("coordinator", "department"):
        return user.district_id == district.id
    if user.role == "inspector":
        return user.region_id is not None and user.region_id == district.region_id
    return False


def view_district(user: m.User, district: m.District) -> None:
    if not can_view(user, district):
        raise Forbidden()


def fact_owner(departments: list[m.Department], key: str) -> m.Department | None:
    """The department whose domains include this fact's domain (None: a district-level fact)."""
    domain = bridge.domain_of_fact(key)
    return next((d for d in departments if domain in (d.domains or [])), None)


def district_scoped(key: str) -> bool:
    """Whether the district may give this fact itself (scope district or both; a department-only fact is
    the roll-up of the departments' own)."""
    spec = bridge.vocabulary().get(key)
    return spec is not None and spec.scope != "department"


def department_scoped(key: str) -> bool:
    spec = bridge.vocabulary().get(key)
    return spec is not None and spec.scope != "district"


def may_edit_fact(user: m.User, case: m.Case, key: str, departments: list[m.Department]) -> bool:
    if case.status != m.CASE_OPEN or user.district_id != case.district_id or not district_scoped(key):
        return False
    owner = fact_owner(departments, key)
    if user.role == "coordinator":
        return owner is None
    if user.role == "department":
        return owner is not None and owner.id == user.department_id
    return False


def edit_fact(user: m.User, case: m.Case, key: str, departments: list[m.Department]) -> None:
    if case.status != m.CASE_OPEN and user.district_id == case.district_id:
        raise Forbidden("locked")
    if not may_edit_fact(user, case, key, departments):
        raise Forbidden()


def may_edit_department_fact(user: m.User, case: m.Case, department: m.Department, key: str) -> bool:
    """Only the department's own filler edits its own facts, while the case is open."""
    return (case.status == m.CASE_OPEN and user.role == "department" and user.district_id == case.district_id
            and department.district_id == case.district_id and user.department_id == department.id
            and department_scoped(key))


def edit_department_fact(user: m.User, case: m.Case, department: m.Department, key: str) -> None:
    if case.status != m.CASE_OPEN and user.district_id == case.district_id:
        raise Forbidden("locked")
    if not may_edit_department_fact(user, case, department, key):
        raise Forbidden()


def coordinator_of(user: m.User, district: m.District) -> None:
    if user.role != "coordinator" or user.district_id != district.id:
        raise Forbidden()


def inspector_of(user: m.User, district: m.District) -> None:
    if user.role != "inspector" or user.region_id is None or user.region_id != district.region_id:
        raise Forbidden()


def admin(user: m.User) -> None:
    if user.role != "admin":
        raise Forbidden()
