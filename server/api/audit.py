"""The audit log of a case for its coordinator: JSON, or CSV with ``?format=csv``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server.access.audit import to_csv
from server.access.web import access_of, actor, api, case_and_grant


@api
async def case_audit(request: Request) -> Response:
    case, grant = await case_and_grant(request, "coordinator")
    access = access_of(request)
    entries = await access.audit.for_board(case.board_id)
    if request.query_params.get("format") == "csv":
        await access.audit.record("audit_exported", board_id=case.board_id, actor=actor(grant))
        return Response(
            to_csv(entries).encode("utf-8-sig"),  # the BOM makes spreadsheets read UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="tavle-log.csv"'},
        )
    return JSONResponse({"entries": [e.public() for e in entries]})


routes: list[BaseRoute] = [Route("/api/cases/{case_id}/audit", case_audit, methods=["GET"])]
