"""Card layout: a kind's content (pills and text blocks) placed inside the card's width.

The same steps, in the same order and arithmetic, are in static/src/canvas/cards/layout.js;
tests/test_cards.py compares the browser's card sizes with these.

Semantic zoom: at a screen scale where the smallest detail text is at least
``min_screen_px`` CSS pixels the card shows everything; below that it shows only its
title, in a font large enough to read, wrapped in the card's box, under its mark as a
badge with its word ("? Forslag", "◐ I gang") when the whole title still fits. A title
longer than the box is ended with "…" — a visible cut, never a silent one. Each kind's
title is 5/3 of its detail size, so where details reach 12 px titles are 20 px.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from plan_export.cards.spec import GAP, LINE_HEIGHT, MIN_SCREEN_PX, PAD, SPEC, Measure, kind_spec
from plan_export.text import wrap


@dataclass
class Pill:
    """A badge: icon and word on a coloured ground (colour is never the only signal)."""

    icon: str
    text: str
    fill: str
    ink: str


@dataclass
class Block:
    """One part of a card: a text (role ``title`` or ``detail``) or a row of pills."""

    text: str = ""
    role: str = "detail"
    bold: bool = False
    pills: list[Pill] = field(default_factory=list)


@dataclass
class Content:
    """What a card kind shows for one plan item."""

    kind: str  # key in cards.json "kinds"
    title: str  # shown alone when zoomed out
    blocks: list[Block]
    mark: Pill | None = None  # its state: the stripe's colour and the title's icon


@dataclass
class Placed:
    """A drawing step in card coordinates (board units from the card's top left)."""

    what: str  # rect | text
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    fill: str = ""
    lines: list[str] = field(default_factory=list)
    size: float = 0.0
    bold: bool = False


def pill(spec: dict, label: str) -> Pill:
    return Pill(spec["icon"], label, spec["fill"], spec["ink"])


def _pills(out: list[Placed], pills: list[Pill], y: float, inner: float, size: float) -> float:
    pad_x, pad_y = SPEC["pill_pad"]
    x = 0.0
    row = 0.0
    measure = Measure(size, True)
    for p in pills:
        lines = wrap(f"{p.icon} {p.text}", inner - 2 * pad_x, measure)
        w = max(measure.getlength(line) for line in lines) + 2 * pad_x
        h = len(lines) * size * LINE_HEIGHT + 2 * pad_y
        if x > 0 and x + w > inner:
            y += row + GAP
            x = 0.0
            row = 0.0
        out.append(Placed("rect", PAD + x, y, w, h, fill=p.fill))
        out.append(
            Placed(
                "text", PAD + x + pad_x, y + pad_y, fill=p.ink, lines=lines, size=size, bold=True
            )
        )
        x += w + SPEC["pill_gap"]
        row = max(row, h)
    return y + row + GAP


def _detail(content: Content, width: float) -> tuple[float, list[Placed]]:
    spec = kind_spec(content.kind)
    inner = width - 2 * PAD
    out: list[Placed] = []
    y = PAD + (SPEC["stripe"] if content.mark else 0)
    for block in content.blocks:
        if block.pills:
            y = _pills(out, block.pills, y, inner, spec["detail"])
            continue
        size = spec[block.role]
        lines = wrap(block.text, inner, Measure(size, block.bold))
        out.append(
            Placed("text", PAD, y, fill=SPEC["ink"], lines=lines, size=size, bold=block.bold)
        )
        y += len(lines) * size * LINE_HEIGHT + GAP
    return y - GAP + PAD, out


def _title_bold(content: Content) -> bool:
    return any(b.bold for b in content.blocks if b.role == "title")  # as the title is set


def _far(content: Content, width: float, size: float, badge: float) -> tuple[float, list[Placed]]:
    """Zoomed out: the mark as a badge (at ``badge`` size), then the title at ``size``."""
    measure, inner, out = Measure(size, _title_bold(content)), width - 2 * PAD, []
    y = PAD + (SPEC["stripe"] if content.mark else 0)
    if content.mark:
        y = _pills(out, [content.mark], y, inner, badge)
    lines = wrap(content.title, inner, measure)
    out.append(
        Placed("text", PAD, y, fill=SPEC["ink"], lines=lines, size=size, bold=_title_bold(content))
    )
    return y + len(lines) * size * LINE_HEIGHT + PAD, out


def height(content: Content, width: float, min_height: float) -> int:
    """The card's height: all its details fit, its mark and whole title fit zoomed out (at
    ``zoomed_out`` × its title size), and never less than the element's own."""
    spec = kind_spec(content.kind)
    zoomed = spec["title"] * SPEC["zoomed_out"]
    return math.ceil(
        max(
            min_height,
            spec["min_height"],
            _detail(content, width)[0],
            _far(content, width, zoomed, zoomed)[0],
        )
    )


def layout(content: Content, width: float, box_h: float, scale: float) -> list[Placed]:
    """What to draw at ``scale`` screen pixels per board unit, in a box ``width`` × ``box_h``."""
    spec = kind_spec(content.kind)
    out: list[Placed] = []
    if content.mark:
        out.append(Placed("rect", 0, 0, width, SPEC["stripe"], fill=content.mark.fill))
    if spec["detail"] * scale >= MIN_SCREEN_PX:
        return out + _detail(content, width)[1]
    size = max(spec["title"], MIN_SCREEN_PX / scale)
    bottom, steps = _far(content, width, size, MIN_SCREEN_PX / scale)
    if bottom <= box_h:
        return out + steps
    # too far out for the box: the title alone, as much as fits, ended with "…"
    top = PAD + (SPEC["stripe"] if content.mark else 0)
    room = math.floor((box_h - top - PAD) / (size * LINE_HEIGHT))
    if room < 1:
        return out
    lines = wrap(content.title, width - 2 * PAD, Measure(size, _title_bold(content)), room)
    out.append(
        Placed(
            "text", PAD, top, fill=SPEC["ink"], lines=lines, size=size, bold=_title_bold(content)
        )
    )
    return out
