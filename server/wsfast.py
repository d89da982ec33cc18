"""uvicorn's sans-I/O WebSocket protocol with one addition: a batch send for the rooms.

Fan-out is the server's hot path: through ASGI every delivered frame costs a
Starlette and a uvicorn ``send`` call, a frame object, its serialisation and a
socket write. A room sends the same bytes to many clients, and a client that is
behind has several frames waiting; :meth:`FastSocket.send_binaries` writes all of
a client's waiting frames with one ``transport.write`` and no per-frame objects.
Incoming binary messages can skip the ASGI queue the same way (``sink``).
The protocol puts itself into ``scope["extensions"]["tavle.fast"]``; an app
served by plain uvicorn (or a test client) simply does not find it and uses ASGI.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

EXTENSION = "tavle.fast"


def frame_header(length: int) -> bytes:
    """The header of one unmasked, final, binary WebSocket frame (RFC 6455 §5.2)."""
    if length < 126:
        return bytes((0x82, length))
    if length < 65536:
        return b"\x82\x7e" + length.to_bytes(2, "big")
    return b"\x82\x7f" + length.to_bytes(8, "big")


class FastSocket(WebSocketsSansIOProtocol):
    """The protocol class given to uvicorn (``ws=FastSocket``).

    ``sink``: when the app sets it, each binary message is handed to it right where
    it is parsed, instead of travelling through the ASGI queue and a task switch.
    """

    sink: Callable[[bytes], None] | None = None

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None and not self.conn.extensions:  # no per-message deflate
            scope["extensions"][EXTENSION] = self

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

    def send_binaries(self, payloads: list[bytes]) -> None:
        """Write ``payloads`` as binary frames in one write; ClientDisconnected if gone."""
        if self.close_sent or self.conn.state is not State.OPEN or self.transport.is_closing():
            raise ClientDisconnected()
        parts: list[bytes] = []
        for payload in payloads:
            parts.append(frame_header(len(payload)))
            parts.append(payload)
        self.transport.write(b"".join(parts))
