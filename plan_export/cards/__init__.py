"""Plan cards for the picture export: one module per kind, like the canvas's cards.

Each kind module turns a plan item into :class:`~plan_export.cards.layout.Content`
(pills and text blocks); :mod:`~plan_export.cards.layout` places it in the card with
the sizes of ``board/cards.json``, exactly as static/src/canvas/cards/ does on screen.
"""

from __future__ import annotations

from collections.abc import Callable

from board.plan import Plan
from plan_export.cards import action, agreement, goal, own_goal, participant
from plan_export.cards.layout import Content, Placed, height, layout
from plan_export.cards.spec import SPEC, kind_spec

KINDS: dict[str, Callable[[Plan, str | None, str], Content | None]] = {
    "own_goal": own_goal.content,
    "goal": goal.content,
    "action": action.content,
    "participant": participant.content,
    "agreement": agreement.content,
}


def content(ref: dict, plan: Plan, lang: str) -> Content:
    """What the card of ``ref`` shows; an empty card of its kind when the item is gone."""
    kind = ref.get("kind")
    made = KINDS[kind](plan, ref.get("id"), lang) if kind in KINDS else None
    return made or Content(kind if kind in SPEC["kinds"] else "goal", "", [])


def card_size(el: dict, plan: Plan, lang: str) -> tuple[int, int]:
    """The card's width and height in board units: tall enough for all its text."""
    return el["w"], height(content(el["ref"], plan, lang), el["w"], el["h"])


def default_size(ref: dict, plan: Plan, lang: str, width: int | None = None) -> tuple[int, int]:
    """The size a new card of ``ref`` gets: its kind's width (or ``width``), as tall as its
    text."""
    made = content(ref, plan, lang)
    width = width or kind_spec(made.kind)["width"]
    return width, height(made, width, 0)


def card_drawing(
    el: dict, plan: Plan, lang: str, scale: float
) -> tuple[Content, int, list[Placed]]:
    """(content, height, steps) of a card at ``scale`` screen pixels per board unit."""
    made = content(el["ref"], plan, lang)
    h = height(made, el["w"], el["h"])
    return made, h, layout(made, el["w"], h, scale)
