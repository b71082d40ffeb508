"""Shared set-up of the web tests: a store on SQLite or on the PostgreSQL server named by
FAZHI_TEST_POSTGRES, the Macun case imported, users of every role, and a test client that fails any
test that sees a 500."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from fazhi.web import models as m  # noqa: E402
from fazhi.web.app import create_app  # noqa: E402
from fazhi.web.service import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MACUN = ROOT / "cases" / "macun-2020"
PASSWORD = "correct horse 1"


def postgres_url() -> str:
    url = os.environ.get("FAZHI_TEST_POSTGRES")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("FAZHI_TEST_POSTGRES is not set: CI must run the PostgreSQL tests")
        pytest.skip("no PostgreSQL server (set FAZHI_TEST_POSTGRES)")
    return url


def fresh_store(kind: str, tmp: Path) -> Store:
    if kind == "sqlite":
        return Store.open(None, str(tmp / "instance"))
    url = postgres_url()
    from sqlalchemy import create_engine, text
    from fazhi.web.db import database_url
    engine = create_engine(database_url(url, tmp))
    with engine.begin() as c:  # a clean database for every test
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return Store.open(url, str(tmp / "instance"))


def populate(store: Store) -> dict[str, Any]:
    """Macun 2020 with two departments, a second district in another region, and users of every role."""
    store.import_case(str(MACUN))
    with store.session() as s, s.begin():
        macun = s.query(m.District).filter_by(name="马村区").one()
        s.query(m.Case).filter_by(district_id=macun.id).one().status = m.CASE_OPEN  # imported submitted: reopened to fill
        s.add(m.Department(district_id=macun.id, code="gaj", name="公安分局", domains=["transparency"]))
        s.add(m.Department(district_id=macun.id, code="scj", name="市场监管局", domains=["legal-advisers"]))
        other_region = m.Region(name="洛阳市")
        s.add(other_region)
        s.flush()
        other = m.District(name="西工区", parent="洛阳市", region_id=other_region.id)
        s.add(other)
        s.flush()
        s.add(m.Case(district_id=other.id, period=2020))
        s.add(m.Department(district_id=other.id, code="gaj", name="西工公安分局", domains=["transparency"]))
        ids = {"macun": macun.id, "other": other.id}
    store.add_user("coord", PASSWORD, "coordinator", "马村区")
    store.add_user("gaj", PASSWORD, "department", "马村区", "gaj")
    store.add_user("scj", PASSWORD, "department", "马村区", "scj")
    store.add_user("insp", PASSWORD, "inspector", region="焦作市")
    store.add_user("insp2", PASSWORD, "inspector", region="焦作市")
    store.add_user("far", PASSWORD, "inspector", region="洛阳市")
    store.add_user("othercoord", PASSWORD, "coordinator", "西工区")
    store.add_user("admin", PASSWORD, "admin")
    return ids


class Client(TestClient):
    """A test client that fails on any 500 and knows the page's CSRF token."""

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        assert response.status_code != 500, f"500 on {method} {url}: {response.text[:500]}"
        return response

    def csrf(self) -> str:
        page = self.get("/login") if "fazhi_session" not in self.cookies else self.get("/")
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found, page.text[:300]
        return found.group(1)

    def login(self, name: str, password: str = PASSWORD) -> Any:
        token = re.search(r'name="csrf" value="([^"]+)"', self.get("/login").text).group(1)
        return self.post("/login", data={"csrf": token, "username": name, "password": password}, follow_redirects=False)

    def form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        token = re.search(r'name="csrf" value="([^"]+)"', self.get("/").text)
        return self.post(url, data={"csrf": token.group(1) if token else "", **(data or {})}, follow_redirects=False, **kwargs)


def client(store: Store) -> Client:
    return Client(create_app(store), base_url="http://testserver")
