"""Compaction: fold a document's logged updates into its snapshot, in one transaction.

The state is rebuilt from what the DATABASE holds (snapshot + log), never from
a room's in-memory doc: with several processes, one room may not yet have
another process's updates. Only the rows actually replayed are deleted, so an
update committed by another process meanwhile stays in the log.
"""

from __future__ import annotations

import hashlib

from pycrdt import Doc
from sqlalchemy import Connection, delete, insert, select, text, update

from server.store.models import DocSnapshot, DocUpdate, utcnow

DELETE_CHUNK = 1000  # ids per DELETE … IN (…), under every engine's parameter limit


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
            update(DocSnapshot)
            .where(DocSnapshot.doc_key == doc_key)
            .values(upto_id=DocSnapshot.upto_id)
        )


def compact(conn: Connection, doc_key: str) -> int:
    """Replay snapshot + log into a fresh Doc, store it, delete the replayed rows.

    Returns the number of log rows folded in (0: nothing to do). Runs inside the
    caller's transaction, under :func:`lock_doc`, so compactions of one doc in
    several processes run one after the other.
    """
    lock_doc(conn, doc_key)
    rows = conn.execute(
        select(DocUpdate.id, DocUpdate.data)
        .where(DocUpdate.doc_key == doc_key)
        .order_by(DocUpdate.id)
    ).all()
    if not rows:
        return 0
    snapshot = conn.execute(
        select(DocSnapshot.data).where(DocSnapshot.doc_key == doc_key)
    ).scalar_one_or_none()
    doc = Doc()
    if snapshot is not None:
        doc.apply_update(snapshot)
    for row in rows:
        doc.apply_update(row.data)
    state, upto = doc.get_update(), rows[-1].id
    if snapshot is None:
        conn.execute(
            insert(DocSnapshot).values(doc_key=doc_key, data=state, upto_id=upto, updated=utcnow())
        )
    else:
        conn.execute(
            update(DocSnapshot)
            .where(DocSnapshot.doc_key == doc_key)
            .values(data=state, upto_id=upto, updated=utcnow())
        )
    ids = [row.id for row in rows]
    for start in range(0, len(ids), DELETE_CHUNK):
        conn.execute(delete(DocUpdate).where(DocUpdate.id.in_(ids[start : start + DELETE_CHUNK])))
    return len(ids)
