"""The consents recorded for a board's case, for a per-office export.

Consent given on the case page lives in the ``consents`` table (it also decides who
may open the case); a board imported from a plan record carries its consents in
its ``consents`` map. A per-office export honours both (plan_export.office).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from server.access import casedb


def recorded_consents(board_id: str) -> Callable[[Connection], tuple[dict, ...]]:
    """For ``store.run``: the case's consent rows (none for a board without a case)."""

    def read(conn: Connection) -> tuple[dict, ...]:
        case = casedb.case_of_board(conn, board_id)
        return tuple(casedb.consents_of(conn, case.id)) if case else ()

    return read
