"""A rating sent over the WebSocket by a client that skips the page's own check.

The board page offers only the steps of the configured scale (``TAVLE_PROGRESS_SCALE``);
a hostile client can write any value into the ``progress`` map. The server's guard
(board/limits.py) removes a rating that is not a whole number on the scale and closes
its sender 4413; a rating on the scale stands. Real server, real y-websocket clients.
"""

from __future__ import annotations

import json

import pytest
from pycrdt import Map

from tests.yclient import connected, create_board, running_server

SCALE = {"name": "Trivsel", "low": 0, "high": 5}


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    env = {"TAVLE_PROGRESS_SCALE": json.dumps(SCALE)}
    with running_server(tmp_path_factory.mktemp("ratings"), env) as srv:
        yield srv


def put(doc, key: str, value: object) -> None:
    """A rating of goal g1 with ``value``, as the board page writes one."""
    doc.get("progress", type=Map)[key] = {
        "id": key,
        "goal": "g1",
        "date": "2026-12-06",
        "value": value,
        "by": None,
        "note": "",
    }


GOAL = {"id": "g1", "title": "Et job", "horizon": "now", "rank": 1.0, "status": "active"}


def progress(client) -> dict:
    return client.doc.get("progress", type=Map).to_py() or {}


async def board_with_a_goal(srv) -> dict:
    board = create_board(srv.http)
    writer = await connected(srv.ws, board["board_id"], board["edit_token"])
    await writer.edit(lambda doc: doc.get("goals", type=Map).__setitem__("g1", GOAL))
    await writer.close()
    return board


@pytest.mark.parametrize(
    "value",
    [6, -1, 2.5, 1e300, "3", True, None, [3], {"value": 3}],
    ids=["above", "below", "not whole", "huge", "text", "bool", "null", "list", "object"],
)
async def test_a_rating_off_the_scale_does_not_stand(srv, value: object) -> None:
    board = await board_with_a_goal(srv)
    watcher = await connected(srv.ws, board["board_id"], board["view_token"])
    hostile = await connected(srv.ws, board["board_id"], board["edit_token"])
    await hostile.edit(lambda doc: put(doc, "r-bad", value))
    assert await hostile.wait_closed() == 4413
    assert hostile.close_reason == "board limits"
    assert "progress/r-bad.value" in srv.log()
    await watcher.wait_for(lambda: "r-bad" not in progress(watcher))  # the repair reached it
    newcomer = await connected(srv.ws, board["board_id"], board["view_token"])
    assert "r-bad" not in progress(newcomer)
    await watcher.close()
    await newcomer.close()


@pytest.mark.parametrize("value", [0, 5, 3, 4.0], ids=["low", "high", "middle", "whole float"])
async def test_a_rating_on_the_scale_stands(srv, value: object) -> None:
    board = await board_with_a_goal(srv)
    writer = await connected(srv.ws, board["board_id"], board["edit_token"])
    await writer.edit(lambda doc: put(doc, "r-ok", value))
    await writer.set_key("after", "still open")  # only read if the rating did not close it
    newcomer = await connected(srv.ws, board["board_id"], board["view_token"])
    await newcomer.wait_for(lambda: newcomer.value("after") == "still open")
    assert progress(newcomer)["r-ok"]["value"] == value
    await newcomer.close()
    await writer.close()
