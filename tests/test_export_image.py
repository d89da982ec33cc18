"""Board pictures: open the PNG and look at its pixels, parse the SVG with an XML parser."""

from __future__ import annotations

import io
import math
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from board.plan import Plan
from plan_export.cards import card_size
from plan_export.image import UnknownFrame, render_png, render_svg, scene
from plan_export.text import font
from tests.export_samples import HOSTILE, sample_plan

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """Parse our own SVG output (stdlib parser: the input is not untrusted XML)."""
    return ET.fromstring(svg.encode())  # noqa: S314


def el(**fields: object) -> dict:
    fields.setdefault("z", 0)
    fields.setdefault("author", "")
    fields.setdefault("created", 0)
    return fields


def stroke(eid: str, pts: list[tuple[int, int]], colour: str, width: int, **kw: object) -> dict:
    flat = [c for x, y in pts for c in (x, y, 500)]
    return el(id=eid, type="stroke", points=flat, color=colour, width=width, tool="pen", **kw)


def shape(eid: str, kind: str, box: tuple[int, int, int, int], colour: str, **kw: object) -> dict:
    """A shape element; ``box`` is ``(x, y, w, h)`` in board units."""
    x, y, w, h = box
    return el(id=eid, type="shape", shape=kind, x=x, y=y, w=w, h=h, color=colour, **kw)


def board() -> list[dict]:
    """One element of every kind at known places (board units; picture = /10 + margin 20 px)."""
    return [
        el(id="f1", type="frame", x=0, y=0, w=8000, h=6000, title="Nu", lane=None, z=0),
        el(id="n1", type="note", x=500, y=800, w=2200, h=1800, text="Hej", color="pink", z=1),
        el(id="c1", type="card", x=4000, y=800, w=2600, h=1400, ref={"kind": "goal", "id": "g1"}),
        stroke("s1", [(500 + t * 100, 3500) for t in range(30)], "#ff0000", 200, z=3),
        stroke("s2", [(500, 4500), (3000, 4500)], "#0000ff", 20, z=3),
        el(
            id="h1",
            type="stroke",
            points=[500, 5000, 500, 3000, 5000, 500],
            color="#ffd400",
            width=200,
            tool="highlighter",
            z=3,
        ),
        shape("r1", "rect", (4000, 3000, 1500, 1000), "#000000", fill="#00ff00", width=30, z=4),
        shape("e1", "ellipse", (5800, 3000, 1500, 1000), "#ff00ff", fill=None, width=60, z=4),
        shape("a1", "arrow", (4000, 5000, 3000, 0), "#00ffff", fill=None, width=40, z=4),
        el(id="t1", type="text", x=500, y=5300, text="Søren", size=300, color="#1d3557", z=5),
        el(
            id="k1",
            type="connector",
            color="#ff8800",
            width=40,
            arrow=True,
            z=6,
            **{"from": "n1", "to": "c1"},
        ),
        stroke("out", [(12000, 12000), (12500, 12000)], "#00aa00", 100, z=7),
    ]


def png(elements: list[dict], plan: Plan | None = None, **kw: object) -> Image.Image:
    data = render_png(elements, plan or sample_plan(), **kw)
    Image.open(io.BytesIO(data)).verify()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.mode == "RGB"  # opaque
    return image


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(pixel, colour, strict=False))


def at(image: Image.Image, x: float, y: float, frame_origin: float = 0) -> tuple[int, ...]:
    """Pixel at board coordinates (x, y), for a picture of the frame f1 (origin 0,0) at scale 1."""
    return image.getpixel((round(x / 10 - frame_origin), round(y / 10 - frame_origin)))


def test_every_kind_is_drawn_where_it_belongs() -> None:
    image = png(board(), frame="f1")
    assert image.size == (800, 600)  # the frame's box, tenths of a pixel -> pixels
    assert near(at(image, 1500, 3500), (255, 0, 0))  # thick red stroke (perfect-freehand)
    assert near(at(image, 1800, 4500), (0, 0, 255), 90)  # thin blue stroke (polyline)
    assert near(at(image, 1500, 2000), (0xFF, 0xC9, 0xDE))  # pink note
    assert near(at(image, 4000, 1500), (0x1D, 0x35, 0x57), 60)  # card border
    assert near(at(image, 4750, 3500), (0, 255, 0))  # rect fill
    assert near(at(image, 6550, 3500), (0xF8, 0xF9, 0xFA), 12)  # ellipse: no fill, frame tint
    assert near(at(image, 5800, 3500), (255, 0, 255), 90)  # ellipse outline
    assert near(at(image, 5500, 5000), (0, 255, 255))  # arrow shaft
    assert near(at(image, 6950, 5000), (0, 255, 255))  # arrow head near its tip
    yellow = at(image, 1500, 5000)  # highlighter: 40 % yellow over the frame's tint
    assert yellow[0] > 200 and yellow[1] > 200 and yellow[2] < 180
    card_h = card_size(board()[2], sample_plan(), "da")[1]  # cards grow to fit their text
    y = 1700 + (800 + card_h / 2 - 1700) * (3350 - 1600) / (5300 - 1600)
    assert near(at(image, 3350, y), (255, 0x88, 0), 60)  # connector, centre to centre
    assert near(at(image, 7000, 300), (0xF8, 0xF9, 0xFA), 12)  # empty frame area


def test_whole_board_includes_everything_and_scales() -> None:
    one = png(board())
    two = png(board(), scale=2)
    assert two.size[0] in (one.size[0] * 2 - 1, one.size[0] * 2, one.size[0] * 2 + 1)
    # the far stroke (12000, 12000) is inside the whole-board picture: margin 20 px
    x, y = (12250 + 200) / 10, (12000 + 200) / 10
    assert near(one.getpixel((round(x), round(y))), (0, 0xAA, 0))
    assert near(two.getpixel((round(2 * x), round(2 * y))), (0, 0xAA, 0))
    assert one.getpixel((5, 5)) == (255, 255, 255)


def test_unknown_frame_and_bad_scale() -> None:
    with pytest.raises(UnknownFrame):
        render_png(board(), Plan(), frame="n1")
    with pytest.raises(ValueError):
        render_png(board(), Plan(), scale=0)


def ink_crop(text: str) -> Image.Image:
    image = png([el(id="t", type="text", x=0, y=0, text=text, size=400, color="#000000")])
    gray = image.convert("L")
    box = ImageChops.invert(gray).getbbox()
    assert box, f"no ink for {text!r}"
    return gray.crop(box)


def test_danish_letters_are_glyphs_not_boxes() -> None:
    crops = {ch: ink_crop(ch) for ch in "æøåÆØÅo"}
    # a missing glyph draws the same box for every letter: ours all differ
    letters = list(crops)
    for i, a in enumerate(letters):
        for b in letters[i + 1 :]:
            same_size = crops[a].size == crops[b].size
            assert not same_size or ImageChops.difference(crops[a], crops[b]).getbbox(), (a, b)
    # and the word matches the shipped DejaVu drawn by Pillow itself
    word = "Æblegrød på øen"
    ours = ink_crop(word)
    ref = Image.new("L", (2000, 100), 255)
    ImageDraw.Draw(ref).text((0, 0), word, font=font(40), fill=0)
    ref = ref.crop(ImageChops.invert(ref).getbbox())
    assert abs(ours.width - ref.width) <= 3 and abs(ours.height - ref.height) <= 3
    diff = ImageChops.difference(ours.resize(ref.size), ref)
    assert ImageStat.Stat(diff).mean[0] < 25  # same glyphs, antialiasing aside


def test_nfd_text_is_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "Åse på Ærø")
    svg = render_svg(
        [el(id="t", type="text", x=0, y=0, text=decomposed, size=200, color="#000000")], Plan()
    )
    texts = "".join(parse(svg).itertext())
    assert "Åse på Ærø" in texts and decomposed not in texts


def test_svg_is_valid_xml_with_every_kind() -> None:
    root = parse(render_svg(board(), sample_plan()))
    assert root.tag == f"{SVG}svg"
    tags = [child.tag.removeprefix(SVG) for child in root]
    assert tags[:2] == ["title", "rect"]  # title, then the opaque white background
    assert root[1].get("fill") == "#ffffff"
    for kind in ("polygon", "polyline", "rect", "ellipse", "text"):
        assert kind in tags
    words = "".join(root.itertext())
    assert "Fåetfastjob" in words.replace(" ", "")  # the card title, wrapped at its width
    assert "Søren" in words and "Hej" in words
    assert root.get("width") == str(int(root.get("width")))


def test_frame_svg_has_frame_size() -> None:
    root = parse(render_svg(board(), sample_plan(), frame="f1", scale=0.5))
    assert (root.get("width"), root.get("height")) == ("400", "300")


def test_hostile_text_and_coordinates() -> None:
    elements = [
        el(id=f"n{i}", type="note", x=i * 3000, y=0, w=2500, h=2500, text=text, color="white")
        for i, text in enumerate(HOSTILE)
    ]
    elements += [
        el(
            id="t",
            type="text",
            x=-10_000_000,
            y=-10_000_000,
            text=HOSTILE[3][:2000],
            size=200,
            color="#000000",
        ),
        el(id="f", type="frame", x=0, y=0, w=3000, h=3000, title="<b>&amp;</b>" * 50, lane=None),
        stroke("far", [(10_000_000, 10_000_000), (10_000_000, 10_000_000)], "#ff0000", 20),
        shape("bad", "rect", (0, 0, 10, 10), '"/><script>', fill="red", width=5),
    ]
    plan = sample_plan()
    plan.title = HOSTILE[0]
    huge = scene(elements, plan)  # 2,000 km of board: scaled down to a paintable size
    assert max(huge.width, huge.height) <= 16_384 and huge.width * huge.height <= 40_000_000
    parse(render_svg(elements, plan))  # far apart: text too small to draw, still valid
    near_by = [e for e in elements if e["id"] not in ("t", "far")]
    svg = render_svg(near_by, plan)
    root = parse(svg)
    assert not [e for e in root.iter() if "script" in e.tag]
    words = "".join(root.itertext())
    assert "<script>alert('x')</script>" in words  # shown as text
    assert "\u202e" not in svg and "\x00" not in svg and "\x1b" not in svg
    assert "%PDF-1.4" in words and "<b>&amp;</b>" in words
    small = png(near_by, plan, scale=0.5)
    assert small.getpixel((0, 0)) == (255, 255, 255)


def test_single_point_and_tiny_strokes() -> None:
    dot = stroke("d", [(1000, 1000)], "#ff0000", 300)
    tiny = stroke("t", [(2000, 1000)], "#0000ff", 10)
    image = png([dot, tiny])
    origin = 1000 - 150 - 200  # box minus half width minus margin
    assert near(
        image.getpixel((round((1000 - origin) / 10), round((1000 - origin) / 10))), (255, 0, 0)
    )
    assert math.isclose(image.size[1], (300 + 400) / 10, abs_tol=1)


def test_latin_1_text_is_drawn_without_reading_the_font_map() -> None:
    """drawable() skips the character-map look-up for Latin-1 text: both shipped fonts must
    really have every printable Latin-1 character, and others are still checked."""
    from plan_export import text

    latin_1 = "".join(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x100)]))
    for path in (text.FONT_REGULAR, text.FONT_BOLD):
        assert {ord(c) for c in latin_1} <= text.font_advances(path)[0].keys()
    assert text.drawable("Æbler og brød\nÅ") == "Æbler og brød\nÅ"
    assert text.drawable("Mål \U0001f600 nået") == "Mål □ nået"  # no emoji in DejaVu Sans
