"""The board WebSocket route: authorise, hand the connection to its room, read frames.

The socket is accepted before authorisation so that a refused client sees the
close code and reason (browsers hide the status of a refused handshake).
"""

from __future__ import annotations

import logging
from functools import partial

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from server.access.grants import Denied
from server.store.erasure import Erased
from server.sync.protocol import CloseCode, ProtocolError
from server.sync.rooms import Connection, Room, RoomRegistry

log = logging.getLogger("tavle.sync")


def split_room(room: str) -> tuple[str, str | None]:
    """``board_id`` or ``board_id:scope`` → (board_id, scope or None)."""
    board_id, sep, scope = room.partition(":")
    return board_id, (scope if sep else None)


async def board_socket(websocket: WebSocket) -> None:
    room_name: str = websocket.path_params["room"]
    board_id, scope = split_room(room_name)
    state = websocket.app.state
    await websocket.accept()
    try:
        grant = await state.access.authorize(websocket, board_id, scope)
    except Denied as denied:
        log.info("refused %s: %d %s", room_name, denied.code, denied.reason)
        await websocket.close(denied.code, denied.reason)
        return
    rooms: RoomRegistry = state.rooms
    try:
        room = await rooms.get(room_name)
    except Erased:
        await websocket.close(CloseCode.UNKNOWN_BOARD, "unknown board")
        return
    except Exception:
        log.exception("could not load room %s", room_name)
        await websocket.close(CloseCode.SERVER_ERROR, "server error")
        return
    conn = rooms.connection(websocket, grant, room_name)
    room.attach(conn)
    conn.start()
    max_bytes: int = state.settings.max_message_bytes
    fast = conn.fast
    receive = websocket.receive
    try:
        while conn.closing is None:
            if fast is not None and fast.sink is None and fast.queue.empty():
                # from now on binary frames go straight to the room, in order
                fast.sink = partial(handle_frame, room, conn, max_bytes)
            message = await receive()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("bytes")
            if data is None:
                conn.close(CloseCode.MALFORMED, "text frames are not part of the protocol")
                break
            handle_frame(room, conn, max_bytes, data)
    finally:
        if fast is not None:
            fast.sink = None
        room.detach(conn)
        await conn.finish()


def handle_frame(room: Room, conn: Connection, max_bytes: int, data: bytes) -> None:
    """One binary frame from ``conn``; bad input closes that connection only."""
    if conn.closing is not None:
        return
    if len(data) > max_bytes:
        conn.close(CloseCode.TOO_LARGE, "message too large")
        return
    try:
        room.receive(conn, data)
    except ProtocolError as err:
        conn.close(err.code, err.reason)
    except Exception:
        log.exception("frame from %s failed", conn.label)
        conn.close(CloseCode.SERVER_ERROR, "server error")


routes: list[BaseRoute] = [WebSocketRoute("/ws/boards/{room}", board_socket)]
