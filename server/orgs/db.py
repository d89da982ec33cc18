"""The ``organisations`` table: the offices a municipality works with, entered once.

A board keeps its own copy of each organisation it refers to (the ``organisations``
map, docs/board-format.md), so an export never needs the database; this list is
where those copies come from, by the organisation picker, ``tavle org`` and the
migration of old boards' free-text offices (:func:`server.orgs.link.migrate_board`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Connection, DateTime, Row, String, func, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from board import schema
from board.plan import Organisation, same_org_name
from server.store.models import Base
from server.store.tables import utcnow

CODES = {
    "sor": re.compile(r"[0-9]{1,18}"),
    "cvr": re.compile(r"[0-9]{8}"),
    "municipality": re.compile(r"[0-9]{3,4}"),
    "kombit": re.compile(r"urn:uuid:[0-9a-fA-F-]{36}"),
}
WORDS = {
    "sor": "a SOR code is 1-18 digits",
    "cvr": "a CVR number is 8 digits",
    "municipality": "a municipality code is 3-4 digits, e.g. 0219",
    "kombit": "a KOMBIT id is urn:uuid:…",
}


class OrgError(ValueError):
    """A refused change of the list; the message is safe to show."""


class OrgRow(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    sor: Mapped[str] = mapped_column(String(18), default="")
    cvr: Mapped[str] = mapped_column(String(8), default="")
    municipality: Mapped[str] = mapped_column(String(4), default="")
    kombit: Mapped[str] = mapped_column(String(64), default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass
class OrgFields:
    """What may be set on an organisation; None: leave as it is (edit)."""

    name: str | None = None
    kind: str | None = None
    sor: str | None = None
    cvr: str | None = None
    municipality: str | None = None
    kombit: str | None = None

    def checked(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in asdict(self).items():
            if value is None:
                continue
            if not isinstance(value, str):
                raise OrgError(f"{key} must be text")
            value = " ".join(value.split())
            if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in value):
                raise OrgError(f"{key} contains control characters")
            if key == "name" and not value:
                raise OrgError("the name is required")
            if key == "name" and len(value) > schema.MAX_TITLE:
                raise OrgError(f"the name is longer than {schema.MAX_TITLE} characters")
            if key == "kind" and value not in schema.ORG_KINDS:
                raise OrgError(f"kind must be one of {', '.join(schema.ORG_KINDS)}")
            if key in CODES and value and not CODES[key].fullmatch(value):
                raise OrgError(WORDS[key])
            out[key] = value
        return out


def _as_org(row: Row) -> Organisation:
    return Organisation(row.id, row.name, row.kind, row.sor, row.cvr, row.municipality, row.kombit)


def list_orgs(conn: Connection) -> list[Organisation]:
    rows = conn.execute(select(OrgRow).order_by(func.lower(OrgRow.name), OrgRow.id)).all()
    return [_as_org(r) for r in rows]


def find_org(conn: Connection, key: str) -> Organisation | None:
    """The organisation with id ``key``, else the one named ``key`` (same_org_name)."""
    rows = conn.execute(select(OrgRow)).all()
    row = next((r for r in rows if r.id == key), None) or next(
        (r for r in rows if same_org_name(r.name, key)), None
    )
    return _as_org(row) if row else None


def _name_taken(conn: Connection, name: str, other_than: str | None = None) -> bool:
    return any(same_org_name(o.name, name) and o.id != other_than for o in list_orgs(conn))


def add_org(conn: Connection, fields: OrgFields) -> Organisation:
    values = fields.checked()
    if "name" not in values:
        raise OrgError("the name is required")
    if _name_taken(conn, values["name"]):
        raise OrgError(f"there is already an organisation named {values['name']!r}")
    org = Organisation(id=f"org-{secrets.token_hex(6)}", **{"kind": "other", **values})
    conn.execute(insert(OrgRow).values(**asdict(org)))
    return org


def edit_org(conn: Connection, key: str, fields: OrgFields) -> Organisation:
    found = find_org(conn, key)
    if found is None:
        raise LookupError(key)
    values = fields.checked()
    if "name" in values and _name_taken(conn, values["name"], found.id):
        raise OrgError(f"there is already an organisation named {values['name']!r}")
    if values:
        conn.execute(update(OrgRow).where(OrgRow.id == found.id).values(**values))
    return find_org(conn, found.id)  # type: ignore[return-value]
