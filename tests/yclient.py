"""A small y-websocket client on pycrdt for tests: a real socket, a real Doc.

It speaks the protocol like the browser provider does (SyncStep1 on open,
answers the server's SyncStep1, applies updates, echoes nothing) and records
every frame it receives so tests can look at what the server sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from pycrdt import (
    Doc,
    Map,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    write_var_uint,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.sync.protocol import AwarenessTable, awareness_frame
from tests.conftest import ServerProcess


class YClient:
    """One connection to ``{base}/ws/boards/{room}?token=T`` with its own Doc."""

    def __init__(self, base_ws: str, room: str, token: str, awareness_id: int = 0) -> None:
        self.url = f"{base_ws}/ws/boards/{room}?token={token}"
        self.doc = Doc()
        self.awareness = AwarenessTable()
        self.awareness_id = awareness_id or self.doc.client_id % (1 << 31)
        self.awareness_clock = 0
        self.frames: list[bytes] = []
        self.synced = asyncio.Event()
        self.changed = asyncio.Event()
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.close_code: int | None = None
        self.close_reason = ""
        self.closed = asyncio.Event()

    async def connect(self, handshake: bool = True) -> YClient:
        self.ws = await connect(self.url, max_size=None, compression=None)
        self.reader = asyncio.create_task(self._read())
        if handshake:
            with contextlib.suppress(ConnectionClosed):  # a refused client is closed at once
                await self.ws.send(create_sync_message(self.doc))
        return self

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for message in self.ws:
                data = bytes(message) if isinstance(message, bytes) else message.encode()
                self.frames.append(data)
                if data[0] == 0:
                    reply = handle_sync_message(data[1:], self.doc)
                    if reply is not None:
                        await self.ws.send(reply)
                    if data[1] == 1:
                        self.synced.set()
                    self.changed.set()
                elif data[0] == 1:
                    self.awareness.apply(data[1:][_prefix_len(data[1:]) :])
                    self.changed.set()
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self.close_reason = self.ws.close_reason or ""
            self.closed.set()

    async def send(self, frame: bytes) -> None:
        """Send a frame; if the server closed meanwhile, ``wait_closed`` tells the code."""
        assert self.ws is not None
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(frame)

    async def edit(self, fn: Callable[[Doc], Any]) -> bytes:
        """Change the local doc with ``fn`` and send the change as one Update frame."""
        before = self.doc.get_state()
        with self.doc.transaction():
            fn(self.doc)
        update = self.doc.get_update(before)
        await self.send(create_update_message(update))
        return update

    async def set_key(self, key: str, value: Any) -> None:
        await self.edit(lambda doc: doc.get("m", type=Map).__setitem__(key, value))

    def value(self, key: str) -> Any:
        return self.doc.get("m", type=Map).get(key)

    async def set_awareness(self, state: str) -> None:
        """Send this client's awareness state (raw JSON text)."""
        self.awareness_clock += 1
        raw = state.encode()
        payload = (
            b"\x01"
            + write_var_uint(self.awareness_id)
            + write_var_uint(self.awareness_clock)
            + write_var_uint(len(raw))
            + raw
        )
        await self.send(awareness_frame(payload))

    async def wait_for(self, check: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``check()`` holds (re-checked whenever a frame arrives)."""
        async with asyncio.timeout(timeout):
            while not check():
                self.changed.clear()
                if check():
                    return
                await self.changed.wait()

    async def wait_closed(self, timeout: float = 5.0) -> int | None:
        async with asyncio.timeout(timeout):
            await self.closed.wait()
        return self.close_code

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader


def _prefix_len(data: bytes) -> int:
    """Length of the varUint at the start of ``data``."""
    n = 0
    while data[n] & 0x80:
        n += 1
    return n + 1


async def connected(base_ws: str, room: str, token: str) -> YClient:
    """A client that has finished its handshake."""
    client = await YClient(base_ws, room, token).connect()
    async with asyncio.timeout(5):
        await client.synced.wait()
    return client


def create_board(http_base: str, title: str = "Testtavle") -> dict:
    """A new board through ``POST /api/boards`` (faster than the CLI in a subprocess)."""
    response = httpx.post(f"{http_base}/api/boards", json={"title": title}, timeout=10)
    response.raise_for_status()
    return response.json()


@contextlib.contextmanager
def running_server(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
    """A real ``tavle serve`` for a whole test module (one start instead of one per test)."""
    srv = ServerProcess(data_dir=data_dir, env_extra=env or {}).start()
    try:
        yield srv
    finally:
        srv.stop()
