"""Format 2 strokes: a stroke's own fields packed in one byte string, ``ink``.

A format 1 stroke keeps its points as a list of numbers, about 11 bytes a point in
a Yjs update; a board of 10,000 strokes was 4.7 MB and every load, join and
compaction paid for it. In format 2 the stroke's ``points``, ``color``, ``width`` and
``tool`` are one ``ink`` value (a ``Uint8Array`` in JS, ``bytes`` in Python) with the
points delta-coded as integers: about 1.1 bytes a point for a hand-drawn stroke.
The layout is docs/board-format.md's "Format 2 strokes" (the static/src/canvas/ink.js
codec is its twin: change both together):

=========  =====================================================================
byte 0     flags: bit 0 the tool (0 pen, 1 highlighter); bits 1, 2, 3: the x, y,
           pressure channel holds second differences (else first); bits 4-7 zero
bytes 1-3  the colour: red, green, blue
uvarint    width (board units)
uvarint    n, the number of points (0 … MAX_STROKE_POINTS)
channels   x, then y, then pressure (only when n > 0), each: the first value as a
           signed varint, then its n - 1 residuals as tokens: a uvarint t > 0 is
           one residual, unzigzag(t) (never 0); t = 0 is followed by a uvarint
           k ≥ 1: k residuals that are 0
=========  =====================================================================

uvarint: 7 bits a byte, least significant first, high bit set on all but the last
byte, at most 5 bytes. Signed varint: the uvarint of zigzag(v) = 2v for v ≥ 0,
−2v − 1 for v < 0. A first-difference channel's value i is value i−1 + residual i;
a second-difference channel's step i is step i−1 + residual i (step 0 = 0) and its
value i is value i−1 + step i. Every value lies within ±MAX_COORD, and the bytes
end exactly after the last channel: anything else is not ink.
"""

from __future__ import annotations

import re
from itertools import accumulate, repeat

from board import schema

TOOLS = schema.STROKE_TOOLS  # index = the tool bit
MAX_INK_BYTES = 16 + 12 * schema.MAX_STROKE_POINTS  # a header, at most 4 bytes a value
MAX_WIDTH = 10_000  # board units, as a format 1 stroke's ``width``
_KNOWN_FLAGS = 0b1111
_LIMIT = schema.MAX_COORD


class BadInk(ValueError):
    """Bytes that are not a stroke's ink; the message names what is wrong (no user data)."""


def _zigzag(v: int) -> int:
    return v << 1 if v >= 0 else (-v << 1) - 1


def _uvarint(out: bytearray, n: int) -> None:
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _channel(first: int, residuals: list[int]) -> bytearray:
    """One channel: its first value, then its residuals with runs of zeros as (0, count)."""
    out = bytearray()
    _uvarint(out, _zigzag(first))
    zeros = 0
    for r in residuals:
        if r == 0:
            zeros += 1
            continue
        if zeros:
            out.append(0)
            _uvarint(out, zeros)
            zeros = 0
        z = r << 1 if r > 0 else (-r << 1) - 1
        if z < 0x80:
            out.append(z)
        else:
            _uvarint(out, z)
    if zeros:
        out.append(0)
        _uvarint(out, zeros)
    return out


def pack(points: list[int], color: str, width: int, tool: str) -> bytes:
    """The ink of a clean stroke (integer points ``[x, y, p, …]``, ``#rrggbb``, width, tool)."""
    n = len(points) // 3
    flags = TOOLS.index(tool)
    out = bytearray([0, *bytes.fromhex(color[1:7])])
    _uvarint(out, width)
    _uvarint(out, n)
    if n:
        for bit, values in ((2, points[0::3]), (4, points[1::3]), (8, points[2::3])):
            steps = [b - a for a, b in zip(values, values[1:], strict=False)]
            first = _channel(values[0], steps)
            second = _channel(values[0], [b - a for a, b in zip([0, *steps], steps, strict=False)])
            if len(second) < len(first):
                flags |= bit
                first = second
            out += first
    out[0] = flags
    return bytes(out)


_VARINTS = re.compile(rb"(?:[\x80-\xff]{0,4}[\x00-\x7f])*")
_LONG = re.compile(rb"[\x80-\xff]+[\x00-\x7f]")  # a number of more than one byte


def _tokens(body: bytes) -> list[int]:
    """The uvarints of ``body`` (already checked whole by ``_VARINTS``); most are one byte."""
    tokens: list[int] = []
    pos = 0
    for match in _LONG.finditer(body):
        start, end = match.span()
        tokens += body[pos:start]
        if end - start == 2:
            tokens.append((body[start] & 0x7F) | body[start + 1] << 7)
        else:
            tokens.append(sum((byte & 0x7F) << (7 * i) for i, byte in enumerate(body[start:end])))
        pos = end
    tokens += body[pos:]
    return tokens


_TABLE_SIZE = 1 << 14  # every number of one or two bytes
_UNZIGZAG = [(t >> 1) ^ -(t & 1) for t in range(_TABLE_SIZE)]


def _channel_values(tokens: list[int], i: int, n: int, second: bool) -> tuple[list[int], int]:
    """The n values of the channel starting at token ``i``, and the token after it."""
    t = tokens[i]
    first = (t >> 1) ^ -(t & 1)
    i += 1
    residuals: list[int] = []
    need = n - 1
    while len(residuals) < need:
        left = need - len(residuals)
        try:  # the next run of zeros, if it comes before the channel's end
            stop = tokens.index(0, i, i + left)
        except ValueError:
            stop = i + left
        if stop > len(tokens):
            raise BadInk("ends before the last point")
        part = tokens[i:stop]
        if part and max(part) < _TABLE_SIZE:
            residuals += map(_UNZIGZAG.__getitem__, part)
        else:
            residuals += [(t >> 1) ^ -(t & 1) for t in part]
        i = stop
        if len(residuals) < need:
            run = tokens[i + 1]
            if run < 1 or run > need - len(residuals):
                raise BadInk("a run of zeros that does not fit")
            residuals += repeat(0, run)
            i += 2
    steps = accumulate(residuals) if second else residuals
    values = list(accumulate(steps, initial=first))
    if max(values) > _LIMIT or min(values) < -_LIMIT:
        raise BadInk(f"a point lies outside ±{_LIMIT}")
    return values, i


def unpack(ink: bytes) -> tuple[list[int], str, int, str]:
    """``(points, color, width, tool)`` of ``ink``; raises :class:`BadInk`."""
    if not isinstance(ink, bytes | bytearray):
        raise BadInk(f"expected bytes, got {type(ink).__name__}")
    if len(ink) > MAX_INK_BYTES:
        raise BadInk(f"longer than {MAX_INK_BYTES} bytes")
    if len(ink) < 6:
        raise BadInk("too short")
    flags = ink[0]
    if flags & ~_KNOWN_FLAGS:
        raise BadInk("unknown flags")
    body = bytes(ink[4:])
    if not _VARINTS.fullmatch(body):
        raise BadInk("ends inside a number, or a number longer than 5 bytes")
    tokens = _tokens(body)
    if len(tokens) < 2:
        raise BadInk("too short")
    width, n = tokens[0], tokens[1]
    if not 1 <= width <= MAX_WIDTH:
        raise BadInk(f"a width outside 1…{MAX_WIDTH}")
    if n > schema.MAX_STROKE_POINTS:
        raise BadInk(f"more than {schema.MAX_STROKE_POINTS} points")
    points: list[int] = []
    end = 2
    if n:
        try:
            xs, end = _channel_values(tokens, end, n, bool(flags & 2))
            ys, end = _channel_values(tokens, end, n, bool(flags & 4))
            ps, end = _channel_values(tokens, end, n, bool(flags & 8))
        except IndexError:
            raise BadInk("ends before the last point") from None
        points = [0] * (3 * n)
        points[0::3], points[1::3], points[2::3] = xs, ys, ps
    if end != len(tokens):
        raise BadInk("bytes after the last point")
    return points, "#" + ink[1:4].hex(), width, TOOLS[flags & 1]


def stored(element: dict) -> dict:
    """A clean format 1 stroke as format 2: the common keys and its ``ink``."""
    common = {key: element[key] for key in ("id", "type", "z", "author", "created")}
    ink = pack(element["points"], element["color"], element["width"], element["tool"])
    return {**common, "ink": ink}


def expanded(element: dict) -> dict:
    """A clean format 2 stroke as readers hand it on: format 1's keys (exports, bounds)."""
    points, color, width, tool = unpack(element["ink"])
    common = {key: element[key] for key in ("id", "type", "z", "author", "created")}
    return {**common, "points": points, "color": color, "width": width, "tool": tool}
