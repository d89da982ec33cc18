"""WebSocket frames as they arrive on the wire: split, batched, fragmented, odd.

The server unmasks ordinary binary frames itself (``server/sync/wsfast.py``) and hands
everything else to websockets whole, so these tests speak raw RFC 6455 over a TCP
socket: frames cut at awkward places, several in one write, control frames between
them, a fragmented message, and frames websockets must refuse. A normal client in
the same room checks that every update arrived, in order.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from urllib.parse import urlsplit

import pytest
from pycrdt import Doc, Map, create_sync_message, create_update_message

from tests.yclient import YClient, connected, create_board, running_server

LIMITS = {"TAVLE_MAX_MESSAGE_BYTES": "200000"}  # websockets' own limit is twice this


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("wire"), LIMITS) as server:
        yield server


def frame(payload: bytes, opcode: int = 0x2, fin: bool = True, masked: bool = True) -> bytes:
    """One client frame (RFC 6455 §5.2), masked with a random key unless told otherwise."""
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    bit = 0x80 if masked else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + struct.pack(">H", n)
    else:
        head += bytes([bit | 127]) + struct.pack(">Q", n)
    if not masked:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class RawClient:
    """A WebSocket client on a bare TCP stream: the test decides every byte it sends."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, base_ws: str, room: str, token: str) -> RawClient:
        url = urlsplit(base_ws)
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET /ws/boards/{room}?token={token} HTTP/1.1\r\n"
                f"Host: {url.hostname}:{url.port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = await reader.readuntil(b"\r\n\r\n")
        assert response.startswith(b"HTTP/1.1 101"), response
        client = cls(reader, writer)
        await client.send(frame(create_sync_message(Doc())))
        return client

    async def send(self, data: bytes, *, chunk: int = 0) -> None:
        """Write ``data`` at once, or ``chunk`` bytes at a time with a pause in between."""
        if not chunk:
            self.writer.write(data)
            await self.writer.drain()
            return
        for start in range(0, len(data), chunk):
            self.writer.write(data[start : start + chunk])
            await self.writer.drain()
            await asyncio.sleep(0.005)

    async def read_frame(self, timeout: float = 5.0) -> tuple[int, bytes]:
        """The next server frame as (opcode, payload); server frames are not masked."""
        async with asyncio.timeout(timeout):
            first, second = await self.reader.readexactly(2)
            n = second & 0x7F
            if n == 126:
                (n,) = struct.unpack(">H", await self.reader.readexactly(2))
            elif n == 127:
                (n,) = struct.unpack(">Q", await self.reader.readexactly(8))
            return first & 0x0F, await self.reader.readexactly(n)

    async def close_code(self) -> int:
        """Read until the server's close frame; its status code."""
        while True:
            opcode, payload = await self.read_frame()
            if opcode == 0x8:
                return struct.unpack(">H", payload[:2])[0]

    def close(self) -> None:
        self.writer.close()


def updates(count: int, size: int = 10) -> list[bytes]:
    """``count`` update frames (payloads), each setting key ``k{i}`` of map ``m``."""
    doc = Doc()
    out = []
    for i in range(count):
        before = doc.get_state()
        doc.get("m", type=Map)[f"k{i}"] = "x" * size
        out.append(create_update_message(doc.get_update(before)))
    return out


async def pair(srv, board: dict | None = None) -> tuple[RawClient, YClient]:
    """A raw editor and a normal watcher on ``board`` (a new board if none)."""
    board = board or create_board(srv.http)
    watcher = await connected(srv.ws, board["board_id"], board["view_token"])
    raw = await RawClient.open(srv.ws, board["board_id"], board["edit_token"])
    return raw, watcher


async def arrived(watcher: YClient, count: int, size: int = 10) -> None:
    await watcher.wait_for(lambda: watcher.value(f"k{count - 1}") == "x" * size)
    assert [watcher.value(f"k{i}") for i in range(count)] == ["x" * size] * count


async def test_several_frames_in_one_write(srv) -> None:
    raw, watcher = await pair(srv)
    await raw.send(b"".join(frame(u) for u in updates(20)))
    await arrived(watcher, 20)
    raw.close()
    await watcher.close()


@pytest.mark.parametrize("chunk", [1, 3, 7])
async def test_frames_cut_anywhere(srv, chunk: int) -> None:
    raw, watcher = await pair(srv)
    await raw.send(b"".join(frame(u) for u in updates(4)), chunk=chunk)
    await arrived(watcher, 4)
    raw.close()
    await watcher.close()


@pytest.mark.parametrize("size", [200, 70_000])  # 2- and 8-byte length fields
async def test_long_frames_with_the_length_cut(srv, size: int) -> None:
    raw, watcher = await pair(srv)
    data = b"".join(frame(u) for u in updates(2, size))
    await raw.send(data[:3])  # the extended length is cut after its first byte
    await raw.send(data[3:], chunk=4096)
    await arrived(watcher, 2, size)
    raw.close()
    await watcher.close()


async def test_ping_between_updates_is_answered(srv) -> None:
    raw, watcher = await pair(srv)
    first, second = updates(2)
    await raw.send(frame(first) + frame(b"hello", opcode=0x9) + frame(second))
    await arrived(watcher, 2)
    while True:
        opcode, payload = await raw.read_frame()
        if opcode == 0xA:
            assert payload == b"hello"
            break
    raw.close()
    await watcher.close()


async def test_fragmented_message_is_one_update(srv) -> None:
    raw, watcher = await pair(srv)
    (whole,) = updates(1, 300)
    parts = [whole[:100], whole[100:200], whole[200:]]
    wire = frame(parts[0], fin=False) + frame(parts[1], opcode=0, fin=False)
    await raw.send(wire + frame(parts[2], opcode=0) + frame(updates(2)[1]))
    await arrived(watcher, 1, 300)
    await watcher.wait_for(lambda: watcher.value("k1") == "x" * 10)
    raw.close()
    await watcher.close()


@pytest.mark.parametrize(
    ("wire", "code"),
    [
        (frame(b"\x00\x00\x01\x00", masked=False), 1002),  # clients must mask
        (b"\x82\xff" + struct.pack(">Q", 1 << 40), 1009),  # over websockets' size limit
    ],
    ids=["unmasked", "huge length"],
)
async def test_odd_frames_are_refused_and_the_room_goes_on(srv, wire: bytes, code: int) -> None:
    board = create_board(srv.http)
    raw, watcher = await pair(srv, board)
    first, second = updates(2)
    await raw.send(frame(first))
    await arrived(watcher, 1)
    await raw.send(wire)
    assert await raw.close_code() == code
    raw.close()
    again = await RawClient.open(srv.ws, board["board_id"], board["edit_token"])
    await again.send(frame(second))
    await arrived(watcher, 2)
    again.close()
    await watcher.close()


async def test_updates_close_together_go_out_in_one_write_after_a_quiet_one(tmp_path) -> None:
    """The send interval (``rooms.Flusher``), per client: after a quiet spell an update
    goes out at once; what follows within the interval waits for its end and goes out
    in one write. A client of another room is not held back by that."""
    interval = 1.5
    env = {"TAVLE_SEND_INTERVAL_MS": str(int(interval * 1000)), "TAVLE_SEND_BUSY_PERCENT": "0"}
    with running_server(tmp_path, env) as srv:
        (editor, watcher), (other_editor, other_watcher) = [await raw_pair(srv) for _ in range(2)]
        await asyncio.sleep(interval + 0.2)  # quiet
        first, second, third = updates(3)
        sent = loop_time()
        await editor.send(frame(first))
        assert (await watcher.read_frame())[1] == first
        assert loop_time() - sent < interval / 2  # not held back
        await editor.send(frame(second))
        await editor.send(frame(third))
        other_sent = loop_time()
        await other_editor.send(frame(first))
        assert (await other_watcher.read_frame())[1] == first
        assert loop_time() - other_sent < interval / 2  # its watcher was quiet
        assert (await watcher.read_frame())[1] == second
        assert loop_time() - sent >= interval - 0.1  # waited for the interval's end
        assert (await watcher.read_frame(timeout=0.5))[1] == third  # in the same write
        for raw in (editor, watcher, other_editor, other_watcher):
            raw.close()


async def raw_pair(srv) -> tuple[RawClient, RawClient]:
    """A raw editor and a raw watcher on a new board, the watcher's sync frames read."""
    board = create_board(srv.http)
    editor = await RawClient.open(srv.ws, board["board_id"], board["edit_token"])
    watcher = await RawClient.open(srv.ws, board["board_id"], board["view_token"])
    kinds = set()
    while kinds != {0, 1}:  # the server's SyncStep2 and SyncStep1
        _, payload = await watcher.read_frame()
        kinds.add(payload[1])
    return editor, watcher


def loop_time() -> float:
    return asyncio.get_running_loop().time()
