"""uvicorn's sans-I/O WebSocket protocol with one addition: a batch send for the rooms.

Fan-out is the server's hot path: through ASGI every delivered frame costs a
Starlette and a uvicorn ``send`` call, a frame object, its serialisation and a
socket write. A room sends the same bytes to many clients, and a client that is
behind has several frames waiting; :meth:`FastSocket.write_frames` writes all of
a client's waiting frames with one ``transport.write``; a fan-out frames its bytes
once (:func:`binary_frame`) for every receiver.
Incoming binary messages can skip the ASGI queue the same way (``sink``), and the
usual one — a final, masked binary frame — skips websockets' frame parser too:
after the handshake the protocol splits the byte stream into frames itself, unmasks
those and hands them to ``sink`` at once. Every other frame (control frames,
fragments, text, anything before ``sink`` is set) is given to websockets whole, so
its parser always starts at a frame boundary; a frame that is unmasked or over the
size limit hands the rest of the stream to websockets, which closes with its own code.
The protocol puts itself into ``scope["extensions"]["tavle.fast"]``; an app
served by plain uvicorn (or a test client) simply does not find it and uses ASGI.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import apply_mask
from websockets.protocol import State

EXTENSION = "tavle.fast"


def binary_frame(payload: bytes) -> bytes:
    """``payload`` as one unmasked, final, binary WebSocket frame (RFC 6455 §5.2)."""
    length = len(payload)
    if length < 126:
        return bytes((0x82, length)) + payload
    if length < 65536:
        return b"\x82\x7e" + length.to_bytes(2, "big") + payload
    return b"\x82\x7f" + length.to_bytes(8, "big") + payload


class FastSocket(WebSocketsSansIOProtocol):
    """The protocol class given to uvicorn (``ws=FastSocket``).

    ``sink``: when the app sets it, each binary message is handed to it right where
    it is parsed, instead of travelling through the ASGI queue and a task switch.
    """

    sink: Callable[[bytes], None] | None = None
    _framing: bool | None = None  # frames split here (True) or by websockets; None: not yet
    _held = b""  # the start of a frame whose rest has not arrived yet

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None and not self.conn.extensions:  # no per-message deflate
            scope["extensions"][EXTENSION] = self

    def data_received(self, data: bytes) -> None:
        if self._framing is None:
            if self.conn.state is not State.OPEN:
                super().data_received(data)  # the handshake
                return
            # the first bytes after our 101: frame them here from now on, unless websockets
            # already holds some (a client that sent frames before the handshake finished)
            self._framing = not self.conn.reader.buffer
        if self._framing:
            data = self._split(self._held + data if self._held else data)
        if data:
            super().data_received(data)

    def _split(self, data: bytes) -> bytes:
        """Handle the whole frames at the start of ``data`` and hold an incomplete last one.

        Returns what websockets must parse itself from here on: nothing, unless a frame
        is unmasked or over the size limit (websockets then closes with its own code).
        """
        end = len(data)
        pos = 0
        limit = self.config.ws_max_size
        self._held = b""
        while end - pos >= 2:
            first, second = data[pos], data[pos + 1]
            length = second & 0x7F
            head = pos + 2
            if length >= 126:  # the length follows in 2 or 8 bytes
                size = 2 if length == 126 else 8
                if end - head < size:
                    break
                length = int.from_bytes(data[head : head + size], "big")
                head += size
            if not second & 0x80 or length > limit:
                self._framing = False
                return data[pos:]
            stop = head + 4 + length
            if stop > end:
                break
            sink = self.sink
            if first == 0x82 and sink is not None and not self.close_sent and not self.frames:
                sink(apply_mask(data[head + 4 : stop], data[head : head + 4]))
            else:  # control, text, fragment, or no sink yet: websockets gets the whole frame
                super().data_received(data[pos:stop])
            pos = stop
        self._held = data[pos:]
        return b""

    def send_receive_event_to_app(self) -> None:
        sink = self.sink
        if sink is None or self.curr_msg_data_type != "bytes" or self.close_sent:
            super().send_receive_event_to_app()
            return
        data = self.frames[0] if len(self.frames) == 1 else b"".join(self.frames)
        self.frames = []
        sink(data)

    @property
    def can_write(self) -> asyncio.Event:
        """Set while the transport's buffer is below its high-water mark."""
        return self.writable

    def write_frames(self, data: bytes) -> None:
        """Write frames made by :func:`binary_frame`; ClientDisconnected if the peer is gone."""
        if self.close_sent or self.conn.state is not State.OPEN or self.transport.is_closing():
            raise ClientDisconnected()
        self.transport.write(data)
