"""Alembic migrations: one linear chain, and up/down/up on real SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from server.config import Settings
from server.store.engine import alembic_config, at_head, head_revision, make_engine, migrate

FIXED_IDS = [
    "0001_initial",
    "0002_access",
    "0003_versions",
    "0004_team",
    "0005_throttle",
    "0006_organisations",
    "0007_erased_boards",
]
STORE_TABLES = {"boards", "doc_updates", "doc_snapshots"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path):
    url = (
        f"sqlite:///{tmp_path / 'tavle.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_db")
    )
    eng = make_engine(Settings(data_dir=tmp_path, database_url=url))
    yield eng
    eng.dispose()


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_the_chain_is_linear_with_the_fixed_ids() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert chain == FIXED_IDS[: len(chain)]
    assert script.get_revision("0001_initial").down_revision is None
    # the store skips Alembic when the schema is at head, read from the file names
    assert head_revision() == script.get_current_head()
    files = {p.stem for p in Path(script.versions).glob("[0-9]*.py")}
    assert files == {rev.revision for rev in script.walk_revisions()}


def test_upgrade_downgrade_upgrade(engine: Engine) -> None:
    assert not at_head(engine)
    migrate(engine)
    assert at_head(engine)
    assert tables(engine) >= STORE_TABLES
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert tables(engine) <= {"alembic_version"}
    migrate(engine)
    migrate(engine)  # already at head: nothing to do
    assert tables(engine) >= STORE_TABLES


def test_processes_starting_together_migrate_once(pg_db: str, tmp_path: Path) -> None:
    """Several servers start at once on one PostgreSQL: the advisory lock serialises them."""
    engines = [make_engine(Settings(data_dir=tmp_path, database_url=pg_db)) for _ in range(3)]
    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            list(pool.map(migrate, engines))
        assert tables(engines[0]) >= STORE_TABLES
    finally:
        for eng in engines:
            eng.dispose()
