"""``GET /api/site``: what every page may know about this installation.

It tells a page (signed in or not) which doors are open: who is signed in (null when
nobody is: never a 401, so the start page can ask it of every visitor), whether anyone
may make a scratch board, and who to contact about accessibility (shown in the
accessibility statement).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route


async def site(request: Request) -> Response:
    settings = request.app.state.settings
    account = await request.app.state.access.account(request)
    return JSONResponse(
        {
            "user": account.name if account is not None else None,
            "open_boards": settings.open_boards,
            "accessibility_contact": settings.accessibility_contact,
        }
    )


routes: list[BaseRoute] = [Route("/api/site", site, methods=["GET"])]
