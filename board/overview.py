"""What a team sees of one case at its tavlemøde: counts, not contents.

A case card is computed from the plan alone (no I/O), so the team board, the
overview API and the CLI show the same figures. It carries the citizen's alias,
never the name: a leader's overview must not show personal details.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from board.plan import Plan, Rating

CARRIED_OVER_ALERT = 2  # actions moved on this many times or more are "stuck"


@dataclass
class Movement:
    """The latest change of the citizen's own rating of one goal."""

    goal: str
    goal_title: str
    date: str
    value: float
    previous: float | None

    @property
    def delta(self) -> float | None:
        return None if self.previous is None else self.value - self.previous


@dataclass
class CaseCard:
    alias: str
    coordinator: str
    next_meeting: str | None
    not_started: int = 0
    in_progress: int = 0
    done: int = 0
    overdue: int = 0
    carried_over: int = 0  # actions carried over CARRIED_OVER_ALERT times or more
    awaiting_approval: int = 0
    owners: list[str] = field(default_factory=list)  # participant names owning open actions
    organisations: list[str] = field(default_factory=list)
    movement: Movement | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        if self.movement is not None:
            data["movement"]["delta"] = self.movement.delta
        return data


def latest_movement(plan: Plan) -> Movement | None:
    """The most recent rating in the plan, with the same goal's rating before it."""
    by_goal: dict[str, list[Rating]] = {}
    for rating in plan.ratings:
        by_goal.setdefault(rating.goal, []).append(rating)
    newest: Movement | None = None
    titles = {g.id: g.title for g in plan.goals}
    for goal_id, ratings in by_goal.items():
        ratings.sort(key=lambda r: r.date)
        last = ratings[-1]
        previous = ratings[-2].value if len(ratings) > 1 else None
        if newest is None or last.date > newest.date:
            newest = Movement(goal_id, titles.get(goal_id, ""), last.date, last.value, previous)
    return newest


def case_card(plan: Plan, *, alias: str = "", today: date | None = None) -> CaseCard:
    """Summarise a plan for the team board; ``alias`` overrides the plan's own."""
    today_iso = (today or date.today()).isoformat()
    coordinator = next((p.name for p in plan.participants if p.role == "coordinator"), "")
    card = CaseCard(
        alias=alias or plan.citizen.alias or plan.title,
        coordinator=coordinator,
        next_meeting=plan.next_meeting.date,
        movement=latest_movement(plan),
    )
    owners: set[str] = set()
    organisations: set[str] = set()
    for action in plan.actions:
        setattr(card, action.status, getattr(card, action.status) + 1)
        if action.status != "done":
            owner = plan.participant(action.owner)
            if owner is not None:
                owners.add(owner.name)
                if owner.organisation:
                    organisations.add(owner.organisation)
            if action.office:
                organisations.add(action.office)
            if action.due and action.due < today_iso:
                card.overdue += 1
        if action.carried_over >= CARRIED_OVER_ALERT:
            card.carried_over += 1
        if action.approval == "awaiting":
            card.awaiting_approval += 1
    card.owners = sorted(owners)
    card.organisations = sorted(organisations)
    return card
