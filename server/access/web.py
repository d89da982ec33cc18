"""What the access API modules share: plain-language errors, JSON bodies, the caller's rights.

Every refusal is a JSON object ``{"error": Danish text, "error_en": English
text, "key": translation key}`` from the one translation table, so a page can
show it as it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from board.i18n import t
from plan_export.untrusted import BadJson, parse_json
from server.access import casedb
from server.access.casedb import CaseRow
from server.access.grants import Denied, Grant
from server.access.service import AccessService

Handler = Callable[[Request], Awaitable[Response]]
DENIED_KEYS = {401: "access.not_signed_in", 403: "access.not_allowed", 404: "access.not_found"}


class ApiError(Exception):
    """A refusal with a status and a translation key (and its ``{params}``)."""

    def __init__(self, status: int, key: str, **params: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params


def bad(detail: str) -> ApiError:
    return ApiError(400, "access.bad_request", detail=detail)


def error_response(err: ApiError) -> JSONResponse:
    body = {
        "error": t(err.key, "da", **err.params),
        "error_en": t(err.key, "en", **err.params),
        "key": err.key,
    }
    return JSONResponse(body, status_code=err.status)


def api(fn: Handler) -> Handler:
    """Turn :class:`ApiError` and :class:`Denied` raised by ``fn`` into plain-language answers."""

    @wraps(fn)
    async def wrapper(request: Request) -> Response:
        try:
            return await fn(request)
        except ApiError as err:
            return error_response(err)
        except Denied as denied:
            status = denied.http_status
            key = denied.key or DENIED_KEYS.get(status, "access.not_allowed")
            return error_response(ApiError(status, key, **denied.params))

    return wrapper


async def json_body(request: Request) -> dict[str, Any]:
    try:
        body = parse_json(await request.body())
    except BadJson as exc:
        raise bad("body must be JSON") from exc
    if not isinstance(body, dict):
        raise bad("body must be a JSON object")
    return body


def access_of(request: Request) -> AccessService:
    return request.app.state.access


async def case_and_grant(request: Request, *roles: str) -> tuple[CaseRow, Grant]:
    """The case of ``{case_id}`` and the caller's grant on it; 403 unless its role is in roles."""
    access = access_of(request)
    case_id = request.path_params["case_id"]
    case = await access.store.run(lambda c: casedb.case_row(c, case_id))
    if case is None:
        raise ApiError(404, "access.not_found")
    grant = await access.grant_for(request, case.board_id)
    if roles and grant.role not in roles:
        raise ApiError(403, "access.not_allowed")
    return case, grant


def actor(grant: Grant) -> str:
    """How the audit log names the caller: the person's name, else the credential kind."""
    return grant.name or grant.subject
