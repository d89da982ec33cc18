"""Sign-in sessions: a signed cookie naming a session row, and the CSRF token bound to it.

The cookie value is ``itsdangerous``-signed (tamper-proof, timestamped) and
holds a random session id; the database keeps only the id's SHA-256 hash, so
signing out ends the session everywhere. A board token carries the session id signed
for one board, so the board page (which takes a token in its URL fragment) works
for a signed-in professional too, and stops working when they sign out.
The CSRF token is an HMAC of the
session id: a page of this origin reads it from ``/api/auth/me`` (or the
``tavle_csrf`` cookie) and sends it back as ``X-CSRF-Token``; another site can
neither read nor compute it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Connection, delete, insert, select

from server.access.models import Session, User
from server.access.times import aware, utcnow

SESSION_COOKIE = "tavle_session"
CSRF_COOKIE = "tavle_csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_HOURS = 12
SESSION_LINK_PREFIX = "s."  # a signed-in professional's token for one board (page URLs)


@dataclass(frozen=True)
class Account:
    """The signed-in professional as the server sees them."""

    id: str
    username: str
    name: str
    org: str

    def public(self) -> dict[str, str]:
        return {"id": self.id, "username": self.username, "name": self.name, "org": self.org}


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


class SessionCodec:
    """Makes and reads session cookies and CSRF tokens with the server's secret key."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._serializer = URLSafeTimedSerializer(secret, salt="tavle-session")
        self._boards = URLSafeTimedSerializer(secret, salt="tavle-board-token")

    @property
    def max_age(self) -> int:
        return SESSION_HOURS * 3600

    def cookie_for(self, session_id: str) -> str:
        return self._serializer.dumps(session_id)

    def session_id(self, cookie: str | None) -> str | None:
        """The session id in a cookie value, or None when it is missing, forged or too old."""
        if not cookie:
            return None
        try:
            value = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def board_token(self, session_id: str, board_id: str) -> str:
        """A bearer token for one board that lives as long as the session (``s.`` + signed)."""
        return SESSION_LINK_PREFIX + self._boards.dumps([session_id, board_id])

    def board_token_session(self, token: str, board_id: str) -> str | None:
        """The session id of a board token made for ``board_id`` (None: forged, old, other)."""
        if not token.startswith(SESSION_LINK_PREFIX):
            return None
        try:
            value = self._boards.loads(token[len(SESSION_LINK_PREFIX) :], max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(value, list) or len(value) != 2 or value[1] != board_id:
            return None
        return value[0] if isinstance(value[0], str) else None

    def csrf_token(self, session_id: str) -> str:
        return hmac.new(self._secret, b"csrf:" + session_id.encode("ascii"), "sha256").hexdigest()

    def csrf_ok(self, cookie: str | None, presented: str | None) -> bool:
        """True when ``presented`` is the CSRF token of the session in ``cookie``."""
        session_id = self.session_id(cookie)
        if session_id is None or not presented:
            return False
        return hmac.compare_digest(self.csrf_token(session_id), presented)


def start_session(conn: Connection, user_id: str) -> str:
    """A new session row for ``user_id``; returns the session id (goes only into the cookie)."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    conn.execute(delete(Session).where(Session.expires < now))
    conn.execute(
        insert(Session).values(
            id_hash=_hash(session_id), user_id=user_id, expires=now + timedelta(hours=SESSION_HOURS)
        )
    )
    return session_id


def end_session(conn: Connection, session_id: str) -> None:
    conn.execute(delete(Session).where(Session.id_hash == _hash(session_id)))


def account_of_session(conn: Connection, session_id: str) -> Account | None:
    """The account of a live session, or None when it ended or expired."""
    row = conn.execute(
        select(User.id, User.username, User.name, User.org, Session.expires)
        .join(Session, Session.user_id == User.id)
        .where(Session.id_hash == _hash(session_id))
    ).first()
    if row is None or aware(row.expires) <= utcnow():
        return None
    return Account(row.id, row.username, row.name, row.org)
