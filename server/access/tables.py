"""The access tables that a command without the ORM reads or writes, as Core ``Table``s.

``tavle export`` records an audit row and, for one office's part, reads the
citizen's recorded consents; importing the declarative classes of
:mod:`server.access.models` for that cost it ~0.1 s of its start. So these three
tables are defined once, here, on the store's :data:`~server.store.tables.metadata`,
and the ORM classes ``Case`` and ``Consent`` map two of them (``__table__``); the audit
log is written and read through its table only (:mod:`server.access.audit`).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table, Text

from server.store.tables import LogId, metadata, utcnow

# One citizen or family: one plan board that lives across meetings.
cases = Table(
    "cases",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("board_id", String(32), nullable=False, unique=True),
    Column("alias", Text, nullable=False),
    Column("team_id", String(32), ForeignKey("teams.id"), nullable=False),
    Column("coordinator_id", String(32), ForeignKey("users.id"), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False, default=utcnow),
)

# The citizen's consent for one organisation to see the case.
consents = Table(
    "consents",
    metadata,
    Column("id", String(32), primary_key=True),
    Column(
        "case_id",
        String(32),
        ForeignKey("cases.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("org", String(120), nullable=False),
    Column("given_by", Text, nullable=False),
    Column("given_at", DateTime(timezone=True), nullable=False, default=utcnow),
    Column("scope", Text, nullable=False),
    Column("expires", DateTime(timezone=True), nullable=True),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
)

# Append-only: who did what on which board; the code never updates a row.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", LogId, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, default=utcnow),
    Column("event", String(40), nullable=False),
    Column("board_id", String(32), nullable=True),
    Column("actor", Text, nullable=True),
    Column("detail", Text, nullable=True),  # JSON object
    Index("ix_audit_log_board_id", "board_id", "id"),
)
