"""Frame decoding and the awareness table (server/sync/protocol.py), on real pycrdt docs."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Map, create_sync_message, create_update_message, write_var_uint

from server.sync.protocol import (
    AwarenessTable,
    CloseCode,
    Kind,
    ProtocolError,
    adds_nothing,
    awareness_frame,
    classify,
    sync_step2_frame,
    update_frame_from_step2,
)


def awareness_payload(*entries: tuple[int, int, str]) -> bytes:
    parts = [write_var_uint(len(entries))]
    for client, clock, state in entries:
        raw = state.encode()
        parts += [write_var_uint(client), write_var_uint(clock), write_var_uint(len(raw)), raw]
    return b"".join(parts)


def doc_with(**values: object) -> Doc:
    doc = Doc()
    m = doc.get("m", type=Map)
    for key, value in values.items():
        m[key] = value
    return doc


def test_classify_sync_frames() -> None:
    doc = doc_with(a=1)
    step1 = classify(create_sync_message(doc))
    assert step1.kind is Kind.SYNC_STEP1
    assert step1.payload == doc.get_state()
    update = doc.get_update()
    assert classify(create_update_message(update)).kind is Kind.UPDATE
    step2 = classify(sync_step2_frame(update))
    assert (step2.kind, step2.payload) == (Kind.SYNC_STEP2, update)
    assert update_frame_from_step2(step2.raw) == create_update_message(update)


def test_classify_awareness_and_query() -> None:
    payload = awareness_payload((7, 1, '{"user":{"name":"Åse"}}'))
    frame = classify(awareness_frame(payload))
    assert (frame.kind, frame.payload) == (Kind.AWARENESS, payload)
    assert classify(b"\x03").kind is Kind.QUERY_AWARENESS


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00",
        b"\x00\x03\x00",  # unknown sync sub-type
        b"\x00\x02\x05ab",  # length beyond the frame
        b"\x00\x02\x01ab",  # trailing bytes
        b"\x00\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",  # endless varint
        b"\x01\x09abc",
        b"\x02",  # auth messages are not accepted from clients
        b"\x09\x00",
    ],
)
def test_malformed_frames_are_4400(raw: bytes) -> None:
    with pytest.raises(ProtocolError) as info:
        classify(raw)
    assert info.value.code == CloseCode.MALFORMED


def test_awareness_table_tracks_and_removes() -> None:
    table = AwarenessTable()
    present, removed = table.apply(awareness_payload((1, 1, '{"n":1}'), (2, 4, '{"n":2}')))
    assert (present, removed) == ([1, 2], [])
    # an older or equal clock is ignored (clients re-send what they receive), a newer wins
    assert table.apply(awareness_payload((1, 1, '{"n":"same"}'))) == ([], [])
    table.apply(awareness_payload((1, 0, '{"n":"old"}'), (2, 5, '{"n":3}')))
    assert table.entries[1].state == '{"n":1}' and table.entries[2].state == '{"n":3}'
    # encode round-trips through a fresh table
    copy = AwarenessTable()
    copy.apply(table.encode())
    assert {k: v.state for k, v in copy.entries.items()} == {1: '{"n":1}', 2: '{"n":3}'}
    # removal announces clock + 1 and "null", which removes it elsewhere too
    removal = table.remove([2, 99])
    assert removal is not None and 2 not in table.entries
    assert copy.apply(removal) == ([], [2]) and 2 not in copy.entries
    assert table.remove([2]) is None
    # a client's first state at clock 0 is ignored, as in y-protocols
    assert AwarenessTable().apply(awareness_payload((5, 0, "{}"))) == ([], [])


def test_awareness_state_must_be_json() -> None:
    with pytest.raises(ProtocolError) as info:
        AwarenessTable().apply(awareness_payload((1, 1, "{not json")))
    assert info.value.code == CloseCode.MALFORMED


def test_awareness_sent_back_is_known_before_parsing() -> None:
    """A state sent back at a clock already known changes nothing and is recognised without
    parsing its JSON (the y-websocket provider sends back every state it gets)."""
    table = AwarenessTable()
    table.apply(awareness_payload((1, 3, '{"n":1}')))
    assert table.sent_back(awareness_payload((1, 3, "{not json")), 8192)
    assert table.sent_back(awareness_payload((1, 2, "{")), 8192)
    assert not table.sent_back(awareness_payload((1, 4, '{"n":2}')), 8192)  # newer
    assert not table.sent_back(awareness_payload((1, 3, "null")), 8192)  # a removal
    assert not table.sent_back(awareness_payload((2, 1, "{}")), 8192)  # a new client
    assert not table.sent_back(awareness_payload((1, 3, "{}"), (1, 2, "{}")), 8192)  # two
    assert not table.sent_back(awareness_payload((1, 3, "x" * 100)), 99)  # over the bound
    assert not table.sent_back(awareness_payload((1, 3, "{}")) + b"\x00", 8192)  # trailing
    assert not table.sent_back(b"\x01\x01", 8192)  # truncated


def test_adds_nothing_for_known_content() -> None:
    server = doc_with(a=1, b=2)
    server.get("m", type=Map).pop("a")
    client = Doc()
    client.apply_update(server.get_update())
    # what a synced read-only client sends back: its whole delete set, no new structs
    assert adds_nothing(client.get_update(server.get_state()), server)
    assert adds_nothing(b"\x00\x00", server)
    # a new value, or a new deletion, is a change
    before = client.get_state()
    client.get("m", type=Map)["c"] = 3
    assert not adds_nothing(client.get_update(before), server)
    other = Doc()
    other.apply_update(server.get_update())
    other.get("m", type=Map).pop("b")
    assert not adds_nothing(other.get_update(server.get_state()), server)


def test_adds_nothing_sees_a_later_update_of_a_known_client() -> None:
    server = doc_with(a=1)
    client = Doc()
    client.apply_update(server.get_update())
    before = client.get_state()
    client.get("m", type=Map)["b"] = 2
    later = client.get_update(before)  # its structs start above clock 0
    assert not adds_nothing(later, server)
    server.apply_update(later)
    assert adds_nothing(later, server)


def test_awareness_table_keeps_only_the_newest_removed_clocks() -> None:
    table = AwarenessTable(keep_removed=3)
    table.apply(awareness_payload(*((cid, 1, "{}") for cid in range(1, 6))))
    table.apply(awareness_payload(*((cid, 2, "null") for cid in range(1, 6))))
    assert not table.entries and sorted(table.clocks) == [3, 4, 5]
    table.apply(awareness_payload((4, 3, "{}")))  # present again: not among the removed
    table.apply(awareness_payload((9, 1, "null"), (10, 1, "null")))
    assert sorted(table.clocks) == [4, 5, 9, 10]
