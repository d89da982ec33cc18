"""The database engine and its schema: SQLite tuned for a live log, or PostgreSQL.

Both engines are reached through one SQLAlchemy URL. At start the schema is
brought to the newest Alembic revision, under a lock on PostgreSQL so that
several server processes starting together migrate once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from server.config import Settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
MIGRATION_LOCK = 0x7461766C65  # "tavle": advisory lock id held while migrating


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL (readers never block the writer), NORMAL sync (durable at checkpoints), waits.

    Checkpoints every 8192 pages (32 MiB of WAL) rather than SQLite's 1000: the log's
    commits rewrite the same index pages over and over, and a checkpoint copies each
    page once however often it was rewritten, so rarer checkpoints copy far less.
    """
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA wal_autocheckpoint=8192")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")  # erased text is overwritten, not left in free pages
    cur.close()


def make_engine(settings: Settings) -> Engine:
    """An engine for ``settings.effective_database_url``; creates the SQLite folder."""
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration's id. The chain is linear and each file is named by its
    revision id, numbered (``tests/test_migrations.py`` checks both against Alembic)."""
    return max(path.stem for path in (MIGRATIONS / "versions").glob("[0-9]*.py"))


def at_head(engine: Engine) -> bool:
    """Whether the schema is already at the newest revision (one SELECT, no Alembic)."""
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no schema yet
        return False
    return stored == head_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """``alembic upgrade REVISION`` in one transaction (blocking).

    A schema already at head is left alone without importing Alembic: every ``tavle``
    command opens the store, and Alembic's import and check cost ~0.2 s of its start.
    """
    if revision == "head" and at_head(engine):
        return
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        if is_postgres(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
