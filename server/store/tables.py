"""The store's tables as SQLAlchemy Core ``Table`` objects, and the helpers of their keys.

Each table is defined once, here, on :data:`metadata`; the ORM classes of
:mod:`server.store.models` map these same objects (``__table__``). The store's own
code uses the tables directly, so that a command which only reads a board and
writes a file (``tavle export``) never imports the ORM (``sqlalchemy.orm`` and the
declarative classes cost ~0.1 s of its start). Other parts add their tables to
the same :data:`metadata` (``server/access/tables.py``, or ORM classes on the
store's ``Base``); the schema itself is made by the Alembic migrations.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

# 64-bit ids on PostgreSQL; SQLite autoincrements only an INTEGER primary key (its rowid).
LogId = BigInteger().with_variant(Integer(), "sqlite")

MAX_DOC_KEY = 200  # characters of a doc key ("{board_id}:{scope}")
IN_CHUNK = 500  # values per "IN (…)" or multi-row statement, under every engine's limit
T = TypeVar("T")


def chunked(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size``: one statement each, within the parameter
    limits of SQLite (999 in old builds) and PostgreSQL."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def utcnow() -> datetime:
    return datetime.now(UTC)


def board_of(doc_key: str) -> str:
    """The board a doc key belongs to: ``board_id`` or ``board_id:scope``."""
    return doc_key.partition(":")[0]


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware UTC (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


metadata = MetaData()

# A board: its title and kind, and the SHA-256 hashes of its two tokens.
boards = Table(
    "boards",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", String(16), nullable=False, default="case"),  # 'case' | 'team'
    Column("template", String(64), nullable=False, default="blank"),
    Column("created", UTCDateTime, nullable=False, default=utcnow),
    Column("edit_token_hash", String(64), nullable=False),
    Column("view_token_hash", String(64), nullable=False),
)

# One Yjs update in the append-only log of a document, until compaction folds it in.
doc_updates = Table(
    "doc_updates",
    metadata,
    Column("id", LogId, primary_key=True, autoincrement=True),
    Column("doc_key", String(MAX_DOC_KEY), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created", UTCDateTime, nullable=False, default=utcnow),
    Index("ix_doc_updates_doc_key_id", "doc_key", "id"),
)

# A board that was erased: no row of its documents may be written again.
erased_boards = Table(
    "erased_boards",
    metadata,
    Column("board_id", String(32), primary_key=True),
    Column("erased_at", UTCDateTime, nullable=False, default=utcnow),
)

# The compacted state of a document; ``upto_id`` is the last log id folded in.
doc_snapshots = Table(
    "doc_snapshots",
    metadata,
    Column("doc_key", String(MAX_DOC_KEY), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("upto_id", LogId, nullable=False),
    Column("updated", UTCDateTime, nullable=False, default=utcnow),
)
