"""The web app's commands: serve, db upgrade, users add, import-case, export-case.

    fazhi serve [--db URL] [--host 127.0.0.1] [--port 8000] [--instance DIR]
    fazhi db upgrade
    fazhi users add NAME --role coordinator|department|inspector|admin [--district …] [--department …] [--region …]
    fazhi import-case DIR
    fazhi export-case DISTRICT PERIOD --out DIR

They need the web extra (pip install 'fazhi[web]'); without it they say so (exit 2).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import click

from fazhi.cli.options import echo
from fazhi.errors import FazhiError

DB = click.option("--db", envvar="FAZHI_DB", help="Database URL (postgresql://…) [default: SQLite in the instance folder].")
INSTANCE = click.option("--instance", type=click.Path(file_okay=False), envvar="FAZHI_INSTANCE",
                        help="Instance folder: SQLite file, secret key, uploads [default: ./instance].")


def _needs_web(f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            import sqlalchemy  # noqa: F401
            import starlette  # noqa: F401
        except ImportError:
            raise FazhiError("the web app needs its extra: pip install 'fazhi[web]'") from None
        return f(*args, **kwargs)
    return wrapper


def _open(db: str | None, instance: str | None) -> Any:
    from fazhi.web.service import Store
    return Store.open(db, instance)


def register(group: click.Group) -> None:
    @group.command()
    @DB
    @INSTANCE
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
    @click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
                  help="Server processes; one per CPU core lets saves by many users re-evaluate in parallel.")
    @_needs_web
    def serve(db: str | None, instance: str | None, host: str, port: int, workers: int) -> None:
        """Serve the web app (creates the instance folder and database on first run)."""
        import os
        import uvicorn
        from fazhi.web.app import create_app
        store = _open(db, instance)  # creates and migrates once, before any worker starts
        echo(f"fazhi: serving http://{host}:{port}/ (database {store.engine.url.render_as_string()}, "
                   f"{workers} worker{'s' if workers > 1 else ''})", err=True)
        if workers == 1:
            uvicorn.run(create_app(store), host=host, port=port, log_level="warning", proxy_headers=False)
            return
        store.engine.dispose()
        os.environ["FAZHI_INSTANCE"] = str(store.instance)
        if db:
            os.environ["FAZHI_DB"] = db
        uvicorn.run("fazhi.web.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                    log_level="warning", proxy_headers=False)

    @group.group("db")
    def db_group() -> None:
        """The web app's database."""

    @db_group.command("upgrade")
    @DB
    @INSTANCE
    @_needs_web
    def upgrade(db: str | None, instance: str | None) -> None:
        """Create or migrate the database to the newest schema."""
        store = _open(db, instance)
        echo(f"database at the newest schema: {store.engine.url.render_as_string()}", err=True)

    @group.group("users")
    def users() -> None:
        """The web app's users."""

    @users.command("add")
    @click.argument("name")
    @click.option("--role", required=True, type=click.Choice(["coordinator", "department", "inspector", "admin"]))
    @click.option("--district", help="District name (coordinator, department).")
    @click.option("--department", help="Department id or name within the district (department).")
    @click.option("--region", help="Region name (inspector), e.g. 焦作市.")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar="FAZHI_PASSWORD")
    @DB
    @INSTANCE
    @_needs_web
    def add_user(name: str, role: str, district: str | None, department: str | None, region: str | None,
                 password: str, db: str | None, instance: str | None) -> None:
        """Add a user (the password is asked for, or read from FAZHI_PASSWORD)."""
        store = _open(db, instance)
        store.add_user(name, password, role, district, department, region)
        echo(f"added {role} {name}", err=True)

    @group.command("import-case")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    @DB
    @INSTANCE
    @_needs_web
    def import_case(folder: str, db: str | None, instance: str | None) -> None:
        """Add a case folder (facts.yaml, verifications.yaml, waivers.yaml, evidence/) to the database."""
        store = _open(db, instance)
        district, period = store.import_case(folder)
        echo(f"imported {district} {period}", err=True)

    @group.command("export-case")
    @click.argument("district")
    @click.argument("period", type=int)
    @click.option("--out", required=True, type=click.Path(file_okay=False), help="A new folder.")
    @DB
    @INSTANCE
    @_needs_web
    def export_case(district: str, period: int, out: str, db: str | None, instance: str | None) -> None:
        """Write a case as a folder in the format of cases/ (this is the backup)."""
        store = _open(db, instance)
        store.export_case(district, period, out)
        echo(f"wrote {out}", err=True)
