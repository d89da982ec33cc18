"""y-websocket frames: decode, classify and encode, thin over pycrdt's sync helpers.

Every frame a client sends is checked here before the room touches it, so a
malformed frame becomes one :class:`ProtocolError` (close 4400) instead of an
exception somewhere inside the room. Awareness states are kept as the raw JSON
strings the clients sent: the server relays them and never needs their content,
but it parses each once so a broken state never reaches other clients.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

from pycrdt import (
    Doc,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_update_message,
    get_update,
    write_var_uint,
)
from pycrdt._sync import create_sync_step1_message, create_sync_step2_message

__all__ = [
    "AwarenessTable",
    "CloseCode",
    "Frame",
    "Kind",
    "ProtocolError",
    "adds_nothing",
    "awareness_frame",
    "classify",
    "query_awareness_frame",
    "sync_step1_frame",
    "sync_step2_frame",
    "update_frame",
    "update_frame_from_step2",
]

MESSAGE_QUERY_AWARENESS = 3
EMPTY_STATE_VECTOR = b"\x00"


class CloseCode(IntEnum):
    """WebSocket close codes of the board route (docs/ARCHITECTURE.md)."""

    MALFORMED = 4400
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    UNKNOWN_BOARD = 4404
    SLOW_CONSUMER = 4408
    TOO_LARGE = 4413
    SERVER_ERROR = 1011


class ProtocolError(Exception):
    """A frame the server refuses; carries the close code and a short reason."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Kind(IntEnum):
    """What a client frame asks for."""

    SYNC_STEP1 = 0
    SYNC_STEP2 = 1
    UPDATE = 2
    AWARENESS = 3
    QUERY_AWARENESS = 4


_SYNC_KINDS = (Kind.SYNC_STEP1, Kind.SYNC_STEP2, Kind.UPDATE)  # by sub-type; Kind(n) is slow


class Frame(NamedTuple):
    """A decoded client frame: its kind, its payload and the original bytes.

    A tuple, not a frozen dataclass: one is made per frame, and a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__`` (twice as slow).
    """

    kind: Kind
    payload: bytes
    raw: bytes


def _read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    """Read a lib0 varUint at ``pos``; return (value, next position)."""
    value = 0
    shift = 0
    end = len(data)
    while True:
        if pos >= end:
            raise ProtocolError(CloseCode.MALFORMED, "truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ProtocolError(CloseCode.MALFORMED, "varint too long")


def _read_var_bytes(data: bytes, pos: int) -> tuple[bytes, int]:
    """Read a length-prefixed byte string, checking that it fits in ``data``."""
    length, pos = _read_var_uint(data, pos)
    end = pos + length
    if end > len(data):
        raise ProtocolError(CloseCode.MALFORMED, "truncated payload")
    return data[pos:end], end


def classify(raw: bytes) -> Frame:
    """Decode one client frame; raise :class:`ProtocolError` (4400) if it is not one."""
    if not raw:
        raise ProtocolError(CloseCode.MALFORMED, "empty frame")
    outer = raw[0]
    if outer == YMessageType.SYNC:
        if len(raw) < 2:
            raise ProtocolError(CloseCode.MALFORMED, "sync frame without sub-type")
        sub = raw[1]
        if sub > YSyncMessageType.SYNC_UPDATE:
            raise ProtocolError(CloseCode.MALFORMED, f"unknown sync sub-type {sub}")
        payload, end = _read_var_bytes(raw, 2)
        if end != len(raw):
            raise ProtocolError(CloseCode.MALFORMED, "trailing bytes after sync message")
        return Frame(_SYNC_KINDS[sub], payload, raw)
    if outer == YMessageType.AWARENESS:
        payload, end = _read_var_bytes(raw, 1)
        if end != len(raw):
            raise ProtocolError(CloseCode.MALFORMED, "trailing bytes after awareness")
        return Frame(Kind.AWARENESS, payload, raw)
    if outer == MESSAGE_QUERY_AWARENESS:
        return Frame(Kind.QUERY_AWARENESS, b"", raw)
    raise ProtocolError(CloseCode.MALFORMED, f"unknown message type {outer}")


def _delete_set(encoded: bytes) -> dict[int, list[tuple[int, int]]] | None:
    """The delete set of an update without structs (client → sorted merged ranges);
    None if the update has structs."""
    structs, pos = _read_var_uint(encoded, 0)
    if structs:
        return None
    count, pos = _read_var_uint(encoded, pos)
    result: dict[int, list[tuple[int, int]]] = {}
    for _ in range(count):
        client, pos = _read_var_uint(encoded, pos)
        n, pos = _read_var_uint(encoded, pos)
        ranges = []
        for _ in range(n):
            clock, pos = _read_var_uint(encoded, pos)
            length, pos = _read_var_uint(encoded, pos)
            ranges.append((clock, clock + length))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        result[client] = merged
    return result


def adds_nothing(update: bytes, doc: Doc) -> bool:
    """True if applying ``update`` would not change ``doc``.

    A read-only client still answers the server's SyncStep1 with a SyncStep2
    holding what the server lacks (nothing) plus its whole delete set, so such a
    frame is harmless exactly when it has no unknown struct and no unknown deletion.
    """
    try:
        unknown = get_update(update, doc.get_state())  # structs the doc lacks + all deletions
    except ValueError as exc:
        raise ProtocolError(CloseCode.MALFORMED, "update does not decode") from exc
    wanted = _delete_set(unknown)
    if wanted is None:
        return False
    if not any(wanted.values()):
        return True
    known = _delete_set(doc.get_update(doc.get_state())) or {}
    for client, ranges in wanted.items():
        have = known.get(client, [])
        for start, end in ranges:
            if not any(a <= start and end <= b for a, b in have):
                return False
    return True


def sync_step1_frame(state_vector: bytes) -> bytes:
    """SyncStep1 carrying the server's state vector."""
    return create_sync_step1_message(state_vector)


def sync_step2_frame(update: bytes) -> bytes:
    """SyncStep2 carrying what the client is missing."""
    return create_sync_step2_message(update)


def update_frame(update: bytes) -> bytes:
    """An Update frame for a server-made update."""
    return create_update_message(update)


def update_frame_from_step2(raw: bytes) -> bytes:
    """Turn a client's SyncStep2 frame into the Update frame others receive (same payload)."""
    return b"\x00\x02" + raw[2:]


def awareness_frame(payload: bytes) -> bytes:
    """An awareness frame around an encoded awareness update."""
    return create_awareness_message(payload)


def query_awareness_frame() -> bytes:
    """The query-awareness frame (y-websocket message type 3)."""
    return bytes([MESSAGE_QUERY_AWARENESS])


@dataclass(slots=True)
class AwarenessEntry:
    clock: int
    state: str  # the JSON text as sent


class AwarenessTable:
    """The awareness states of one room, with the raw JSON each client sent.

    ``apply`` follows y-protocols exactly: an entry counts only if its clock is
    newer than the one known for that client (or it removes a present state at
    the same clock). y-websocket clients re-send every state they receive, so
    entries that change nothing must not be relayed again, nor be attributed to
    the connection that re-sent them. ``apply`` returns the client ids that this
    update set and removed.
    """

    def __init__(self) -> None:
        self.entries: dict[int, AwarenessEntry] = {}  # present states
        self.clocks: dict[int, int] = {}  # client id → newest clock seen (also of removed)

    def apply(self, payload: bytes) -> tuple[list[int], list[int]]:
        count, pos = _read_var_uint(payload, 0)
        parsed: list[tuple[int, int, str]] = []
        for _ in range(count):
            client_id, pos = _read_var_uint(payload, pos)
            clock, pos = _read_var_uint(payload, pos)
            text, pos = _read_var_bytes(payload, pos)
            try:
                state = text.decode("utf-8")
                json.loads(state)
            except ValueError as exc:
                raise ProtocolError(CloseCode.MALFORMED, "awareness state is not JSON") from exc
            parsed.append((client_id, clock, state))
        if pos != len(payload):
            raise ProtocolError(CloseCode.MALFORMED, "trailing bytes after awareness update")
        present: list[int] = []
        removed: list[int] = []
        entries, clocks = self.entries, self.clocks
        for client_id, clock, state in parsed:
            known = clocks.get(client_id, 0)
            is_null = state == "null"
            if not (known < clock or (known == clock and is_null and client_id in entries)):
                continue
            clocks[client_id] = clock
            if is_null:
                if entries.pop(client_id, None) is not None:
                    removed.append(client_id)
            else:
                entries[client_id] = AwarenessEntry(clock, state)
                present.append(client_id)
        return present, removed

    def encode(self, client_ids: list[int] | None = None) -> bytes:
        """Encode the states of ``client_ids`` (default: all known) as one awareness update."""
        ids = list(self.entries) if client_ids is None else client_ids
        parts = [write_var_uint(len(ids))]
        for client_id in ids:
            entry = self.entries[client_id]
            state = entry.state.encode("utf-8")
            parts += [
                write_var_uint(client_id),
                write_var_uint(entry.clock),
                write_var_uint(len(state)),
                state,
            ]
        return b"".join(parts)

    def remove(self, client_ids: list[int]) -> bytes | None:
        """Drop ``client_ids`` and return the awareness update announcing their removal."""
        gone = [cid for cid in client_ids if self.entries.pop(cid, None) is not None]
        if not gone:
            return None
        parts = [write_var_uint(len(gone))]
        for client_id in gone:
            self.clocks[client_id] += 1
            parts += [
                write_var_uint(client_id),
                write_var_uint(self.clocks[client_id]),
                b"\x04null",
            ]
        return b"".join(parts)
