"""Agreeing the plan (issue 6.1): frozen versions, the citizen's confirmation, "Siden sidst".

"Godkend planen" (the coordinator) freezes the board as it is now: its Yjs
state, the plan record, who was present and when. The version stays
``awaiting_citizen`` until the citizen confirms it on their own device; only
confirmed versions count as "the last agreed plan" for "Siden sidst". Any
version can be read and exported through :mod:`plan_export` like the live board.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from pycrdt import Doc, Map
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from board import schema
from board.changes import since_last
from board.read import read_plan
from plan_export.fhir import Version
from plan_export.formats import FORMATS, ExportError, ExportOptions, allowed, export_doc
from plan_export.record import plan_to_record
from server.access import casedb
from server.access.casedb import CaseRow
from server.access.grants import Grant
from server.access.web import ApiError, access_of, actor, api, bad, case_and_grant
from server.api.exports import download
from server.team import db as teamdb

READERS = ("coordinator", "professional", "citizen", "relative", "support")


def _doc(update: bytes) -> Doc:
    doc = Doc()
    doc.apply_update(update)
    return doc


def _present(request: Request, board_id: str) -> list[dict[str, str]]:
    """Who is on the board right now (one entry per person, not per tab)."""
    room = request.app.state.rooms.rooms.get(board_id)
    seen = {
        (c.grant.name or c.grant.subject, c.grant.role) for c in (room.connections if room else ())
    }
    return [{"name": name, "role": role} for name, role in sorted(seen)]


async def _tell_the_board(request: Request, board_id: str, number: int, state: str) -> None:
    """Write the version's state into the board's ``meta`` map (``agreement``): every open
    page sees "Godkend planen" and the citizen's confirmation live and re-reads the panel.
    Only a signal: what the panel shows always comes from the versions table."""

    def write(doc: Doc) -> None:
        doc.get(schema.META, type=Map)["agreement"] = {"number": number, "state": state}

    await request.app.state.rooms.edit(board_id, write)


def _number(request: Request) -> int:
    try:
        return int(request.path_params["number"])
    except ValueError:
        raise bad("version must be a whole number") from None


@api
async def agree(request: Request) -> Response:
    """Godkend planen: freeze a version, awaiting the citizen's confirmation."""
    case, grant = await case_and_grant(request, "coordinator")
    access = access_of(request)
    snapshot = await request.app.state.rooms.snapshot(case.board_id)
    plan, _problems = read_plan(_doc(snapshot))
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    record = plan_to_record(plan, board_id=case.board_id, exported_at=stamp)
    present = _present(request, case.board_id)
    by = actor(grant)
    number = await access.store.run(
        lambda c: teamdb.add_version(c, case.id, by, present, snapshot, record)
    )
    await access.audit.record(
        "plan_version", board_id=case.board_id, actor=by, detail={"version": number}
    )
    await _tell_the_board(request, case.board_id, number, teamdb.AWAITING)
    return JSONResponse({"number": number, "state": teamdb.AWAITING}, status_code=201)


@api
async def confirm(request: Request) -> Response:
    """The citizen confirms a version on their own device: it becomes the agreed plan."""
    case, grant = await case_and_grant(request, "citizen")
    number = _number(request)
    access = access_of(request)
    by = actor(grant)
    if not await access.store.run(lambda c: teamdb.confirm(c, case.id, number, by)):
        raise ApiError(404, "access.not_found")
    await access.audit.record(
        "plan_agreed", board_id=case.board_id, actor=by, detail={"version": number}
    )
    await _tell_the_board(request, case.board_id, number, teamdb.AGREED)
    return JSONResponse({"number": number, "state": teamdb.AGREED})


@api
async def list_versions(request: Request) -> Response:
    case, _grant = await case_and_grant(request, *READERS)
    versions = await access_of(request).store.run(lambda c: teamdb.versions_of(c, case.id))
    return JSONResponse({"versions": versions})


async def _version(request: Request) -> tuple[dict, bytes, dict, str, Grant]:
    case, grant = await case_and_grant(request, *READERS)
    number = _number(request)
    found = await access_of(request).store.run(lambda c: teamdb.version(c, case.id, number))
    if found is None:
        raise ApiError(404, "access.not_found")
    return (*found, case.board_id, grant)


@api
async def get_version(request: Request) -> Response:
    summary, _snapshot, record, board_id, grant = await _version(request)
    await access_of(request).audit.record(
        "plan_version_read",
        board_id=board_id,
        actor=actor(grant),
        detail={"version": summary["number"]},
    )
    return JSONResponse({**summary, "record": record})


@api
async def export_version(request: Request) -> Response:
    """One version as any export format the caller's role allows (``?format=&lang=``)."""
    summary, snapshot, _record, board_id, grant = await _version(request)
    role = grant.role
    fmt = request.query_params.get("format", "")
    lang = request.query_params.get("lang", "da")
    if fmt not in FORMATS:
        raise bad(f"format must be one of {', '.join(FORMATS)}")
    if not allowed(role, fmt):
        raise ApiError(403, "access.not_allowed")
    case_id = request.path_params["case_id"]
    every = await access_of(request).store.run(lambda c: teamdb.versions_of(c, case_id))
    options = ExportOptions(lang=lang, version=as_version(summary, every))
    try:
        result = await asyncio.to_thread(
            export_doc, _doc(snapshot), fmt, board_id=board_id, options=options
        )
    except ExportError as err:
        raise bad(str(err)) from err
    await access_of(request).audit.record(
        "export",
        board_id=board_id,
        actor=actor(grant),
        detail={"format": fmt, "role": role, "version": summary["number"]},
    )
    return download(result, f"plan-v{summary['number']}.{result.extension}")


def as_version(summary: dict, every: list[dict]) -> Version:
    """A version summary (teamdb) as the FHIR export takes it: agreed or not, replaced or not."""
    confirmed = summary["confirmed_at"]
    return Version(
        number=summary["number"],
        created=datetime.fromisoformat(summary["created"]),
        state=summary["state"],
        confirmed_by=summary["confirmed_by"],
        confirmed_at=datetime.fromisoformat(confirmed) if confirmed else None,
        superseded=any(v["number"] > summary["number"] for v in every),
    )


async def _since_last(request: Request, case: CaseRow) -> dict:
    """The versions of a case and the changes since the last one the citizen confirmed."""
    access = access_of(request)
    versions = await access.store.run(lambda c: teamdb.versions_of(c, case.id))
    agreed = [v for v in versions if v["state"] == teamdb.AGREED]
    if not agreed:
        return {"version": None, "changes": None, "versions": versions}
    snapshot = await access.store.run(lambda c: teamdb.version(c, case.id, agreed[-1]["number"]))
    assert snapshot is not None  # versions are never deleted while the case exists
    before = read_plan(_doc(snapshot[1]))[0]
    now = read_plan(_doc(await request.app.state.rooms.snapshot(case.board_id)))[0]
    changes = since_last(before, now).to_json()
    return {"version": agreed[-1], "changes": changes, "versions": versions}


@api
async def changes_since_last(request: Request) -> Response:
    """Siden sidst: the plan now against the last version the citizen confirmed."""
    case, _grant = await case_and_grant(request, *READERS)
    return JSONResponse(await _since_last(request, case))


@api
async def board_agreement(request: Request) -> Response:
    """For the board page, which knows only its board: the case id, the caller's role,
    the versions and "Siden sidst" (``{"case_id": null}`` for a board that is no case)."""
    board_id = request.path_params["board_id"]
    access = access_of(request)
    grant = await access.grant_for(request, board_id)
    case = await access.store.run(lambda c: casedb.case_of_board(c, board_id))
    if case is None:
        return JSONResponse({"case_id": None})
    if grant.role not in READERS:
        raise ApiError(403, "access.not_allowed")
    scale = request.app.state.rooms.scale.to_json()
    body = {"case_id": case.id, "role": grant.role, "scale": scale}
    return JSONResponse({**body, **await _since_last(request, case)})


routes: list[BaseRoute] = [
    Route("/api/cases/{case_id}/versions", list_versions, methods=["GET"]),
    Route("/api/cases/{case_id}/versions", agree, methods=["POST"]),
    Route("/api/cases/{case_id}/versions/{number}", get_version, methods=["GET"]),
    Route("/api/cases/{case_id}/versions/{number}/confirm", confirm, methods=["POST"]),
    Route("/api/cases/{case_id}/versions/{number}/export", export_version, methods=["GET"]),
    Route("/api/cases/{case_id}/since-last", changes_since_last, methods=["GET"]),
    Route("/api/boards/{board_id}/agreement", board_agreement, methods=["GET"]),
]
