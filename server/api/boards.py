"""Boards over HTTP: create one (``POST /api/boards``) and ask what a token may do (``/me``).

``create_board`` is shared with ``tavle board create`` so both give the same JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pycrdt import Doc
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from board.templates import TEMPLATES, apply_template
from board.write import write_meta
from plan_export.untrusted import BadJson, parse_json
from server.access.grants import Denied

MAX_TITLE = 200


class BadBoardRequest(ValueError):
    """A board request that cannot be honoured; the message is safe to show."""


def check_request(title: object, template: object) -> tuple[str, str]:
    """Validate a title and template name; return them cleaned."""
    if not isinstance(title, str) or not title.strip():
        raise BadBoardRequest("title is required")
    if len(title) > MAX_TITLE:
        raise BadBoardRequest(f"title longer than {MAX_TITLE} characters")
    name = template or "blank"
    if not isinstance(name, str):
        raise BadBoardRequest("template must be a name")
    if name not in TEMPLATES:
        raise BadBoardRequest(f"unknown template {name!r}")
    return title.strip(), name


def board_seeder(
    title: str, template: str, network: Callable[[Doc], object] | None = None
) -> Callable[[Doc], None]:
    """``fn(doc)`` giving a new board its ``meta`` (title, template…) and drawing its template.

    ``network(doc)`` first puts the people known at creation into the plan's network (a
    case's coordinator), so a template that draws the network (Netværk) draws them too."""

    def seed(doc: Doc) -> None:
        write_meta(doc, title=title, template=template)
        if network is not None:
            network(doc)
        apply_template(doc, template)

    return seed


async def create_board(store: Any, title: str, template: str) -> dict[str, str]:
    """Create the board row; returns ``{"board_id", "edit_token", "view_token"}``."""
    board_id, edit_token, view_token = await store.create_board(title=title, template=template)
    return {"board_id": board_id, "edit_token": edit_token, "view_token": view_token}


async def post_board(request: Request) -> Response:
    try:
        body = parse_json(await request.body())
    except BadJson:
        return JSONResponse({"error": "body must be JSON"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "body must be a JSON object"}, status_code=400)
    try:
        title, template = check_request(body.get("title"), body.get("template"))
    except BadBoardRequest as err:
        return JSONResponse({"error": str(err)}, status_code=400)
    state = request.app.state
    if not state.settings.open_boards and await state.access.account(request) is None:
        return JSONResponse({"error": "sign in to create a board"}, status_code=401)
    created = await create_board(state.store, title, template)
    await state.rooms.edit(created["board_id"], board_seeder(title, template))
    return JSONResponse(created, status_code=201)


async def get_me(request: Request) -> Response:
    board_id = request.path_params["board_id"]
    try:
        grant = await request.app.state.access.authorize(request, board_id, None)
    except Denied as denied:
        return JSONResponse({"error": denied.reason}, status_code=denied.http_status)
    board = await request.app.state.store.get_board(board_id)
    return JSONResponse(
        {
            "board_id": grant.board_id,
            "role": grant.role,
            "can_write": grant.can_write,
            "name": grant.name,
            "org": grant.org,  # a signed-in professional's organisation, else ""
            "kind": board.kind if board else "case",  # a team board has no plan panel
        }
    )


routes: list[BaseRoute] = [
    Route("/api/boards", post_board, methods=["POST"]),
    Route("/api/boards/{board_id}/me", get_me, methods=["GET"]),
]
