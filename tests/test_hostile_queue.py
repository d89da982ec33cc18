"""Clients that never read, or never stop sending: bounded in bytes both ways.

A client that never reads is closed when its send queue passes its bound in bytes (4408).

The frame bound (``TAVLE_SEND_QUEUE_FRAMES``, 2000) alone let 2,000 large frames pile
up per client: a never-reading client fed awareness reached 3 GB. Here one raw client
holds four 8 KB awareness states and asks for everyone's awareness 1,500 times without
reading the answers (32 KB each, 48 MB in all, fewer frames than the frame bound).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from server.sync.protocol import awareness_frame, encode_awareness
from tests.test_bad_input import still_alive
from tests.test_wire_frames import RawClient, frame
from tests.yclient import create_board, running_server


async def test_never_reading_client_is_closed_by_the_byte_bound(tmp_path) -> None:
    env = {"TAVLE_SEND_QUEUE_BYTES": str(1024 * 1024)}
    with running_server(tmp_path, env) as srv:
        board, other = create_board(srv.http), create_board(srv.http)
        raw = await RawClient.open(srv.ws, board["board_id"], board["view_token"])
        state = json.dumps({"stroke": "x" * 8000})
        await raw.send(
            frame(awareness_frame(encode_awareness([(i, 1, state) for i in (1, 2, 3, 4)])))
        )
        await raw.send(frame(b"\x03") * 1500)
        assert await raw.close_code() == 4408
        assert "4408 slow consumer" in srv.log()
        await still_alive(srv, board, other, "alive")
        raw.close()


async def test_a_client_that_goes_on_sending_after_its_close_is_no_longer_read(tmp_path) -> None:
    """After the server's close frame, data frames are skipped, and past 1 MiB of them the
    socket is not read at all: a flooder's bytes stop costing the server anything (before,
    every byte was read and unmasked until the client noticed the close)."""
    with running_server(tmp_path) as srv:
        board, other = create_board(srv.http), create_board(srv.http)
        raw = await RawClient.open(srv.ws, board["board_id"], board["view_token"])
        await raw.send(frame(b"\x07"))  # unknown message type: closed 4400
        assert await raw.close_code() == 4400
        chunk = frame(b"\x01" + b"\x00" * (1024 * 1024))
        accepted = 0
        with contextlib.suppress(TimeoutError, ConnectionError):
            async with asyncio.timeout(5):
                for _ in range(96):
                    raw.writer.write(chunk)
                    await raw.writer.drain()
                    accepted += len(chunk)
        assert accepted < 32 * 1024 * 1024  # the socket buffers hold a few MB, no more
        await still_alive(srv, board, other, "alive")
        raw.close()
