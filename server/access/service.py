"""``app.state.access``: the authoriser for WebSockets and HTTP, and live re-granting.

Three kinds of credentials reach a board:
- a board's own edit/view token (``tavle board create``): coordinator / observer;
- a join token from ``POST /api/join`` (``Authorization: Bearer`` or ``?token=``);
- a professional's session cookie (the WebSocket must then come from our own origin),
  or a board token signed for their session (``s.…``, for the board page's URL).
All three end in :func:`server.access.policy.resolve`-style decisions, and every
change of rights calls :meth:`AccessService.regrant` so open connections follow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from server.access import casedb, joincodes, policy
from server.access.audit import Audit
from server.access.grants import Denied, Grant, TokenAccess, token_of
from server.access.policy import CaseFacts
from server.access.sessions import SESSION_COOKIE, Account, SessionCodec, account_of_session
from server.access.throttle import Throttle
from server.access.times import utcnow
from server.sync.protocol import CloseCode
from server.team.db import team_board_members

log = logging.getLogger("tavle.access")


def same_origin(conn: HTTPConnection) -> bool:
    """True when the request's Origin (if any) names this host; browsers always send it on WS."""
    origin = conn.headers.get("origin")
    if origin is None:
        return conn.scope["type"] == "http"
    return urlsplit(origin).netloc.lower() == conn.headers.get("host", "").lower()


class AccessService:
    """Decides every Grant; holds the session codec and the server secret for join codes."""

    def __init__(
        self,
        store: Any,
        rooms: Any,
        audit: Audit,
        codec: SessionCodec,
        secret: bytes,
        throttle: Throttle,
        sweep_seconds: float = 30.0,
    ) -> None:
        self.sweep_seconds = sweep_seconds
        self._sweeper: asyncio.Task[None] | None = None
        self.store = store
        self.rooms = rooms
        self.audit = audit
        self.codec = codec
        self.secret = secret
        self.tokens = TokenAccess(store)
        self.throttle = throttle

    # ---- lifetime -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Start the sweep: every ``sweep_seconds`` the open connections are re-granted.

        A change made here re-grants at once; the sweep catches what no request here
        announces: expiry of join tokens and consent, and changes made by another
        server process sharing the database.
        """
        if self.sweep_seconds > 0:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await self.throttle.close()

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            for board_id in {key.partition(":")[0] for key in list(self.rooms.rooms)}:
                try:
                    await self.regrant(board_id)
                except Exception:
                    log.exception("re-granting the connections of a board failed")

    # ---- who is asking ------------------------------------------------------------------------
    def session_id(self, conn: HTTPConnection) -> str | None:
        return self.codec.session_id(conn.cookies.get(SESSION_COOKIE))

    async def account(self, conn: HTTPConnection, board_id: str | None = None) -> Account | None:
        """The signed-in professional of a request, or None.

        On a board (``board_id``) a request with a token acts as :meth:`grant_for` lets it:
        as the session its board token was signed for, never as its cookie's (None for a
        join token or the board's own token), so a rule about the account (their own
        office's export) speaks of the same person as the grant."""
        if board_id is not None and (token := token_of(conn)):
            session_id = self.codec.board_token_session(token, board_id)
        else:
            session_id = self.session_id(conn)
        if session_id is None:
            return None
        return await self.store.run(lambda c: account_of_session(c, session_id))

    async def facts(self, board_id: str) -> CaseFacts | None:
        return await self.store.run(lambda c: casedb.load_facts(c, board_id))

    # ---- the authoriser (docs/ARCHITECTURE.md, "Grants") --------------------------------------
    async def authorize(self, conn: HTTPConnection, board_id: str, scope: str | None) -> Grant:
        """The Grant of a WebSocket or HTTP request on a board (or its section), or Denied."""
        grant = await self.grant_for(conn, board_id)
        if scope is not None:
            if scope not in grant.scopes:
                raise Denied(CloseCode.FORBIDDEN, "section not allowed")
            grant = replace(grant, section=scope)
        if conn.scope["type"] == "websocket":
            await self.audit.record(
                "open",
                board_id=board_id,
                actor=grant.name or grant.subject,
                detail={"role": grant.role, "section": scope} if scope else {"role": grant.role},
            )
        return grant

    async def grant_for(self, conn: HTTPConnection, board_id: str) -> Grant:
        """The caller's grant on the whole board (no section, no audit): for HTTP routes."""
        token = token_of(conn)
        if not token:  # the session cookie: only from our own pages
            account = await self.account(conn)
            if account is None:
                raise Denied(CloseCode.UNAUTHORIZED, "no token")
            if not same_origin(conn):
                raise Denied(CloseCode.FORBIDDEN, "cross-site request")
            return await self._account_grant(account, board_id)
        session_id = self.codec.board_token_session(token, board_id)
        if session_id is not None:
            account = await self.store.run(lambda c: account_of_session(c, session_id))
            return await self._account_grant(account, board_id)
        return await self._token_grant(token, board_id)

    async def _token_grant(self, token: str, board_id: str) -> Grant:
        """A join token (participant row) or the board's own edit/view token."""
        found = await self.store.run(
            lambda c: casedb.person_by_token(c, joincodes.token_hash(token))
        )
        if found is None:
            grant = await self.tokens.grant_for_token(board_id, token)
            facts = await self.facts(board_id)
            if facts is not None and grant.role == "coordinator":
                grant = replace(grant, scopes=facts.sections)
            return grant
        person_id, person_board = found
        facts = await self.facts(board_id) if person_board == board_id else None
        if facts is None:
            raise Denied(CloseCode.UNAUTHORIZED, "bad token")
        grant = policy.grant_for_person(facts, person_id, utcnow())
        if grant is None:
            raise Denied(CloseCode.UNAUTHORIZED, "token expired or revoked")
        return grant

    async def _account_grant(self, account: Account | None, board_id: str) -> Grant:
        """A professional's grant: coordinator, team member with consent, or placed account."""
        if account is None:
            raise Denied(CloseCode.UNAUTHORIZED, "no token")
        facts = await self.facts(board_id)
        if facts is None:
            members = await self.store.run(lambda c: team_board_members(c, board_id))
            if members is None:
                raise Denied(CloseCode.UNKNOWN_BOARD, "unknown case")
            if account.id not in members:  # a team board (docs/team-board.md): its team only
                raise Denied(CloseCode.FORBIDDEN, "not in this team")
            subject = f"user:{account.id}"
            return Grant(board_id, "professional", True, account.name, subject, org=account.org)
        now = utcnow()
        grant = policy.grant_for_user(facts, account.id, now)
        if grant is None:
            org = policy.missing_consent(facts, account.id, now)
            if org is not None:
                coordinator = facts.names.get(facts.coordinator_id, "")
                params = {"org": org, "coordinator": coordinator}
                raise Denied(CloseCode.FORBIDDEN, "no consent", "access.no_consent", params)
            raise Denied(CloseCode.FORBIDDEN, "no access")
        return grant

    # ---- after a change -----------------------------------------------------------------------
    async def regrant(self, board_id: str, *, close_all: bool = False) -> None:
        """Re-evaluate every open connection of the board now (None closes it with 4403)."""
        facts = None if close_all else await self.facts(board_id)
        now = utcnow()
        members = (
            None
            if facts or close_all
            else await self.store.run(lambda c: team_board_members(c, board_id))
        )
        if members is not None:  # a team board: members stay, others go
            await self.rooms.regrant(
                board_id, lambda g: g if g.subject.removeprefix("user:") in members else None
            )
            return

        def fresh(current: Grant) -> Grant | None:
            if close_all:
                return None
            return policy.resolve(facts, current, now)

        await self.rooms.regrant(board_id, fresh)
