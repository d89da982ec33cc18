"""Erasure in the store: a tombstone per erased board, refused writes, no text left behind.

Once a board is erased no process may write a row of its documents again, also a
process that has not heard of the erasure yet (its clients keep typing until the
bus reaches it) and across restarts: the board id goes into ``erased_boards`` in
the same transaction that deletes the documents, every log insert and every
snapshot write checks that table, and a load of an erased board is refused. On
PostgreSQL a writer holds a shared advisory lock for its transaction and the
erasure the exclusive one, so no insert that began before the tombstone can commit
after the rows were deleted. SQLite has one writer at a time anyway.

Deleted rows are not yet gone from the files: SQLite keeps them in its WAL until
a checkpoint (free pages are overwritten: ``secure_delete`` is on), PostgreSQL in
dead tuples until VACUUM. :func:`scrub` does what the server can after an erasure.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Connection, Engine, delete, exists, insert, or_, select, text

from server.store.tables import board_of, doc_snapshots, doc_updates, erased_boards, utcnow

log = logging.getLogger(__name__)

ERASE_LOCK = 0x74617631335F35  # advisory lock: writers share it, an erasure holds it alone
CHECKPOINT_TRIES = 50  # a reader still on an old snapshot holds the WAL for a moment


class Erased(LookupError):
    """The board was erased: its documents are gone and stay gone."""


def hold_writes(conn: Connection) -> None:
    """A writer's shared hold on erasures until its transaction ends (PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": ERASE_LOCK})


def is_erased(conn: Connection, doc_key: str) -> bool:
    board_id = board_of(doc_key)
    return conn.execute(select(exists().where(erased_boards.c.board_id == board_id))).scalar_one()


def erase_docs(conn: Connection, board_id: str) -> None:
    """Tombstone ``board_id`` and delete its documents (``board_id`` and ``board_id:…``)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ERASE_LOCK})
    if not is_erased(conn, board_id):
        conn.execute(insert(erased_boards).values(board_id=board_id, erased_at=utcnow()))
    prefix = board_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":%"
    for table in (doc_updates, doc_snapshots):
        conn.execute(
            delete(table).where(
                or_(table.c.doc_key == board_id, table.c.doc_key.like(prefix, escape="\\"))
            )
        )


def scrub(engine: Engine, tables: list[str]) -> None:
    """After an erasure: leave no deleted text where the server can reach it (blocking).

    SQLite: checkpoint the WAL into the database and truncate it to nothing (the
    database's own pages were overwritten at the delete). PostgreSQL: VACUUM the
    touched tables, which removes the dead rows from the tables and their indexes; the
    bytes may stay in a page's free space until it is reused, and in the WAL segments
    and backups (docs/deployment.md says what an operator does about those).
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            for _ in range(CHECKPOINT_TRIES):
                busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
                if not busy:
                    return
                time.sleep(0.02)
        log.warning("the WAL could not be truncated after an erasure; it will be at the next")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in tables:
            conn.exec_driver_sql(f'VACUUM "{table}"')
