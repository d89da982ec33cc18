"""The live sync server over real sockets: handshake, fan-out, awareness, roles, rooms."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from dataclasses import replace

import httpx
import pytest
import uvicorn
from pycrdt import Doc, Map
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from board import schema
from server import logsafe
from server.app import create_app
from server.config import Settings
from server.sync.wsfast import FastSocket
from tests.conftest import free_port
from tests.yclient import YClient, connected, create_board, running_server


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests of this module that need no special settings."""
    with running_server(tmp_path_factory.mktemp("sync")) as srv:
        yield srv


def http_json(url: str, body: dict | None = None, token: str = "") -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is None:
        response = httpx.get(url, headers=headers, timeout=10)
    else:
        response = httpx.post(url, json=body, headers=headers, timeout=10)
    return response.status_code, response.json()


def test_healthz_help_and_pages(shared) -> None:
    health = httpx.get(f"{shared.http}/healthz", timeout=10)
    assert (health.status_code, health.text) == (200, "ok")
    assert "serve" in shared.cli("--help").stdout
    assert httpx.get(f"{shared.http}/static/no-such-file.js", timeout=10).status_code == 404


def test_board_create_api_and_me(shared) -> None:
    status, created = http_json(f"{shared.http}/api/boards", {"title": "Familien Hansen"})
    assert status == 201 and set(created) == {"board_id", "edit_token", "view_token"}
    me_url = f"{shared.http}/api/boards/{created['board_id']}/me"
    assert http_json(me_url, token=created["edit_token"]) == (
        200,
        {
            "board_id": created["board_id"],
            "role": "coordinator",
            "can_write": True,
            "name": "",
            "org": "",  # only a signed-in professional's account has one
            "kind": "case",
        },
    )
    status, me = http_json(me_url, token=created["view_token"])
    assert (status, me["role"], me["can_write"]) == (200, "observer", False)
    assert http_json(me_url, token="wrong")[0] == 401
    assert http_json(f"{shared.http}/api/boards/nope/me", token="x")[0] == 404
    assert http_json(f"{shared.http}/api/boards", {"title": ""})[0] == 400
    assert http_json(f"{shared.http}/api/boards", {"title": "x", "template": "nej"})[0] == 400
    # the CLI writes the same kind of board into the same database
    cli_board = shared.create_board("Fra kommandolinjen")
    assert (
        http_json(
            f"{shared.http}/api/boards/{cli_board['board_id']}/me", token=cli_board["edit_token"]
        )[1]["role"]
        == "coordinator"
    )


async def test_updates_reach_others_not_the_sender(shared) -> None:
    board = create_board(shared.http)
    a = await connected(shared.ws, board["board_id"], board["edit_token"])
    b = await connected(shared.ws, board["board_id"], board["edit_token"])
    sent_to_a = len(a.frames)
    await a.set_key("k", "fra a")
    await b.wait_for(lambda: b.value("k") == "fra a")
    await b.set_key("j", "fra b")
    await a.wait_for(lambda: a.value("j") == "fra b")
    # a received exactly b's update after its own edit: no echo of its own
    assert [f[:2] for f in a.frames[sent_to_a:]] == [b"\x00\x02"]
    # a late joiner gets everything in its SyncStep2
    c = await connected(shared.ws, board["board_id"], board["view_token"])
    assert (c.value("k"), c.value("j")) == ("fra a", "fra b")
    for client in (a, b, c):
        await client.close()


async def test_simultaneous_joins_of_a_new_room_all_sync(shared) -> None:
    board = create_board(shared.http)
    clients = await asyncio.gather(
        *(connected(shared.ws, board["board_id"], board["edit_token"]) for _ in range(12))
    )
    await clients[0].set_key("hello", "world")
    for client in clients[1:]:
        await client.wait_for(lambda c=client: c.value("hello") == "world")
    await asyncio.gather(*(c.close() for c in clients))


async def test_awareness_relayed_echoed_queried_and_removed(shared) -> None:
    board = create_board(shared.http)
    a = await connected(shared.ws, board["board_id"], board["edit_token"])
    b = await connected(shared.ws, board["board_id"], board["view_token"])
    await a.set_awareness('{"user":{"name":"Åse"}}')
    await b.wait_for(lambda: a.awareness_id in b.awareness.entries)
    await a.wait_for(lambda: a.awareness_id in a.awareness.entries)  # echoed to the sender
    # an observer may send awareness too
    await b.set_awareness('{"user":{"name":"Bo"}}')
    await a.wait_for(lambda: b.awareness_id in a.awareness.entries)
    # a newcomer receives the full awareness on join, and again on query (type 3)
    c = await connected(shared.ws, board["board_id"], board["edit_token"])
    await c.wait_for(lambda: {a.awareness_id, b.awareness_id} <= set(c.awareness.entries))
    count = len(c.frames)
    await c.send(b"\x03")
    await c.wait_for(lambda: any(f[0] == 1 for f in c.frames[count:]))
    # closing a connection removes its awareness states for everyone else
    await a.close()
    await c.wait_for(lambda: a.awareness_id not in c.awareness.entries)
    await b.wait_for(lambda: a.awareness_id not in b.awareness.entries)
    await b.close()
    await c.close()


async def test_observer_reads_but_a_write_closes_it(shared) -> None:
    board = create_board(shared.http)
    editor = await connected(shared.ws, board["board_id"], board["edit_token"])
    await editor.set_key("k", "v")
    observer = await connected(shared.ws, board["board_id"], board["view_token"])
    assert observer.value("k") == "v"
    await editor.set_key("k2", "v2")
    await observer.wait_for(lambda: observer.value("k2") == "v2")
    await observer.set_key("evil", "x")
    assert await observer.wait_closed() == 4403
    assert observer.close_reason == "read-only connection"
    fresh = await connected(shared.ws, board["board_id"], board["view_token"])
    assert fresh.value("evil") is None and fresh.value("k2") == "v2"
    await editor.close()
    await fresh.close()
    assert "closing" in shared.log() and board["view_token"] not in shared.log()


async def test_slow_consumer_is_closed_others_carry_on(server_factory) -> None:
    srv = server_factory(env={"TAVLE_SEND_QUEUE_FRAMES": "8"})
    board = create_board(srv.http)
    room = board["board_id"]
    url = f"{srv.ws}/ws/boards/{room}?token={board['edit_token']}"
    writer = await connected(srv.ws, room, board["edit_token"])
    reader = await connected(srv.ws, room, board["edit_token"])
    # a client that completes its handshake and then stops reading
    slow = await connect(url, max_queue=1, max_size=None, compression=None)
    await slow.send(b"\x00\x00\x01\x00")
    await asyncio.sleep(0.3)
    big = "x" * 64_000
    for i in range(150):  # in step with the reader: only the slow client falls behind
        await writer.set_key(f"k{i}", big)
        await reader.wait_for(lambda i=i: reader.value(f"k{i}") == big, timeout=20)
    assert reader.close_code is None
    async with asyncio.timeout(20):
        with contextlib.suppress(ConnectionClosed):
            async for _ in slow:
                pass
    assert slow.close_code == 4408
    assert "slow consumer" in srv.log()
    await writer.close()
    await reader.close()


async def test_empty_room_is_unloaded_and_reloads(server_factory) -> None:
    srv = server_factory(env={"TAVLE_ROOM_UNLOAD_SECONDS": "0.2"})
    board = create_board(srv.http)
    a = await connected(srv.ws, board["board_id"], board["edit_token"])
    await a.set_key("k", "bevaret")
    await a.close()
    async with asyncio.timeout(10):
        while f"unloaded room {board['board_id']}" not in srv.log():
            await asyncio.sleep(0.1)
    b = await connected(srv.ws, board["board_id"], board["edit_token"])
    assert b.value("k") == "bevaret"
    await b.close()


async def test_token_never_in_logs(shared) -> None:
    board = create_board(shared.http)
    client = await YClient(shared.ws, board["board_id"], board["edit_token"]).connect()
    await client.synced.wait()
    await client.close()
    bad = await YClient(shared.ws, board["board_id"], "forkert-token-123").connect()
    assert await bad.wait_closed() == 4401
    log = shared.log()
    assert "token=***" in log
    assert board["edit_token"] not in log and "forkert-token-123" not in log


async def test_template_is_drawn_live_by_the_api_and_by_the_cli(shared) -> None:
    """POST /api/boards draws through rooms.edit; `board create` writes it to the store.

    Both also give the board its meta (title, template), which the page header shows."""
    status, created = http_json(f"{shared.http}/api/boards", {"title": "Vej", "template": "vejen"})
    assert status == 201
    by_cli = shared.create_board("Vej", template="vejen")
    for board in (created, by_cli):
        client = await connected(shared.ws, board["board_id"], board["view_token"])
        elements = client.doc.get(schema.ELEMENTS, type=Map).to_py()
        assert any(e["type"] == "card" for e in elements.values())
        meta = client.doc.get(schema.META, type=Map).to_py()
        assert (meta["title"], meta["template"], meta["kind"]) == ("Vej", "vejen", "case")
        await client.close()


@pytest.fixture
async def in_process(tmp_path):
    """The app served by uvicorn inside the test's event loop, to call the room API."""
    settings = Settings.from_env(data_dir=tmp_path, port=free_port())
    app = create_app(settings)
    config = uvicorn.Config(app, port=settings.port, ws=FastSocket, log_config=None)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(30):
        while not server.started:
            await asyncio.sleep(0.05)
    yield app, f"ws://127.0.0.1:{settings.port}"
    server.should_exit = True
    await task


async def test_regrant_closes_or_downgrades_open_connections(in_process) -> None:
    app, ws = in_process
    board_id, edit, view = await app.state.store.create_board("Regrant")
    writer = await connected(ws, board_id, edit)
    observer = await connected(ws, board_id, view)
    await writer.set_key("before", "ok")
    await observer.wait_for(lambda: observer.value("before") == "ok")
    await app.state.rooms.regrant(
        board_id, lambda g: None if not g.can_write else replace(g, can_write=False)
    )
    assert await observer.wait_closed() == 4403
    assert observer.close_reason == "access withdrawn"
    # a lost write right closes the socket at once: the client learns its role on reconnect
    assert await writer.wait_closed() == 4403
    assert writer.close_reason == "role changed"
    snapshot = Doc()
    snapshot.apply_update(await app.state.rooms.snapshot(board_id))
    assert snapshot.get("m", type=Map).to_py() == {"before": "ok"}


async def test_edit_and_listener_reach_clients(in_process) -> None:
    app, ws = in_process
    board_id, edit, _view = await app.state.store.create_board("Edit")
    seen: list[str] = []
    app.state.rooms.add_listener(lambda key, _update: seen.append(key))
    client = await connected(ws, board_id, edit)
    await app.state.rooms.edit(board_id, lambda doc: doc.get("m", type=Map).update({"srv": 1}))
    await client.wait_for(lambda: client.value("srv") == 1)
    assert seen == [board_id]
    await client.close()


def test_tracebacks_are_redacted_too() -> None:
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", None, None)
    try:
        raise ValueError("GET /ws/boards/b?token=hemmelig-123 failed")
    except ValueError:
        record.exc_info = sys.exc_info()
    logsafe.RedactTokens().filter(record)
    assert "hemmelig-123" not in record.exc_text and "token=***" in record.exc_text
