"""A person of the network: name, role in plain words, where they work, phone."""

from __future__ import annotations

from board.i18n import t
from board.plan import Plan
from plan_export.cards.layout import Block, Content, pill
from plan_export.cards.spec import SPEC
from plan_export.cards.words import fact, office_of


def content(plan: Plan, item_id: str | None, lang: str) -> Content | None:
    person = plan.participant(item_id)
    if person is None:
        return None
    blocks = [Block(person.name, "title", bold=True), Block(t(f"role.{person.role}", lang))]
    if person.contact_person:
        blocks.insert(
            0, Block(pills=[pill(SPEC["badges"]["agreed"], t("card.contact_person", lang))])
        )
    if office := office_of(person, plan):
        blocks.append(Block(office))
    if person.phone:
        blocks.append(Block(fact("plan.phone", person.phone, lang)))
    return Content("participant", person.name, blocks)
