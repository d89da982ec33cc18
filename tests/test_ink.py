"""Format 2 strokes (board/ink.py): the codec, the guard's check of it, and the migration
of format 1 boards on load, which must lose nothing a reader or an export sees."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Doc, Map

from board import schema
from board.elements import ELEMENT_FIELDS, clean_element, is_clean_element
from board.ink import MAX_INK_BYTES, BadInk, pack, unpack
from board.limits import Guard
from board.migrate import upgrade
from board.read import read_elements, read_meta, read_plan
from board.write import write_meta
from plan_export.image import render_svg
from tests.test_board_props import GARBAGE, near_valid, plausible

COORDS = st.integers(-schema.MAX_COORD, schema.MAX_COORD)
COLOURS = st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)
WIDTHS = st.integers(1, 10_000)
TOOLS = st.sampled_from(schema.STROKE_TOOLS)
SMALL = st.integers(-300, 300)


@st.composite
def hand_points(draw: st.DrawFn) -> list[int]:
    """A stroke as a hand draws it (small steps, often a constant pressure), or any points."""
    if draw(st.booleans()):
        return draw(st.lists(COORDS, max_size=60).map(lambda v: v[: len(v) // 3 * 3]))
    x, y, p = draw(COORDS), draw(COORDS), draw(st.integers(0, 1000))
    points = []
    for dx, dy, dp in draw(
        st.lists(st.tuples(SMALL, SMALL, st.sampled_from([0, 0, 3, -7])), max_size=80)
    ):
        x = max(-schema.MAX_COORD, min(schema.MAX_COORD, x + dx))
        y = max(-schema.MAX_COORD, min(schema.MAX_COORD, y + dy))
        p += dp
        points += [x, y, p]
    return points


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(hand_points(), COLOURS, WIDTHS, TOOLS)
def test_ink_gives_back_exactly_what_was_packed(points, color, width, tool) -> None:
    ink = pack(points, color, width, tool)
    assert unpack(ink) == (points, color, width, tool)
    assert len(ink) <= MAX_INK_BYTES


@FAST
@given(
    st.one_of(
        st.binary(max_size=80),
        hand_points()
        .map(lambda p: pack(p, "#1d3557", 30, "pen"))
        .flatmap(
            lambda ink: st.tuples(st.integers(0, max(0, len(ink) - 1)), st.integers(0, 255)).map(
                lambda cut: ink[: cut[0]] + bytes([cut[1]]) + ink[cut[0] + 1 :]
            )
        ),
    )
)
def test_any_bytes_are_ink_or_refused_with_bad_ink(data: bytes) -> None:
    """Hostile bytes (random, or one byte of real ink changed) never raise anything else,
    and what is accepted is a stroke within the limits."""
    try:
        points, color, width, tool = unpack(data)
    except BadInk:
        return
    assert len(points) % 3 == 0 and len(points) // 3 <= schema.MAX_STROKE_POINTS
    assert all(abs(v) <= schema.MAX_COORD for v in points)
    assert tool in schema.STROKE_TOOLS and len(color) == 7


def test_the_bench_stroke_is_about_fifty_bytes() -> None:
    """32 points of a hand's stroke: 51 bytes of ink against ~350 as a list of numbers."""
    points = [v for k in range(32) for v in (50_000 + 30 * k, 30_000 + (k * 37) % 80 - 40, 500)]
    assert len(pack(points, "#1d3557", 30, "pen")) <= 60


def test_too_long_or_malformed_ink_is_refused_by_the_guard() -> None:
    doc = Doc()
    guard = Guard(doc)
    elements = doc.get(schema.ELEMENTS, type=Map)
    good = {
        "id": "s1",
        "type": "stroke",
        "z": 1,
        "author": "Emil",
        "created": 1.7e12,
        "ink": pack([10, 20, 500, 14, 25, 510], "#1d3557", 30, "pen"),
    }
    elements["s1"] = good
    assert is_clean_element("s1", elements["s1"])
    assert guard.after_update("professional") == [] and "s1" in elements
    for bad in (
        b"\x00" * (MAX_INK_BYTES + 1),
        good["ink"][:-1],
        good["ink"] + b"\x00",
        b"\x10" + good["ink"][1:],
        "not bytes",
        [1, 2, 3],
    ):
        elements["s2"] = {**good, "id": "s2", "ink": bad}
        assert not is_clean_element("s2", elements["s2"])
        problems = guard.after_update("professional")
        assert any("s2.ink" in p for p in problems), problems
        assert "s2" not in elements
    elements["s3"] = {**good, "id": "s3", "points": [1, 2, 3]}  # an unknown key beside ink
    assert guard.after_update("professional") and elements["s3"].keys() == good.keys()


INK_STROKES = st.fixed_dictionaries(
    {
        "id": st.just("k1"),
        "type": st.just("stroke"),
        "z": st.integers(-5, 5),
        "author": st.just("Emil"),
        "created": st.integers(0, 2**41),
        "ink": st.one_of(
            hand_points().map(lambda p: pack(p, "#ff0000", 40, "highlighter")),
            st.binary(max_size=12),
        ),
    }
)


@FAST
@given(
    st.one_of(
        INK_STROKES,
        st.tuples(
            INK_STROKES,
            st.dictionaries(
                st.sampled_from(["z", "ink", "author", "points", "id"]), GARBAGE, max_size=2
            ),
        ).map(lambda t: t[0] | t[1]),
    ),
    st.sampled_from(["k1", "k2"]),
)
def test_the_compiled_check_of_ink_passes_only_what_the_checkers_take_whole(value, key) -> None:
    if is_clean_element(key, value):
        clean, problems = clean_element(key, value)
        assert problems == [] and clean is not None and clean.keys() == value.keys()


STROKE_FIELDS = ELEMENT_FIELDS["stroke"]
OLD_STROKES = st.one_of(
    plausible(STROKE_FIELDS, {"type": st.just("stroke"), "points": hand_points()}),
    plausible(
        STROKE_FIELDS,
        {
            "type": st.just("stroke"),
            "points": st.lists(st.floats(-2e7, 2e7, allow_nan=False), max_size=10),
        },
    ),
    near_valid(STROKE_FIELDS, {"type": st.just("stroke")}),
)
OTHERS = st.one_of(
    *[
        near_valid(fields, {"type": st.just(kind)})
        for kind, fields in ELEMENT_FIELDS.items()
        if kind != "stroke"
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from([f"e{i}" for i in range(12)]),
        st.one_of(OLD_STROKES, OLD_STROKES, OTHERS),
        min_size=1,
        max_size=8,
    )
)
def test_an_old_board_is_upgraded_on_load_with_nothing_lost(items: dict) -> None:
    """Format 1 → 2: every stroke a reader can use gets its ink; what readers see, and so
    every export made from it, is the same before and after; a second load does nothing."""
    doc = Doc()
    write_meta(doc, title="Gammel tavle")
    doc.get(schema.META, type=Map)["format"] = 1
    elements = doc.get(schema.ELEMENTS, type=Map)
    with doc.transaction():
        for key, value in items.items():
            elements[key] = value
    old = doc.get_update()
    before, _ = read_elements(doc)
    plan = read_plan(doc)[0]
    picture = render_svg(before, plan)
    update = upgrade(doc)
    assert update
    after, _ = read_elements(doc)
    assert after == before
    assert render_svg(after, plan) == picture
    assert read_meta(doc)[0]["format"] == 2
    for key, element in elements.items():
        readable_stroke = element.get("type") == "stroke" and clean_element(key, element)[0]
        if readable_stroke:
            assert set(element) == {"id", "type", "z", "author", "created", "ink"}
    assert upgrade(doc) == b""
    elsewhere = Doc()  # a client or another process that had the old board gets the update
    elsewhere.apply_update(old)
    elsewhere.apply_update(update)
    assert read_elements(elsewhere)[0] == before


def test_an_empty_new_board_is_not_touched() -> None:
    assert upgrade(Doc()) == b""


ROOT = Path(__file__).resolve().parent.parent
TWIN = """
import { packInk, unpackInk } from "%s";
const cases = JSON.parse(require_stdin());
const out = cases.map(([points, color, width, tool, ink]) => {
  const back = unpackInk(Uint8Array.from(Buffer.from(ink, "hex")));
  return [Buffer.from(packInk(points, color, width, tool)).toString("hex"), back && back.points];
});
process.stdout.write(JSON.stringify(out));
function require_stdin() { return readFileSync(0, "utf8"); }
import { readFileSync } from "node:fs";
"""


@pytest.mark.node
def test_the_browser_codec_writes_and_reads_the_same_bytes(node: str) -> None:
    """static/src/canvas/ink.js and board/ink.py are twins: same ink for the same stroke."""
    rng = random.Random(17)
    cases = []
    for i in range(300):
        x, y, n = rng.randrange(-(10**7), 10**7), rng.randrange(-(10**5), 10**5), rng.randrange(40)
        points = []
        for _ in range(n):
            x = max(-(10**7), min(10**7, x + rng.choice([30, rng.randrange(-500, 500)])))
            y = max(-(10**7), min(10**7, y + rng.randrange(-90, 90)))
            points += [x, y, rng.choice([500, rng.randrange(1001)])]
        color, width, tool = (
            f"#{rng.randrange(1 << 24):06x}",
            rng.randrange(1, 10_001),
            schema.STROKE_TOOLS[i % 2],
        )
        cases.append([points, color, width, tool, pack(points, color, width, tool).hex()])
    script = TWIN % (ROOT / "static" / "src" / "canvas" / "ink.js").as_uri()
    done = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for (points, *_rest, ink), (js_ink, js_points) in zip(
        cases, json.loads(done.stdout), strict=True
    ):
        assert js_ink == ink
        assert js_points == points
