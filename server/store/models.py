"""SQLAlchemy 2 ORM classes of the store's tables, on the shared declarative ``Base``.

The tables themselves are defined once, as Core tables, in :mod:`server.store.tables`;
these classes map them (``__table__``) for the parts that read and write the store's
tables together with their own ORM models. The schema is made by the Alembic
migrations (``migrations/``). Other parts may declare their own tables on :class:`Base`
(their migrations create them); its metadata is :data:`server.store.tables.metadata`.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from server.store import tables


class Base(DeclarativeBase):
    """Shared declarative base of every Tavle table."""

    metadata = tables.metadata


class Board(Base):
    """A board: its title and kind, and the SHA-256 hashes of its two tokens."""

    __table__ = tables.boards


class DocUpdate(Base):
    """One Yjs update in the append-only log of a document, until compaction folds it in."""

    __table__ = tables.doc_updates


class ErasedBoard(Base):
    """A board that was erased: no row of its documents may be written again."""

    __table__ = tables.erased_boards


class DocSnapshot(Base):
    """The compacted state of a document; ``upto_id`` is the last log id folded in."""

    __table__ = tables.doc_snapshots
