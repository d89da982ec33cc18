"""Board templates: layouts of the citizen's plan, drawn as ordinary, editable elements.

A template is a way of laying out the ONE plan: every goal, sub-goal and task it shows
is a ``card`` (its words are read from the plan, never copied), placed by the template's
rules, with a few strokes, shapes, texts and lane frames around them — exactly what a
person could draw. Cards get the size their text needs (``plan_export.cards``, the same
description the canvas uses). Applied to a board that already has content, a template
is placed to the right of it so nothing overlaps. Texts come from ``board/strings.json``.
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
from board.ink import stored
from board.plan import Goal, Plan
from board.read import read_elements, read_meta, read_plan

GAP = 2000  # board units between old content and a template added later
SPACE = 200  # between cards
LANE_PAD = 300  # inside a lane frame, around its cards
LANE_TOP = 700  # a lane's title bar
ROAD = "#6c757d"
MARK = "#e9c46a"
AUTHOR = "Tavle"
Size = Callable[[str, str | None], tuple[int, int]]


@dataclass
class Sheet:
    """Collects the elements of one template, stacked from ``z``."""

    z: float
    size: Size  # (kind, id) -> the card's (w, h)
    created: int = field(default_factory=lambda: int(time.time() * 1000))
    elements: list[dict] = field(default_factory=list)

    def add(self, kind: str, **values: object) -> str:
        element_id = f"t-{uuid.uuid4().hex[:12]}"
        self.z += 1
        if "x" in values:
            values["x"] = round(values["x"])  # type: ignore[call-overload]
            values["y"] = round(values["y"])  # type: ignore[call-overload]
        self.elements.append(
            {"id": element_id, "type": kind, "z": self.z, "author": AUTHOR,
             "created": self.created, **values}
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

    def card(self, x: float, y: float, kind: str, item_id: str | None) -> tuple[int, int]:
        """A card with its top left at (x, y); returns its size."""
        w, h = self.size(kind, item_id)
        self.add("card", x=x, y=y, w=w, h=h, ref={"kind": kind, "id": item_id})
        return w, h

    def stack(self, x: float, y: float, refs: list[tuple[str, str]], up: bool = False) -> float:
        """Cards one under the other from y (or one above the other, ``up``); the far edge."""
        for kind, item_id in refs:
            w, h = self.size(kind, item_id)
            if up:
                y -= h
            self.card(x, y, kind, item_id)
            y = y - SPACE if up else y + h + SPACE
        return y

    def lane(self, x: int, title: str, refs: list[tuple[str, str]], lane: dict | None,
             width: int, height: int = 0) -> int:
        """A lane frame at x with its cards stacked inside; its height."""
        inner = sum(self.size(*r)[1] + SPACE for r in refs)
        h = max(height, 6000, LANE_TOP + inner + LANE_PAD)
        self.frame(x, 0, width, h, title, lane)
        self.stack(x + LANE_PAD, LANE_TOP, refs)
        return h


def _order(goals: list[Goal]) -> list[Goal]:
    """Goals in horizon order (now, in 3 months, later), then by rank."""
    return sorted(goals, key=lambda g: (schema.HORIZONS.index(g.horizon), g.rank))


def _tree(plan: Plan, goal: Goal) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(the goal and its sub-goals, the tasks of all of them), as card refs."""
    goals = [goal, *plan.subgoals(goal.id)]
    return ([("goal", g.id) for g in goals],
            [("action", a.id) for g in goals for a in plan.actions_for(g.id)])


def _width(sheet: Sheet, kind: str) -> int:
    return sheet.size(kind, None)[0]


def _blank(sheet: Sheet, plan: Plan, lang: str) -> None:
    """No drawing; a plan's goals and tasks still get their cards (a tree, goal by goal)."""
    if not plan.goals and not plan.actions:
        return
    x = 0
    _, own_h = sheet.card(0, 0, "own_goal", None)
    for goal in _order(plan.top_goals()):
        goals, tasks = _tree(plan, goal)
        sheet.stack(x, own_h + 1000, goals + tasks)
        x += _width(sheet, "goal") + SPACE * 2
    loose = [("action", a.id) for a in plan.actions if a.goal is None]
    sheet.stack(x, own_h + 1000, loose)


def _vejen(sheet: Sheet, plan: Plan, lang: str) -> None:
    """The road: "Her er jeg nu" at the start, the goals as stations in horizon order with
    their sub-goals and tasks beside them (above and below the road in turn), the own goal
    at the end. Goals on hold wait in a lane of their own below the start."""
    road, step = 450, 3600  # half the road's width; between stations
    goal_w, task_w = _width(sheet, "goal"), _width(sheet, "action")
    stations = _order([g for g in plan.top_goals() if g.horizon != "parked"])
    count = max(len(stations), 3)
    end = 2500 + count * step + step // 2

    def centre_y(x: float) -> float:
        return 250 * math.sin(x / end * 2 * math.pi)

    samples = [(end * i / 60, centre_y(end * i / 60)) for i in range(61)]
    sheet.stroke([(x, y - road) for x, y in samples], ROAD, 60)
    sheet.stroke([(x, y + road) for x, y in samples], ROAD, 60)
    for i in range(0, 60, 2):  # the dashed middle line
        sheet.stroke([samples[i], samples[i + 1]], MARK, 40)
    sheet.shape("ellipse", -300, -300, 600, 600, fill=MARK)
    sheet.text(-600, road + 300, t("template.vejen.start", lang))
    loose = [("action", a.id) for a in plan.actions if a.goal is None]
    sheet.stack(0, -road - 600, loose, up=True)
    for i, goal in enumerate(stations):
        x = 2500 + i * step
        sheet.shape("ellipse", x - 250, round(centre_y(x)) - 250, 500, 500, fill=MARK)
        goals, tasks = _tree(plan, goal)
        up = i % 2 == 0
        y = centre_y(x) - road - 600 if up else centre_y(x) + road + 600
        sheet.stack(x - goal_w // 2, y, goals, up)
        sheet.stack(x + goal_w // 2 + SPACE, y, tasks, up)
    _, own_h = sheet.size("own_goal", None)
    sheet.card(end + 300, -own_h // 2, "own_goal", None)
    parked = [r for g in plan.top_goals() if g.horizon == "parked" for part in _tree(plan, g)
              for r in part]
    if parked:
        width = max(goal_w, task_w) + 2 * LANE_PAD
        top = road + 1500
        h = LANE_TOP + sum(sheet.size(*r)[1] + SPACE for r in parked) + LANE_PAD
        sheet.frame(-600, top, width, h, t("horizon.parked", lang),
                    {"field": "horizon", "value": "parked"})
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


def _goal_lanes(sheet: Sheet, plan: Plan, lanes: list[tuple[str, dict | None, list[Goal]]],
                extra: list[tuple[str, str]]) -> None:
    """One lane frame per entry: each goal with its sub-goals, their tasks beside them;
    ``extra`` cards (tasks of no goal) in the last lane."""
    goal_w, task_w = _width(sheet, "goal"), _width(sheet, "action")
    width = goal_w + SPACE + task_w + 2 * LANE_PAD
    frames: list[str] = []
    tallest = 0.0
    for i, (title, lane, goals) in enumerate(lanes):
        x, y = i * (width + 400), LANE_TOP
        trees = [_tree(plan, g) for g in goals]
        if i == len(lanes) - 1 and extra:
            trees.append(([], extra))
        bottom = y
        for tree_goals, tasks in trees:
            left = sheet.stack(x + LANE_PAD, y, tree_goals)
            right = sheet.stack(x + LANE_PAD + goal_w + SPACE, y, tasks)
            bottom = max(left, right)
            y = bottom + SPACE
        frames.append(sheet.frame(x, 0, width, 6000, title, lane))
        tallest = max(tallest, bottom + LANE_PAD)
    for element in sheet.elements:  # one height: a card dropped low still lands in a lane
        if element["id"] in frames:
            element["h"] = max(element["h"], round(tallest))


def _familie(sheet: Sheet, plan: Plan, lang: str) -> None:
    """A lane per household member (dropping a card there sets its ``member``), and one for
    the whole family; each member's goals with their sub-goals and tasks."""
    tops = _order(plan.top_goals())
    lanes = [
        (f"{m.name} – {m.relation}" if m.relation else m.name,
         {"field": "member", "value": m.id}, [g for g in tops if g.member == m.id])
        for m in plan.members
    ] or [(t("template.familie.member", lang, n=n), None, []) for n in (1, 2, 3)]
    lanes.append((t("template.familie.household", lang), None,
                  [g for g in tops if g.member is None]))
    loose = [("action", a.id) for a in plan.actions if a.goal is None]
    _goal_lanes(sheet, plan, lanes, loose)


def _tre_kolonner(sheet: Sheet, plan: Plan, lang: str) -> None:
    """Ikke startet / I gang / Klaret: every task in the column of its status."""
    width = _width(sheet, "action") + 2 * LANE_PAD
    columns = {s: [("action", a.id) for a in plan.actions if a.status == s]
               for s in schema.STATUSES}
    height = max(LANE_TOP + sum(sheet.size(*r)[1] + SPACE for r in refs) + LANE_PAD
                 for refs in columns.values())  # one height: a card dropped low still lands
    for i, (status, refs) in enumerate(columns.items()):
        sheet.lane(i * (width + 400), t(f"status.{status}", lang), refs,
                   {"field": "status", "value": status}, width, height)


def _status(sheet: Sheet, plan: Plan, lang: str) -> None:
    """The status board: a row per goal (its sub-goals' tasks with it), its tasks in the
    column of their status; moving a task to another column changes its status."""
    goal_w, task_w = _width(sheet, "goal"), _width(sheet, "action")
    col_w = task_w + 2 * LANE_PAD
    left = goal_w + 2 * LANE_PAD
    rows = [_tree(plan, goal) for goal in _order(plan.top_goals())]
    loose = [("action", a.id) for a in plan.actions if a.goal is None]
    if loose:
        rows.append(([], loose))
    status_of = {a.id: a.status for a in plan.actions}
    y = LANE_TOP
    placed: list[tuple[float, list[tuple[str, str]]]] = []  # (row top, its goal cards)
    for goals, tasks in rows:
        by_status = {s: [r for r in tasks if status_of[r[1]] == s] for s in schema.STATUSES}
        height = max(sum(sheet.size(*r)[1] + SPACE for r in refs) - SPACE
                     for refs in [goals, *by_status.values()])
        placed.append((y, goals))
        for i, status in enumerate(schema.STATUSES):
            yy = y
            for kind, item_id in by_status[status]:
                sheet.card(left + i * (col_w + 200) + LANE_PAD, yy, kind, item_id)
                yy += sheet.size(kind, item_id)[1] + SPACE
        y += max(height, 600) + 2 * SPACE
    total = max(6000, y + LANE_PAD)
    sheet.frame(0, 0, left, total, t("plan.goals", lang))
    for i, status in enumerate(schema.STATUSES):
        sheet.frame(left + i * (col_w + 200), 0, col_w, total, t(f"status.{status}", lang),
                    {"field": "status", "value": status})
    for top, goals in placed:
        sheet.stack(LANE_PAD, top, goals)


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
    sheet = Sheet(z=top,
                  size=lambda kind, item_id: default_size({"kind": kind, "id": item_id}, plan,
                                                          lang))
    draw(sheet, plan, lang)
    has_own_goal = any(e["type"] == "card" and e["ref"]["kind"] == "own_goal"
                       for e in sheet.elements)
    if plan.own_goal.text and not has_own_goal and sheet.elements:  # above the layout
        top_y = min(b[1] for b in map(bounds, sheet.elements) if b is not None)
        sheet.card(0, top_y - sheet.size("own_goal", None)[1] - 600, "own_goal", None)
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


def _moved(el: dict, dx: int, dy: int) -> dict:
    if el["type"] == "stroke":
        p = el["points"]
        return {**el, "points": [v + (dx if i % 3 == 0 else dy if i % 3 == 1 else 0)
                                 for i, v in enumerate(p)]}
    return {**el, "x": el["x"] + dx, "y": el["y"] + dy} if "x" in el else el
