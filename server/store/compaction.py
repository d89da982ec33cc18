"""Compaction: fold a document's logged updates into its snapshot.

The state is rebuilt from what the DATABASE holds (snapshot + log), never from
a room's in-memory doc: with several processes, one room may not yet have
another process's updates. Three steps, so that no lock is held while the board
is replayed (on SQLite a held write lock stalls the group commit of every room):
:func:`read_log` reads the snapshot and the log, :func:`replay` folds them into
one update, :func:`store_snapshot` writes it and deletes exactly the rows folded
in — under the doc's lock, and only if no other compaction got there first. An
update committed by another process meanwhile stays in the log, and so does one
the replayed doc could not integrate (its dependency was lost, e.g. with a killed
process's last group commit): a snapshot holds only what is integrated, and
folding such a row in would delete it for good before the piece it waits for
comes back (board/pending.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pycrdt import Doc
from sqlalchemy import Connection, delete, func, insert, select, text, update

from board.pending import leftover
from server.store.erasure import hold_writes, is_erased
from server.store.tables import chunked, doc_snapshots, doc_updates, utcnow


def doc_lock_id(doc_key: str) -> int:
    """A signed 64-bit advisory-lock id for a doc key."""
    return int.from_bytes(hashlib.sha256(doc_key.encode()).digest()[:8], "big", signed=True)


def lock_doc(conn: Connection, doc_key: str) -> None:
    """Hold the doc's compaction lock until the transaction ends.

    PostgreSQL: a per-doc advisory lock. SQLite: a write statement first, which
    takes the database's write lock, so the reads below see no rival writer.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": doc_lock_id(doc_key)})
    else:
        conn.execute(
            update(doc_snapshots)
            .where(doc_snapshots.c.doc_key == doc_key)
            .values(upto_id=doc_snapshots.c.upto_id)
        )


@dataclass(frozen=True)
class LogRead:
    """What one compaction read: the snapshot then (``upto`` None: none yet) and the log."""

    snapshot: bytes | None
    upto: int | None
    ids: list[int]
    updates: list[bytes]


def read_log(conn: Connection, doc_key: str) -> LogRead | None:
    """The doc's snapshot and every logged update in id order; None when the log is empty."""
    rows = conn.execute(
        select(doc_updates.c.id, doc_updates.c.data)
        .where(doc_updates.c.doc_key == doc_key)
        .order_by(doc_updates.c.id)
    ).all()
    if not rows:
        return None
    snapshot = conn.execute(
        select(doc_snapshots.c.data, doc_snapshots.c.upto_id).where(
            doc_snapshots.c.doc_key == doc_key
        )
    ).one_or_none()
    return LogRead(
        snapshot=snapshot.data if snapshot is not None else None,
        upto=snapshot.upto_id if snapshot is not None else None,
        ids=[row.id for row in rows],
        updates=[row.data for row in rows],
    )


@dataclass(frozen=True)
class Replayed:
    """The replayed state and the ids of the log rows it holds in full."""

    state: bytes
    folded: list[int]


def replay(read: LogRead) -> Replayed:
    """Snapshot + log applied to a fresh Doc, encoded as one update (no database access)."""
    doc = Doc()
    with doc.transaction(origin="store"):
        if read.snapshot is not None:
            doc.apply_update(read.snapshot)
        for data in read.updates:
            doc.apply_update(data)
    sv = doc.get_state()
    folded = [i for i, data in zip(read.ids, read.updates, strict=True) if not leftover(data, sv)]
    return Replayed(doc.get_update(), folded)


def store_snapshot(conn: Connection, doc_key: str, read: LogRead, replayed: Replayed) -> int:
    """Write the replayed state as the snapshot and delete the rows it folded in; the number
    of rows.

    Under :func:`lock_doc`, holding off erasures; writes nothing for an erased board.
    Returns 0 and writes nothing if another compaction ran
    since ``read``: then the snapshot moved on or some of the rows are gone, and
    writing ours would drop what that compaction folded in.
    """
    hold_writes(conn)
    lock_doc(conn, doc_key)
    if is_erased(conn, doc_key):  # erased since the log was read: no snapshot, no row
        for table in (doc_updates, doc_snapshots):
            conn.execute(delete(table).where(table.c.doc_key == doc_key))
        return 0
    upto = conn.execute(
        select(doc_snapshots.c.upto_id).where(doc_snapshots.c.doc_key == doc_key)
    ).scalar_one_or_none()
    still = sum(
        conn.execute(
            select(func.count()).select_from(doc_updates).where(doc_updates.c.id.in_(chunk))
        ).scalar_one()
        for chunk in chunked(read.ids)
    )
    if upto != read.upto or still != len(read.ids) or not replayed.folded:
        return 0
    state, last = replayed.state, replayed.folded[-1]
    if read.upto is None:
        conn.execute(
            insert(doc_snapshots).values(
                doc_key=doc_key, data=state, upto_id=last, updated=utcnow()
            )
        )
    else:
        conn.execute(
            update(doc_snapshots)
            .where(doc_snapshots.c.doc_key == doc_key)
            .values(data=state, upto_id=last, updated=utcnow())
        )
    for chunk in chunked(replayed.folded):
        conn.execute(delete(doc_updates).where(doc_updates.c.id.in_(chunk)))
    return len(replayed.folded)
