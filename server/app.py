"""``create_app(settings)``: the Starlette application, its routes and its lifespan.

The route list is the map of the HTTP surface: each API module exports
``routes`` and is added here with one line.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from server.access.setup import access_middleware, install_access
from server.api import (
    audit,
    auth,
    boards,
    cases,
    consent,
    exports,
    join,
    orgs,
    site,
    teams,
    versions,
)
from server.api import templates as template_pictures
from server.config import Settings
from server.store import Store
from server.sync import endpoint as sync_endpoint
from server.sync.bus import make_bus
from server.sync.rooms import RoomRegistry
from server.team.boards import TeamBoards

STATIC = Path(__file__).resolve().parent.parent / "static"


def page(name: str) -> Route:
    """A route answering with ``static/<name>`` (plain 404 while it does not exist)."""

    async def serve(request: Request) -> Response:
        path = STATIC / name
        if not path.is_file():
            return PlainTextResponse("Not found", status_code=404)
        return FileResponse(path, headers={"Cache-Control": "no-cache"})

    return serve  # type: ignore[return-value]


async def accessibility_statement(request: Request) -> Response:
    """The footer's "Tilgængelighed": the municipality's own statement when one is set
    (``TAVLE_ACCESSIBILITY_STATEMENT_URL``), else Tavle's default statement page."""
    url = request.app.state.settings.accessibility_statement_url
    if url:
        return RedirectResponse(url, status_code=302)
    return await page("accessibility.html")(request)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def build_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/", page("index.html")),
        Route("/board/{board_id}", page("board.html")),
        Route("/join", page("join.html")),
        Route("/login", page("login.html")),
        Route("/cases", page("cases.html")),
        Route("/team", page("team.html")),
        Route("/tilgaengelighed", accessibility_statement),
        Route("/orgs", page("orgs.html")),
        Mount("/static", app=StaticFiles(directory=STATIC, check_dir=False), name="static"),
    ]
    routes += sync_endpoint.routes
    routes += boards.routes
    routes += auth.routes
    routes += cases.routes
    routes += join.routes
    routes += consent.routes
    routes += audit.routes
    routes += exports.routes
    routes += teams.routes
    routes += versions.routes
    routes += site.routes
    routes += orgs.routes
    routes += template_pictures.routes
    return routes


def create_app(settings: Settings) -> Starlette:
    """The whole server for ``settings``; store, bus and rooms live as long as the app."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = Store(settings)
        await store.start()
        bus = make_bus(settings)
        await bus.start()
        rooms = RoomRegistry(store, bus, settings)
        await rooms.start()
        app.state.store = store
        app.state.bus = bus
        app.state.rooms = rooms
        install_access(app, store, rooms, settings)
        await app.state.access.start()
        app.state.teams = TeamBoards(store, rooms)
        # Everything loaded so far lives as long as the process: keep it out of the cyclic
        # collector, whose full passes over it paused the event loop ~100 ms each.
        gc.freeze()
        try:
            yield
        finally:
            app.state.teams.close()
            await app.state.access.close()
            await rooms.close()
            await bus.close()
            await store.close()

    app = Starlette(
        routes=build_routes(), lifespan=lifespan, middleware=access_middleware(settings)
    )
    app.state.settings = settings
    return app
