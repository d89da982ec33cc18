"""Drawing elements: the fields of each element type, checking, and their boxes.

One list of :class:`~board.fields.Field` per type (docs/board-format.md, "elements").
:func:`clean_element` is used by the reader and by the server guard; :func:`bounds`
by templates (to place new content beside the old) and by exporters.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from board import ink as inks
from board import schema
from board.fields import (
    Field,
    Invalid,
    boolean,
    choice,
    clean_item,
    colour,
    coord,
    describe,
    ident,
    integer,
    item_fits,
    keyed,
    number,
    optional,
    shaped,
    size,
    text,
)

INK = "#1d3557"


def points(value: object) -> list[int]:
    """A flat ``[x, y, p, …]`` list of integers; a ragged or too long tail is cut off."""
    if not isinstance(value, list):
        raise Invalid(f"expected a list of numbers, got {describe(value)}")
    usable = min(len(value) - len(value) % 3, 3 * schema.MAX_STROKE_POINTS)
    body = value[:usable]
    try:  # fast path: Yjs runtimes hand numbers back as floats
        clean = [int(v) if v.is_integer() else round(v) for v in body]
    except (AttributeError, ValueError, OverflowError):  # not floats, NaN or infinite
        clean = [coord(v) for v in body]
    if clean and (min(clean) < -schema.MAX_COORD or max(clean) > schema.MAX_COORD):
        raise Invalid(f"a point lies outside ±{schema.MAX_COORD}")
    if usable != len(value):
        raise Invalid("ragged or too long; repaired", clean)
    return clean


shaped(  # each value as ``coord`` takes it, which is what the slow path applies
    points,
    Annotated[list[coord.shape], msgspec.Meta(max_length=3 * schema.MAX_STROKE_POINTS)],  # type: ignore[attr-defined]
    lambda value: len(value) % 3 == 0,
)


def ink(value: object) -> bytes:
    """A format 2 stroke's ``ink`` (board/ink.py): bytes that decode whole, as ``bytes``."""
    try:
        inks.unpack(value)  # type: ignore[arg-type]
    except inks.BadInk as bad:
        raise Invalid(f"not ink: {bad}") from None
    return bytes(value)  # type: ignore[arg-type]


def _decodes(value: bytes) -> bool:
    try:
        inks.unpack(value)
    except inks.BadInk:
        return False
    return True


shaped(ink, Annotated[bytes, msgspec.Meta(max_length=inks.MAX_INK_BYTES)], _decodes)


def lane(value: object) -> dict:
    """A frame's lane: ``{"field": "status"|"horizon"|"member", "value": …}``."""
    if not isinstance(value, dict) or value.get("field") not in schema.LANE_FIELDS:
        raise Invalid(f"expected a lane with field one of {', '.join(schema.LANE_FIELDS)}")
    allowed = {"status": schema.STATUSES, "horizon": schema.HORIZONS}.get(value["field"])
    lane_value = value.get("value")
    check = choice(allowed) if allowed else ident
    check(lane_value)
    clean = {"field": value["field"], "value": lane_value}
    if clean != value:
        raise Invalid("has unknown keys; repaired", clean)
    return clean


def card_ref(value: object) -> dict:
    """``{"kind": one of CARD_KINDS, "id": item id (null for own_goal)}``."""
    if not isinstance(value, dict) or value.get("kind") not in schema.CARD_KINDS:
        raise Invalid(f"expected a ref with kind one of {', '.join(schema.CARD_KINDS)}")
    ref_id = value.get("id")
    if value["kind"] == "own_goal":
        ref_id = None
    else:
        ident(ref_id)
    clean = {"kind": value["kind"], "id": ref_id}
    if clean != value:
        raise Invalid("has unknown keys; repaired", clean)
    return clean


_COMMON = (
    Field("id", ident, required=True),
    Field("type", choice(schema.ELEMENT_TYPES), required=True),
    Field("z", number(), 0),
    Field("author", text(schema.MAX_TITLE), ""),
    Field("created", number(0, 1e15), 0),
)
_BOX = (
    Field("x", coord, 0),
    Field("y", coord, 0),
    Field("w", size, 0),
    Field("h", size, 0),
)
_WIDTH = Field("width", integer(1, inks.MAX_WIDTH), 20)

ELEMENT_FIELDS: dict[str, tuple[Field, ...]] = {
    "stroke": (
        *_COMMON,
        Field("points", points, required=True),
        Field("color", colour, INK),
        _WIDTH,
        Field("tool", choice(schema.STROKE_TOOLS), "pen"),
    ),
    "shape": (
        *_COMMON,
        Field("shape", choice(schema.SHAPES), required=True),
        Field("x", coord, 0),
        Field("y", coord, 0),
        Field("w", coord, 0),
        Field("h", coord, 0),
        Field("color", colour, INK),
        Field("fill", optional(colour), None),
        _WIDTH,
    ),
    "note": (
        *_COMMON,
        *_BOX,
        Field("text", text(), ""),
        Field("color", choice(schema.NOTE_COLOURS), "yellow"),
    ),
    "text": (
        *_COMMON,
        Field("x", coord, 0),
        Field("y", coord, 0),
        Field("text", text(), ""),
        Field("size", integer(10, 100_000), 200),
        Field("color", colour, INK),
    ),
    "connector": (
        *_COMMON,
        Field("from", ident, required=True),
        Field("to", ident, required=True),
        Field("color", colour, INK),
        _WIDTH,
        Field("arrow", boolean, True),
    ),
    "frame": (
        *_COMMON,
        *_BOX,
        Field("title", text(schema.MAX_TITLE), ""),
        Field("lane", optional(lane), None),
    ),
    "card": (*_COMMON, *_BOX, Field("ref", card_ref, required=True)),
}

# a format 2 stroke: the common keys and ``ink`` (points, color, width, tool packed)
INK_STROKE_FIELDS = (*_COMMON, Field("ink", ink, required=True))
_INK_STROKE = "stroke/ink"

_FITS = {kind: item_fits(fields, kind) for kind, fields in ELEMENT_FIELDS.items()}
_FITS[_INK_STROKE] = item_fits(INK_STROKE_FIELDS, "ink_stroke")


def _fields_of(raw: dict) -> tuple[str, tuple[Field, ...] | None]:
    kind = raw.get("type")
    if kind == "stroke" and "ink" in raw:
        return _INK_STROKE, INK_STROKE_FIELDS
    if type(kind) is not str:
        return "", None
    return kind, ELEMENT_FIELDS.get(kind)


def is_clean_element(key: str, raw: object) -> bool:
    """True when :func:`clean_element` would take ``raw`` whole, with no problem: checked
    in one compiled pass, as the guard does for every stroke. False: look closer."""
    if type(raw) is not dict or raw.get("id") != key:
        return False
    fits = _FITS.get(_fields_of(raw)[0])
    return fits is not None and fits(raw)


def clean_element(key: str, raw: object) -> tuple[dict | None, list[str]]:
    """Check one ``elements`` entry: ``(clean element or None, problems)``.

    The clean element is in the stored form it came in: a format 2 stroke keeps its
    ``ink`` (:func:`readable` gives the points); a format 1 stroke its ``points``.
    """
    label = f"elements/{key[:80]}"
    fields = _fields_of(raw)[1] if isinstance(raw, dict) else None
    if fields is None:
        if isinstance(raw, dict):
            return None, [f"{label}.type: unknown element type, skipped"]
        return None, [f"{label}: not an object ({describe(raw)}), skipped"]
    problems: list[str] = []
    clean, found = clean_item(keyed(raw, key, label, problems), fields, label)
    return clean, problems + found


def readable(element: dict) -> dict:
    """A clean element as readers hand it on: a format 2 stroke with format 1's keys."""
    return inks.expanded(element) if "ink" in element else element


def bounds(element: dict) -> tuple[int, int, int, int] | None:
    """The box ``(x0, y0, x1, y1)`` of a clean element, or None (connectors, empty ink)."""
    kind = element.get("type")
    if kind == "stroke":
        pts = element["points"]
        if not pts:
            return None
        xs, ys = pts[0::3], pts[1::3]
        return min(xs), min(ys), max(xs), max(ys)
    if kind == "text":
        x, y = element["x"], element["y"]
        return x, y, x + element["size"] * max(1, len(element["text"])) // 2, y + element["size"]
    if kind in ("shape", "note", "frame", "card"):
        x0, y0 = element["x"], element["y"]
        x1, y1 = x0 + element["w"], y0 + element["h"]
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
    return None
