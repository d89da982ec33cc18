"""Cases over HTTP: list and create, meetings, participants, roles, sections, erasure.

A case is one citizen or family: one plan board that lives across meetings.
Every change of rights re-grants the board's open connections at once
(``AccessService.regrant``) and is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from board.write import add_coordinator
from server.access import casedb
from server.access.accounts import (
    AccountError,
    account_by_username,
    clean_text,
    team_by_name,
    team_ids,
)
from server.access.casedb import CaseRow
from server.access.grants import Grant
from server.access.models import MEETING_KINDS, ROLES
from server.access.policy import MANAGES_SHARING, write_right
from server.access.sessions import Account
from server.access.times import meeting_span
from server.access.web import ApiError, access_of, actor, api, bad, case_and_grant, json_body
from server.api.boards import BadBoardRequest, board_seeder, check_request
from server.orgs.db import find_org

MAX_MEETING_MINUTES = 8 * 60


def _text(value: object, what: str, limit: int = 120) -> str:
    try:
        return clean_text(value, what, limit)
    except AccountError as err:
        raise bad(str(err)) from err


async def _signed_in(request: Request) -> Account:
    account = await access_of(request).account(request)
    if account is None:
        raise ApiError(401, "access.not_signed_in")
    return account


COUNTS = ("not_started", "in_progress", "done", "overdue")


@api
async def list_cases(request: Request) -> Response:
    """The caller's cases, each with its task counts from its team's board (null if none)."""
    account = await _signed_in(request)
    store = access_of(request).store
    cases = await store.run(lambda c: casedb.cases_for_user(c, account.id))
    cards: dict[str, dict[str, Any]] = {}
    for team_id, team in {c["team_id"]: c["team"] for c in cases}.items():
        cards.update(await request.app.state.teams.current_cards(team_id, team))
    for case in cases:
        card = cards.get(case["id"])
        case["counts"] = {k: int(card.get(k, 0)) for k in COUNTS} if card else None
    return JSONResponse({"cases": cases})


@api
async def create_case(request: Request) -> Response:
    """A coordinator (any team member) opens a case for their team; they coordinate it."""
    account = await _signed_in(request)
    access = access_of(request)
    body = await json_body(request)
    alias = _text(body.get("alias"), "alias")
    team_name = _text(body.get("team"), "team")
    try:
        title, template = check_request(alias, body.get("template"))
    except BadBoardRequest as err:
        raise bad(str(err)) from err
    team_id = await access.store.run(lambda c: team_by_name(c, team_name))
    mine = await access.store.run(lambda c: team_ids(c, account.id))
    if team_id is None or team_id not in mine:
        raise ApiError(403, "access.not_allowed")
    board_id, _edit, _view = await access.store.create_board(title=title, template=template)
    # the coordinator is in the plan's network from the start, with her account's
    # organisation (the municipality's list's, by name): the citizen's contact person
    listed = await access.store.run(lambda c: find_org(c, account.org)) if account.org else None
    known = [listed] if listed else []
    network = partial(add_coordinator, name=account.name, org_name=account.org, known=known)
    await request.app.state.rooms.edit(board_id, board_seeder(title, template, network))
    case_id = await access.store.run(
        lambda c: casedb.insert_case(c, board_id, alias, team_id, account.id)
    )
    await access.audit.record("case_created", board_id=board_id, actor=account.name)
    return JSONResponse({"id": case_id, "board_id": board_id}, status_code=201)


@api
async def get_case(request: Request) -> Response:
    case, grant = await case_and_grant(request)
    detail = await access_of(request).store.run(lambda c: casedb.case_detail(c, case))
    detail["me"] = {"role": grant.role, "can_write": grant.can_write, "name": grant.name}
    if grant.role not in MANAGES_SHARING:
        detail = {k: detail[k] for k in ("id", "board_id", "alias", "meetings", "me")}
    return JSONResponse(detail)


@api
async def board_link(request: Request) -> Response:
    """The board page URL for a signed-in professional: a board token of their session."""
    access = access_of(request)
    session_id = access.session_id(request)
    case, _grant = await case_and_grant(request)
    if session_id is None:
        raise ApiError(401, "access.not_signed_in")
    token = access.codec.board_token(session_id, case.board_id)
    return JSONResponse({"url": f"/board/{case.board_id}#token={token}"})


@api
async def delete_case(request: Request) -> Response:
    """Erasure: delete the documents and refuse them from now on (every process), close
    every connection (every process, over the bus), delete every row of the case, then
    scrub the files (docs/security.md, "Erasure")."""
    case, grant = await case_and_grant(request, "coordinator")
    access = access_of(request)
    await access.store.erase_board(case.board_id)
    request.app.state.rooms.erase(case.board_id)
    touched = await access.store.run(lambda c: casedb.erase_case(c, case, grant.subject))
    await request.app.state.teams.case_erased(case.team_id)  # its card leaves the team board
    await access.store.scrub([*touched, "doc_updates", "doc_snapshots"])
    return JSONResponse({"erased": case.id})


@api
async def add_meeting(request: Request) -> Response:
    case, grant = await case_and_grant(request, "coordinator")
    body = await json_body(request)
    kind = body.get("kind")
    if kind not in MEETING_KINDS:
        raise bad(f"kind must be one of {', '.join(MEETING_KINDS)}")
    minutes = body.get("minutes", 120)
    if not isinstance(minutes, int) or not 5 <= minutes <= MAX_MEETING_MINUTES:
        raise bad(f"minutes must be a whole number from 5 to {MAX_MEETING_MINUTES}")
    try:
        start, end = meeting_span(str(body.get("date")), str(body.get("time")), minutes)
    except ValueError as err:
        raise bad("date must be YYYY-MM-DD and time HH:MM") from err
    access = access_of(request)
    meeting_id = await access.store.run(lambda c: casedb.add_meeting(c, case.id, kind, start, end))
    await access.audit.record(
        "meeting_scheduled", board_id=case.board_id, actor=actor(grant), detail={"kind": kind}
    )
    return JSONResponse(
        {"id": meeting_id, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
        status_code=201,
    )


def _role_and_write(body: dict) -> tuple[str, bool]:
    role = body.get("role")
    if role not in ROLES or role == "coordinator":
        raise bad("role must be one of " + ", ".join(r for r in ROLES if r != "coordinator"))
    can_write = body.get("can_write")
    if can_write is not None and not isinstance(can_write, bool):
        raise bad("can_write must be true or false")
    return role, write_right(role, can_write)


@api
async def add_participant(request: Request) -> Response:
    """Place a professional's account on the case with a role (their scopes follow)."""
    case, grant = await case_and_grant(request, "coordinator")
    body = await json_body(request)
    role, can_write = _role_and_write(body)
    access = access_of(request)
    username = _text(body.get("username"), "username", 64)
    account = await access.store.run(lambda c: account_by_username(c, username))
    if account is None:
        raise ApiError(404, "access.not_found")
    person_id = await access.store.run(
        lambda c: casedb.add_participant(
            c, case.id, account.name, role, can_write, user_id=account.id
        )
    )
    await access.audit.record(
        "participant_added",
        board_id=case.board_id,
        actor=actor(grant),
        detail={"participant": account.name, "role": role},
    )
    await access.regrant(case.board_id)
    return JSONResponse({"id": person_id, "role": role, "can_write": can_write}, status_code=201)


async def _change_participant(
    request: Request,
    case: CaseRow,
    grant: Grant,
    change: Callable[[Connection], bool],
    event: str,
    detail: dict[str, Any],
) -> None:
    """Apply ``change`` to the participant ``{pid}`` (404 when it touched no row), let open
    connections follow at once, and audit ``event`` naming the participant."""
    access = access_of(request)
    person_id = request.path_params["pid"]
    name = await access.store.run(lambda c: casedb.person_name(c, case.id, person_id))
    if not await access.store.run(change):
        raise ApiError(404, "access.not_found")
    await access.regrant(case.board_id)
    await access.audit.record(
        event, board_id=case.board_id, actor=actor(grant), detail={"participant": name, **detail}
    )


@api
async def set_role(request: Request) -> Response:
    """Change a participant's role: open connections follow at once."""
    case, grant = await case_and_grant(request, "coordinator")
    person_id = request.path_params["pid"]
    role, can_write = _role_and_write(await json_body(request))
    await _change_participant(
        request,
        case,
        grant,
        lambda c: casedb.set_role(c, case.id, person_id, role, can_write),
        "role_changed",
        {"role": role, "can_write": can_write},
    )
    return JSONResponse({"id": person_id, "role": role, "can_write": can_write})


@api
async def set_scopes(request: Request) -> Response:
    """Which restricted sections a participant sees: the coordinator or the citizen decides."""
    case, grant = await case_and_grant(request, *MANAGES_SHARING)
    person_id = request.path_params["pid"]
    scopes = (await json_body(request)).get("scopes")
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise bad("scopes must be a list of section ids")
    access = access_of(request)
    facts = await access.facts(case.board_id)
    unknown = set(scopes) - (facts.sections if facts else frozenset())
    if unknown:
        raise bad("unknown section")
    await _change_participant(
        request,
        case,
        grant,
        lambda c: casedb.set_scopes(c, case.id, person_id, set(scopes)),
        "sharing_changed",
        {"sections": sorted(scopes)},
    )
    return JSONResponse({"id": person_id, "scopes": sorted(scopes)})


@api
async def remove_participant(request: Request) -> Response:
    """Revoke: the participant row and its token go; open connections close at once."""
    case, grant = await case_and_grant(request, "coordinator")
    person_id = request.path_params["pid"]
    await _change_participant(
        request,
        case,
        grant,
        lambda c: casedb.revoke(c, case.id, person_id),
        "participant_removed",
        {},
    )
    return JSONResponse({"removed": person_id})


@api
async def add_section(request: Request) -> Response:
    """A restricted section: its own document ``{board_id}:{scope}``, seen by chosen people."""
    case, grant = await case_and_grant(request, *MANAGES_SHARING)
    title = _text((await json_body(request)).get("title"), "title")
    access = access_of(request)
    scope = await access.store.run(lambda c: casedb.add_section(c, case.id, title))
    await access.regrant(case.board_id)
    await access.audit.record(
        "section_created", board_id=case.board_id, actor=actor(grant), detail={"section": scope}
    )
    return JSONResponse(
        {"scope": scope, "room": f"{case.board_id}:{scope}", "title": title}, status_code=201
    )


@api
async def board_sections(request: Request) -> Response:
    """The restricted sections the caller may open on a board: ``[{scope, title, room}]``."""
    board_id = request.path_params["board_id"]
    access = access_of(request)
    grant = await access.grant_for(request, board_id)
    titles = await access.store.run(lambda c: casedb.section_titles(c, board_id))
    sections = [
        {"scope": scope, "title": title, "room": f"{board_id}:{scope}"}
        for scope, title in titles
        if scope in grant.scopes
    ]
    return JSONResponse({"sections": sections})


routes: list[BaseRoute] = [
    Route("/api/boards/{board_id}/sections", board_sections, methods=["GET"]),
    Route("/api/cases", list_cases, methods=["GET"]),
    Route("/api/cases", create_case, methods=["POST"]),
    Route("/api/cases/{case_id}", get_case, methods=["GET"]),
    Route("/api/cases/{case_id}", delete_case, methods=["DELETE"]),
    Route("/api/cases/{case_id}/board-link", board_link, methods=["GET"]),
    Route("/api/cases/{case_id}/meetings", add_meeting, methods=["POST"]),
    Route("/api/cases/{case_id}/participants", add_participant, methods=["POST"]),
    Route("/api/cases/{case_id}/participants/{pid}/role", set_role, methods=["POST"]),
    Route("/api/cases/{case_id}/participants/{pid}/scopes", set_scopes, methods=["POST"]),
    Route("/api/cases/{case_id}/participants/{pid}", remove_participant, methods=["DELETE"]),
    Route("/api/cases/{case_id}/sections", add_section, methods=["POST"]),
]
