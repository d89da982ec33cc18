"""Awareness cannot fill memory or speak for others (docs/security.md, "Hostile clients").

A connection speaks only for the few client ids it announced itself; entries for other
ids are ignored and never stored, a state over ``TAVLE_MAX_AWARENESS_BYTES`` or a
fifth id closes it (4413), and a room holds a bounded number of states.
"""

from __future__ import annotations

import asyncio

import pytest

from server.sync.protocol import awareness_frame, encode_awareness
from server.sync.rooms import MAX_AWARENESS_IDS, MAX_ROOM_AWARENESS_STATES
from tests.test_bad_input import still_alive
from tests.yclient import YClient, connected, create_board, running_server


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("aw"), {"TAVLE_MAX_AWARENESS_BYTES": "8192"}) as s:
        yield s


def states(watcher: YClient) -> dict[int, str]:
    return {cid: entry.state for cid, entry in watcher.awareness.entries.items()}


async def test_removals_of_fresh_ids_are_not_stored(srv) -> None:
    """The attack that took one view-token connection from 122 MB to 1.1 GB: frames of
    ``null`` states for ids never seen. They are not stored: a client that later takes
    such an id starts from clock 1 as usual; and a frame of 170,000 of them is closed."""
    board, other = create_board(srv.http), create_board(srv.http)
    bad = await connected(srv.ws, board["board_id"], board["view_token"])
    await bad.send(awareness_frame(encode_awareness([(5000 + i, 9, "null") for i in range(500)])))
    watcher = await connected(srv.ws, board["board_id"], board["view_token"])
    newcomer = YClient(srv.ws, board["board_id"], board["view_token"], awareness_id=5000)
    await newcomer.connect()
    await newcomer.set_awareness('{"user":{"name":"Ny"}}')  # clock 1
    await watcher.wait_for(lambda: 5000 in watcher.awareness.entries)
    assert not bad.closed.is_set()
    flood = [(10_000 + i, 1, "null") for i in range(170_000)]
    await bad.send(awareness_frame(encode_awareness(flood)))
    assert await bad.wait_closed() == 4413
    assert bad.close_reason == "too many awareness entries"
    await still_alive(srv, board, other, "alive")
    for client in (watcher, newcomer):
        await client.close()


async def test_another_connections_id_is_ignored_not_stored(srv) -> None:
    board = create_board(srv.http)
    owner = await connected(srv.ws, board["board_id"], board["edit_token"])
    spoofer = await connected(srv.ws, board["board_id"], board["view_token"])
    watcher = await connected(srv.ws, board["board_id"], board["view_token"])
    await owner.set_awareness('{"user":{"name":"Anna"}}')
    await watcher.wait_for(lambda: owner.awareness_id in watcher.awareness.entries)
    # the spoofer's newer state for Anna's id, then its own state
    spoofer.awareness_id, spoofer.awareness_clock = owner.awareness_id, 50
    await spoofer.set_awareness('{"user":{"name":"Mallory as Anna"}}')
    spoofer.awareness_id, spoofer.awareness_clock = 777, 0
    await spoofer.set_awareness('{"user":{"name":"Mallory"}}')
    await watcher.wait_for(lambda: 777 in watcher.awareness.entries)
    assert states(watcher)[owner.awareness_id] == '{"user":{"name":"Anna"}}'
    assert not spoofer.closed.is_set()  # echoes of others' states are normal, not punished
    await watcher.send(b"\x03")
    await watcher.wait_for(lambda: watcher.frames[-1][0] == 1)
    assert b"Mallory as Anna" not in watcher.frames[-1]
    await spoofer.close()  # its own state goes with it, Anna's stays
    await watcher.wait_for(lambda: 777 not in watcher.awareness.entries)
    assert owner.awareness_id in watcher.awareness.entries
    for client in (owner, watcher):
        await client.close()


async def test_state_over_the_size_limit_closes_4413(srv) -> None:
    board, other = create_board(srv.http), create_board(srv.http)
    watcher = await connected(srv.ws, board["board_id"], board["view_token"])
    fine = await connected(srv.ws, board["board_id"], board["view_token"])
    await fine.set_awareness('{"s":"' + "x" * 8000 + '"}')  # a stroke in progress: fits
    await watcher.wait_for(lambda: fine.awareness_id in watcher.awareness.entries)
    bad = await connected(srv.ws, board["board_id"], board["view_token"])
    await bad.set_awareness('{"s":"' + "x" * 8200 + '"}')
    assert await bad.wait_closed() == 4413
    assert bad.close_reason == "awareness state too large"
    assert bad.awareness_id not in watcher.awareness.entries
    assert not fine.closed.is_set()
    await still_alive(srv, board, other, "alive")
    for client in (watcher, fine):
        await client.close()


async def test_a_fifth_id_closes_4413_and_removes_the_others(srv) -> None:
    board = create_board(srv.http)
    watcher = await connected(srv.ws, board["board_id"], board["view_token"])
    bad = await connected(srv.ws, board["board_id"], board["view_token"])
    for client_id in range(1, MAX_AWARENESS_IDS + 1):
        bad.awareness_id = client_id
        await bad.set_awareness("{}")
    await watcher.wait_for(lambda: len(watcher.awareness.entries) == MAX_AWARENESS_IDS)
    bad.awareness_id = 99
    await bad.set_awareness("{}")
    assert await bad.wait_closed() == 4413
    assert bad.close_reason == "too many awareness states"
    await watcher.wait_for(lambda: not watcher.awareness.entries)
    await watcher.close()


async def test_a_room_holds_a_bounded_number_of_states(srv) -> None:
    board = create_board(srv.http)
    holders = []
    for n in range(MAX_ROOM_AWARENESS_STATES // MAX_AWARENESS_IDS):
        client = await connected(srv.ws, board["board_id"], board["view_token"])
        for k in range(MAX_AWARENESS_IDS):
            client.awareness_id = 1000 + n * MAX_AWARENESS_IDS + k
            await client.set_awareness("{}")
        holders.append(client)
    last = holders[-1]
    await last.wait_for(lambda: len(last.awareness.entries) == MAX_ROOM_AWARENESS_STATES)
    newcomer = await connected(srv.ws, board["board_id"], board["view_token"])
    await newcomer.set_awareness("{}")
    assert await newcomer.wait_closed() == 4413
    assert newcomer.close_reason == "too many awareness states in the room"
    await asyncio.gather(*(client.close() for client in holders))


async def test_a_read_only_connection_cannot_draw_live(srv) -> None:
    """A stroke in progress (awareness `live`, docs/protocol.md) is drawing: an observer
    that sends one is closed 4403. Sending back a drawer's state, as every y-websocket
    provider does with what it receives, is not drawing: the observer stays."""
    board = create_board(srv.http)
    drawer = await connected(srv.ws, board["board_id"], board["edit_token"])
    observer = await connected(srv.ws, board["board_id"], board["view_token"])
    live = '{"id":"a1","tool":"pen","color":"#1d3557","width":40,"pts":"AgQA"}'
    stroke = '{"cursor":[1,2],"live":' + live + "}"
    await drawer.set_awareness(stroke)
    await observer.wait_for(lambda: drawer.awareness_id in observer.awareness.entries)
    await observer.set_awareness('{"cursor":[5,5]}')
    echo = encode_awareness([(drawer.awareness_id, 1, stroke), (observer.awareness_id, 1, "{}")])
    await observer.send(awareness_frame(echo))  # the provider's re-send: 2 entries, stale
    await observer.set_awareness('{"cursor":[6,6],"live":null}')
    seen = drawer.awareness.entries
    await drawer.wait_for(lambda: "[6,6]" in getattr(seen.get(observer.awareness_id), "state", ""))
    assert not observer.closed.is_set()
    await observer.set_awareness(stroke)
    assert await observer.wait_closed() == 4403
    assert observer.close_reason == "read-only connection"
    await drawer.close()


async def test_deeply_nested_state_is_a_clear_4400_not_a_server_error(srv) -> None:
    """4,000 nested arrays fit in 8 KB; Python's JSON parser gives up with RecursionError,
    which used to become close 1011 and a traceback in the log."""
    board, other = create_board(srv.http), create_board(srv.http)
    bad = await connected(srv.ws, board["board_id"], board["view_token"])
    await bad.set_awareness("[" * 4000 + "]" * 4000)
    assert await bad.wait_closed() == 4400
    assert bad.close_reason == "awareness state is not JSON"
    assert "Traceback" not in srv.log()
    await still_alive(srv, board, other, "alive")
