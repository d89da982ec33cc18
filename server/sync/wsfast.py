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
A frame that comes in many reads is joined once, when whole; data frames that arrive
after the server's close frame are skipped unread, and past 1 MiB of them the socket is
no longer read at all (a flooder kept sending until it saw the close: megabytes that
cost the event loop as much as frames it handles).
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
SKIP_LIMIT = 1 << 20  # data after our close frame past this: stop reading (a flooder)


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
    _held: list[bytes] | None = None  # the start of a frame whose rest has not arrived yet
    _held_size = 0
    _wanted = 0  # the held frame's whole size once its header is in (0: not known yet)
    _skipping = False  # the held frame is data after our close frame: counted, not kept
    _skipped = 0  # bytes of data frames skipped after our close frame

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
            held = self._held
            if held is not None:
                # a large frame comes in many reads: join its parts once, when it is whole
                # (joining at every read cost time in the square of its size)
                self._held_size += len(data)
                if self._held_size < self._wanted:
                    if self._skipping:
                        self._skip(len(data))
                    else:
                        held.append(data)
                    return
                if self._skipping:  # what follows the skipped frame
                    data = data[len(data) - (self._held_size - self._wanted) :]
                else:
                    held.append(data)
                    data = b"".join(held)
            data = self._split(data)
        if data:
            super().data_received(data)

    def _split(self, data: bytes) -> bytes:
        """Handle the whole frames at the start of ``data`` and hold an incomplete last one.

        Returns what websockets must parse itself from here on: nothing, unless a frame
        is unmasked or over the size limit (websockets then closes with its own code).
        """
        end = len(data)
        pos = 0
        wanted = 0
        skipping = False
        limit = self.config.ws_max_size
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
                wanted = stop - pos
                skipping = self.close_sent and first & 0x0F < 0x8
                break
            sink = self.sink
            if first == 0x82 and sink is not None and not self.close_sent and not self.frames:
                sink(apply_mask(data[head + 4 : stop], data[head : head + 4]))
            elif self.close_sent and first & 0x0F < 0x8:
                self._skip(stop - pos)  # data after our close frame: unread (RFC 6455 §5.5.1)
            else:  # control, text, fragment, or no sink yet: websockets gets the whole frame
                super().data_received(data[pos:stop])
            pos = stop
        self._held = None if pos == end else [] if skipping else [data[pos:]]
        self._held_size = end - pos
        self._wanted = wanted
        self._skipping = skipping
        return b""

    def _skip(self, size: int) -> None:
        """Count skipped bytes; past :data:`SKIP_LIMIT` stop reading: a client that goes on
        sending after our close frame is flooding, and uvicorn's close timeout (10 s)
        drops the connection (a client that answers our close is gone long before)."""
        self._skipped += size
        if self._skipped > SKIP_LIMIT:
            self.transport.pause_reading()

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
