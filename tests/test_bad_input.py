"""Bad input closes only the offending connection, with its own code and a log line.

Each case runs against a room with a healthy editor in it and a second room:
after the bad client is closed, both rooms still relay updates.
"""

from __future__ import annotations

import pytest
from pycrdt import Doc, Map, create_update_message

from tests.yclient import YClient, connected, create_board, running_server

LIMITS = {"TAVLE_MAX_MESSAGE_BYTES": "20000", "TAVLE_MAX_BOARD_BYTES": "60000"}


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """One server with small limits for every case of this module."""
    with running_server(tmp_path_factory.mktemp("bad"), LIMITS) as srv:
        yield srv


async def still_alive(srv, board: dict, other: dict, tag: str) -> None:
    """Both rooms still relay: the editor writes, a newcomer reads it."""
    for b in (board, other):
        editor = await connected(srv.ws, b["board_id"], b["edit_token"])
        watcher = await connected(srv.ws, b["board_id"], b["view_token"])
        await editor.set_key(tag, "ok")
        await watcher.wait_for(lambda w=watcher: w.value(tag) == "ok")
        await editor.close()
        await watcher.close()


def big_update(size: int) -> bytes:
    doc = Doc()
    doc.get("m", type=Map)["big"] = "x" * size
    return doc.get_update()


BAD_FRAMES = {
    "empty": (b"", 4400, "empty frame"),
    "truncated": (b"\x00\x02\x40abc", 4400, "truncated payload"),
    "unknown type": (b"\x07\x00", 4400, "unknown message type 7"),
    "unknown sync": (b"\x00\x09\x00", 4400, "unknown sync sub-type 9"),
    "garbage update": (b"\x00\x02\x03\x01\x01\x05", 4400, "update does not decode"),
    "bad awareness": (b"\x01\x06\x01\x01\x01\x02{x", 4400, "awareness state is not JSON"),
    "message too large": (create_update_message(big_update(30000)), 4413, "message too large"),
}


@pytest.mark.parametrize("case", list(BAD_FRAMES))
async def test_bad_frame_closes_only_its_sender(limited, case: str) -> None:
    raw, code, reason = BAD_FRAMES[case]
    board, other = create_board(limited.http), create_board(limited.http)
    neighbour = await connected(limited.ws, board["board_id"], board["edit_token"])
    bad = await connected(limited.ws, board["board_id"], board["edit_token"])
    await bad.send(raw)
    assert await bad.wait_closed() == code
    assert bad.close_reason == reason
    assert f"{code} {reason}" in limited.log()
    await neighbour.set_key("after", case)
    await still_alive(limited, board, other, "alive")
    await neighbour.close()


async def test_text_frame_is_refused(limited) -> None:
    board, other = create_board(limited.http), create_board(limited.http)
    bad = await connected(limited.ws, board["board_id"], board["edit_token"])
    await bad.send("hello")  # type: ignore[arg-type]
    assert await bad.wait_closed() == 4400
    await still_alive(limited, board, other, "alive")


async def test_board_over_max_size_is_refused(limited) -> None:
    board, other = create_board(limited.http), create_board(limited.http)
    writer = await connected(limited.ws, board["board_id"], board["edit_token"])
    for i in range(3):  # 3 × 15 kB fits under 60 kB
        await writer.set_key(f"chunk{i}", "y" * 15000)
    await writer.set_key("chunk3", "y" * 15000)  # this one would pass 60 kB
    assert await writer.wait_closed() == 4413
    assert writer.close_reason == "board too large"
    reader = await connected(limited.ws, board["board_id"], board["view_token"])
    assert reader.value("chunk2") == "y" * 15000 and reader.value("chunk3") is None
    await reader.close()
    await still_alive(limited, other, other, "alive")


@pytest.mark.parametrize(
    ("room", "token", "code", "reason"),
    [
        ("no-such-board", "whatever", 4404, "unknown board"),
        (None, "wrong-token", 4401, "bad token"),
        (None, "", 4401, "no token"),
    ],
)
async def test_refused_at_connect(limited, room: str | None, token: str, code: int, reason: str):
    board = create_board(limited.http)
    client = await YClient(limited.ws, room or board["board_id"], token).connect()
    assert await client.wait_closed() == code
    assert client.close_reason == reason
    assert f"refused {room or board['board_id']}: {code} {reason}" in limited.log()


async def test_too_many_awareness_states_from_one_client(limited) -> None:
    board, other = create_board(limited.http), create_board(limited.http)
    bad = await connected(limited.ws, board["board_id"], board["edit_token"])
    for client_id in range(1, 40):
        bad.awareness_id = client_id
        await bad.set_awareness('{"user":{"name":"x"}}')
    assert await bad.wait_closed() == 4413
    assert bad.close_reason == "too many awareness states"
    watcher = await connected(limited.ws, board["board_id"], board["view_token"])
    await watcher.send(b"\x03")  # the answer lists no states: the closed client's are gone
    await watcher.wait_for(lambda: watcher.frames[-1] == b"\x01\x01\x00")
    await watcher.close()
    await still_alive(limited, board, other, "alive")
