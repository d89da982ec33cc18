"""``GET /api/boards/{board_id}/export?format=…``: a board's record, picture or sheet over HTTP.

Without ``format`` it answers which formats the caller may download and the sheet's
sections, so the UI shows only the buttons that work.

The caller shows a board token, a join token or a session like any board route;
:func:`plan_export.formats.allowed` decides per role (coordinator and professional:
every format; citizen: the sheet and the picture; others: none). The live room's
state is exported — the main document only, never a restricted section — and
every export is written to the audit log before the bytes leave the server.

``&office=ORG`` (the board organisation's id, or its name for older links) cuts
json / fhir / pdf / sheet-png to one office's part (plan_export.office), refused (403)
without the citizen's consent for it. The whole plan as a record (json, fhir) goes to
the coordinator only; a professional signed in with an account takes their own
organisation's part: the board's organisation the key names must have the account's
organisation as its name (board.plan.same_org_name, the rule consent uses too).
Rendering runs in a worker thread, at most two at a time, so the rooms keep
syncing while a picture is drawn.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

from pycrdt import Doc
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from board.i18n import t
from board.plan import Plan, same_org_name
from board.read import read_plan
from plan_export.formats import (
    FORMATS,
    Export,
    ExportError,
    ExportOptions,
    NoConsent,
    allowed,
    export_doc,
    sheet_options,
)
from plan_export.office import OfficeError, find_office
from server.access.grants import Denied
from server.access.sessions import Account
from server.access.web import actor
from server.orgs.consents import recorded_consents

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
        sheet=sheet_options(q.get("goals"), q.get("sections"), q.get("proposals") != "0", lang),
        office=q.get("office") or None,
    )


async def get_export(request: Request) -> Response:
    board_id = request.path_params["board_id"]
    fmt = request.query_params.get("format", "")
    state = request.app.state
    try:
        grant = await state.access.authorize(request, board_id, None)
    except Denied as denied:
        return JSONResponse({"error": denied.reason}, status_code=denied.http_status)
    account = await state.access.account(request, board_id)
    if not fmt:  # what this caller may download: the UI shows these buttons
        from plan_export.sheet import SECTIONS  # here: fpdf2 is ~30 MB of an idle server

        mine = [f for f in FORMATS if allowed(grant.role, f)]
        if grant.role == "professional":  # the whole plan as a record: the coordinator's
            mine = [f for f in mine if f not in ("json", "fhir")]
        offices = _offices(await state.rooms.snapshot(board_id), grant.role, account)
        return JSONResponse({"formats": mine, "sections": list(SECTIONS), "offices": offices})
    if fmt not in FORMATS:
        return JSONResponse({"error": f"format must be one of {', '.join(FORMATS)}"}, 400)
    lang = request.query_params.get("lang", "da")
    if not allowed(grant.role, fmt):
        message = t("export.not_allowed", lang if lang in ("da", "en") else "da")
        return JSONResponse({"error": message}, status_code=403)
    try:
        options = _options(request)
        update = await state.rooms.snapshot(board_id)
        refusal = _office_rule(grant.role, fmt, options.office, account, lang, update)
        if refusal:
            return JSONResponse({"error": refusal}, status_code=403)
        if options.office is not None:
            consents = await state.store.run(recorded_consents(board_id))
            options = replace(options, consents=consents)
        async with _slots(state):
            result = await asyncio.to_thread(_render, update, fmt, board_id, options)
    except NoConsent as err:
        return JSONResponse({"error": str(err)}, status_code=403)
    except ExportError as err:
        return JSONResponse({"error": str(err)}, status_code=400)
    detail = {"format": fmt, "role": grant.role}
    if options.office is not None:
        detail["office"] = options.office
    await state.audit.record("export", board_id=board_id, actor=actor(grant), detail=detail)
    return download(result, f"tavle-{_SAFE_NAME.sub('', board_id)[:64]}.{result.extension}")


def _office_rule(
    role: str, fmt: str, office: str | None, account: Account | None, lang: str, update: bytes
) -> str | None:
    """Why this export of the board state ``update`` is refused (None: it is not). The whole
    plan as a record goes to the coordinator only; a professional takes their own
    organisation's part: ``office`` (an id, or a name) must be one of the board's
    organisations, named as the account's organisation is."""
    if role != "professional" or fmt not in ("json", "fhir"):
        return None
    lang = lang if lang in ("da", "en") else "da"
    if office is None:
        return t("export.full_coordinator_only", lang)
    if account is None or not _mine(_plan(update), office, account):
        return t("export.not_allowed", lang)
    return None


def _mine(plan: Plan, office: str, account: Account) -> bool:
    """``office`` (id or name) is the account's own organisation on this board."""
    try:
        return same_org_name(find_office(plan, office).name, account.org)
    except OfficeError:
        return False


def _offices(update: bytes, role: str, account: Account | None) -> list[dict[str, str]]:
    """The offices this caller may download a part for: all the board's for the
    coordinator, their own for a professional (``[{"id", "name"}]``)."""
    if role not in ("coordinator", "professional"):
        return []
    orgs = _plan(update).organisations
    if role == "professional":
        orgs = [o for o in orgs if account and same_org_name(o.name, account.org)]
    return [{"id": o.id, "name": o.name} for o in orgs]


def _plan(update: bytes) -> Plan:
    doc = Doc()
    doc.apply_update(update)
    return read_plan(doc)[0]


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
