"""The citizen's recorded consents: a case's rows, and those of a board's case for a
per-office export.

Consent given on the case page lives in the ``consents`` table (it also decides who
may open the case); a board imported from a plan record carries its consents in
its ``consents`` map. A per-office export honours both (plan_export.office). The
rows are read through the Core tables of :mod:`server.access.tables`, so that
``tavle export --office`` imports neither the ORM classes nor the web layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, select

from server.access.policy import ConsentFact
from server.access.tables import cases, consents
from server.access.times import iso, utcnow


def _consents_where(conn: Connection, condition: ColumnElement[bool]) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "id": c.id,
            "org": c.org,
            "given_by": c.given_by,
            "given_at": iso(c.given_at),
            "scope": c.scope,
            "expires": iso(c.expires),
            "withdrawn_at": iso(c.withdrawn_at),
            "valid": ConsentFact(c.org, c.expires, c.withdrawn_at is not None).valid(now),
        }
        for c in conn.execute(select(consents).where(condition).order_by(consents.c.given_at)).all()
    ]


def consents_of(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    """The case's consent rows, oldest first, each with whether it is ``valid`` now."""
    return _consents_where(conn, consents.c.case_id == case_id)


def recorded_consents(board_id: str) -> Callable[[Connection], tuple[dict, ...]]:
    """For ``store.run``: the consent rows of the board's case (none for a board without a
    case)."""
    case_id = select(cases.c.id).where(cases.c.board_id == board_id).scalar_subquery()

    def read(conn: Connection) -> tuple[dict, ...]:
        return tuple(_consents_where(conn, consents.c.case_id == case_id))

    return read
