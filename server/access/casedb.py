"""Cases, meetings, join codes, participants, sections and consent in the database.

Plain functions on a SQLAlchemy ``Connection`` (run them through
``store.run``); they check shapes and existence, not rights — the API modules
ask :mod:`server.access.policy` who may call them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, insert, inspect, or_, select, update
from sqlalchemy.sql import column as column_clause
from sqlalchemy.sql import table as table_clause

from server.access.accounts import new_id
from server.access.audit import insert_event
from server.access.models import (
    Case,
    Consent,
    JoinCode,
    Meeting,
    Participant,
    Section,
    Team,
    TeamMember,
    User,
)
from server.access.policy import CaseFacts, ConsentFact, Person
from server.access.times import aware, iso, utcnow
from server.orgs.consents import consents_of
from server.store.models import Board, ErasedBoard

MAX_CODES_PER_MEETING = 5


@dataclass(frozen=True)
class CaseRow:
    id: str
    board_id: str
    alias: str
    team_id: str
    coordinator_id: str


def _scopes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ---- cases --------------------------------------------------------------------------------
def insert_case(conn: Connection, board_id: str, alias: str, team_id: str, user_id: str) -> str:
    case_id = new_id()
    conn.execute(
        insert(Case).values(
            id=case_id,
            board_id=board_id,
            alias=alias,
            team_id=team_id,
            coordinator_id=user_id,
            created=utcnow(),
        )
    )
    return case_id


def _case_where(conn: Connection, condition: ColumnElement[bool]) -> CaseRow | None:
    row = conn.execute(
        select(Case.id, Case.board_id, Case.alias, Case.team_id, Case.coordinator_id).where(
            condition
        )
    ).first()
    return CaseRow(*row) if row else None


def case_row(conn: Connection, case_id: str) -> CaseRow | None:
    return _case_where(conn, Case.id == case_id)


def case_of_board(conn: Connection, board_id: str) -> CaseRow | None:
    return _case_where(conn, Case.board_id == board_id)


def load_facts(conn: Connection, board_id: str) -> CaseFacts | None:
    """The access facts of the case whose board is ``board_id`` (None: no such case)."""
    case = case_of_board(conn, board_id)
    if case is None:
        return None
    team_users = frozenset(
        conn.execute(select(TeamMember.user_id).where(TeamMember.team_id == case.team_id)).scalars()
    )
    people = {
        p.id: Person(
            p.id,
            p.name,
            p.role,
            p.can_write,
            _scopes(p.scopes),
            p.user_id,
            p.token_expires,
            p.token_hash is not None,
        )
        for p in conn.execute(select(Participant).where(Participant.case_id == case.id)).all()
    }
    user_ids = set(team_users) | {case.coordinator_id}
    user_ids |= {p.user_id for p in people.values() if p.user_id}
    users = conn.execute(select(User.id, User.org, User.name).where(User.id.in_(user_ids))).all()
    consents = tuple(
        ConsentFact(c.org, c.expires, c.withdrawn_at is not None)
        for c in conn.execute(select(Consent).where(Consent.case_id == case.id)).all()
    )
    sections = frozenset(
        conn.execute(select(Section.scope).where(Section.case_id == case.id)).scalars()
    )
    return CaseFacts(
        case_id=case.id,
        board_id=case.board_id,
        coordinator_id=case.coordinator_id,
        team_users=team_users,
        orgs={u.id: u.org for u in users},
        names={u.id: u.name for u in users},
        people=people,
        consents=consents,
        sections=sections,
    )


def cases_for_user(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    """The cases of the user's teams and those they coordinate, with their meetings."""
    teams = select(TeamMember.team_id).where(TeamMember.user_id == user_id)
    rows = conn.execute(
        select(
            Case.id, Case.board_id, Case.alias, Case.coordinator_id, Team.name, User.name, Team.id
        )
        .join(Team, Team.id == Case.team_id)
        .join(User, User.id == Case.coordinator_id)
        .where(or_(Case.team_id.in_(teams), Case.coordinator_id == user_id))
        .order_by(Case.created)
    ).all()
    return [
        {
            "id": r[0],
            "board_id": r[1],
            "alias": r[2],
            "coordinator": r[5],
            "is_coordinator": r[3] == user_id,
            "team": r[4],
            "team_id": r[6],
            "meetings": meetings_of(conn, r[0]),
        }
        for r in rows
    ]


def case_detail(conn: Connection, case: CaseRow) -> dict[str, Any]:
    """Everything the coordinator's case page shows (no secrets, no hashes)."""
    participants = [
        {
            "id": p.id,
            "name": p.name,
            "role": p.role,
            "can_write": p.can_write,
            "scopes": sorted(_scopes(p.scopes)),
            "account": p.user_id is not None,
            "active": p.token_hash is not None or p.user_id is not None,
        }
        for p in conn.execute(
            select(Participant).where(Participant.case_id == case.id).order_by(Participant.created)
        ).all()
    ]
    sections = [
        {"scope": s.scope, "title": s.title}
        for s in conn.execute(select(Section).where(Section.case_id == case.id)).all()
    ]
    return {
        "id": case.id,
        "board_id": case.board_id,
        "alias": case.alias,
        "meetings": meetings_of(conn, case.id),
        "participants": participants,
        "sections": sections,
        "consents": consents_of(conn, case.id),
    }


# ---- meetings and join codes --------------------------------------------------------------
def meetings_of(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    return [
        {"id": m.id, "kind": m.kind, "starts_at": iso(m.starts_at), "ends_at": iso(m.ends_at)}
        for m in conn.execute(
            select(Meeting).where(Meeting.case_id == case_id).order_by(Meeting.starts_at)
        ).all()
    ]


def add_meeting(conn: Connection, case_id: str, kind: str, start: datetime, end: datetime) -> str:
    meeting_id = new_id()
    conn.execute(
        insert(Meeting).values(
            id=meeting_id, case_id=case_id, kind=kind, starts_at=start, ends_at=end
        )
    )
    return meeting_id


def meeting_case(conn: Connection, meeting_id: str) -> tuple[datetime, CaseRow] | None:
    """A meeting's end and its case."""
    row = conn.execute(
        select(Meeting.ends_at, Meeting.case_id).where(Meeting.id == meeting_id)
    ).first()
    if row is None:
        return None
    case = case_row(conn, row.case_id)
    return (aware(row.ends_at), case) if case else None


def end_meeting(conn: Connection, meeting_id: str, case_id: str) -> None:
    """End now: its codes go, and tokens handed out by codes expire."""
    now = utcnow()
    conn.execute(update(Meeting).where(Meeting.id == meeting_id).values(ends_at=now))
    conn.execute(delete(JoinCode).where(JoinCode.meeting_id == meeting_id))
    conn.execute(
        update(Participant)
        .where(Participant.case_id == case_id, Participant.token_expires > now)
        .values(token_expires=now)
    )


def add_join_code(
    conn: Connection, meeting_id: str, code_hash: str, role: str, expires: datetime
) -> None:
    """Store a code's hash; a meeting keeps its newest few codes (a second screen may show one)."""
    now = utcnow()
    conn.execute(delete(JoinCode).where(JoinCode.expires <= now))
    older = (
        conn.execute(
            select(JoinCode.code_hash)
            .where(JoinCode.meeting_id == meeting_id)
            .order_by(JoinCode.created.desc())
            .offset(MAX_CODES_PER_MEETING - 1)
        )
        .scalars()
        .all()
    )
    if older:
        conn.execute(delete(JoinCode).where(JoinCode.code_hash.in_(older)))
    conn.execute(
        insert(JoinCode).values(
            code_hash=code_hash, meeting_id=meeting_id, role=role, expires=expires, created=now
        )
    )


def redeem_code(conn: Connection, code_hash: str) -> tuple[CaseRow, str, datetime] | None:
    """The case, role and expiry of a live code (None: unknown or expired)."""
    row = conn.execute(
        select(JoinCode.role, JoinCode.expires, Meeting.case_id)
        .join(Meeting, Meeting.id == JoinCode.meeting_id)
        .where(JoinCode.code_hash == code_hash)
    ).first()
    if row is None or aware(row.expires) <= utcnow():
        return None
    case = case_row(conn, row.case_id)
    return (case, row.role, aware(row.expires)) if case else None


# ---- participants -------------------------------------------------------------------------
def add_participant(
    conn: Connection,
    case_id: str,
    name: str,
    role: str,
    can_write: bool,
    *,
    user_id: str | None = None,
    token_hash: str | None = None,
    token_expires: datetime | None = None,
) -> str:
    person_id = new_id()
    conn.execute(
        insert(Participant).values(
            id=person_id,
            case_id=case_id,
            name=name,
            role=role,
            can_write=can_write,
            user_id=user_id,
            scopes="",
            token_hash=token_hash,
            token_expires=token_expires,
            created=utcnow(),
        )
    )
    return person_id


def rejoin(
    conn: Connection, case_id: str, token_hash: str, role: str, can_write: bool, expires: datetime
) -> tuple[str, str, bool] | None:
    """The participant who holds ``token_hash`` on this case again (same device, same name);
    None when there is none (a first join). Their token works until ``expires`` again. The
    citizen's code makes them the citizen; any other code keeps the role they have (the
    coordinator's last decision: a family member's code never demotes nor promotes)."""
    row = conn.execute(
        select(Participant.id, Participant.role, Participant.can_write).where(
            Participant.case_id == case_id, Participant.token_hash == token_hash
        )
    ).first()
    if row is None:
        return None
    values: dict = {"token_expires": expires}
    if role == "citizen":
        values |= {"role": role, "can_write": can_write}
    conn.execute(update(Participant).where(Participant.id == row.id).values(**values))
    return row.id, values.get("role", row.role), values.get("can_write", row.can_write)


def citizen_present(conn: Connection, case_id: str, except_hash: str | None) -> bool:
    """Has someone else joined this case as the citizen with a token that still works?"""
    query = select(Participant.id).where(
        Participant.case_id == case_id,
        Participant.role == "citizen",
        Participant.user_id.is_(None),
        Participant.token_expires > utcnow(),
    )
    if except_hash is not None:
        query = query.where(Participant.token_hash != except_hash)
    return conn.execute(query.limit(1)).first() is not None


def person_by_token(conn: Connection, token_hash: str) -> tuple[str, str] | None:
    """``(participant_id, board_id)`` of a join token's hash."""
    row = conn.execute(
        select(Participant.id, Case.board_id)
        .join(Case, Case.id == Participant.case_id)
        .where(Participant.token_hash == token_hash)
    ).first()
    return (row.id, row.board_id) if row else None


def person_name(conn: Connection, case_id: str, person_id: str) -> str | None:
    return conn.execute(
        select(Participant.name).where(Participant.id == person_id, Participant.case_id == case_id)
    ).scalar_one_or_none()


def set_role(conn: Connection, case_id: str, person_id: str, role: str, can_write: bool) -> bool:
    done = conn.execute(
        update(Participant)
        .where(Participant.id == person_id, Participant.case_id == case_id)
        .values(role=role, can_write=can_write)
    )
    return done.rowcount == 1


def set_scopes(conn: Connection, case_id: str, person_id: str, scopes: set[str]) -> bool:
    done = conn.execute(
        update(Participant)
        .where(Participant.id == person_id, Participant.case_id == case_id)
        .values(scopes=" ".join(sorted(scopes)))
    )
    return done.rowcount == 1


def revoke(conn: Connection, case_id: str, person_id: str) -> bool:
    """Take a participant off the case: the row goes, and with it their token."""
    done = conn.execute(
        delete(Participant).where(Participant.id == person_id, Participant.case_id == case_id)
    )
    return done.rowcount == 1


def add_section(conn: Connection, case_id: str, title: str) -> str:
    scope = "s" + secrets.token_hex(6)
    conn.execute(insert(Section).values(case_id=case_id, scope=scope, title=title))
    return scope


def section_titles(conn: Connection, board_id: str) -> list[tuple[str, str]]:
    rows = conn.execute(
        select(Section.scope, Section.title)
        .join(Case, Case.id == Section.case_id)
        .where(Case.board_id == board_id)
        .order_by(Section.title)
    ).all()
    return [(r.scope, r.title) for r in rows]


# ---- consent ------------------------------------------------------------------------------
def add_consent(
    conn: Connection, case_id: str, org: str, given_by: str, scope: str, expires: datetime | None
) -> str:
    consent_id = new_id()
    conn.execute(
        insert(Consent).values(
            id=consent_id,
            case_id=case_id,
            org=org,
            given_by=given_by,
            given_at=utcnow(),
            scope=scope,
            expires=expires,
        )
    )
    return consent_id


def withdraw_consent(conn: Connection, case_id: str, consent_id: str) -> str | None:
    """Mark withdrawn now; returns the organisation (None: no such live consent)."""
    org = conn.execute(
        select(Consent.org).where(
            Consent.id == consent_id, Consent.case_id == case_id, Consent.withdrawn_at.is_(None)
        )
    ).scalar_one_or_none()
    if org is not None:
        conn.execute(update(Consent).where(Consent.id == consent_id).values(withdrawn_at=utcnow()))
    return org


# ---- erasure ------------------------------------------------------------------------------
def erase_case(conn: Connection, case: CaseRow, actor: str) -> list[str]:
    """Delete every row of the case (the board's documents go through the Store); the
    names of the tables it deleted from (to be scrubbed: ``Store.scrub``).

    Besides the access tables, any other table with a ``board_id`` or ``case_id``
    column (plan versions, team-board links…) is cleared for this case, found by
    reflection so that tables added later are not forgotten. The audit rows of
    the board name the family, so they go too; one anonymous tombstone records
    that a case was erased, by whom (an account), and when. The board's own tombstone
    in ``erased_boards`` (written by the Store) stays: it keeps the board refused.
    """
    touched = [t.__table__.name for t in (JoinCode, Meeting, Participant, Section, Consent)]
    meetings = select(Meeting.id).where(Meeting.case_id == case.id)
    conn.execute(delete(JoinCode).where(JoinCode.meeting_id.in_(meetings)))
    for table in (Meeting, Participant, Section, Consent):
        conn.execute(delete(table).where(table.case_id == case.id))
    keys = {"board_id": case.board_id, "case_id": case.id}
    inspector = inspect(conn)
    for name in inspector.get_table_names():
        if name in (Case.__table__.name, ErasedBoard.__table__.name):
            continue
        columns = {c["name"] for c in inspector.get_columns(name)} & keys.keys()
        if columns:
            touched.append(name)
        for column in columns:
            conn.execute(
                delete(table_clause(name, column_clause(column))).where(
                    column_clause(column) == keys[column]
                )
            )
    conn.execute(delete(Case).where(Case.id == case.id))
    conn.execute(delete(Board).where(Board.id == case.board_id))
    insert_event(conn, "case_erased", actor=actor)
    return sorted({*touched, Case.__table__.name, Board.__table__.name})
