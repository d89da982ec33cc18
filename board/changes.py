""" "Siden sidst": what changed in a plan between two agreed versions.

Pure comparison of two plans, so the meeting view, the exports and the tests
agree on one answer. Items are matched by id; titles are shown as they are now.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from board.plan import Plan


@dataclass
class StatusChange:
    action: str
    what: str
    before: str
    after: str


@dataclass
class CarriedOver:
    action: str
    what: str
    times: int


@dataclass
class Changes:
    new_goals: list[str] = field(default_factory=list)  # titles
    removed_goals: list[str] = field(default_factory=list)
    new_actions: list[str] = field(default_factory=list)
    removed_actions: list[str] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    carried_over: list[CarriedOver] = field(default_factory=list)
    own_goal_changed: bool = False

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.new_goals,
                self.removed_goals,
                self.new_actions,
                self.removed_actions,
                self.status_changes,
                self.carried_over,
                self.own_goal_changed,
            )
        )

    def to_json(self) -> dict:
        return asdict(self)


def since_last(before: Plan, after: Plan) -> Changes:
    """Compare the plan as agreed last time (``before``) with the plan now (``after``)."""
    old_goals = {g.id: g for g in before.goals}
    new_goals = {g.id: g for g in after.goals}
    old_actions = {a.id: a for a in before.actions}
    new_actions = {a.id: a for a in after.actions}
    changes = Changes(
        new_goals=[g.title for gid, g in new_goals.items() if gid not in old_goals],
        removed_goals=[g.title for gid, g in old_goals.items() if gid not in new_goals],
        new_actions=[a.what for aid, a in new_actions.items() if aid not in old_actions],
        removed_actions=[a.what for aid, a in old_actions.items() if aid not in new_actions],
        own_goal_changed=before.own_goal.text != after.own_goal.text,
    )
    for aid, action in new_actions.items():
        old = old_actions.get(aid)
        if old is None:
            continue
        if old.status != action.status:
            changes.status_changes.append(StatusChange(aid, action.what, old.status, action.status))
        if action.carried_over > old.carried_over:
            changes.carried_over.append(CarriedOver(aid, action.what, action.carried_over))
    return changes
