"""Case review at the tavlemøde: where are we now, the next step, what stands in the way.

Read from the plan alone, so the review page and its tests agree on one answer.
"""

from __future__ import annotations

from datetime import date

from board.overview import CARRIED_OVER_ALERT
from board.plan import Action, Plan

NEXT_STEPS = 5


def _item(action: Action) -> dict:
    return {
        "id": action.id,
        "what": action.what,
        "status": action.status,
        "due": action.due,
        "carried_over": action.carried_over,
    }


def case_review(plan: Plan, today: date | None = None) -> dict:
    """``{now: {done, in_progress}, next, barriers: {challenges, refused, awaiting,
    overdue, carried_over}}`` of a plan (proposals not yet agreed are left out)."""
    today_iso = (today or date.today()).isoformat()
    actions = [a for a in plan.actions if not a.is_proposal]
    open_actions = [a for a in actions if a.status != "done"]
    upcoming = sorted(open_actions, key=lambda a: (a.due is None, a.due or "", a.rank))
    return {
        "now": {
            "done": [_item(a) for a in actions if a.status == "done"],
            "in_progress": [_item(a) for a in actions if a.status == "in_progress"],
        },
        "next": [_item(a) for a in upcoming[:NEXT_STEPS]],
        "barriers": {
            "challenges": list(plan.challenges),
            "refused": [_item(a) for a in actions if a.approval == "refused"],
            "awaiting": [_item(a) for a in actions if a.approval == "awaiting"],
            "overdue": [_item(a) for a in open_actions if a.due and a.due < today_iso],
            "carried_over": [_item(a) for a in actions if a.carried_over >= CARRIED_OVER_ALERT],
        },
    }
