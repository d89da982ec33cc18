"""The boards table: creating a board with its two secret tokens, and checking a token.

Tokens are random secrets handed out once; only their SHA-256 hashes are kept,
and a presented token is compared in constant time against both hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, insert, select

from server.store.tables import boards, utcnow

KINDS = ("case", "team")
TokenKind = Literal["edit", "view"]


@dataclass(frozen=True)
class BoardRecord:
    """What the server may know about a board (no token hashes)."""

    id: str
    title: str
    kind: str
    template: str
    created: datetime


def new_board_id() -> str:
    """16 url-safe characters, 96 random bits: short, unguessable, safe in a doc key."""
    return secrets.token_urlsafe(12)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_board(conn: Connection, title: str, kind: str, template: str) -> tuple[str, str, str]:
    """Insert a board; returns ``(board_id, edit_token, view_token)``."""
    if kind not in KINDS:
        raise ValueError(f"board kind must be one of {KINDS}, not {kind!r}")
    board_id, edit_token, view_token = (
        new_board_id(),
        secrets.token_urlsafe(32),
        secrets.token_urlsafe(32),
    )
    conn.execute(
        insert(boards).values(
            id=board_id,
            title=title,
            kind=kind,
            template=template,
            created=utcnow(),
            edit_token_hash=token_hash(edit_token),
            view_token_hash=token_hash(view_token),
        )
    )
    return board_id, edit_token, view_token


def get_board(conn: Connection, board_id: str) -> BoardRecord | None:
    row = conn.execute(
        select(
            boards.c.id, boards.c.title, boards.c.kind, boards.c.template, boards.c.created
        ).where(boards.c.id == board_id)
    ).first()
    return BoardRecord(*row) if row else None


def check_token(conn: Connection, board_id: str, token: str) -> TokenKind | None:
    """``"edit"``, ``"view"`` or ``None``; both hashes are always compared."""
    row = conn.execute(
        select(boards.c.edit_token_hash, boards.c.view_token_hash).where(boards.c.id == board_id)
    ).first()
    if row is None or not token:
        return None
    presented = token_hash(token)
    is_edit = hmac.compare_digest(presented, row.edit_token_hash)
    is_view = hmac.compare_digest(presented, row.view_token_hash)
    return "edit" if is_edit else "view" if is_view else None
