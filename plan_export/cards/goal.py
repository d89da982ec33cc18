"""A goal or sub-goal (delmål): its state as a badge, title, when, where, and what it serves."""

from __future__ import annotations

from board.i18n import t
from board.plan import Goal, Plan
from plan_export.cards.layout import Block, Content, Pill, pill
from plan_export.cards.spec import SPEC
from plan_export.cards.words import fact, office_of


def badges(goal: Goal, lang: str) -> list[Pill]:
    """Nået / Stoppet / Sat på pause, then Forslag or Aftalt."""
    out = []
    state = {"completed": "reached", "cancelled": "stopped"}.get(goal.status)
    if state is None and goal.horizon == "parked":
        state = "parked"
    if state:
        out.append(pill(SPEC["badges"][state], t(SPEC["badges"][state]["label"], lang)))
    agreement = "proposal" if goal.is_proposal else "agreed"
    out.append(pill(SPEC["badges"][agreement], t(SPEC["badges"][agreement]["label"], lang)))
    return out


def content(plan: Plan, item_id: str | None, lang: str) -> Content | None:
    goal = next((g for g in plan.goals if g.id == item_id), None)
    if goal is None:
        return None
    marks = badges(goal, lang)
    blocks = [Block(pills=marks), Block(goal.title, "title", bold=True)]
    parent = next((g for g in plan.goals if g.id == goal.parent), None)
    if parent:
        blocks.append(Block(t("card.subgoal_of", lang, title=parent.title)))
    if goal.horizon != "parked":
        blocks.append(Block(fact("plan.horizon", t(f"horizon.{goal.horizon}", lang), lang)))
    if office := office_of(goal, plan):
        blocks.append(Block(fact("plan.where", office, lang)))
    return Content("subgoal" if parent else "goal", goal.title, blocks, marks[0])
