"""The access model on PostgreSQL: join, consent, sections and erasure (every table scanned)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import LargeBinary, MetaData, String, Text, create_engine, select

from tests.test_access_support import (
    Api,
    join,
    join_code,
    make_user,
    new_case,
    open_meeting,
)
from tests.test_access_ws import put_note
from tests.yclient import connected

pytestmark = pytest.mark.scaleout


def tables_holding(url: str, needle: str) -> set[str]:
    """Names of the tables with a text or bytes cell that contains ``needle``."""
    engine = create_engine(url)
    found: set[str] = set()
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                for row in conn.execute(select(table)):
                    for column, cell in zip(table.columns, row, strict=True):
                        if not isinstance(column.type, String | Text | LargeBinary) or cell is None:
                            continue
                        data = bytes(cell) if isinstance(cell, memoryview | bytes) else cell
                        hit = needle.encode() in data if isinstance(data, bytes) else needle in data
                        if hit:
                            found.add(table.name)
    finally:
        engine.dispose()
    return found


async def test_join_consent_and_erasure_on_postgresql(server_factory, pg_db: str) -> None:
    server = server_factory(env={"TAVLE_DATABASE_URL": pg_db})
    make_user(server, "koord", "Kommunen", "Team Nord")
    make_user(server, "jobc", "Jobcenter", "Team Nord")
    koord, jobc = Api(server), Api(server)
    assert koord.login("koord").status_code == 200 and jobc.login("jobc").status_code == 200
    marker = "PGSLET4411"
    case = new_case(koord, f"Familien {marker}")
    me_url = f"/api/boards/{case['board_id']}/me"
    assert jobc.get(me_url).status_code == 403
    koord.post(f"/api/cases/{case['id']}/consents", {"org": "Jobcenter", "given_by": marker})
    assert jobc.get(me_url).json()["role"] == "professional"
    section = koord.post(f"/api/cases/{case['id']}/sections", {"title": marker}).json()
    citizen = join(server, join_code(koord, open_meeting(koord, case["id"]), "citizen"), marker)
    token = citizen.json()["token"]
    main = await connected(server.ws, case["board_id"], token)
    private = await connected(server.ws, section["room"], token)
    await main.edit(lambda doc: put_note(doc, marker))
    await private.edit(lambda doc: put_note(doc, marker))
    await asyncio.sleep(0.5)
    assert {"cases", "consents", "sections", "participants", "doc_updates"} <= tables_holding(
        pg_db, marker
    )
    assert koord.delete(f"/api/cases/{case['id']}").status_code == 200
    assert await main.wait_closed(2) == 4403
    await asyncio.sleep(0.3)
    assert tables_holding(pg_db, marker) == set()
    assert tables_holding(pg_db, case["board_id"]) == {"erased_boards"}  # the id, as tombstone
