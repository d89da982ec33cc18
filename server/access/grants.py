"""What a connection may do on a board: the Grant, and the first authoriser (board tokens).

The WebSocket endpoint and the HTTP API ask ``app.state.access`` for a Grant and
never look at tokens themselves, so later kinds of access (accounts, join codes,
consent) extend this module without touching the sync code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.sync.protocol import CloseCode

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection


@dataclass(frozen=True)
class Grant:
    """One connection's rights on one board."""

    board_id: str
    role: str  # coordinator, professional, citizen, relative, support, observer
    can_write: bool
    name: str = ""
    subject: str = ""  # who: account id or "token:edit"/"token:view"; never the token
    scopes: frozenset[str] = frozenset()  # restricted sections (doc "board_id:scope") allowed
    section: str | None = None  # the section this connection is in; None: the main document
    org: str = ""  # a signed-in professional's organisation: their account's, never typed


class Denied(Exception):
    """Access refused; ``code`` is the WebSocket close code (HTTP maps 4401→401 etc.).

    ``key`` and ``params`` name the plain-language answer for a person (a translation
    key of board/strings.json), when there is more to say than "not allowed".
    """

    def __init__(
        self, code: int, reason: str, key: str = "", params: dict[str, str] | None = None
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.key = key
        self.params = params or {}

    @property
    def http_status(self) -> int:
        return self.code - 4000 if 4400 <= self.code < 4500 else 500


def token_of(conn: HTTPConnection) -> str:
    """The token a request carries: ``Authorization: Bearer T`` or ``?token=T``."""
    auth = conn.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return conn.query_params.get("token", "")


class TokenAccess:
    """Board tokens: the edit token is role coordinator (writes), the view token observer."""

    def __init__(self, store: Any) -> None:
        self.store = store

    async def grant_for_token(self, board_id: str, token: str) -> Grant:
        board = await self.store.get_board(board_id)
        if board is None:
            raise Denied(CloseCode.UNKNOWN_BOARD, "unknown board")
        if not token:
            raise Denied(CloseCode.UNAUTHORIZED, "no token")
        kind = await self.store.check_board_token(board_id, token)
        if kind == "edit":
            return Grant(board_id, "coordinator", True, subject="token:edit")
        if kind == "view":
            return Grant(board_id, "observer", False, subject="token:view")
        raise Denied(CloseCode.UNAUTHORIZED, "bad token")
