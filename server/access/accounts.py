"""Accounts and teams in the database: create a user, check a password, team membership."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import Connection, insert, select

from server.access.models import Team, TeamMember, User
from server.access.passwords import hash_password, verify_password
from server.access.sessions import Account
from server.access.times import utcnow

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MAX_NAME = 120


class AccountError(ValueError):
    """A refused account change; the message is safe to show."""


def new_id() -> str:
    return secrets.token_urlsafe(12)


def clean_text(value: object, what: str, limit: int = MAX_NAME) -> str:
    """A required one-line text (name, organisation…), stripped, without control characters."""
    if not isinstance(value, str) or not value.strip():
        raise AccountError(f"{what} is required")
    text = " ".join(value.split())
    if len(text) > limit:
        raise AccountError(f"{what} is longer than {limit} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise AccountError(f"{what} contains control characters")
    return text


def ensure_team(conn: Connection, name: str) -> str:
    """The id of team ``name``, created if new."""
    team_name = clean_text(name, "team")
    found = conn.execute(select(Team.id).where(Team.name == team_name)).scalar_one_or_none()
    if found is not None:
        return found
    team_id = new_id()
    conn.execute(insert(Team).values(id=team_id, name=team_name))
    return team_id


def create_user(
    conn: Connection, username: str, password: str, name: str, org: str, teams: list[str]
) -> Account:
    """A new account (argon2id hash), added to ``teams`` (created when missing)."""
    login = username.strip().lower()
    if not USERNAME_RE.match(login):
        raise AccountError("the username must be 2-64 of a-z 0-9 . _ - (lowercase)")
    if conn.execute(select(User.id).where(User.username == login)).first():
        raise AccountError(f"the username {login!r} is taken")
    account = Account(new_id(), login, clean_text(name, "name"), clean_text(org, "organisation"))
    conn.execute(
        insert(User).values(
            id=account.id,
            username=account.username,
            name=account.name,
            org=account.org,
            password_hash=hash_password(password),
            created=utcnow(),
        )
    )
    for team in teams:
        conn.execute(insert(TeamMember).values(team_id=ensure_team(conn, team), user_id=account.id))
    return account


def check_login(conn: Connection, username: str, password: str) -> Account | None:
    """The account when the password matches, else None (same cost for unknown names)."""
    row = conn.execute(
        select(User.id, User.username, User.name, User.org, User.password_hash).where(
            User.username == username.strip().lower()
        )
    ).first()
    if not verify_password(row.password_hash if row else None, password):
        return None
    assert row is not None
    return Account(row.id, row.username, row.name, row.org)


def account_by_username(conn: Connection, username: str) -> Account | None:
    row = conn.execute(
        select(User.id, User.username, User.name, User.org).where(
            User.username == username.strip().lower()
        )
    ).first()
    return Account(*row) if row else None


def team_ids(conn: Connection, user_id: str) -> list[str]:
    return list(
        conn.execute(select(TeamMember.team_id).where(TeamMember.user_id == user_id)).scalars()
    )


def team_names(conn: Connection, user_id: str) -> list[str]:
    return list(
        conn.execute(
            select(Team.name)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(TeamMember.user_id == user_id)
            .order_by(Team.name)
        ).scalars()
    )


def team_by_name(conn: Connection, name: str) -> str | None:
    return conn.execute(select(Team.id).where(Team.name == name.strip())).scalar_one_or_none()
