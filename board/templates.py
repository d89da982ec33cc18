"""Board templates: ordinary, editable drawing elements laid out for one way of working.

A template never adds hidden structure: it writes strokes, shapes, texts, frames
and cards (cards point at plan items that already exist), exactly what a person
could draw. Applied to a board that already has content, it is placed to the
right of that content so nothing overlaps. Texts come from ``board/strings.json``.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from pycrdt import Doc, Map

from board import schema
from board.elements import INK, bounds
from board.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from board.plan import Plan
from board.read import read_elements, read_meta, read_plan

GAP = 2000  # board units between old content and a template added later
CARD_W, CARD_H = 2400, 1200
FRAME_W = 3000
ROAD = "#6c757d"
MARK = "#e9c46a"
AUTHOR = "Tavle"


@dataclass
class Sheet:
    """Collects the elements of one template, shifted by (dx, dy), stacked from ``z``."""

    dx: int
    dy: int
    z: float
    created: int = field(default_factory=lambda: int(time.time() * 1000))
    elements: list[dict] = field(default_factory=list)

    def add(self, kind: str, **values: object) -> str:
        element_id = f"t-{uuid.uuid4().hex[:12]}"
        self.z += 1
        if "x" in values:
            values["x"] = int(values["x"]) + self.dx  # type: ignore[call-overload]
            values["y"] = int(values["y"]) + self.dy  # type: ignore[call-overload]
        self.elements.append(
            {"id": element_id, "type": kind, "z": self.z, "author": AUTHOR,
             "created": self.created, **values}
        )
        return element_id

    def stroke(self, xy: list[tuple[float, float]], color: str, width: int) -> str:
        points = [v for x, y in xy for v in (round(x) + self.dx, round(y) + self.dy, 500)]
        return self.add("stroke", points=points, color=color, width=width, tool="pen")

    def shape(self, shape: str, x: int, y: int, w: int, h: int, fill: str | None = None) -> str:
        return self.add("shape", shape=shape, x=x, y=y, w=w, h=h, color=INK, fill=fill, width=20)

    def text(self, x: int, y: int, text: str, size: int = 360) -> str:
        return self.add("text", x=x, y=y, text=text, size=size, color=INK)

    def note(self, x: int, y: int, text: str, color: str = "yellow") -> str:
        return self.add("note", x=x, y=y, w=CARD_W, h=CARD_H, text=text, color=color)

    def frame(self, x: int, y: int, w: int, h: int, title: str, lane: dict | None = None) -> str:
        return self.add("frame", x=x, y=y, w=w, h=h, title=title, lane=lane)

    def card(self, x: int, y: int, kind: str, item_id: str | None) -> str:
        return self.add("card", x=x, y=y, w=CARD_W, h=CARD_H, ref={"kind": kind, "id": item_id})

    def connector(self, start: str, end: str) -> str:
        return self.add("connector", **{"from": start, "to": end}, color=ROAD, width=20,
                        arrow=False)


def _column(sheet: Sheet, x: int, title: str, cards: list[tuple[str, str]],
            lane: dict | None = None) -> str:
    """A frame with its cards stacked inside; tall enough for all of them."""
    height = max(6000, 800 + len(cards) * (CARD_H + 200))
    frame = sheet.frame(x, 0, FRAME_W, height, title, lane)
    for i, (kind, item_id) in enumerate(cards):
        sheet.card(x + (FRAME_W - CARD_W) // 2, 700 + i * (CARD_H + 200), kind, item_id)
    return frame


def _blank(sheet: Sheet, plan: Plan, lang: str) -> None:
    """Nothing to draw: the board starts empty."""


def _vejen(sheet: Sheet, plan: Plan, lang: str) -> None:
    """A road from "where I am now" (bottom left) up to the citizen's own goal (top right)."""
    width, height, road = 16000, 9000, 900

    def centre(s: float) -> tuple[float, float]:
        return 1000 + s * (width - 4000), height - 1500 - s * (height - 3500) + 700 * math.sin(
            s * 2 * math.pi
        )

    samples = [centre(i / 40) for i in range(41)]
    sheet.stroke([(x, y - road / 2) for x, y in samples], ROAD, 60)
    sheet.stroke([(x, y + road / 2) for x, y in samples], ROAD, 60)
    for i in range(0, 40, 2):  # the dashed middle line
        sheet.stroke([samples[i], samples[i + 1]], MARK, 40)
    start_x, start_y = samples[0]
    sheet.text(int(start_x) - 600, int(start_y) + road, t("template.vejen.start", lang))
    end_x, end_y = samples[-1]
    sheet.shape("ellipse", int(end_x), int(end_y) - 1000, 3000, 2000, fill=MARK)
    sheet.text(int(end_x) + 300, int(end_y) - 1500, t("template.vejen.goal", lang), 420)
    sheet.card(int(end_x) + 300, int(end_y) - 600, "own_goal", None)
    steps = [g for g in plan.goals if g.parent is not None] or plan.top_goals()
    count = max(3, min(len(steps), 6))
    for i in range(count):
        x, y = centre((i + 1) / (count + 1))
        sheet.shape("ellipse", int(x) - 250, int(y) - 250, 500, 500, fill=MARK)
        card_y = int(y) - road - CARD_H if i % 2 == 0 else int(y) + road
        if i < len(steps):
            sheet.card(int(x) - CARD_W // 2, card_y, "goal", steps[i].id)
        else:
            sheet.note(int(x) - CARD_W // 2, card_y, t("template.vejen.milestone", lang, n=i + 1))


def _netvaerk(sheet: Sheet, plan: Plan, lang: str) -> None:
    """The citizen in the centre; the network around, one frame per organisation."""
    cx, cy, radius = 9000, 7000, 6500
    me = sheet.shape("ellipse", cx - 1800, cy - 1100, 3600, 2200, fill=MARK)
    sheet.text(cx - 400, cy - 900, t("template.netvaerk.me", lang), 420)
    sheet.card(cx - CARD_W // 2, cy - 300, "own_goal", None)
    groups: dict[str, list[str]] = {}
    for p in plan.participants:
        if p.role != "citizen":
            groups.setdefault(p.organisation or t(f"role.{p.role}", lang), []).append(p.id)
    if not groups:
        for key in ("family", "municipality", "health", "other"):
            groups[t(f"template.netvaerk.{key}", lang)] = []
    for i, (title, people) in enumerate(groups.items()):
        angle = 2 * math.pi * i / len(groups) - math.pi / 2
        h = max(2000, 800 + len(people) * (CARD_H + 200))
        x = int(cx + radius * math.cos(angle)) - FRAME_W // 2
        y = int(cy + radius * 0.8 * math.sin(angle)) - h // 2
        frame = sheet.frame(x, y, FRAME_W, h, title)
        for j, pid in enumerate(people):
            sheet.card(x + (FRAME_W - CARD_W) // 2, y + 700 + j * (CARD_H + 200), "participant",
                       pid)
        sheet.connector(me, frame)


def _familie(sheet: Sheet, plan: Plan, lang: str) -> None:
    """One lane per household member (dropping a card sets its ``member``), and one shared."""
    tops = plan.top_goals()
    columns = [
        (f"{m.name} – {m.relation}" if m.relation else m.name,
         {"field": "member", "value": m.id},
         [("goal", g.id) for g in tops if g.member == m.id])
        for m in plan.members
    ] or [(t("template.familie.member", lang, n=n), None, []) for n in (1, 2, 3)]
    shared = [("goal", g.id) for g in tops if g.member is None]
    columns.append((t("template.familie.household", lang), None, shared))
    for i, (title, lane, cards) in enumerate(columns):
        _column(sheet, i * (FRAME_W + 400), title, cards, lane)


def _tre_kolonner(sheet: Sheet, plan: Plan, lang: str) -> None:
    """Worries / what works / next steps (the three-column conversation)."""
    for i, key in enumerate(("worries", "works", "next")):
        _column(sheet, i * (FRAME_W + 400), t(f"template.tre_kolonner.{key}", lang), [])


def _status(sheet: Sheet, plan: Plan, lang: str) -> None:
    """Not started / in progress / done: the magnets board; actions sit in their lane."""
    for i, status in enumerate(schema.STATUSES):
        cards = [("action", a.id) for a in plan.actions if a.status == status]
        _column(sheet, i * (FRAME_W + 400), t(f"status.{status}", lang), cards,
                {"field": "status", "value": status})


TEMPLATES: dict[str, Callable[[Sheet, Plan, str], None]] = dict(
    zip(
        schema.TEMPLATE_NAMES,
        (_blank, _vejen, _netvaerk, _familie, _tre_kolonner, _status),
        strict=True,
    )
)


def apply_template(doc: Doc, name: str, lang: str = "da") -> list[str]:
    """Draw template ``name`` on the board (beside any existing content); the new ids.

    Raises ``KeyError`` for an unknown template name.
    """
    draw = TEMPLATES[name]
    plan, _ = read_plan(doc)
    existing, _ = read_elements(doc)
    boxes = [b for b in map(bounds, existing) if b is not None]
    dx = max(b[2] for b in boxes) + GAP if boxes else 0
    dy = min(b[1] for b in boxes) if boxes else 0
    top = max((e["z"] for e in existing), default=0)
    sheet = Sheet(dx=dx, dy=dy, z=top)
    draw(sheet, plan, lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    meta, _ = read_meta(doc)
    with doc.transaction():
        elements = doc.get(schema.ELEMENTS, type=Map)
        for element in sheet.elements:
            elements[element["id"]] = element
        if not meta["template"]:
            doc.get(schema.META, type=Map)["template"] = name
    return [e["id"] for e in sheet.elements]
