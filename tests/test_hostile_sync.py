"""Sync frames that make pycrdt allocate hugely or recurse to death are refused first.

Each attack comes from a view token (an outsider with a read-only link) unless an edit
token is needed to reach the code. The server must close the sender (4400) without the
memory spike or the crash the frame caused when pycrdt decoded it (docs/security.md):
its peak memory (``VmHWM``) stays put and both rooms go on relaying.
"""

from __future__ import annotations

import pytest

from bench.attacks import (
    CLIENT_COUNT_BOMB,
    DEEP_NESTING,
    OBJECT_BOMB,
    STATE_VECTOR_BOMB,
    memory_mb,
    reset_peak,
    sync_frame,
)
from tests.test_bad_input import still_alive
from tests.yclient import connected, create_board, running_server

ATTACKS = {
    # name: (frame, token that reaches the code, close reason)
    "state vector count": (STATE_VECTOR_BOMB, "view_token", "bad state vector"),
    "state vector clock": (
        sync_frame(0, b"\x01\x05\x80\x80\x80\x80\x80\x01"),
        "view_token",
        "bad state vector",
    ),
    "update client count": (CLIENT_COUNT_BOMB, "view_token", "update does not decode"),
    "object key count": (OBJECT_BOMB, "edit_token", "update does not decode"),
    "deep nesting (view)": (DEEP_NESTING, "view_token", "update nested too deep"),
    "deep nesting (edit)": (DEEP_NESTING, "edit_token", "update nested too deep"),
}


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("bombs")) as server:
        yield server


@pytest.mark.parametrize("case", list(ATTACKS))
async def test_bomb_is_refused_before_pycrdt_decodes_it(srv, case: str) -> None:
    """The server's peak memory is reset first: it tells about this frame only."""
    raw, token, reason = ATTACKS[case]
    board, other = create_board(srv.http), create_board(srv.http)
    assert srv.proc is not None
    reset_peak(srv.proc.pid)
    peak = memory_mb(srv.proc.pid, "VmHWM")
    bad = await connected(srv.ws, board["board_id"], board[token])
    await bad.send(raw)
    assert await bad.wait_closed() == 4400
    assert bad.close_reason == reason
    assert srv.proc is not None and srv.proc.poll() is None
    assert memory_mb(srv.proc.pid, "VmHWM") - peak < 50  # pycrdt's table: +500 MB per frame
    await still_alive(srv, board, other, "after")
