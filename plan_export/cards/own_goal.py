"""The citizen's own goal: their words, whole and large, in »…« — the end of the road."""

from __future__ import annotations

from board.i18n import t
from board.plan import Plan
from plan_export.cards.layout import Block, Content


def content(plan: Plan, item_id: str | None, lang: str) -> Content:
    text = plan.own_goal.text.strip()
    words = t("plan.quoted", lang, text=text) if text else t("plan.own_goal_empty", lang)
    return Content(
        "own_goal",
        words,
        [
            Block(t("plan.own_goal", lang), "detail", bold=True),
            Block(words, "title"),
        ],
    )
