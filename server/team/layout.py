"""Where a case card first lands on the team board's canvas: in one of three lanes.

The server places a ``card`` element (``ref {"kind": "case", "id"}``) once, when it
first sees a case, in the lane its figures suggest; after that the team moves
cards and draws around them as on any board: the server never moves a card.
A lane frame grows downwards when a new card needs the room.
"""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, Map

from board import schema
from plan_export.cards.spec import kind_spec

# A case card is as wide as board/cards.json says and grows to fit its alias and two
# lines of figures (each wraps once): about 1,450 units high, so a slot is 1,600.
CARD_W, CARD_H, GAP = kind_spec("case")["width"], 1600, 150
COLUMNS = 2  # cards side by side in a lane
HEADER = 500  # room for the frame's title
LANE_W = COLUMNS * (CARD_W + GAP) + GAP
LANES = (  # id, Danish title (the board's language), which cards start there
    ("lane-stuck", "Forsinket eller udskudt"),
    ("lane-awaiting", "Venter på svar"),
    ("lane-on-track", "På sporet"),
)


def lane_of(card: dict[str, Any]) -> str:
    if card["overdue"] or card["carried_over"]:
        return LANES[0][0]
    return LANES[1][0] if card["awaiting_approval"] else LANES[2][0]


def element_id(case_id: str) -> str:
    return "case-" + case_id


def place_new_cards(doc: Doc, cards: list[dict[str, Any]]) -> None:
    """Add lane frames if missing and a card element for every case without one."""
    elements = doc.get(schema.ELEMENTS, type=Map)
    for i, (lane_id, title) in enumerate(LANES):
        if lane_id not in elements:
            elements[lane_id] = {
                "id": lane_id, "type": "frame", "z": 0, "author": "Tavle", "created": 0,
                "x": i * (LANE_W + 4 * GAP), "y": 0, "w": LANE_W, "h": HEADER + CARD_H + 2 * GAP,
                "title": title, "lane": None,
            }  # fmt: skip
    taken = {lane_id: _taken(elements, elements[lane_id]) for lane_id, _ in LANES}
    for card in cards:
        key = element_id(card["id"])
        if key in elements:
            continue
        lane = lane_of(card)
        frame = dict(elements[lane])
        slot = next(i for i in range(len(taken[lane]) + 1) if i not in taken[lane])
        taken[lane].add(slot)
        x = frame["x"] + GAP + (slot % COLUMNS) * (CARD_W + GAP)
        y = frame["y"] + HEADER + (slot // COLUMNS) * (CARD_H + GAP)
        elements[key] = {
            "id": key, "type": "card", "z": 1, "author": "Tavle", "created": 0,
            "x": int(x), "y": int(y), "w": CARD_W, "h": CARD_H,
            "ref": {"kind": "case", "id": card["id"]},
        }  # fmt: skip
        bottom = y + CARD_H + GAP - frame["y"]
        if bottom > frame["h"]:
            elements[lane] = {**frame, "h": int(bottom)}


def _taken(elements: Map, frame: dict[str, Any]) -> set[int]:
    """The slots of a lane that a card covers now (cards moved by hand count where they are)."""
    slots = set()
    for value in elements.values():
        if value.get("type") != "card" or (value.get("ref") or {}).get("kind") != "case":
            continue
        col = round((value["x"] - frame["x"] - GAP) / (CARD_W + GAP))
        row = round((value["y"] - frame["y"] - HEADER) / (CARD_H + GAP))
        if 0 <= col < COLUMNS and row >= 0:
            slots.add(int(row) * COLUMNS + int(col))
    return slots
