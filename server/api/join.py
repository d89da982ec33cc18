"""Joining a meeting without an account: the join code on the shared screen, and ``POST /api/join``.

``POST /api/meetings/{id}/join-code`` (coordinator) makes a fresh code for the
meeting, valid until the meeting ends, with its QR code (segno). The code goes
into the URL *fragment* of the QR link, so it never reaches a server log.
``POST /api/join {"code", "name", "device"}`` gives a join token bound to the board,
a role and a participant row; wrong codes from one address are limited. The shared
screen shows two codes: one for the citizen (role ``citizen``, one person: while a
citizen who joined by code is in, another is refused) and one for the network (role
``relative``). ``device`` (a random key the browser keeps) makes the token the same for
the same device and name, so rejoining is the same participant, never a second row.
"""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server.access import casedb, joincodes
from server.access.accounts import AccountError, clean_text
from server.access.policy import write_right
from server.access.throttle import join_limits
from server.access.web import ApiError, access_of, actor, api, bad, json_body

JOIN_ROLES = ("citizen", "relative", "support", "observer")
DEFAULT_JOIN_ROLE = "relative"  # the coordinator promotes the citizen: a code never gives more
MAX_NAME = 80
MIN_DEVICE, MAX_DEVICE = 16, 128  # the device key a browser sends to be known again


def join_url(request: Request, code: str) -> str:
    base = request.app.state.settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/join#code={code}"


async def _meeting_for_coordinator(request: Request) -> tuple:
    access = access_of(request)
    meeting_id = request.path_params["meeting_id"]
    found = await access.store.run(lambda c: casedb.meeting_case(c, meeting_id))
    if found is None:
        raise ApiError(404, "access.not_found")
    ends_at, case = found
    grant = await access.grant_for(request, case.board_id)
    if grant.role != "coordinator":
        raise ApiError(403, "access.not_allowed")
    return meeting_id, ends_at, case, grant


@api
async def join_code(request: Request) -> Response:
    meeting_id, ends_at, case, grant = await _meeting_for_coordinator(request)
    role = request.query_params.get("role", DEFAULT_JOIN_ROLE)
    if role not in JOIN_ROLES:
        raise bad("role must be one of " + ", ".join(JOIN_ROLES))
    access = access_of(request)
    if ends_at <= casedb.utcnow():
        raise ApiError(410, "access.not_found")
    code = joincodes.new_code()
    digest = joincodes.code_hash(access.secret, code)
    await access.store.run(lambda c: casedb.add_join_code(c, meeting_id, digest, role, ends_at))
    await access.audit.record(
        "join_code_shown", board_id=case.board_id, actor=actor(grant), detail={"role": role}
    )
    url = join_url(request, code)
    import segno  # here: the QR code library is not needed until a code is shown

    qr = segno.make(url, error="m")
    return JSONResponse(
        {
            "code": joincodes.display(code),
            "role": role,
            "expires": ends_at.isoformat(),
            "url": url,
            "qr_svg": qr.svg_inline(scale=6, border=2, title="QR"),
            "qr_data_uri": qr.svg_data_uri(scale=6, border=2),
        }
    )


@api
async def end_meeting(request: Request) -> Response:
    meeting_id, _ends, case, grant = await _meeting_for_coordinator(request)
    access = access_of(request)
    await access.store.run(lambda c: casedb.end_meeting(c, meeting_id, case.id))
    await access.regrant(case.board_id)
    await access.audit.record("meeting_ended", board_id=case.board_id, actor=actor(grant))
    return JSONResponse({"ended": meeting_id})


@api
async def join(request: Request) -> Response:
    """A code and a name → ``{"board_id", "token", "role", "can_write", "participant_id"}``."""
    access = access_of(request)
    client = request.client.host if request.client else "unknown"
    body = await json_body(request)
    raw_name = body.get("name")
    if not isinstance(raw_name, str) or not raw_name.strip():
        raise ApiError(400, "access.name_needed")
    try:
        name = clean_text(raw_name, "name", MAX_NAME)
    except AccountError as err:
        raise ApiError(400, "access.name_too_long") from err
    raw_code = body.get("code")
    code = joincodes.normalise(raw_code) if isinstance(raw_code, str) else None
    limits = join_limits(client, code or "")
    if await access.throttle.blocked(limits):
        raise ApiError(429, "access.too_many")
    found = None
    if code is not None:
        digest = joincodes.code_hash(access.secret, code)
        found = await access.store.run(lambda c: casedb.redeem_code(c, digest))
    if found is None:
        await access.throttle.failed(limits)
        raise ApiError(400, "access.code_wrong")
    case, role, expires = found
    can_write = write_right(role, None)
    device = body.get("device")
    if isinstance(device, str) and MIN_DEVICE <= len(device) <= MAX_DEVICE:
        token, token_hash = joincodes.device_token(access.secret, device, case.id, name)
    else:
        token, token_hash = joincodes.new_token()

    def admit(c: Connection) -> tuple[str, str, bool]:
        if role == "citizen" and casedb.citizen_present(c, case.id, token_hash):
            raise ApiError(409, "join.citizen_taken")  # the citizen's code is for one person
        again = casedb.rejoin(c, case.id, token_hash, role, can_write, expires)
        return again or (
            casedb.add_participant(
                c, case.id, name, role, can_write, token_hash=token_hash, token_expires=expires
            ),
            role,
            can_write,
        )

    person_id, role, can_write = await access.store.run(admit)
    await access.audit.record("join", board_id=case.board_id, actor=name, detail={"role": role})
    return JSONResponse(
        {
            "board_id": case.board_id,
            "token": token,
            "role": role,
            "can_write": can_write,
            "participant_id": person_id,
            "name": name,
        }
    )


routes: list[BaseRoute] = [
    Route("/api/meetings/{meeting_id}/join-code", join_code, methods=["POST"]),
    Route("/api/meetings/{meeting_id}/end", end_meeting, methods=["POST"]),
    Route("/api/join", join, methods=["POST"]),
]
