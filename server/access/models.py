"""Tables of accounts, teams, cases, meetings, participants, consent and the audit log.

They live on the store's :class:`~server.store.models.Base`; migration
``0002_access`` creates them. ``cases``, ``consents`` and ``audit_log`` are defined
once as Core tables in :mod:`server.access.tables` (read and written without the ORM
by ``tavle export``); ``Case`` and ``Consent`` map them, the audit log is only ever
written and read through its table (:mod:`server.access.audit`).
Secrets (passwords, join codes, join tokens) are kept only as hashes. Every row that
holds personal data about a citizen hangs off a case (``case_id``) so that erasing the
case can find and delete it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.access import tables
from server.store.models import Base
from server.store.tables import utcnow


class User(Base):
    """A professional's account: sign-in name, display name, organisation, argon2 hash."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    org: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Session(Base):
    """A signed-in browser; the cookie carries the id, the row holds its SHA-256 hash.

    Signing out deletes the row, so a copied cookie stops working at once.
    """

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Team(Base):
    """A team of professionals; it sees the cases it owns."""

    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class Case(Base):
    """One citizen or family: one plan board that lives across meetings."""

    __table__ = tables.cases


class Meeting(Base):
    """A scheduled meeting on a case; join codes are valid until it ends."""

    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # netvaerksmoede | tavlemoede
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JoinCode(Base):
    """A short code shown on the shared screen; only its keyed hash is stored."""

    __tablename__ = "join_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Participant(Base):
    """A person in a case: a joiner with a token, or a professional's account."""

    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    can_write: Mapped[bool] = mapped_column(Boolean)
    user_id: Mapped[str | None] = mapped_column(String(32), ForeignKey("users.id"), nullable=True)
    scopes: Mapped[str] = mapped_column(Text, default="")  # space-separated section ids
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    token_expires: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Section(Base):
    """A restricted section: its own Y document ``"{board_id}:{scope}"``."""

    __tablename__ = "sections"

    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text)


class Consent(Base):
    """The citizen's consent for one organisation to see the case."""

    __table__ = tables.consents


class FailureCount(Base):
    """Wrong join codes / passwords under one key (an HMAC, never the address or code)."""

    __tablename__ = "failure_counts"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    window: Mapped[int] = mapped_column(Integer)  # time // throttle.WINDOW of the count
    count: Mapped[int] = mapped_column(Integer)


ROLES = ("coordinator", "professional", "citizen", "relative", "support", "observer")
MEETING_KINDS = ("netvaerksmoede", "tavlemoede")
