"""``GET /api/boards/{board_id}/export?format=…``: a board's record, picture or sheet over HTTP.

Without ``format`` it answers which formats the caller may download and the sheet's
sections, so the UI shows only the buttons that work.

The caller shows a board token, a join token or a session like any board route;
:func:`plan_export.formats.allowed` decides per role (coordinator and professional:
every format; citizen: the sheet and the picture; others: none). The live room's
state is exported — the main document only, never a restricted section — and
every export is written to the audit log before the bytes leave the server.
Rendering runs in a worker thread, at most two at a time, so the rooms keep
syncing while a picture is drawn.
"""

from __future__ import annotations

import asyncio
import re

from pycrdt import Doc
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from board.i18n import t
from plan_export.formats import (
    FORMATS,
    Export,
    ExportError,
    ExportOptions,
    allowed,
    export_doc,
    sheet_options,
)
from server.access.grants import Denied
from server.access.web import actor

RENDER_SLOTS = 2
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


def _slots(state: State) -> asyncio.Semaphore:
    """This app's render slots (made on first use, inside the app's event loop)."""
    if not hasattr(state, "export_slots"):
        state.export_slots = asyncio.Semaphore(RENDER_SLOTS)
    return state.export_slots


def _options(request: Request) -> ExportOptions:
    q = request.query_params
    lang = q.get("lang", "da")
    try:
        scale = float(q.get("scale", "1"))
    except ValueError:
        raise ExportError("scale must be a number") from None
    return ExportOptions(
        frame=q.get("frame") or None,
        scale=scale,
        lang=lang,
        sheet=sheet_options(q.get("goals"), q.get("sections"), q.get("proposals") == "1", lang),
    )


async def get_export(request: Request) -> Response:
    board_id = request.path_params["board_id"]
    fmt = request.query_params.get("format", "")
    state = request.app.state
    try:
        grant = await state.access.authorize(request, board_id, None)
    except Denied as denied:
        return JSONResponse({"error": denied.reason}, status_code=denied.http_status)
    if not fmt:  # what this caller may download: the UI shows these buttons
        from plan_export.sheet import SECTIONS  # here: fpdf2 is ~30 MB of an idle server

        mine = [f for f in FORMATS if allowed(grant.role, f)]
        return JSONResponse({"formats": mine, "sections": list(SECTIONS)})
    if fmt not in FORMATS:
        return JSONResponse({"error": f"format must be one of {', '.join(FORMATS)}"}, 400)
    lang = request.query_params.get("lang", "da")
    if not allowed(grant.role, fmt):
        message = t("export.not_allowed", lang if lang in ("da", "en") else "da")
        return JSONResponse({"error": message}, status_code=403)
    try:
        options = _options(request)
        update = await state.rooms.snapshot(board_id)
        async with _slots(state):
            result = await asyncio.to_thread(_render, update, fmt, board_id, options)
    except ExportError as err:
        return JSONResponse({"error": str(err)}, status_code=400)
    await state.audit.record(
        "export",
        board_id=board_id,
        actor=actor(grant),
        detail={"format": fmt, "role": grant.role},
    )
    return download(result, f"tavle-{_SAFE_NAME.sub('', board_id)[:64]}.{result.extension}")


def download(result: Export, filename: str) -> Response:
    """An export as a file download: never cached, never sniffed, never run as a page."""
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    }
    return Response(result.data, media_type=result.media_type, headers=headers)


def _render(update: bytes, fmt: str, board_id: str, options: ExportOptions) -> Export:
    doc = Doc()
    doc.apply_update(update)
    return export_doc(doc, fmt, board_id=board_id, options=options)


routes: list[BaseRoute] = [
    Route("/api/boards/{board_id}/export", get_export, methods=["GET"]),
]
