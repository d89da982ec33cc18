"""Sign-in for professionals: POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me.

The session lives in a signed HttpOnly SameSite=Lax cookie; the CSRF token is
returned in the body and in a readable ``tavle_csrf`` cookie for the page to
send back as ``X-CSRF-Token`` (see server/security.py).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server.access.accounts import check_login, team_names
from server.access.sessions import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    account_of_session,
    end_session,
    start_session,
)
from server.access.web import ApiError, access_of, api, json_body


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _set_cookies(request: Request, response: Response, session_id: str) -> None:
    access = access_of(request)
    secure = request.url.scheme == "https"
    for name, value, http_only in (
        (SESSION_COOKIE, access.codec.cookie_for(session_id), True),
        (CSRF_COOKIE, access.codec.csrf_token(session_id), False),
    ):
        response.set_cookie(
            name,
            value,
            max_age=access.codec.max_age,
            path="/",
            secure=secure,
            httponly=http_only,
            samesite="lax",
        )


@api
async def login(request: Request) -> Response:
    access = access_of(request)
    client = _client(request)
    if access.login_failures.blocked(client):
        raise ApiError(429, "access.login_too_many")
    body = await json_body(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ApiError(400, "access.login_wrong")
    account = await access.store.run(lambda c: check_login(c, username, password))
    if account is None:
        access.login_failures.fail(client)
        await access.audit.record("sign_in_failed", actor=username[:64])
        raise ApiError(401, "access.login_wrong")
    session_id = await access.store.run(lambda c: start_session(c, account.id))
    await access.audit.record("sign_in", actor=account.username)
    response = JSONResponse({"user": account.public(), "csrf": access.codec.csrf_token(session_id)})
    _set_cookies(request, response, session_id)
    return response


@api
async def logout(request: Request) -> Response:
    access = access_of(request)
    session_id = access.session_id(request)
    if session_id is not None:
        account = await access.store.run(lambda c: account_of_session(c, session_id))
        await access.store.run(lambda c: end_session(c, session_id))
        if account is not None:
            await access.audit.record("sign_out", actor=account.username)
    response = JSONResponse({"ok": True})
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@api
async def me(request: Request) -> Response:
    access = access_of(request)
    session_id = access.session_id(request)
    account = await access.account(request)
    if account is None or session_id is None:
        raise ApiError(401, "access.not_signed_in")
    teams = await access.store.run(lambda c: team_names(c, account.id))
    return JSONResponse(
        {"user": account.public(), "teams": teams, "csrf": access.codec.csrf_token(session_id)}
    )


routes: list[BaseRoute] = [
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
    Route("/api/auth/me", me, methods=["GET"]),
]
