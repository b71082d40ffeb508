"""The database behind the web app: an instance folder (SQLite file, secret key, uploads) and migrations.

The instance folder is created on first run; its secret key is generated there and never written into
the repository. `--db postgresql://…` selects PostgreSQL (driver psycopg 3).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_INSTANCE = "instance"


def instance_folder(path: str | os.PathLike[str] | None) -> Path:
    folder = Path(path or os.environ.get("FAZHI_INSTANCE") or DEFAULT_INSTANCE).resolve()
    (folder / "uploads").mkdir(parents=True, exist_ok=True)
    return folder


def secret_key(folder: Path) -> str:
    """The instance's signing key, made once (0600) and reused, so sessions survive a restart."""
    file = folder / "secret_key"
    if not file.exists():
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return file.read_text().strip()


def database_url(db: str | None, folder: Path) -> str:
    if not db:
        return f"sqlite:///{folder / 'fazhi.sqlite3'}"
    if db.startswith("postgresql://"):
        return "postgresql+psycopg://" + db[len("postgresql://"):]
    return db


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the one writer
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (alembic upgrade head)."""
    from alembic import command
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
