"""The tavlemøde over HTTP: a team's case cards, its live board, case review and notes.

Only signed-in members of the team see its cards (aliases and counts, no
personal details). Opening a case's review needs a grant on the case itself,
so consent decides as it does for the case board. Every step is audited.
"""

from __future__ import annotations

from datetime import date

from pycrdt import Doc
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from board.changes import since_last
from board.progress import series_json
from board.read import read_plan
from board.review import case_review
from server.access.sessions import Account
from server.access.web import ApiError, access_of, actor, api, bad, case_and_grant, json_body
from server.team import db as teamdb
from server.team.boards import TeamBoards, filter_cards

REVIEWERS = ("coordinator", "professional")
MAX_NOTE = 4000


async def _member(request: Request) -> tuple[Account, str, str]:
    """The signed-in caller, the team id and its name; 401/403/404 otherwise."""
    access = access_of(request)
    account = await access.account(request)
    if account is None:
        raise ApiError(401, "access.not_signed_in")
    team_id = request.path_params["team_id"]
    name = await access.store.run(lambda c: teamdb.team_name(c, team_id))
    if name is None:
        raise ApiError(404, "access.not_found")
    if not await access.store.run(lambda c: teamdb.is_member(c, team_id, account.id)):
        raise ApiError(403, "access.not_allowed")
    return account, team_id, name


def _teams(request: Request) -> TeamBoards:
    return request.app.state.teams


@api
async def list_teams(request: Request) -> Response:
    access = access_of(request)
    account = await access.account(request)
    if account is None:
        raise ApiError(401, "access.not_signed_in")
    teams = await access.store.run(lambda c: teamdb.teams_of(c, account.id))
    return JSONResponse({"teams": teams})


@api
async def team_cases(request: Request) -> Response:
    """``{team, cases: [card]}``; filters ``?owner=&organisation=&overdue=1``."""
    account, team_id, name = await _member(request)
    q = request.query_params
    cards = filter_cards(
        await _teams(request).cards(team_id),
        owner=q.get("owner", ""),
        organisation=q.get("organisation", ""),
        overdue=q.get("overdue") == "1",
    )
    await access_of(request).audit.record(
        "team_overview", actor=account.name, detail={"team": team_id}
    )
    return JSONResponse({"team": {"id": team_id, "name": name}, "cases": cards})


@api
async def team_board(request: Request) -> Response:
    """The team board's page URL with a board token of the caller's session."""
    account, team_id, name = await _member(request)
    access = access_of(request)
    session_id = access.session_id(request)
    if session_id is None:
        raise ApiError(401, "access.not_signed_in")
    board_id = await _teams(request).board_of(team_id, name)
    token = access.codec.board_token(session_id, board_id)
    await access.audit.record("team_board_open", board_id=board_id, actor=account.name)
    return JSONResponse({"board_id": board_id, "url": f"/board/{board_id}#token={token}"})


async def _plan_of(request: Request, board_id: str) -> Doc:
    doc = Doc()
    doc.apply_update(await request.app.state.rooms.snapshot(board_id))
    return doc


@api
async def review(request: Request) -> Response:
    """Where are we now, next steps, barriers, progression, notes and changes since the
    last agreed version of one case (professionals with a grant on the case)."""
    case, grant = await case_and_grant(request, *REVIEWERS)
    access = access_of(request)
    plan, _problems = read_plan(await _plan_of(request, case.board_id))
    notes = await access.store.run(lambda c: teamdb.notes_of(c, case.id))
    agreed = await access.store.run(lambda c: teamdb.last_agreed(c, case.id))
    changes = None
    if agreed is not None:
        before = Doc()
        before.apply_update(agreed)
        changes = since_last(read_plan(before)[0], plan).to_json()
    await access.audit.record("case_review", board_id=case.board_id, actor=actor(grant))
    body = case_review(plan)
    body.update(
        id=case.id,
        alias=case.alias,
        progress={
            "scale": request.app.state.rooms.scale.to_json(),
            "series": series_json(plan),
        },
        notes=notes,
        since_last=changes,
    )
    return JSONResponse(body)


@api
async def add_note(request: Request) -> Response:
    """A dated review note ``{text, date?}`` (date defaults to today, YYYY-MM-DD)."""
    case, grant = await case_and_grant(request, *REVIEWERS)
    body = await json_body(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_NOTE:
        raise bad(f"text must be 1 to {MAX_NOTE} characters")
    when = body.get("date") or date.today().isoformat()
    try:
        when = date.fromisoformat(str(when)).isoformat()
    except ValueError as err:
        raise bad("date must be YYYY-MM-DD") from err
    access = access_of(request)
    author = actor(grant)
    note_id = await access.store.run(
        lambda c: teamdb.add_note(c, case.id, when, author, text.strip())
    )
    await access.audit.record(
        "review_note", board_id=case.board_id, actor=author, detail={"date": when}
    )
    return JSONResponse({"id": note_id, "date": when, "author": author}, status_code=201)


routes: list[BaseRoute] = [
    Route("/api/teams", list_teams, methods=["GET"]),
    Route("/api/teams/{team_id}/cases", team_cases, methods=["GET"]),
    Route("/api/teams/{team_id}/board", team_board, methods=["GET"]),
    Route("/api/cases/{case_id}/review", review, methods=["GET"]),
    Route("/api/cases/{case_id}/review-notes", add_note, methods=["POST"]),
]
