"""Sign-in for professionals: POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me.

The session lives in a signed HttpOnly SameSite=Lax cookie; the CSRF token is
returned in the body and in a readable ``tavle_csrf`` cookie for the page to
send back as ``X-CSRF-Token`` (see server/security.py). With ``TAVLE_OIDC_ISSUER``
set, ``/api/auth/oidc/start`` signs in through the municipality's provider instead.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.access.accounts import account_by_username, check_login, team_names
from server.access.oidc import (
    FLOW_COOKIE,
    FLOW_SECONDS,
    OidcError,
    OidcSignIn,
    provider_errors,
)
from server.access.sessions import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    account_of_session,
    end_session,
    start_session,
)
from server.access.throttle import login_limits
from server.access.web import ApiError, access_of, api, json_body

log = logging.getLogger("tavle.auth")


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
    body = await json_body(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ApiError(400, "access.login_wrong")
    limits = login_limits(_client(request), username)
    if await access.throttle.blocked(limits):
        raise ApiError(429, "access.login_too_many")
    account = await access.store.run(lambda c: check_login(c, username, password))
    if account is None:
        await access.throttle.failed(limits)
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


def _callback_url(request: Request) -> str:
    base = request.app.state.settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/api/auth/oidc/callback"


async def oidc_info(request: Request) -> Response:
    return JSONResponse({"enabled": request.app.state.oidc is not None})


async def oidc_start(request: Request) -> Response:
    """Send the browser to the municipality's identity provider."""
    oidc: OidcSignIn | None = request.app.state.oidc
    if oidc is None:
        return RedirectResponse("/login", status_code=303)
    url, flow = await oidc.start(_callback_url(request))
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        flow,
        max_age=FLOW_SECONDS,
        path="/api/auth/oidc/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


async def oidc_callback(request: Request) -> Response:
    """Back from the provider: a valid ID token naming a local account signs it in."""
    oidc: OidcSignIn | None = request.app.state.oidc
    access = access_of(request)
    params = request.query_params
    failed = RedirectResponse("/login#fejl=oidc", status_code=303)
    failed.delete_cookie(FLOW_COOKIE, path="/api/auth/oidc/")
    if oidc is None:
        return failed
    try:
        username = await oidc.finish(
            _callback_url(request),
            request.cookies.get(FLOW_COOKIE),
            params.get("state", ""),
            params.get("code", ""),
        )
    except (OidcError, *provider_errors()) as err:
        log.warning("OpenID Connect sign-in failed: %s", type(err).__name__)
        await access.audit.record("sign_in_failed", detail={"via": "oidc"})
        return failed
    account = await access.store.run(lambda c: account_by_username(c, username))
    if account is None:
        await access.audit.record("sign_in_failed", actor=username[:64], detail={"via": "oidc"})
        return failed
    session_id = await access.store.run(lambda c: start_session(c, account.id))
    await access.audit.record("sign_in", actor=account.username, detail={"via": "oidc"})
    response = RedirectResponse("/cases", status_code=303)
    response.delete_cookie(FLOW_COOKIE, path="/api/auth/oidc/")
    _set_cookies(request, response, session_id)
    return response


routes: list[BaseRoute] = [
    Route("/api/auth/oidc", oidc_info, methods=["GET"]),
    Route("/api/auth/oidc/start", oidc_start, methods=["GET"]),
    Route("/api/auth/oidc/callback", oidc_callback, methods=["GET"]),
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
    Route("/api/auth/me", me, methods=["GET"]),
]
