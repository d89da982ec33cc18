"""Templates write ordinary, valid elements; cards point at the plan; nothing overlaps."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Map

from board import schema
from board.elements import bounds
from board.limits import Guard
from board.read import read_elements, read_meta
from board.templates import TEMPLATES, apply_template
from tests.export_samples import example_doc


def inside(card: dict, frame: dict) -> bool:
    x0, y0, x1, y1 = bounds(frame)  # type: ignore[misc]
    cx, cy = card["x"] + card["w"] // 2, card["y"] + card["h"] // 2
    return x0 <= cx <= x1 and y0 <= cy <= y1


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
    if name != "blank":
        assert len(ids) >= 3
    cards = [e for e in elements if e["type"] == "card"]
    if with_plan:
        items = {kind: set(doc.get(m, type=Map).keys()) for kind, m in
                 (("goal", schema.GOALS), ("action", schema.ACTIONS),
                  ("participant", schema.PARTICIPANTS))}
        for card in cards:
            ref = card["ref"]
            assert ref["kind"] == "own_goal" or ref["id"] in items[ref["kind"]]


def test_vejen_places_the_sub_goals_and_the_own_goal_along_the_road() -> None:
    doc = example_doc()
    apply_template(doc, "vejen")
    elements, _ = read_elements(doc)
    refs = [e["ref"] for e in elements if e["type"] == "card"]
    assert {"kind": "own_goal", "id": None} in refs
    assert {r["id"] for r in refs if r["kind"] == "goal"} == {"g-kursus", "g-praktik",
                                                            "g-overblik"}
    assert sum(e["type"] == "stroke" for e in elements) >= 2
    assert any(e["type"] == "text" and e["text"] == "Her er jeg nu" for e in elements)


def test_vejen_on_a_blank_board_has_milestone_notes_in_english() -> None:
    doc = Doc()
    apply_template(doc, "vejen", lang="en")
    texts = {e["text"] for e in read_elements(doc)[0] if e["type"] in ("note", "text")}
    assert {"Step 1", "Step 2", "Step 3", "Where I am now", "What I want"} <= texts


def test_status_puts_each_action_card_in_its_lane() -> None:
    doc = example_doc()
    apply_template(doc, "status")
    elements, _ = read_elements(doc)
    frames = {e["lane"]["value"]: e for e in elements if e["type"] == "frame"}
    assert set(frames) == set(schema.STATUSES)
    assert frames["done"]["title"] == "Klaret"
    actions = doc.get(schema.ACTIONS, type=Map)
    cards = [e for e in elements if e["type"] == "card"]
    assert len(cards) == len(actions)
    for card in cards:
        assert inside(card, frames[actions[card["ref"]["id"]]["status"]])


def test_familie_has_a_lane_per_member_and_netvaerk_a_frame_per_organisation() -> None:
    doc = example_doc()
    apply_template(doc, "familie")
    lanes = [e for e in read_elements(doc)[0] if e["type"] == "frame"]
    assert [f["lane"]["value"] for f in lanes if f["lane"]] == ["m1", "m2", "m3"]
    assert "Emil – søn (14 år)" in {f["title"] for f in lanes}
    doc = example_doc()
    apply_template(doc, "netvaerk")
    elements, _ = read_elements(doc)
    titles = {e["title"] for e in elements if e["type"] == "frame"}
    assert {"Jobcenter", "Ydelseskontoret", "Grønnevang Skole", "Familieafdelingen"} <= titles
    assert sum(e["type"] == "connector" for e in elements) == len(titles)


def test_a_template_added_later_does_not_overlap_the_board() -> None:
    doc = example_doc()
    first = set(apply_template(doc, "status"))
    apply_template(doc, "tre_kolonner")
    elements, _ = read_elements(doc)
    old = [bounds(e) for e in elements if e["id"] in first]
    new = [bounds(e) for e in elements if e["id"] not in first]
    assert min(b[0] for b in new if b) > max(b[2] for b in old if b)
    assert min(e["z"] for e in elements if e["id"] not in first) > max(
        e["z"] for e in elements if e["id"] in first)
    assert read_meta(doc)[0]["template"] == "status"  # the first choice is kept


def test_unknown_template_is_refused() -> None:
    with pytest.raises(KeyError):
        apply_template(Doc(), "tegneserie")
