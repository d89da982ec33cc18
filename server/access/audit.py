"""The audit log: an append-only record of who signed in, joined, opened, exported, changed.

Other parts call ``await app.state.audit.record(event, board_id=…, actor=…,
detail=…)``. Rows are only ever inserted; the single exception is erasure of a
case, which replaces the case's rows by one anonymous tombstone (the rows name
the citizen's family and so are personal data themselves).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from server.access.tables import audit_log
from server.access.times import aware, local_text, utcnow

log = logging.getLogger("tavle.audit")
EVENT_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_ACTOR = 200
MAX_DETAIL = 4000
CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    event: str
    board_id: str | None
    actor: str | None
    detail: dict[str, Any] | None

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": aware(self.at).isoformat(),
            "event": self.event,
            "board_id": self.board_id,
            "actor": self.actor,
            "detail": self.detail,
        }


def insert_event(
    conn: Connection,
    event: str,
    *,
    board_id: str | None = None,
    actor: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Insert one row in the caller's transaction: an action and its record commit together."""
    if not EVENT_RE.match(event):
        raise ValueError(f"audit events are short snake_case words, not {event!r}")
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None
    if text is not None and len(text) > MAX_DETAIL:
        text = json.dumps({"truncated": True})
    conn.execute(
        insert(audit_log).values(
            at=utcnow(),
            event=event,
            board_id=board_id,
            actor=actor[:MAX_ACTOR] if actor else None,
            detail=text,
        )
    )


def entries_for_board(conn: Connection, board_id: str) -> list[AuditEntry]:
    rows = conn.execute(
        select(audit_log).where(audit_log.c.board_id == board_id).order_by(audit_log.c.id)
    ).all()
    return [
        AuditEntry(
            r.id, r.at, r.event, r.board_id, r.actor, json.loads(r.detail) if r.detail else None
        )
        for r in rows
    ]


def csv_cell(value: object) -> str:
    """A cell that a spreadsheet shows as text: formulas (= + - @ …) get a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGER) else text


def to_csv(entries: list[AuditEntry]) -> str:
    """The log as CSV (``;``-separated as Danish spreadsheets expect), safe against injection."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["tidspunkt", "haendelse", "hvem", "detaljer"])
    for entry in entries:
        detail = (
            json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail else ""
        )
        writer.writerow(
            [csv_cell(v) for v in (local_text(entry.at), entry.event, entry.actor, detail)]
        )
    return out.getvalue()


class Audit:
    """``app.state.audit``: records events through the store's database."""

    def __init__(self, store: Any) -> None:
        self.store = store

    async def record(
        self,
        event: str,
        *,
        board_id: str | None = None,
        actor: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append one event; a failure is logged (without the detail) and re-raised."""
        try:
            await self.store.run(
                lambda conn: insert_event(
                    conn, event, board_id=board_id, actor=actor, detail=detail
                )
            )
        except Exception:
            log.exception("could not record audit event %s", event)
            raise

    async def for_board(self, board_id: str) -> list[AuditEntry]:
        return await self.store.run(lambda conn: entries_for_board(conn, board_id))
