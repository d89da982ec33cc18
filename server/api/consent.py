"""Consent (samtykke) per organisation: record it, list it, withdraw it.

A professional whose organisation has no valid consent cannot open the case
(HTTP or WebSocket); a withdrawal re-grants the open connections at once, so
their sockets close with 4403 in the same request.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server.access import casedb
from server.access.accounts import AccountError, clean_text
from server.access.policy import MANAGES_SHARING
from server.access.times import end_of_day
from server.access.web import ApiError, access_of, actor, api, bad, case_and_grant, json_body
from server.orgs.consents import consents_of


@api
async def list_consents(request: Request) -> Response:
    case, _grant = await case_and_grant(request, *MANAGES_SHARING)
    consents = await access_of(request).store.run(lambda c: consents_of(c, case.id))
    return JSONResponse({"consents": consents})


@api
async def give_consent(request: Request) -> Response:
    """Record consent: ``{"org", "given_by", "scope", "expires": "YYYY-MM-DD" | null}``."""
    case, grant = await case_and_grant(request, *MANAGES_SHARING)
    body = await json_body(request)
    try:
        org = clean_text(body.get("org"), "org")
        given_by = clean_text(body.get("given_by"), "given_by")
        scope = clean_text(body.get("scope") or "hele planen", "scope", 500)
    except AccountError as err:
        raise bad(str(err)) from err
    expires_text = body.get("expires")
    try:
        expires = end_of_day(expires_text) if expires_text else None
    except (TypeError, ValueError) as err:
        raise bad("expires must be YYYY-MM-DD") from err
    access = access_of(request)
    consent_id = await access.store.run(
        lambda c: casedb.add_consent(c, case.id, org, given_by, scope, expires)
    )
    await access.regrant(case.board_id)
    await access.audit.record(
        "consent_given",
        board_id=case.board_id,
        actor=actor(grant),
        detail={"org": org, "given_by": given_by, "scope": scope, "expires": expires_text},
    )
    return JSONResponse({"id": consent_id}, status_code=201)


@api
async def withdraw(request: Request) -> Response:
    case, grant = await case_and_grant(request, *MANAGES_SHARING)
    consent_id = request.path_params["consent_id"]
    access = access_of(request)
    org = await access.store.run(lambda c: casedb.withdraw_consent(c, case.id, consent_id))
    if org is None:
        raise ApiError(404, "access.not_found")
    await access.regrant(case.board_id)
    await access.audit.record(
        "consent_withdrawn", board_id=case.board_id, actor=actor(grant), detail={"org": org}
    )
    return JSONResponse({"withdrawn": consent_id})


routes: list[BaseRoute] = [
    Route("/api/cases/{case_id}/consents", list_consents, methods=["GET"]),
    Route("/api/cases/{case_id}/consents", give_consent, methods=["POST"]),
    Route("/api/cases/{case_id}/consents/{consent_id}/withdraw", withdraw, methods=["POST"]),
]
