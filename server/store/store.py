"""The Store: boards, the document update log and snapshots, behind async methods.

Blocking database work runs in worker threads; updates go through the single
group-commit writer. This is the only object the rest of the server uses to
persist anything of the store's tables (``docs/ARCHITECTURE.md``, "Store").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine, select

from server.config import Settings
from server.store import boards, compaction, erasure
from server.store.boards import BoardRecord, TokenKind
from server.store.engine import make_engine, migrate
from server.store.tables import MAX_DOC_KEY, doc_snapshots, doc_updates
from server.store.writer import GroupWriter

log = logging.getLogger(__name__)
T = TypeVar("T")
CLOSE_FLUSH_SECONDS = 30.0


class Loaded(list[bytes]):
    """What ``Store.load`` read: a list of updates whose first ``snapshots`` (0 or 1) is the
    snapshot, which compaction made from integrated state only (board/pending.py)."""

    snapshots = 0


class Store:
    """Persistence of one server process; several processes may share one PostgreSQL."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: Engine = make_engine(settings)
        self._writer = GroupWriter(self.engine, settings.flush_interval_ms / 1000)

    async def start(self) -> None:
        """Create the data folder, migrate the schema to head, start the writer."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(migrate, self.engine)
        self._writer.start()

    async def close(self) -> None:
        """Flush every queued update, then release the connections."""
        try:
            await asyncio.wait_for(self._writer.close(), CLOSE_FLUSH_SECONDS)
        except TimeoutError:
            log.error("store closed with updates that could not be written")
        finally:
            await asyncio.to_thread(self.engine.dispose)

    async def run(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(conn)`` in one transaction in a worker thread."""

        def work() -> T:
            with self.engine.begin() as conn:
                return fn(conn)

        return await asyncio.to_thread(work)

    # ---- documents --------------------------------------------------------------------------
    def append(self, doc_key: str, update: bytes) -> None:
        """Queue an update; it is committed within ``flush_interval_ms``.

        A doc key the database would refuse raises ValueError here, at the caller,
        instead of failing the whole group commit later.
        """
        if not doc_key or len(doc_key) > MAX_DOC_KEY or "\x00" in doc_key:
            raise ValueError(f"a doc key has 1 to {MAX_DOC_KEY} characters and no NUL")
        self._writer.append(doc_key, bytes(update))

    async def flush(self) -> None:
        await self._writer.flush()

    async def load(self, doc_key: str) -> Loaded:
        """Snapshot first (if any), then every logged update of the doc in id order.

        All remaining log rows are returned, not only ``id > upto_id``: on
        PostgreSQL a lower id can commit after a compaction read the log, and
        compaction deletes exactly the rows it folded in. The log is read BEFORE
        the snapshot: each statement sees its own moment, and a compaction that
        commits in between then only duplicates updates (harmless in a CRDT)
        instead of hiding the ones it folded in.
        """
        await self.flush()

        def read(conn: Connection) -> Loaded:
            if erasure.is_erased(conn, doc_key):
                raise erasure.Erased(doc_key)
            updates = conn.execute(
                select(doc_updates.c.data)
                .where(doc_updates.c.doc_key == doc_key)
                .order_by(doc_updates.c.id)
            ).scalars()
            logged = list(updates)
            snapshot = conn.execute(
                select(doc_snapshots.c.data).where(doc_snapshots.c.doc_key == doc_key)
            ).scalar_one_or_none()
            loaded = Loaded(([snapshot] if snapshot is not None else []) + logged)
            loaded.snapshots = int(snapshot is not None)
            return loaded

        return await self.run(read)

    async def compact(self, doc_key: str) -> int:
        """Fold the doc's log into its snapshot; the number of rows folded in (0: none, or
        another compaction got there first). See :mod:`server.store.compaction`."""
        read = await self.run(lambda conn: compaction.read_log(conn, doc_key))
        if read is None:
            return 0
        replayed = await asyncio.to_thread(compaction.replay, read)
        return await self.run(lambda conn: compaction.store_snapshot(conn, doc_key, read, replayed))

    async def erase_board(self, board_id: str) -> None:
        """Erase a board's documents (doc key ``board_id`` and every ``board_id:…``) and
        refuse every later write and load of them (:mod:`server.store.erasure`)."""
        await self.run(lambda conn: erasure.erase_docs(conn, board_id))

    async def scrub(self, tables: list[str]) -> None:
        """After an erasure: checkpoint SQLite's WAL away / VACUUM ``tables`` on PostgreSQL."""
        await asyncio.to_thread(erasure.scrub, self.engine, tables)

    # ---- boards -----------------------------------------------------------------------------
    async def create_board(
        self, title: str, kind: str = "case", template: str = "blank"
    ) -> tuple[str, str, str]:
        """A new board: ``(board_id, edit_token, view_token)``; the tokens exist only here."""
        return await self.run(lambda conn: boards.create_board(conn, title, kind, template))

    async def get_board(self, board_id: str) -> BoardRecord | None:
        return await self.run(lambda conn: boards.get_board(conn, board_id))

    async def check_board_token(self, board_id: str, token: str) -> TokenKind | None:
        """``"edit"``, ``"view"`` or ``None`` for a token presented for a board."""
        return await self.run(lambda conn: boards.check_token(conn, board_id, token))
