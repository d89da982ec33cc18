"""An agreement: its words, who follows up, and the date."""

from __future__ import annotations

from board.plan import Plan
from plan_export.cards.layout import Block, Content
from plan_export.cards.words import date, fact, person_name


def content(plan: Plan, item_id: str | None, lang: str) -> Content | None:
    agreement = next((a for a in plan.agreements if a.id == item_id), None)
    if agreement is None:
        return None
    blocks = [Block(agreement.text, "title")]
    if who := person_name(plan, agreement.follow_up_by, lang):
        blocks.append(Block(fact("card.follow_up_by", who, lang)))
    if day := date(agreement.date):
        blocks.append(Block(fact("plan.date", day, lang)))
    return Content("agreement", agreement.text, blocks)
