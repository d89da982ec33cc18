"""y-websocket frames: decode, classify and encode, thin over pycrdt's sync helpers.

Every frame a client sends is checked here before the room touches it, so a
malformed frame becomes one :class:`ProtocolError` (close 4400) instead of an
exception somewhere inside the room. Awareness states are kept as the raw JSON
strings the clients sent: the server relays them and never needs their content,
but it parses each once so a broken state never reaches other clients.
"""

from __future__ import annotations

import json
import re
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
    "check_state_vector",
    "check_update",
    "classify",
    "draws_live",
    "encode_awareness",
    "parse_awareness",
    "query_awareness_frame",
    "sync_step1_frame",
    "sync_step2_frame",
    "update_frame",
    "update_frame_from_step2",
]

MESSAGE_QUERY_AWARENESS = 3
EMPTY_STATE_VECTOR = b"\x00"
# Bounds of what a client's state vector or update may claim (docs/security.md). pycrdt
# reserves memory for the counts it reads before it finds the bytes missing.
MAX_STATE_VECTOR_CLIENTS = 20_000  # distinct writers of one board; legit: tens to hundreds
MAX_CLIENT_ID = 2**53 - 1  # Yjs makes 32-bit ids, pycrdt 53-bit ones
MAX_CLOCK = 2**32 - 1  # yrs keeps clocks as u32
MAX_ANY_DEPTH = 64  # nesting of arrays/objects in one value; the board nests 3 deep


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


def check_state_vector(state_vector: bytes) -> None:
    """Refuse (4400) a state vector that claims more entries than its bytes can hold,
    more than :data:`MAX_STATE_VECTOR_CLIENTS`, or ids and clocks out of range.

    pycrdt sizes its table by the claimed count first: an 8-byte
    ``[0, 0, 6, varuint(2**28)]`` cost 0.4–0.7 s and 0.5 GB before it failed.
    """
    count, pos = _read_var_uint(state_vector, 0)
    if count > (len(state_vector) - pos) // 2 or count > MAX_STATE_VECTOR_CLIENTS:
        raise ProtocolError(CloseCode.MALFORMED, "bad state vector")
    for _ in range(count):
        client, pos = _read_var_uint(state_vector, pos)
        clock, pos = _read_var_uint(state_vector, pos)
        if client > MAX_CLIENT_ID or clock > MAX_CLOCK:
            raise ProtocolError(CloseCode.MALFORMED, "bad state vector")
    if pos != len(state_vector):
        raise ProtocolError(CloseCode.MALFORMED, "bad state vector")


# an array (0x75) or object (0x76) marker followed by a count of 2**21 or more
_HUGE_COUNT = re.compile(rb"[\x75\x76][\x80-\xff]{3}")


def check_update(update: bytes) -> None:
    """Refuse (4400) an update that would make pycrdt allocate hugely or recurse deeply.

    Three shapes are dangerous (docs/security.md): a client count far beyond the bytes
    (a table of 2**28 entries, 0.5 GB), an object value claiming millions of keys (the
    same), and values nested tens of thousands deep (pycrdt's decoder recurses until
    the process dies of a stack overflow: 100 KB did it). Cheap tests first; only an
    update that has the marker bytes of those shapes is walked in full by
    :class:`_UpdateReader`, which bounds every count by the bytes left.
    """
    count, pos = _read_var_uint(update, 0)
    if count > len(update) - pos:
        raise ProtocolError(CloseCode.MALFORMED, "update does not decode")
    if (
        update.count(b"\x75") + update.count(b"\x76") > MAX_ANY_DEPTH
        or _HUGE_COUNT.search(update) is not None
    ):
        _UpdateReader(update).check()


class _UpdateReader:
    """Walks a Yjs v1 update (lib0 encoding, as yjs' ``readClientsStructRefs`` and
    ``readDeleteSet``) without building anything; :class:`ProtocolError` if it is not one."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def fail(self) -> ProtocolError:
        return ProtocolError(CloseCode.MALFORMED, "update does not decode")

    def uint(self) -> int:
        value, self.pos = _read_var_uint(self.data, self.pos)
        return value

    def count(self) -> int:
        """A count of things that take at least one byte each."""
        n = self.uint()
        if n > len(self.data) - self.pos:
            raise self.fail()
        return n

    def skip(self, n: int) -> None:
        self.pos += n
        if self.pos > len(self.data):
            raise self.fail()

    def string(self) -> None:
        self.skip(self.uint())

    def check(self) -> None:
        for _ in range(self.count()):  # clients
            structs = self.count()
            self.uint()  # client
            self.uint()  # clock
            for _ in range(structs):
                self.struct()
        for _ in range(self.count()):  # delete set: clients
            self.uint()
            for _ in range(self.count()):
                self.uint()
                self.uint()
        if self.pos != len(self.data):
            raise self.fail()

    def struct(self) -> None:
        self.skip(1)
        info = self.data[self.pos - 1]
        ref = info & 0x1F
        if ref in (0, 10):  # GC, Skip
            self.uint()
            return
        if info & 0x80:  # origin
            self.uint()
            self.uint()
        if info & 0x40:  # right origin
            self.uint()
            self.uint()
        if not info & 0xC0:
            if self.uint() == 1:  # parent named by a string, else by an id
                self.string()
            else:
                self.uint()
                self.uint()
            if info & 0x20:  # parent key
                self.string()
        self.content(ref)

    def content(self, ref: int) -> None:
        if ref == 1:  # deleted
            self.uint()
        elif ref == 2:  # JSON strings
            for _ in range(self.count()):
                self.string()
        elif ref in (3, 4, 5):  # binary, string, embed
            self.string()
        elif ref == 6:  # format: key, JSON
            self.string()
            self.string()
        elif ref == 7:  # type
            if self.uint() in (3, 5):  # XmlElement, XmlHook: a name
                self.string()
        elif ref == 8:  # any values
            for _ in range(self.count()):
                self.any(0)
        elif ref == 9:  # subdocument: guid, options
            self.string()
            self.any(0)
        else:
            raise self.fail()

    def any(self, depth: int) -> None:
        if depth > MAX_ANY_DEPTH:
            raise ProtocolError(CloseCode.MALFORMED, "update nested too deep")
        self.skip(1)
        kind = self.data[self.pos - 1]
        if kind in (127, 126, 121, 120):  # undefined, null, false, true
            return
        if kind == 125:  # varint
            self.uint()
        elif kind == 124:
            self.skip(4)
        elif kind in (123, 122):
            self.skip(8)
        elif kind in (119, 116):  # string, bytes
            self.string()
        elif kind == 118:  # object
            for _ in range(self.count()):
                self.string()
                self.any(depth + 1)
        elif kind == 117:  # array
            for _ in range(self.count()):
                self.any(depth + 1)
        else:
            raise self.fail()


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


AwarenessEntries = list[tuple[int, int, str]]  # (client id, clock, JSON text) as sent


def parse_awareness(
    payload: bytes, max_state_bytes: int = 0, max_entries: int = 0
) -> AwarenessEntries:
    """The entries of an awareness update; 4400 if it is not one, 4413 if a state is over
    ``max_state_bytes`` or there are more than ``max_entries`` (0: no limit)."""
    count, pos = _read_var_uint(payload, 0)
    if max_entries and count > max_entries:
        raise ProtocolError(CloseCode.TOO_LARGE, "too many awareness entries")
    parsed: AwarenessEntries = []
    for _ in range(count):
        client_id, pos = _read_var_uint(payload, pos)
        clock, pos = _read_var_uint(payload, pos)
        text, pos = _read_var_bytes(payload, pos)
        if max_state_bytes and len(text) > max_state_bytes:
            raise ProtocolError(CloseCode.TOO_LARGE, "awareness state too large")
        try:
            state = text.decode("utf-8")
            json.loads(state)
        except (ValueError, RecursionError) as exc:  # nesting: 4,000 "[" fit in 8 KB
            raise ProtocolError(CloseCode.MALFORMED, "awareness state is not JSON") from exc
        parsed.append((client_id, clock, state))
    if pos != len(payload):
        raise ProtocolError(CloseCode.MALFORMED, "trailing bytes after awareness update")
    return parsed


def draws_live(state: str) -> bool:
    """Whether an awareness state (JSON text) carries a stroke in progress (``live``, see
    docs/protocol.md): drawing, which a read-only connection may not do."""
    value = json.loads(state)
    return isinstance(value, dict) and bool(value.get("live"))


def encode_awareness(entries: AwarenessEntries) -> bytes:
    """An awareness update of ``entries`` (the inverse of :func:`parse_awareness`)."""
    parts = [write_var_uint(len(entries))]
    for client_id, clock, state in entries:
        raw = state.encode("utf-8")
        parts += [write_var_uint(client_id), write_var_uint(clock), write_var_uint(len(raw)), raw]
    return b"".join(parts)


class AwarenessTable:
    """The awareness states of one room, with the raw JSON each client sent.

    ``apply`` follows y-protocols exactly: an entry counts only if its clock is
    newer than the one known for that client (or it removes a present state at
    the same clock). y-websocket clients re-send every state they receive, so
    entries that change nothing must not be relayed again, nor be attributed to
    the connection that re-sent them. ``apply`` returns the client ids that this
    update set and removed. The clocks of removed ids are kept (they order late
    messages) but only the newest ``keep_removed`` of them: a stream of removals of
    fresh ids must not fill memory.
    """

    def __init__(self, keep_removed: int = 1024) -> None:
        self.entries: dict[int, AwarenessEntry] = {}  # present states
        self.clocks: dict[int, int] = {}  # client id → newest clock seen (also of removed)
        self.keep_removed = keep_removed
        self._removed: dict[int, None] = {}  # ids without a state, oldest first

    def is_news(self, client_id: int, clock: int, state: str) -> bool:
        """Whether the entry would change the table."""
        known = self.clocks.get(client_id, 0)
        return known < clock or (known == clock and state == "null" and client_id in self.entries)

    def apply(self, payload: bytes) -> tuple[list[int], list[int]]:
        return self.apply_entries(parse_awareness(payload))

    def sent_back(self, payload: bytes, max_state_bytes: int) -> bool:
        """Whether ``payload`` is one well-formed entry, within ``max_state_bytes``, that
        would change nothing: checked before any JSON is parsed, because y-websocket
        clients send back every state they receive (in a meeting of eight, seven stale
        copies of each cursor move)."""
        try:
            count, pos = _read_var_uint(payload, 0)
            if count != 1:
                return False
            client_id, pos = _read_var_uint(payload, pos)
            clock, pos = _read_var_uint(payload, pos)
            size, pos = _read_var_uint(payload, pos)
        except ProtocolError:
            return False
        if pos + size != len(payload) or size > max_state_bytes:
            return False
        state = "null" if payload[pos:] == b"null" else ""
        return not self.is_news(client_id, clock, state)

    def apply_entries(self, parsed: AwarenessEntries) -> tuple[list[int], list[int]]:
        present: list[int] = []
        removed: list[int] = []
        entries, clocks = self.entries, self.clocks
        for client_id, clock, state in parsed:
            if not self.is_news(client_id, clock, state):
                continue
            clocks[client_id] = clock
            if state == "null":
                if entries.pop(client_id, None) is not None:
                    removed.append(client_id)
                self._forget_later(client_id)
            else:
                entries[client_id] = AwarenessEntry(clock, state)
                self._removed.pop(client_id, None)
                present.append(client_id)
        return present, removed

    def _forget_later(self, client_id: int) -> None:
        removed = self._removed
        removed.pop(client_id, None)
        removed[client_id] = None
        while len(removed) > self.keep_removed:
            oldest = next(iter(removed))
            del removed[oldest]
            self.clocks.pop(oldest, None)

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
            self._forget_later(client_id)
        return b"".join(parts)
