"""Board templates: layouts of the citizen's plan, drawn as ordinary, editable elements.

A template is a way of laying out the ONE plan: every goal, sub-goal and task it shows
is a ``card`` (its words are read from the plan, never copied), placed by the template's
rules, with a few strokes, shapes, texts and lane frames around them — exactly what a
person could draw. Cards get the size their text needs (``plan_export.cards``, the same
description the canvas uses). Cards stand in columns, and a layout is drawn at several
column heights: the one "Vis alt" shows largest on the shared screen is kept, so a plan
fills the screen with titles read from across the room (docs/board-format.md). Applied to
a board that already has content, a template is placed to the right of it so nothing
overlaps. Texts come from ``board/strings.json``.
"""

from __future__ import annotations

import itertools
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from pycrdt import Doc, Map

from board import schema
from board.elements import INK, bounds
from board.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from board.ink import stored
from board.plan import Goal, Plan
from board.read import read_elements, read_meta, read_plan

GAP = 2000  # board units between old content and a template added later
SPACE = 200  # between cards
LANE_PAD = 200  # inside a lane frame, around its cards
LANE_TOP = 700  # a lane's title bar
LANE_GAP = 200  # between lane frames side by side
# A plan is laid out in columns of cards at most ``reach`` tall; each template is drawn at
# each of these and the one that shows largest on the shared screen is kept, where the board
# is SCREEN CSS px (1920×1080 beside the plan in brief; static/meeting.css) and "Vis alt"
# frames it with FIT_PAD (static/src/canvas/render.js fit()).
REACHES = tuple(range(4000, 14001, 400))
SCREEN = (1344, 954)
FIT_PAD = (0.02, 200)  # of the larger side, and board units
ROAD = "#6c757d"
MARK = "#e9c46a"
AUTHOR = "Tavle"


class Size(Protocol):
    """A card's (w, h): its kind's width (or ``width``), as tall as its text needs."""

    def __call__(
        self, kind: str, item_id: str | None, width: int | None = None
    ) -> tuple[int, int]: ...


@dataclass
class Sheet:
    """Collects the elements of one template, stacked from ``z``."""

    z: float
    size: Size  # (kind, id, width or None for its kind's) -> the card's (w, h)
    reach: float  # the tallest a column of cards grows
    created: int = field(default_factory=lambda: int(time.time() * 1000))
    elements: list[dict] = field(default_factory=list)

    def add(self, kind: str, **values: object) -> str:
        element_id = f"t-{uuid.uuid4().hex[:12]}"
        self.z += 1
        if "x" in values:
            values["x"] = round(values["x"])  # type: ignore[call-overload]
            values["y"] = round(values["y"])  # type: ignore[call-overload]
        self.elements.append(
            {
                "id": element_id,
                "type": kind,
                "z": self.z,
                "author": AUTHOR,
                "created": self.created,
                **values,
            }
        )
        return element_id

    def stroke(self, xy: list[tuple[float, float]], color: str, width: int) -> str:
        points = [v for x, y in xy for v in (round(x), round(y), 500)]
        return self.add("stroke", points=points, color=color, width=width, tool="pen")

    def shape(self, shape: str, x: int, y: int, w: int, h: int, fill: str | None = None) -> str:
        return self.add("shape", shape=shape, x=x, y=y, w=w, h=h, color=INK, fill=fill, width=20)

    def text(self, x: int, y: int, text: str, size: int = 360) -> str:
        return self.add("text", x=x, y=y, text=text, size=size, color=INK)

    def frame(self, x: int, y: int, w: int, h: int, title: str, lane: dict | None = None) -> str:
        return self.add("frame", x=x, y=y, w=w, h=h, title=title, lane=lane)

    def card(
        self, x: float, y: float, kind: str, item_id: str | None, width: int | None = None
    ) -> tuple[int, int]:
        """A card with its top left at (x, y), its kind's width or ``width``; its size."""
        w, h = self.size(kind, item_id, width)
        self.add("card", x=x, y=y, w=w, h=h, ref={"kind": kind, "id": item_id})
        return w, h

    def stack(
        self,
        x: float,
        y: float,
        refs: list[tuple[str, str]],
        up: bool = False,
        width: int | None = None,
    ) -> float:
        """Cards one under the other from y (or one above the other, ``up``); the far edge."""
        for kind, item_id in refs:
            w, h = self.size(kind, item_id, width)
            if up:
                y -= h
            self.card(x, y, kind, item_id, width)
            y = y - SPACE if up else y + h + SPACE
        return y


def _order(goals: list[Goal]) -> list[Goal]:
    """Goals in horizon order (now, in 3 months, later), then by rank."""
    return sorted(goals, key=lambda g: (schema.HORIZONS.index(g.horizon), g.rank))


def _tree(plan: Plan, goal: Goal) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(the goal and its sub-goals, the tasks of all of them), as card refs."""
    goals = [goal, *plan.subgoals(goal.id)]
    return (
        [("goal", g.id) for g in goals],
        [("action", a.id) for g in goals for a in plan.actions_for(g.id)],
    )


def _width(sheet: Sheet, kind: str) -> int:
    return sheet.size(kind, None)[0]


def _blank(sheet: Sheet, plan: Plan, lang: str) -> None:
    """No drawing; a plan's goals and tasks still get their cards: goal by goal (each with
    its sub-goals and tasks), in columns under the own goal."""
    if not plan.goals and not plan.actions:
        return
    _, own_h = sheet.card(0, 0, "own_goal", None)
    refs = [r for goal in _order(plan.top_goals()) for part in _tree(plan, goal) for r in part]
    refs += [("action", a.id) for a in plan.actions if a.goal is None]
    card_w = max(_width(sheet, "goal"), _width(sheet, "action"))
    for i, column in enumerate(_columns(sheet, refs, sheet.reach)):
        sheet.stack(i * (card_w + SPACE), own_h + 600, column)


Ref = tuple[str, str]


def _columns(
    sheet: Sheet, refs: list[Ref], reach: float, width: int | None = None
) -> list[list[Ref]]:
    """``refs`` in columns of cards at most ``reach`` tall (a taller card gets one alone)."""
    columns: list[list[Ref]] = []
    height = 0.0
    for ref in refs:
        h = sheet.size(*ref, width)[1]
        if columns and height + SPACE + h <= reach:
            columns[-1].append(ref)
            height += SPACE + h
        else:
            columns.append([ref])
            height = h
    return columns


def _vejen(sheet: Sheet, plan: Plan, lang: str) -> None:
    """The road: "Her er jeg nu" at the start, the goals as stations in horizon order, each
    with its sub-goals and tasks in columns beside it, on the side of the road with room
    first (above on a tie), the own goal at the end. Goals on hold wait in a lane of their
    own below the start. Columns reach at most ``sheet.reach`` from the road, so a plan
    fills a landscape screen rather than a strip."""
    road, beside = 250, 250  # half the road's width; from its edge to the nearest card
    goal_w, card_w = _width(sheet, "goal"), max(_width(sheet, "goal"), _width(sheet, "action"))
    stations = _order([g for g in plan.top_goals() if g.horizon != "parked"])
    loose = [("action", a.id) for a in plan.actions if a.goal is None]
    parked = [
        r
        for g in plan.top_goals()
        if g.horizon == "parked"
        for part in _tree(plan, g)
        for r in part
    ]
    start_w = 2600  # "Her er jeg nu" under the start
    free = {
        True: card_w + 2 * SPACE if loose else 600,  # above the road, from the start
        False: card_w + 2 * LANE_PAD - 600 + 2 * SPACE if parked else start_w - 600 + 2 * SPACE,
    }
    placed: list[tuple[float, bool, list[list[Ref]]]] = []  # (left, up, columns)
    left = -math.inf
    for goal in stations:
        goals, tasks = _tree(plan, goal)
        columns = _columns(sheet, goals + tasks, sheet.reach)
        up = free[True] <= free[False]
        left = max(free[up], left + 700)  # stations in horizon order along the road
        placed.append((left, up, columns))
        free[up] = left + len(columns) * (card_w + SPACE) + SPACE
    # the own goal ends the road, on the side with room: right-aligned with the last column
    own_w, own_h = sheet.size("own_goal", None)
    own_up = free[True] <= free[False]
    end = max(*free.values(), free[own_up] + own_w)
    own_x = max(free[own_up], left + 700, end - own_w)
    end = own_x + own_w

    def centre_y(x: float) -> float:
        return 100 * math.sin(x / end * 2 * math.pi)

    samples = [(end * i / 60, centre_y(end * i / 60)) for i in range(61)]
    sheet.stroke([(x, y - road) for x, y in samples], ROAD, 60)
    sheet.stroke([(x, y + road) for x, y in samples], ROAD, 60)
    for i in range(0, 60, 2):  # the dashed middle line
        sheet.stroke([samples[i], samples[i + 1]], MARK, 40)
    sheet.shape("ellipse", -250, -250, 500, 500, fill=MARK)
    sheet.text(-600, road + beside, t("template.vejen.start", lang))
    sheet.stack(0, -road - beside, loose, up=True)
    for left, up, columns in placed:
        cy = centre_y(left + goal_w / 2)
        sheet.shape("ellipse", round(left + goal_w / 2) - 200, round(cy) - 200, 400, 400, fill=MARK)
        y = cy - road - beside if up else cy + road + beside
        for i, column in enumerate(columns):
            sheet.stack(left + i * (card_w + SPACE), y, column, up)
    cy = centre_y(own_x + own_w / 2)
    sheet.card(
        own_x, cy - road - beside - own_h if own_up else cy + road + beside, "own_goal", None
    )
    if parked:
        top = road + beside + 600  # under "Her er jeg nu"
        h = LANE_TOP + sum(sheet.size(*r)[1] + SPACE for r in parked) + LANE_PAD
        sheet.frame(
            -600,
            top,
            card_w + 2 * LANE_PAD,
            h,
            t("horizon.parked", lang),
            {"field": "horizon", "value": "parked"},
        )
        sheet.stack(-600 + LANE_PAD, top + LANE_TOP, parked)


def _netvaerk(sheet: Sheet, plan: Plan, lang: str) -> None:
    """The citizen in the centre; family and friends close around, the professionals
    in the outer ring (closeness by role)."""
    people = [p for p in plan.participants if p.role != "citizen"]
    close = [p for p in people if p.role in ("relative", "support")]
    far = [p for p in people if p not in close]
    card_w = _width(sheet, "participant")
    inner, outer = 4200 + card_w // 2, 8400 + card_w // 2
    for radius, key in ((inner, "family"), (outer, "professionals")):
        sheet.shape("ellipse", -radius, -round(radius * 0.7), 2 * radius, round(radius * 1.4))
        sheet.text(-1200, -round(radius * 0.7) + 150, t(f"template.netvaerk.{key}", lang), 300)
    citizen = next((p for p in plan.participants if p.role == "citizen"), None)
    own_w, own_h = sheet.size("own_goal", None)
    if citizen:
        w, h = sheet.size("participant", citizen.id)
        sheet.card(-w // 2, -h - 100, "participant", citizen.id)
    else:
        sheet.text(-400, -800, t("template.netvaerk.me", lang), 420)
    sheet.card(-own_w // 2, 100, "own_goal", None)
    for radius, ring in ((inner, close), (outer, far)):
        for i, person in enumerate(ring):
            angle = 2 * math.pi * (i + 0.5) / len(ring) - math.pi / 2  # none on the label
            w, h = sheet.size("participant", person.id)
            cx, cy = radius * math.cos(angle), radius * 0.7 * math.sin(angle)
            sheet.card(cx - w / 2, cy - h / 2, "participant", person.id)


def _lanes(sheet: Sheet, lanes: list[tuple[str, dict | None, list[Ref]]]) -> None:
    """One lane frame per entry, side by side, its cards (all one width) in columns at most
    ``sheet.reach`` tall; all lanes one height, so a card dropped low still lands in a
    lane."""
    card_w = max(_width(sheet, "goal"), _width(sheet, "action"))
    filled = [
        (title, lane, _columns(sheet, refs, sheet.reach, card_w) or [[]])
        for title, lane, refs in lanes
    ]
    height = max(
        LANE_TOP + sum(sheet.size(*r, card_w)[1] + SPACE for r in column) + LANE_PAD
        for *_, columns in filled
        for column in columns
    )
    x = 0
    for title, lane, columns in filled:
        width = len(columns) * (card_w + SPACE) - SPACE + 2 * LANE_PAD
        sheet.frame(x, 0, width, max(height, 6000), title, lane)
        for i, column in enumerate(columns):
            sheet.stack(x + LANE_PAD + i * (card_w + SPACE), LANE_TOP, column, width=card_w)
        x += width + LANE_GAP


def _familie(sheet: Sheet, plan: Plan, lang: str) -> None:
    """A lane per household member (dropping a card there sets its ``member``), and one for
    the whole family: the own goal first, then goals of no member and the tasks of no goal;
    each goal followed by its sub-goals and their tasks."""
    tops = _order(plan.top_goals())

    def cards(goals: list[Goal]) -> list[Ref]:
        return [r for goal in goals for part in _tree(plan, goal) for r in part]

    lanes = [
        (
            f"{m.name} – {m.relation}" if m.relation else m.name,
            {"field": "member", "value": m.id},
            cards([g for g in tops if g.member == m.id]),
        )
        for m in plan.members
    ] or [(t("template.familie.member", lang, n=n), None, []) for n in (1, 2, 3)]
    own = [("own_goal", None)] if plan.own_goal.text else []
    lanes.append(
        (
            t("template.familie.household", lang),
            None,
            own
            + cards([g for g in tops if g.member is None])
            + [("action", a.id) for a in plan.actions if a.goal is None],
        )
    )
    _lanes(sheet, lanes)


def _tre_kolonner(sheet: Sheet, plan: Plan, lang: str) -> None:
    """Ikke startet / I gang / Klaret: every task in the column of its status (a lane with
    many tasks holds them in more than one column)."""
    _lanes(
        sheet,
        [
            (
                t(f"status.{s}", lang),
                {"field": "status", "value": s},
                [("action", a.id) for a in plan.actions if a.status == s],
            )
            for s in schema.STATUSES
        ],
    )


def _status(sheet: Sheet, plan: Plan, lang: str) -> None:
    """The status board: a row per goal (its sub-goals' tasks with it), its tasks in the
    column of their status; moving a task to another column changes its status. In each
    cell the cards stand in columns at most ``sheet.reach`` tall, a column as wide as its
    widest cell needs, and a row is as tall as its tallest cell."""
    card_w = max(_width(sheet, "goal"), _width(sheet, "action"))
    rows = [_tree(plan, goal) for goal in _order(plan.top_goals())]
    loose = [("action", a.id) for a in plan.actions if a.goal is None]
    if loose:
        rows.append(([], loose))
    status_of = {a.id: a.status for a in plan.actions}
    cells = [
        [
            _columns(sheet, refs, sheet.reach, card_w)
            for refs in [
                goals,
                *([r for r in tasks if status_of[r[1]] == s] for s in schema.STATUSES),
            ]
        ]
        for goals, tasks in rows
    ]
    wide = [max([len(row[j]) for row in cells] + [1]) for j in range(1 + len(schema.STATUSES))]
    lefts = list(
        itertools.accumulate(
            (n * (card_w + SPACE) - SPACE + 2 * LANE_PAD + LANE_GAP for n in wide), initial=0
        )
    )
    y = LANE_TOP
    for row in cells:
        for left, cell in zip(lefts, row, strict=False):
            for i, column in enumerate(cell):
                sheet.stack(left + LANE_PAD + i * (card_w + SPACE), y, column, width=card_w)
        y += (
            max(
                sum(sheet.size(*r, card_w)[1] + SPACE for r in column)
                for cell in row
                for column in cell or [[]]
            )
            + SPACE
        )
    total = max(6000, y + LANE_PAD)
    titles = [(t("plan.goals", lang), None)] + [
        (t(f"status.{s}", lang), {"field": "status", "value": s}) for s in schema.STATUSES
    ]
    for left, right, (title, lane) in zip(lefts, lefts[1:], titles, strict=False):
        sheet.frame(left, 0, right - left - LANE_GAP, total, title, lane)


TEMPLATES: dict[str, Callable[[Sheet, Plan, str], None]] = dict(
    zip(
        schema.TEMPLATE_NAMES,
        (_blank, _vejen, _netvaerk, _familie, _tre_kolonner, _status),
        strict=True,
    )
)


def apply_template(doc: Doc, name: str, lang: str = "da") -> list[str]:
    """Lay out the plan with template ``name`` (beside any existing content); the new ids.

    Raises ``KeyError`` for an unknown template name.
    """
    from plan_export.cards import default_size  # measures with the export's font

    draw = TEMPLATES[name]
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    plan, _ = read_plan(doc)
    existing, _ = read_elements(doc)
    boxes = [b for b in map(bounds, existing) if b is not None]
    top = max((e["z"] for e in existing), default=0)
    size = cache(
        lambda kind, item_id, width=None: default_size(
            {"kind": kind, "id": item_id}, plan, lang, width
        )
    )
    sheets = []
    for reach, beside in itertools.product(REACHES, (False, True)):
        sheet = Sheet(z=top, size=size, reach=reach)
        draw(sheet, plan, lang)
        has_own_goal = any(
            e["type"] == "card" and e["ref"]["kind"] == "own_goal" for e in sheet.elements
        )
        if plan.own_goal.text and not has_own_goal and sheet.elements:  # above or left of it
            drawn = [b for b in map(bounds, sheet.elements) if b is not None]
            x0, y0 = min(b[0] for b in drawn), min(b[1] for b in drawn)
            own_w, own_h = sheet.size("own_goal", None)
            if beside:
                sheet.card(x0 - own_w - 600, y0, "own_goal", None)
            else:
                sheet.card(x0, y0 - own_h - 600, "own_goal", None)
        sheets.append(sheet)
    sheet = max(sheets, key=_shown)  # the first of equals
    # lane frames lie under everything else of the template
    sheet.elements.sort(key=lambda e: e["type"] != "frame")
    for i, element in enumerate(sheet.elements):
        element["z"] = top + i + 1
    drawn = [b for b in map(bounds, sheet.elements) if b is not None]
    if boxes and drawn:  # beside what is there: left edges GAP apart, tops aligned
        shift_x = max(b[2] for b in boxes) + GAP - min(b[0] for b in drawn)
        shift_y = min(b[1] for b in boxes) - min(b[1] for b in drawn)
        sheet.elements = [_moved(e, round(shift_x), round(shift_y)) for e in sheet.elements]
    meta, _ = read_meta(doc)
    with doc.transaction():
        elements = doc.get(schema.ELEMENTS, type=Map)
        for element in sheet.elements:  # strokes are stored with their points packed
            elements[element["id"]] = stored(element) if element["type"] == "stroke" else element
        if not meta["template"]:
            doc.get(schema.META, type=Map)["template"] = name
    return [e["id"] for e in sheet.elements]


def _shown(sheet: Sheet) -> float:
    """How large "Vis alt" shows the drawn sheet on the shared screen (screen px per unit)."""
    boxes = [b for b in map(bounds, sheet.elements) if b is not None]
    if not boxes:
        return 0.0
    w = max(b[2] for b in boxes) - min(b[0] for b in boxes)
    h = max(b[3] for b in boxes) - min(b[1] for b in boxes)
    pad = 2 * (FIT_PAD[0] * max(w, h) + FIT_PAD[1])
    return min(SCREEN[0] / (w + pad), SCREEN[1] / (h + pad))


def _moved(el: dict, dx: int, dy: int) -> dict:
    if el["type"] == "stroke":
        p = el["points"]
        return {
            **el,
            "points": [
                v + (dx if i % 3 == 0 else dy if i % 3 == 1 else 0) for i, v in enumerate(p)
            ],
        }
    return {**el, "x": el["x"] + dx, "y": el["y"] + dy} if "x" in el else el
