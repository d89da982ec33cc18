"""The municipality's list of organisations over HTTP, for the admin page and the pickers.

``GET /api/organisations``: any signed-in professional, or a coordinator's or
professional's board credential (``?board=ID``, for the organisation picker on the
board page). ``POST /api/organisations`` (add) and ``POST /api/organisations/{org}``
(edit): only the administrators named in ``TAVLE_ADMINS``. Every change is audited.
"""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server.access.sessions import Account
from server.access.web import ApiError, access_of, api, bad, json_body
from server.orgs.db import OrgError, OrgFields, add_org, edit_org, list_orgs

READERS = ("coordinator", "professional")


def _is_admin(request: Request, account: Account | None) -> bool:
    return account is not None and account.username in request.app.state.settings.admins


async def _admin(request: Request) -> Account:
    account = await access_of(request).account(request)
    if account is None:
        raise ApiError(401, "access.not_signed_in")
    if not _is_admin(request, account):
        raise ApiError(403, "access.not_allowed")
    return account


def _fields(body: dict) -> OrgFields:
    known = OrgFields.__dataclass_fields__
    unknown = [k for k in body if k not in known]
    if unknown:
        raise bad(f"unknown field {unknown[0][:40]!r}")
    return OrgFields(**body)


@api
async def get_orgs(request: Request) -> Response:
    access = access_of(request)
    account = await access.account(request)
    board_id = request.query_params.get("board")
    if account is None and board_id:
        grant = await access.grant_for(request, board_id)
        if grant.role not in READERS:
            raise ApiError(403, "access.not_allowed")
    elif account is None:
        raise ApiError(401, "access.not_signed_in")
    orgs = await access.store.run(list_orgs)
    return JSONResponse(
        {"organisations": [asdict(o) for o in orgs], "can_edit": _is_admin(request, account)}
    )


@api
async def post_org(request: Request) -> Response:
    account = await _admin(request)
    fields = _fields(await json_body(request))
    access = access_of(request)
    try:
        org = await access.store.run(lambda c: add_org(c, fields))
    except OrgError as err:
        raise bad(str(err)) from err
    await access.audit.record("org_added", actor=account.name, detail={"org": org.id})
    return JSONResponse(asdict(org), status_code=201)


@api
async def edit(request: Request) -> Response:
    account = await _admin(request)
    fields = _fields(await json_body(request))
    access = access_of(request)
    key = request.path_params["org"]
    try:
        org = await access.store.run(lambda c: edit_org(c, key, fields))
    except OrgError as err:
        raise bad(str(err)) from err
    except LookupError as err:
        raise ApiError(404, "access.not_found") from err
    await access.audit.record("org_changed", actor=account.name, detail={"org": org.id})
    return JSONResponse(asdict(org))


routes: list[BaseRoute] = [
    Route("/api/organisations", get_orgs, methods=["GET"]),
    Route("/api/organisations", post_org, methods=["POST"]),
    Route("/api/organisations/{org}", edit, methods=["POST"]),
]
