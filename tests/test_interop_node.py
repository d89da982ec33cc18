"""The unmodified npm y-websocket WebsocketProvider (run under Node) against our server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pycrdt import Map

from tests.yclient import connected, create_board, running_server


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests of this module that need no special settings."""
    with running_server(tmp_path_factory.mktemp("interop")) as srv:
        yield srv


PEER = Path(__file__).parent / "node" / "peer.cjs"
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.node


async def node_peer(node: str, srv, board: dict, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        node,
        str(PEER),
        f"{srv.ws}/ws/boards",
        board["board_id"],
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def result(proc: asyncio.subprocess.Process) -> dict:
    out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0, (out, err)
    return json.loads(out.decode().strip().splitlines()[-1])


async def test_two_node_clients_sync_through_the_server(node, shared) -> None:
    board = create_board(shared.http)
    token = board["edit_token"]
    first = await node_peer(node, shared, board, token, "Anna", "a=fra Anna", "a,b", "2")
    second = await node_peer(node, shared, board, token, "Bent", "b=fra Bent", "a,b", "2")
    for peer in await asyncio.gather(result(first), result(second)):
        assert peer["m"] == {"a": "fra Anna", "b": "fra Bent"}
        assert peer["names"] == ["Anna", "Bent"]
        assert peer["closes"] == []


async def test_node_and_python_clients_sync(node, shared) -> None:
    board = create_board(shared.http)
    py = await connected(shared.ws, board["board_id"], board["edit_token"])
    await py.set_key("py", "fra Python")
    await py.set_awareness('{"user":{"name":"Python"}}')
    peer = await node_peer(
        node, shared, board, board["edit_token"], "Node", "js=fra Node", "py", "2"
    )
    await py.wait_for(lambda: py.value("js") == "fra Node")
    out = await result(peer)
    assert out["m"]["py"] == "fra Python" and out["names"] == ["Node", "Python"]
    await py.close()


async def test_node_observer_reads_and_is_not_closed(node, shared) -> None:
    """A view-token provider completes its handshake (its SyncStep2 adds nothing)."""
    board = create_board(shared.http)
    py = await connected(shared.ws, board["board_id"], board["edit_token"])
    await py.set_key("k", "v")
    await py.edit(lambda doc: doc.get("m", type=Map).pop("k"))  # a deletion: non-empty delete set
    await py.set_key("k2", "v2")
    await py.set_awareness('{"user":{"name":"Python"}}')
    peer = await node_peer(node, shared, board, board["view_token"], "Obs", "-", "k2", "2")
    out = await result(peer)
    assert out["m"] == {"k2": "v2"} and out["closes"] == []
    await py.close()
