"""A task: what, Hvem, Hvor, Senest, its status as a magnet colour with its word, approval."""

from __future__ import annotations

from board.i18n import t
from board.plan import Plan
from plan_export.cards.layout import Block, Content, pill
from plan_export.cards.spec import SPEC
from plan_export.cards.words import date, fact, office_of, person_name


def content(plan: Plan, item_id: str | None, lang: str) -> Content | None:
    action = next((a for a in plan.actions if a.id == item_id), None)
    if action is None:
        return None
    status = SPEC["status"][action.status]
    marks = [pill(status, t(status["label"], lang))]
    if action.approval in SPEC["approval"]:
        spec = SPEC["approval"][action.approval]
        marks.append(pill(spec, t(spec["label"], lang)))
    if action.is_proposal:
        marks.append(pill(SPEC["badges"]["proposal"], t("plan.proposal", lang)))
    owner = person_name(plan, action.owner, lang) or t("plan.nobody", lang)
    blocks = [
        Block(pills=marks),
        Block(action.what, "title", bold=True),
        Block(fact("plan.who", owner, lang)),
    ]
    if office := office_of(action, plan):
        blocks.append(Block(fact("plan.where", office, lang)))
    if due := date(action.due):
        blocks.append(Block(fact("plan.by", due, lang)))
    return Content("action", action.what, blocks, marks[0])
