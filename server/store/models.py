"""SQLAlchemy 2 models of the store's own tables.

The schema itself is made by the Alembic migrations (``migrations/``); these
classes are how the code reads and writes it. Other parts may declare their own
tables on :class:`Base` (their migrations create them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import BigInteger, DateTime, Dialect, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
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


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware UTC (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Shared declarative base of every Tavle table."""


class Board(Base):
    """A board: its title and kind, and the SHA-256 hashes of its two tokens."""

    __tablename__ = "boards"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="case")  # 'case' | 'team'
    template: Mapped[str] = mapped_column(String(64), default="blank")
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edit_token_hash: Mapped[str] = mapped_column(String(64))
    view_token_hash: Mapped[str] = mapped_column(String(64))


class DocUpdate(Base):
    """One Yjs update in the append-only log of a document, until compaction folds it in."""

    __tablename__ = "doc_updates"
    __table_args__ = (Index("ix_doc_updates_doc_key_id", "doc_key", "id"),)

    id: Mapped[int] = mapped_column(LogId, primary_key=True, autoincrement=True)
    doc_key: Mapped[str] = mapped_column(String(MAX_DOC_KEY))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ErasedBoard(Base):
    """A board that was erased: no row of its documents may be written again."""

    __tablename__ = "erased_boards"

    board_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def board_of(doc_key: str) -> str:
    """The board a doc key belongs to: ``board_id`` or ``board_id:scope``."""
    return doc_key.partition(":")[0]


class DocSnapshot(Base):
    """The compacted state of a document; ``upto_id`` is the last log id folded in."""

    __tablename__ = "doc_snapshots"

    doc_key: Mapped[str] = mapped_column(String(MAX_DOC_KEY), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    upto_id: Mapped[int] = mapped_column(LogId)
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
