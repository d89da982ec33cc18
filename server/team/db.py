"""Tables of the tavlemøde and of agreed plans: team boards, plan versions, review notes.

Migrations ``0003_versions`` and ``0004_team`` create them. Every row about a
citizen hangs off a case (``case_id``), so erasing the case deletes it too.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Mapped, mapped_column

from server.access.accounts import new_id
from server.access.models import Case, Meeting, Team, TeamMember, User
from server.access.times import aware, utcnow
from server.store.models import Base
from server.store.tables import chunked

AWAITING = "awaiting_citizen"
AGREED = "agreed"


class TeamBoard(Base):
    """Which board (kind "team") is a team's tavlemøde board."""

    __tablename__ = "team_boards"
    team_id: Mapped[str] = mapped_column(String(32), ForeignKey("teams.id"), primary_key=True)
    team_board: Mapped[str] = mapped_column(String(32), unique=True)


class PlanVersion(Base):
    """One agreed version of a case's plan: the board as Yjs update and the plan record."""

    __tablename__ = "plan_versions"
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    agreed_by: Mapped[str] = mapped_column(Text)
    present: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    confirmed_by: Mapped[str | None] = mapped_column(Text, nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)
    record: Mapped[str] = mapped_column(Text)


class ReviewNote(Base):
    """A dated note written when the team reviews a case at its tavlemøde."""

    __tablename__ = "review_notes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"))
    date: Mapped[str] = mapped_column(String(10))
    author: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# ---- teams ---------------------------------------------------------------------------------
def is_member(conn: Connection, team_id: str, user_id: str) -> bool:
    found = conn.execute(
        select(TeamMember.user_id).where(
            TeamMember.team_id == team_id, TeamMember.user_id == user_id
        )
    ).first()
    return found is not None


def team_board_of(conn: Connection, team_id: str) -> str | None:
    return conn.execute(
        select(TeamBoard.team_board).where(TeamBoard.team_id == team_id)
    ).scalar_one_or_none()


def team_of_board(conn: Connection, board_id: str) -> str | None:
    return conn.execute(
        select(TeamBoard.team_id).where(TeamBoard.team_board == board_id)
    ).scalar_one_or_none()


def link_team_board(conn: Connection, team_id: str, board_id: str) -> None:
    conn.execute(insert(TeamBoard).values(team_id=team_id, team_board=board_id))


def team_cases(conn: Connection, team_id: str, case_id: str | None = None) -> list[dict[str, Any]]:
    """The team's cases (or only ``case_id``) with alias, coordinator, next meeting (the
    first that has not ended: a meeting in progress counts, as on /cases)."""
    now = utcnow()
    next_meeting = (
        select(func.min(Meeting.starts_at))
        .where(Meeting.case_id == Case.id, Meeting.ends_at > now)
        .correlate(Case)
        .scalar_subquery()
    )
    query = (
        select(Case.id, Case.board_id, Case.alias, User.name, next_meeting)
        .join(User, User.id == Case.coordinator_id)
        .where(Case.team_id == team_id)
        .order_by(Case.created)
    )
    if case_id is not None:
        query = query.where(Case.id == case_id)
    rows = conn.execute(query).all()
    return [
        {
            "id": r[0],
            "board_id": r[1],
            "alias": r[2],
            "coordinator": r[3],
            "next_meeting": aware(r[4]).isoformat() if r[4] else None,
        }
        for r in rows
    ]


# ---- plan versions -------------------------------------------------------------------------
def add_version(
    conn: Connection,
    case_id: str,
    agreed_by: str,
    present: list[dict],
    snapshot: bytes,
    record: dict,
) -> int:
    last = conn.execute(
        select(func.max(PlanVersion.number)).where(PlanVersion.case_id == case_id)
    ).scalar()
    number = (last or 0) + 1
    conn.execute(
        insert(PlanVersion).values(
            case_id=case_id,
            number=number,
            created=utcnow(),
            agreed_by=agreed_by,
            present=json.dumps(present, ensure_ascii=False),
            state=AWAITING,
            snapshot=snapshot,
            record=json.dumps(record, ensure_ascii=False),
        )
    )
    return number


def _summary(v: Row) -> dict[str, Any]:
    return {
        "number": v.number,
        "created": aware(v.created).isoformat(),
        "agreed_by": v.agreed_by,
        "present": json.loads(v.present),
        "state": v.state,
        "confirmed_by": v.confirmed_by,
        "confirmed_at": aware(v.confirmed_at).isoformat() if v.confirmed_at else None,
    }


def versions_of(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(PlanVersion).where(PlanVersion.case_id == case_id).order_by(PlanVersion.number)
    ).all()
    return [_summary(v) for v in rows]


def version(conn: Connection, case_id: str, number: int) -> tuple[dict, bytes, dict] | None:
    """``(summary, snapshot, plan record)`` of one version, or None."""
    row = conn.execute(
        select(PlanVersion).where(PlanVersion.case_id == case_id, PlanVersion.number == number)
    ).first()
    if row is None:
        return None
    return _summary(row), row.snapshot, json.loads(row.record)


def last_agreed(conn: Connection, case_id: str) -> bytes | None:
    """The board snapshot of the newest version the citizen confirmed."""
    return conn.execute(
        select(PlanVersion.snapshot)
        .where(PlanVersion.case_id == case_id, PlanVersion.state == AGREED)
        .order_by(PlanVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def confirm(conn: Connection, case_id: str, number: int, by: str) -> bool:
    done = conn.execute(
        update(PlanVersion)
        .where(
            PlanVersion.case_id == case_id,
            PlanVersion.number == number,
            PlanVersion.state == AWAITING,
        )
        .values(state=AGREED, confirmed_by=by, confirmed_at=utcnow())
    )
    return done.rowcount == 1


# ---- review notes --------------------------------------------------------------------------
def add_note(conn: Connection, case_id: str, date: str, author: str, text: str) -> str:
    note_id = new_id()
    conn.execute(
        insert(ReviewNote).values(
            id=note_id, case_id=case_id, date=date, author=author, text=text, created=utcnow()
        )
    )
    return note_id


def notes_of(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(ReviewNote)
        .where(ReviewNote.case_id == case_id)
        .order_by(ReviewNote.date.desc(), ReviewNote.created.desc())
    ).all()
    return [{"id": n.id, "date": n.date, "author": n.author, "text": n.text} for n in rows]


def cases_and_team_boards(
    conn: Connection, board_ids: list[str]
) -> dict[str, tuple[dict[str, Any], str]]:
    """For each case board among ``board_ids``: its case (as in :func:`team_cases`) and its
    team's board. Boards that are not case boards, or whose team has no board, are left out."""
    found: dict[str, tuple[dict[str, Any], str]] = {}
    for chunk in chunked(board_ids):
        rows = conn.execute(
            select(Case.board_id, Case.id, Case.team_id, TeamBoard.team_board)
            .join(TeamBoard, TeamBoard.team_id == Case.team_id)
            .where(Case.board_id.in_(chunk))
        ).all()
        for board_id, case_id, team_id, team_board in rows:
            found[board_id] = team_cases(conn, team_id, case_id)[0], team_board
    return found


def team_board_members(conn: Connection, board_id: str) -> frozenset[str] | None:
    """The user ids of the team whose board is ``board_id``; None: not a team board."""
    team_id = team_of_board(conn, board_id)
    if team_id is None:
        return None
    members = conn.execute(select(TeamMember.user_id).where(TeamMember.team_id == team_id))
    return frozenset(members.scalars())


def teams_of(conn: Connection, user_id: str) -> list[dict[str, str]]:
    rows = conn.execute(
        select(Team.id, Team.name)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user_id)
        .order_by(Team.name)
    ).all()
    return [{"id": r[0], "name": r[1]} for r in rows]


def team_name(conn: Connection, team_id: str) -> str | None:
    return conn.execute(select(Team.name).where(Team.id == team_id)).scalar_one_or_none()
