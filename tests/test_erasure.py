"""Erasure reaches every copy (issue 13.5): every file of SQLite, every table of
PostgreSQL, every process of a cluster, and no row is written for the board afterwards.

The citizen's distinctive texts — name, own goal, a note, a section title, a review
note, a consent — are written the way the app writes them; after ``DELETE
/api/cases/{id}`` the raw bytes of the SQLite database and its WAL, and every cell of
every PostgreSQL table, are searched for each of them.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from pycrdt import Map

from tests.conftest import ServerProcess
from tests.test_access_pg import tables_holding
from tests.test_access_support import Api, join, join_code, make_user, new_case, open_meeting
from tests.test_access_ws import put_note
from tests.yclient import YClient, connected

TEXTS = {
    "name": "Zorbaxa Quillfeather",
    "goal": "Mit mål er ZQ-havearbejde-7731",
    "note": "ZQ-notat-om-lejligheden-8812",
    "section": "ZQ-afsnit-misbrug-9923",
    "review": "ZQ-status-fra-teamet-1034",
    "consent": "ZQ-mor-giver-samtykke-2145",
}


def own_goal(doc, text: str) -> None:
    doc.get("plan", type=Map)["own_goal"] = {"text": text, "updated": "2026-12-06T10:00:00Z"}


async def citizen_case(server: ServerProcess, koord: Api) -> tuple[dict, str, dict]:
    """A case holding every kind of the citizen's text; (case, citizen token, section)."""
    case = new_case(koord, "Familien Z")
    section = koord.post(f"/api/cases/{case['id']}/sections", {"title": TEXTS["section"]}).json()
    consent = {"org": "Skolen", "given_by": TEXTS["consent"]}
    assert koord.post(f"/api/cases/{case['id']}/consents", consent).status_code == 201
    review = {"text": TEXTS["review"]}
    assert koord.post(f"/api/cases/{case['id']}/review-notes", review).status_code == 201
    code = join_code(koord, open_meeting(koord, case["id"]), "citizen")
    token = join(server, code, TEXTS["name"]).json()["token"]
    return case, token, section


def in_files(data_dir: Path) -> dict[str, int]:
    """Occurrences of each text in the SQLite database, its WAL and its shared memory."""
    blobs = [p.read_bytes() for p in data_dir.glob("tavle.db*")]
    return {kind: sum(b.count(text.encode()) for b in blobs) for kind, text in TEXTS.items()}


async def test_erasure_leaves_no_text_in_any_sqlite_file(server_factory) -> None:
    server = server_factory()
    make_user(server, "koord", "Kommunen", "Team Nord")
    koord = Api(server)
    assert koord.login("koord").status_code == 200
    case, token, section = await citizen_case(server, koord)
    main = await connected(server.ws, case["board_id"], token)
    private = await connected(server.ws, section["room"], token)
    for i in range(30):  # edits and re-edits: old values become deleted items in the log
        await main.edit(lambda doc, i=i: own_goal(doc, f"{TEXTS['goal']} {i}"))
        await main.edit(lambda doc, i=i: put_note(doc, f"{TEXTS['note']} {i}"))
        await private.edit(lambda doc, i=i: put_note(doc, f"{TEXTS['note']} privat {i}"))
    await asyncio.sleep(0.5)  # group commit
    assert all(in_files(server.data_dir).values())
    assert koord.delete(f"/api/cases/{case['id']}").status_code == 200
    assert in_files(server.data_dir) == dict.fromkeys(TEXTS, 0)
    await main.close()
    await private.close()


@pytest.mark.scaleout
async def test_erasure_reaches_every_process_and_nothing_is_stored_after_it(
    server_factory, pg_db: str, redis_url: str
) -> None:
    """Erased through process one while the citizen types on process two: two closes the
    socket at once (not at its 30 s sweep), stores nothing more, writes no snapshot when the
    room goes, and refuses the board from then on, also after a restart."""
    env = {
        "TAVLE_DATABASE_URL": pg_db,
        "TAVLE_REDIS_URL": redis_url,
        "TAVLE_ANTI_ENTROPY_SECONDS": "0.2",
        "TAVLE_ROOM_UNLOAD_SECONDS": "0.2",
        "TAVLE_COMPACT_EVERY": "5",
    }
    one, two = server_factory(env=env), server_factory(env=env)
    make_user(one, "koord", "Kommunen", "Team Nord")
    koord = Api(one)
    assert koord.login("koord").status_code == 200
    case, token, section = await citizen_case(one, koord)
    board = case["board_id"]
    citizen = await connected(two.ws, board, token)
    private = await connected(two.ws, section["room"], token)
    await citizen.edit(lambda doc: own_goal(doc, TEXTS["goal"]))
    await private.edit(lambda doc: put_note(doc, TEXTS["note"]))
    await asyncio.sleep(0.5)
    assert all(tables_holding(pg_db, text) for text in TEXTS.values())

    typing = True

    async def type_on() -> None:  # the citizen on process two keeps writing notes
        n = 0
        while typing and citizen.close_code is None:
            n += 1
            await citizen.edit(lambda doc, n=n: put_note(doc, f"{TEXTS['note']} {n}", f"n{n}"))
            await asyncio.sleep(0.01)

    typist = asyncio.create_task(type_on())
    await asyncio.sleep(0.3)
    asked = time.monotonic()
    assert koord.delete(f"/api/cases/{case['id']}").status_code == 200
    assert await citizen.wait_closed(3) == 4403
    assert await private.wait_closed(3) == 4403
    closed_after = time.monotonic() - asked
    typing = False
    await typist
    await asyncio.sleep(1.0)  # two's rooms would have unloaded and compacted by now
    assert {kind: tables_holding(pg_db, text) for kind, text in TEXTS.items()} == {
        kind: set() for kind in TEXTS
    }
    assert tables_holding(pg_db, board) <= {"erased_boards"}  # the tombstone: an id, no text
    two.stop(kill=True)
    two.start()
    for srv in (one, two):
        again = await YClient(srv.ws, board, token).connect()
        assert await again.wait_closed() in (4401, 4404)
    print(f"process two closed the citizen's sockets {closed_after:.2f} s after the request")
