"""Small pictures of the templates (``GET /api/templates/{name}.svg``), for "Ny sag".

Each picture is the template laid out around the example family plan
(docs/examples/familieplan.json; an empty plan when the file is not there), drawn by the
picture export at a small scale — so it shows what the template really does with a plan.
Made once per process and kept: the example and the templates do not change while it runs.
"""

from __future__ import annotations

import asyncio
import json
from functools import cache
from pathlib import Path

from pycrdt import Doc
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from board.read import read_elements, read_plan
from board.templates import TEMPLATES, apply_template
from board.write import write_plan
from plan_export.image import paint_svg, scene
from plan_export.record import record_to_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "familieplan.json"
WIDTH_PX = 240  # the picture's width; its height follows the layout


@cache
def picture(name: str) -> bytes:
    doc = Doc()
    if EXAMPLE.exists():
        write_plan(doc, record_to_plan(json.loads(EXAMPLE.read_text(encoding="utf-8"))))
    apply_template(doc, name)
    elements, _ = read_elements(doc)
    plan, _ = read_plan(doc)
    boxes = [(e["x"], e["x"] + e.get("w", 0)) for e in elements if "x" in e]
    span = max((b[1] for b in boxes), default=4000) - min((b[0] for b in boxes), default=0)
    scale = max(0.005, min(1.0, WIDTH_PX * 10 / max(span, 1000)))
    drawing = scene(elements, plan, scale=scale)
    drawing.ops = [op for op in drawing.ops if op.kind != "text"]  # shapes only, at this size
    return paint_svg(drawing).encode()


async def template_picture(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in TEMPLATES:
        return Response("unknown template", status_code=404, media_type="text/plain")
    data = await asyncio.to_thread(picture, name)
    return Response(
        data, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"}
    )


routes: list[BaseRoute] = [Route("/api/templates/{name}.svg", template_picture)]
