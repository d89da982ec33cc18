"""Rights on live connections: role changes, consent, restricted sections, erasure.

Real server, real WebSocket clients (pycrdt on the y-websocket protocol); every
received frame is searched for marker strings that must never arrive.
"""

from __future__ import annotations

import asyncio
import sqlite3

import httpx
import pytest
from pycrdt import Map, create_sync_message

from tests.test_access_support import (
    CookieClient,
    join,
    join_code,
    new_case,
    open_meeting,
    world,  # noqa: F401 - the module's fixture
)
from tests.yclient import YClient, connected


def note(marker: str, key: str = "n1") -> dict:
    return {
        "id": key,
        "type": "note",
        "x": 0,
        "y": 0,
        "w": 1600,
        "h": 1200,
        "z": 1,
        "text": marker,
        "color": "yellow",
        "author": "test",
        "created": 0,
    }


def put_note(doc, marker: str, key: str = "n1") -> None:
    doc.get("elements", type=Map)[key] = note(marker, key)


def elements(client: YClient) -> dict:
    return client.doc.get("elements", type=Map).to_py() or {}


def arrived(client: YClient, marker: str) -> bool:
    return any(marker.encode() in frame for frame in client.frames)


async def cookie_client(server, room: str, api, origin: str | None = "") -> CookieClient:
    client = CookieClient(server, room, api.cookie, server.http if origin == "" else origin)
    return await client.connect()


async def test_role_downgrade_takes_write_away_at_once(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Nedgradering")
    code = join_code(koord, open_meeting(koord, case["id"]))
    joined = join(server, code, "Morfar").json()
    board = case["board_id"]
    relative = await connected(server.ws, board, joined["token"])
    watcher = await cookie_client(server, board, koord)
    await asyncio.wait_for(watcher.synced.wait(), 5)
    await relative.edit(lambda doc: put_note(doc, "før nedgradering"))
    await watcher.wait_for(lambda: "n1" in elements(watcher))
    role_url = f"/api/cases/{case['id']}/participants/{joined['participant_id']}/role"
    response = koord.post(role_url, {"role": "relative", "can_write": False})
    assert response.status_code == 200
    # the open connection is closed at once (4403), before it can send anything more
    assert await relative.wait_closed() == 4403
    # reconnecting gives a read-only connection that still receives the board
    again = await connected(server.ws, board, joined["token"])
    assert "n1" in elements(again)
    events = [e["event"] for e in koord.get(f"/api/cases/{case['id']}/audit").json()["entries"]]
    assert events[-2:] == ["role_changed", "open"]  # the change, then the reconnect
    for client in (again, watcher):
        await client.close()


# a goal in the shape a client wrote before issue 16 added `org` and `kind`, which a client's
# change of such an item keeps (`{...old, agreed_at}`): readers take both at their defaults
OLD_GOAL = {
    "id": "g-job",
    "title": "Få et fast job",
    "description": "",
    "horizon": "next",
    "rank": 0,
    "office": "",
    "parent": None,
    "member": None,
    "proposed_by": "p-pro",
    "agreed_at": None,
    "status": "active",
    "created": None,
}


def goals(client: YClient) -> dict:
    return client.doc.get("goals", type=Map).to_py() or {}


@pytest.mark.parametrize("early", [True, False], ids=["before-her-syncstep2", "after-it"])
async def test_the_citizens_agreement_made_at_once_stands(world, early: bool) -> None:  # noqa: F811
    """The tablet test's steps on the wire: the citizen writes a goal and agrees to it at
    once, two updates, sent before her SyncStep2 (as a browser sends edits made while its
    handshake is under way) or after it. The guard rewrote the goal (fields missing) and
    closed her 4413, dropping the agreement; sent again on her reconnect, it lost to the
    repair (a server's 53-bit client id wins a concurrent write over a browser's 32-bit)."""
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, f"Familien Enig {early}")
    meeting = open_meeting(koord, case["id"])
    token = join(server, join_code(koord, meeting, "citizen"), "Sofie").json()["token"]
    board = case["board_id"]
    watcher = await cookie_client(server, board, koord)
    if early:
        citizen = await YClient(server.ws, board, token).connect(handshake=False)
    else:
        citizen = await connected(server.ws, board, token)
    agreed = {**OLD_GOAL, "agreed_at": "2026-12-06T10:00:00Z"}
    for goal in (OLD_GOAL, agreed):
        await citizen.edit(lambda doc, g=goal: doc.get("goals", type=Map).__setitem__("g-job", g))
    if early:
        await citizen.send(create_sync_message(citizen.doc))
    await watcher.wait_for(lambda: goals(watcher).get("g-job") == agreed)
    # she is still connected: a later edit of the coordinator reaches her
    await watcher.edit(lambda doc: put_note(doc, "efter enig"))
    await citizen.wait_for(lambda: "n1" in elements(citizen))
    assert goals(citizen)["g-job"] == agreed and citizen.close_code is None
    for client in (citizen, watcher):
        await client.close()


async def test_consent_gates_professionals_and_withdrawal_closes_them(world) -> None:  # noqa: F811
    server, apis = world
    koord, jobc = apis["koord"], apis["jobc"]
    case = new_case(koord, "Familien Samtykke WS")
    board = case["board_id"]
    refused = await cookie_client(server, board, jobc)
    assert await refused.wait_closed() == 4403
    consent = koord.post(
        f"/api/cases/{case['id']}/consents", {"org": "Jobcenter", "given_by": "Borgeren"}
    ).json()
    professional = await cookie_client(server, board, jobc)
    await asyncio.wait_for(professional.synced.wait(), 5)
    # a cookie sent by a page of another site does not open the board
    cross_site = await cookie_client(server, board, jobc, origin="https://evil.example")
    assert await cross_site.wait_closed() == 4403
    withdrawn = koord.post(f"/api/cases/{case['id']}/consents/{consent['id']}/withdraw")
    assert withdrawn.status_code == 200
    assert await professional.wait_closed(2) == 4403
    assert (await cookie_client(server, board, jobc)).close_code in (None, 4403)
    events = [e["event"] for e in koord.get(f"/api/cases/{case['id']}/audit").json()["entries"]]
    assert events.count("open") == 1 and "consent_withdrawn" in events


async def test_consent_names_the_organisation_in_any_case(world) -> None:  # noqa: F811
    """Consent typed as "JOBCENTER " on the case page opens the case to an account of
    "Jobcenter" (and of no other organisation), as the export's consent check reads it."""
    server, apis = world
    koord, jobc = apis["koord"], apis["jobc"]
    case = new_case(koord, "Familien Stavemåde")
    given = {"org": "jobCENTER ", "given_by": "Borgeren"}
    assert koord.post(f"/api/cases/{case['id']}/consents", given).status_code == 201
    professional = await cookie_client(server, case["board_id"], jobc)
    await asyncio.wait_for(professional.synced.wait(), 5)
    await professional.close()
    other = {"org": "Jobcentret", "given_by": "Borgeren"}  # another name is another organisation
    elsewhere = new_case(koord, "Familien Andetsteds")
    assert koord.post(f"/api/cases/{elsewhere['id']}/consents", other).status_code == 201
    refused = await cookie_client(server, elsewhere["board_id"], jobc)
    assert await refused.wait_closed() == 4403


async def test_restricted_section_bytes_never_reach_other_clients(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Afsnit")
    board = case["board_id"]
    section = koord.post(f"/api/cases/{case['id']}/sections", {"title": "Mors afsnit"}).json()
    room = section["room"]
    meeting = open_meeting(koord, case["id"])
    citizen = join(server, join_code(koord, meeting, "citizen"), "Mor").json()
    allowed = join(server, join_code(koord, meeting), "Moster").json()
    other = join(server, join_code(koord, meeting), "Nabo").json()
    # the citizen decides who sees her section
    share = httpx.post(
        f"{server.http}/api/cases/{case['id']}/participants/{allowed['participant_id']}/scopes",
        json={"scopes": [section["scope"]]},
        headers={"Authorization": f"Bearer {citizen['token']}"},
    )
    assert share.status_code == 200
    outsider_main = await connected(server.ws, board, other["token"])
    outsider_section = await YClient(server.ws, room, other["token"]).connect()
    assert await outsider_section.wait_closed() == 4403
    writer = await connected(server.ws, room, citizen["token"])
    reader = await connected(server.ws, room, allowed["token"])
    marker = "HEMMELIG-7f3a9c"
    await writer.edit(lambda doc: put_note(doc, marker))
    await writer.edit(lambda doc: put_note(doc, "offentlig note", "pub"))
    main_writer = await connected(server.ws, board, citizen["token"])
    await main_writer.edit(lambda doc: put_note(doc, "OFFENTLIG-MARKER", "pub"))
    await reader.wait_for(lambda: arrived(reader, marker))
    await outsider_main.wait_for(lambda: arrived(outsider_main, "OFFENTLIG-MARKER"))
    # a late joiner without the scope: the main board arrives, the section never does
    late = await connected(server.ws, board, other["token"])
    await asyncio.sleep(0.3)
    for client in (outsider_main, outsider_section, late):
        assert not arrived(client, marker)
    assert arrived(late, "OFFENTLIG-MARKER")

    # the section list names only what a participant may open
    def sections(token: str) -> list[str]:
        listed = httpx.get(
            f"{server.http}/api/boards/{board}/sections",
            headers={"Authorization": f"Bearer {token}"},
        )
        return [s["room"] for s in listed.json()["sections"]]

    assert sections(allowed["token"]) == [room] and sections(other["token"]) == []
    # taking the scope back closes the reader's section connection at once
    unshare = koord.post(
        f"/api/cases/{case['id']}/participants/{allowed['participant_id']}/scopes", {"scopes": []}
    )
    assert unshare.status_code == 200
    assert await reader.wait_closed(2) == 4403
    for client in (outsider_main, writer, main_writer, late):
        await client.close()


async def test_revoked_participant_is_closed_and_cannot_return(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Fjern")
    joined = join(server, join_code(koord, open_meeting(koord, case["id"])), "Gæst").json()
    guest = await connected(server.ws, case["board_id"], joined["token"])
    removed = koord.delete(f"/api/cases/{case['id']}/participants/{joined['participant_id']}")
    assert removed.status_code == 200
    assert await guest.wait_closed(2) == 4403
    again = await YClient(server.ws, case["board_id"], joined["token"]).connect()
    assert await again.wait_closed() == 4401


def all_text(db_path) -> list[tuple[str, str]]:
    """Every (table, cell) of the database whose text or bytes contain anything."""
    found = []
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - our own names
                for cell in row:
                    if isinstance(cell, bytes | str):
                        found.append((table, cell))
    return found


async def test_erasure_leaves_no_row_with_the_case_data(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    marker = "SLETMIG9b2"
    case = new_case(koord, f"Familien {marker}")
    board = case["board_id"]
    section = koord.post(f"/api/cases/{case['id']}/sections", {"title": f"Afsnit {marker}"}).json()
    koord.post(f"/api/cases/{case['id']}/consents", {"org": "Skolen", "given_by": f"Mor {marker}"})
    joined = join(server, join_code(koord, open_meeting(koord, case["id"]), "citizen"), marker)
    citizen = joined.json()
    main = await connected(server.ws, board, citizen["token"])
    private = await connected(server.ws, section["room"], citizen["token"])
    await main.edit(lambda doc: put_note(doc, f"note {marker}"))
    await private.edit(lambda doc: put_note(doc, f"privat {marker}"))
    await asyncio.sleep(0.5)  # group commit
    db = server.data_dir / "tavle.db"

    def holders() -> set[str]:
        return {
            table
            for table, cell in all_text(db)
            if table != "erased_boards"  # the erased board's random id, kept as a tombstone
            and (
                (marker.encode() in cell if isinstance(cell, bytes) else marker in cell)
                or (board.encode() in cell if isinstance(cell, bytes) else board in cell)
            )
        }

    assert {"cases", "participants", "consents", "sections", "doc_updates"} <= holders()
    assert koord.delete(f"/api/cases/{case['id']}").status_code == 200
    assert await main.wait_closed(2) == 4403 and await private.wait_closed(2) == 4403
    await asyncio.sleep(0.3)
    assert holders() == set()
    with sqlite3.connect(db) as conn:
        tombstone = conn.execute(
            "SELECT event, board_id FROM audit_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert tombstone == ("case_erased", None)
    assert koord.get(f"/api/cases/{case['id']}").status_code == 404
    gone = await YClient(server.ws, board, citizen["token"]).connect()
    assert await gone.wait_closed() in (4401, 4404)
    # an unloading room must not write the erased document back
    await asyncio.sleep(float(6))
    assert holders() == set()


async def test_sweep_closes_expired_tokens_and_follows_other_processes(server_factory) -> None:
    """Changes no request here announced (an expiry, another process writing the database)
    reach open connections within the sweep interval."""
    from tests.test_access_support import Api, make_user

    server = server_factory(env={"TAVLE_ACCESS_SWEEP_SECONDS": "0.3"})
    make_user(server, "koord", "Kommunen", "Team Nord")
    koord = Api(server)
    assert koord.login("koord").status_code == 200
    case = new_case(koord, "Familien Udløb")
    meeting = open_meeting(koord, case["id"])
    first = join(server, join_code(koord, meeting), "Bror").json()
    second = join(server, join_code(koord, meeting), "Søster").json()
    a = await connected(server.ws, case["board_id"], first["token"])
    b = await connected(server.ws, case["board_id"], second["token"])
    with sqlite3.connect(server.data_dir / "tavle.db") as conn:  # as another process would
        conn.execute(
            "UPDATE participants SET token_expires = '2000-01-01 00:00:00' WHERE id = ?",
            (first["participant_id"],),
        )
        conn.execute(
            "UPDATE participants SET role = 'observer', can_write = 0 WHERE id = ?",
            (second["participant_id"],),
        )
    assert await a.wait_closed(3) == 4403
    await asyncio.sleep(1.0)
    await b.edit(lambda doc: put_note(doc, "efter sweep"))
    assert await b.wait_closed(3) == 4403
