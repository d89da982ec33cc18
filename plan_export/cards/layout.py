"""Card layout: a kind's content (pills and text blocks) placed inside the card's width.

The same steps, in the same order and arithmetic, are in static/src/canvas/cards/layout.js;
tests/test_cards.py compares the browser's card sizes with these.

Semantic zoom: at a screen scale where the smallest detail text is at least
``min_screen_px`` CSS pixels the card shows everything; below that it shows only its
mark (icon) and title, in a font large enough to read, wrapped in the card's box and
ended with "…" when it does not fit — a visible cut, never a silent one.
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
        out.append(Placed("text", PAD + x + pad_x, y + pad_y, fill=p.ink, lines=lines,
                          size=size, bold=True))
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
        out.append(Placed("text", PAD, y, fill=SPEC["ink"], lines=lines, size=size,
                          bold=block.bold))
        y += len(lines) * size * LINE_HEIGHT + GAP
    return y - GAP + PAD, out


def height(content: Content, width: float, min_height: float) -> int:
    """The card's height: all its details fit, and never less than the element's own."""
    spec = kind_spec(content.kind)
    return math.ceil(max(min_height, spec["min_height"], _detail(content, width)[0]))


def layout(content: Content, width: float, box_h: float, scale: float) -> list[Placed]:
    """What to draw at ``scale`` screen pixels per board unit, in a box ``width`` × ``box_h``."""
    spec = kind_spec(content.kind)
    out: list[Placed] = []
    if content.mark:
        out.append(Placed("rect", 0, 0, width, SPEC["stripe"], fill=content.mark.fill))
    if spec["detail"] * scale >= MIN_SCREEN_PX:
        return out + _detail(content, width)[1]
    size = max(spec["title"], MIN_SCREEN_PX / scale)
    top = PAD + (SPEC["stripe"] if content.mark else 0)
    room = math.floor((box_h - top - PAD) / (size * LINE_HEIGHT))
    if room < 1:
        return out
    text = f"{content.mark.icon} {content.title}" if content.mark else content.title
    bold = any(b.bold for b in content.blocks if b.role == "title")  # as the title is set
    lines = wrap(text, width - 2 * PAD, Measure(size, bold), room)
    out.append(Placed("text", PAD, top, fill=SPEC["ink"], lines=lines, size=size, bold=bold))
    return out
