"""Templates lay out the plan: every item on a card, in the template's place for it,
no two cards on top of each other; the elements are ordinary and valid."""

from __future__ import annotations

import itertools

import pytest
from pycrdt import Doc, Map

from board import schema
from board.elements import bounds
from board.limits import Guard
from board.read import read_elements, read_meta, read_plan
from board.templates import FIT_PAD, SCREEN, TEMPLATES, apply_template
from plan_export.cards import card_size
from plan_export.cards.spec import SPEC
from tests.export_samples import example_doc


def laid_out(name: str) -> tuple[list[dict], dict]:
    """The example plan laid out with template ``name``: elements, and card boxes by ref."""
    doc = example_doc()
    apply_template(doc, name)
    elements, problems = read_elements(doc)
    assert problems == []
    plan, _ = read_plan(doc)
    boxes = {}
    for e in elements:
        if e["type"] == "card":
            w, h = card_size(e, plan, "da")
            key = (e["ref"]["kind"], e["ref"]["id"])
            assert key not in boxes, f"two cards for {key}"
            boxes[key] = (e["x"], e["y"], e["x"] + w, e["y"] + h)
    return elements, boxes


def inside(box: tuple, frame: dict) -> bool:
    x0, y0, x1, y1 = bounds(frame)  # type: ignore[misc]
    return x0 <= box[0] and box[2] <= x1 and y0 <= box[1] and box[3] <= y1


def lanes(elements: list[dict]) -> dict:
    return {e["lane"]["value"]: e for e in elements if e["type"] == "frame" and e["lane"]}


@pytest.mark.parametrize("name", list(TEMPLATES))
@pytest.mark.parametrize("with_plan", [False, True])
def test_every_template_writes_clean_elements(name: str, with_plan: bool) -> None:
    doc = example_doc() if with_plan else Doc()
    guard = Guard(doc)
    ids = apply_template(doc, name)
    elements, problems = read_elements(doc)
    assert problems == [] and sorted(e["id"] for e in elements) == sorted(ids)
    assert guard.after_update("coordinator") == []  # what a client could have drawn
    assert read_meta(doc)[0]["template"] == name
    if with_plan:  # a board with a plan is never blank, and its own goal is on it
        refs = [e["ref"] for e in elements if e["type"] == "card"]
        assert {"kind": "own_goal", "id": None} in refs
        items = {
            kind: set(doc.get(m, type=Map).keys())
            for kind, m in (
                ("goal", schema.GOALS),
                ("action", schema.ACTIONS),
                ("participant", schema.PARTICIPANTS),
            )
        }
        for ref in refs:
            assert ref["kind"] == "own_goal" or ref["id"] in items[ref["kind"]]


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_no_two_cards_overlap(name: str) -> None:
    _, boxes = laid_out(name)
    for (ka, a), (kb, b) in itertools.combinations(boxes.items(), 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (ka, kb)


@pytest.mark.parametrize("name", ["blank", "vejen", "familie", "status"])
def test_every_goal_and_task_has_a_card(name: str) -> None:
    _, boxes = laid_out(name)
    doc = example_doc()
    for kind, m in (("goal", schema.GOALS), ("action", schema.ACTIONS)):
        assert {i for k, i in boxes if k == kind} == set(doc.get(m, type=Map).keys())


def test_vejen_is_a_road_from_here_to_the_own_goal_with_goals_in_horizon_order() -> None:
    elements, boxes = laid_out("vejen")
    plan, _ = read_plan(example_doc())
    start = next(e for e in elements if e["type"] == "text" and e["text"] == "Her er jeg nu")
    own = boxes[("own_goal", None)]
    assert all(own[2] >= b[2] for b in boxes.values())  # the end of the road
    assert all(start["x"] <= b[0] for b in boxes.values())  # the start
    stations = sorted(
        (g for g in plan.top_goals() if g.horizon != "parked"),
        key=lambda g: (schema.HORIZONS.index(g.horizon), g.rank),
    )
    xs = [boxes[("goal", g.id)][0] for g in stations]
    assert xs == sorted(xs) and len(set(xs)) == len(xs) and xs[-1] < own[0]
    for goal in stations:  # at the road, above or below it
        box = boxes[("goal", goal.id)]
        assert -2000 < box[3] < 0 or 0 < box[1] < 2000, goal.id
    for action in plan.actions:  # with its station: on its side of the road, not before it
        top = next(g for g in plan.goals if g.id == action.goal)
        while top.parent:
            top = next(g for g in plan.goals if g.id == top.parent)
        goal_box, task_box = boxes[("goal", top.id)], boxes[("action", action.id)]
        assert goal_box[0] <= task_box[0] and (goal_box[1] < 0) == (task_box[1] < 0), action.id
    assert inside(boxes[("goal", "g-korekort")], lanes(elements)["parked"])


@pytest.mark.parametrize("name", ["blank", "vejen", "netvaerk", "familie", "tre_kolonner"])
def test_the_plan_fills_the_shared_screen_with_titles_readable_across_the_room(name: str) -> None:
    """On the 1920×1080 shared screen, "Vis alt" (the board beside the plan in brief, fitted
    as static/src/canvas/render.js fit() does) shows every title at 20 px or more, with the
    details (tests/test_browser_cards.py measures it in Chromium). status (15 px: five goal
    rows, each as tall as its tallest card) does not fit a landscape screen at that size."""
    elements, boxes = laid_out(name)
    drawn = [b for b in map(bounds, elements) if b is not None] + list(boxes.values())
    w = max(b[2] for b in drawn) - min(b[0] for b in drawn)
    h = max(b[3] for b in drawn) - min(b[1] for b in drawn)
    pad = 2 * (FIT_PAD[0] * max(w, h) + FIT_PAD[1])
    scale = min(SCREEN[0] / (w + pad), SCREEN[1] / (h + pad))
    for kind in {k for k, _ in boxes}:
        spec = SPEC["kinds"][kind]
        assert spec["detail"] * scale >= SPEC["min_screen_px"], (kind, scale)
        assert spec["title"] * scale >= 20, (kind, scale)


def test_netvaerk_puts_family_and_friends_closer_than_the_professionals() -> None:
    _, boxes = laid_out("netvaerk")
    plan, _ = read_plan(example_doc())

    def distance(box: tuple) -> float:
        return ((box[0] + box[2]) ** 2 + ((box[1] + box[3]) / 0.7) ** 2) ** 0.5 / 2

    near = [
        distance(boxes[("participant", p.id)])
        for p in plan.participants
        if p.role in ("relative", "support")
    ]
    far = [
        distance(boxes[("participant", p.id)])
        for p in plan.participants
        if p.role in ("coordinator", "professional")
    ]
    assert near and far and max(near) < min(far)
    citizen = next(p for p in plan.participants if p.role == "citizen")
    assert distance(boxes[("participant", citizen.id)]) < min(near)


def test_familie_has_a_lane_per_member_with_their_goals_and_tasks() -> None:
    elements, boxes = laid_out("familie")
    plan, _ = read_plan(example_doc())
    by_member = lanes(elements)
    assert list(by_member) == ["m1", "m2", "m3"]
    assert by_member["m2"]["title"] == "Emil – søn (14 år)"
    for item, kind in [(g, "goal") for g in plan.goals] + [(a, "action") for a in plan.actions]:
        assert inside(boxes[(kind, item.id)], by_member[item.member]), item.id
    household = next(e for e in elements if e["type"] == "frame" and e["title"] == "Hele familien")
    assert inside(boxes[("own_goal", None)], household)  # the own goal heads the family's lane


@pytest.mark.parametrize("name", ["tre_kolonner", "status"])
def test_each_task_sits_in_the_column_of_its_status(name: str) -> None:
    elements, boxes = laid_out(name)
    columns = lanes(elements)
    assert [columns[s]["title"] for s in schema.STATUSES] == ["Ikke startet", "I gang", "Klaret"]
    plan, _ = read_plan(example_doc())
    for action in plan.actions:
        assert inside(boxes[("action", action.id)], columns[action.status]), action.id


def test_status_board_has_a_row_per_goal() -> None:
    _, boxes = laid_out("status")
    plan, _ = read_plan(example_doc())
    tops = sorted((boxes[("goal", g.id)][1], g.id) for g in plan.top_goals())
    for action in plan.actions:
        top = next(g for g in plan.goals if g.id == action.goal)
        while top.parent:
            top = next(g for g in plan.goals if g.id == top.parent)
        row = [y for y, gid in tops if gid == top.id][0]
        following = [y for y, _ in tops if y > row]
        assert row <= boxes[("action", action.id)][1] < (following[0] if following else 1e12)


def test_vejen_on_a_board_without_a_plan_in_english() -> None:
    doc = Doc()
    apply_template(doc, "vejen", lang="en")
    elements = read_elements(doc)[0]
    texts = {e["text"] for e in elements if e["type"] in ("note", "text")}
    assert "Where I am now" in texts
    assert [e["ref"] for e in elements if e["type"] == "card"] == [{"kind": "own_goal", "id": None}]


def test_a_template_added_later_does_not_overlap_the_board() -> None:
    doc = example_doc()
    first = set(apply_template(doc, "status"))
    apply_template(doc, "tre_kolonner")
    elements, _ = read_elements(doc)
    old = [bounds(e) for e in elements if e["id"] in first]
    new = [bounds(e) for e in elements if e["id"] not in first]
    assert min(b[0] for b in new if b) > max(b[2] for b in old if b)
    assert min(e["z"] for e in elements if e["id"] not in first) > max(
        e["z"] for e in elements if e["id"] in first
    )
    assert read_meta(doc)[0]["template"] == "status"  # the first choice is kept


def test_unknown_template_is_refused() -> None:
    with pytest.raises(KeyError):
        apply_template(Doc(), "tegneserie")
