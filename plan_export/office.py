"""One office's part of the plan, within the citizen's consent (issue 16).

The ONE plan helps only if each office can take *its part* into its own case
system, and only what the citizen consented to. :func:`office_part` cuts that part
out of a :class:`~board.plan.Plan` — a plain Plan again, so every exporter (JSON,
FHIR, the sheet) renders it unchanged and nothing else can leak:

- in: the office's goals and everything under them, the tasks it does (its own,
  or its people's) or that serve its goals, the citizen's own goal and the plan's
  purpose, the shared agreements (followed up by nobody, the citizen, the
  coordinator or the office itself), the next meeting, and the people the office
  needs (the citizen, the coordinator, the contact person, its own people, whoever
  does one of its tasks or follows up one of its agreements);
- out: other offices' goals, tasks and ratings, the citizen's dreams, resources and
  challenges (they may be about anyone in the family), other offices' consents.

:func:`consent_for` decides whether the citizen has consented for that office.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from board.plan import Consent, Goal, Organisation, Plan, same_org_name

# roles whose agreements and contact every office shares
SHARED_ROLES = ("citizen", "coordinator")


class OfficeError(LookupError):
    """No such organisation on the board."""


def find_office(plan: Plan, key: str) -> Organisation:
    """The board's organisation with id ``key``, else the one named ``key`` (same_org_name)."""
    found = plan.organisation(key)
    if found is None:
        found = next((o for o in plan.organisations if same_org_name(o.name, key)), None)
    if found is None:
        raise OfficeError(key)
    return found


def consent_for(plan: Plan, org: Organisation, today: date) -> Consent | None:
    """The consent in force today for ``org`` (None: none, withdrawn or expired)."""
    day = today.isoformat()
    return next((c for c in plan.consents if c.org == org.id and c.valid(day)), None)


def merge_consents(plan: Plan, recorded: list[dict]) -> None:
    """Add consents recorded for the case (``server.orgs.consents`` rows, which name the
    organisation) to the plan's, matched to the board's organisations by name or id."""
    for row in recorded:
        try:
            org = find_office(plan, str(row.get("org", "")))
        except OfficeError:
            continue
        plan.consents.append(
            Consent(
                id=f"case-{row['id']}",
                org=org.id,
                given_by=row.get("given_by") or "",
                given_at=_stamp(row.get("given_at")),
                scope=row.get("scope") or "",
                expires=(row.get("expires") or "")[:10] or None,
                withdrawn_at=_stamp(row.get("withdrawn_at")),
            )
        )


def _stamp(iso: object) -> str | None:
    if not isinstance(iso, str) or not iso:
        return None
    return iso.replace("+00:00", "Z")


def office_part(plan: Plan, org_id: str) -> Plan:
    """The part of ``plan`` for the organisation ``org_id`` (see the module's docstring)."""

    def ours(item: object) -> bool:
        office = plan.office_of(item)  # type: ignore[arg-type]
        return office is not None and office.id == org_id

    by_id = {g.id: g for g in plan.goals}

    def under_ours(goal: Goal) -> bool:  # the goal or one above it is the office's
        seen: set[str] = set()
        node: Goal | None = goal
        while node is not None and node.id not in seen:
            if ours(node):
                return True
            seen.add(node.id)
            node = by_id.get(node.parent) if node.parent else None
        return False

    goal_ids = {g.id for g in plan.goals if under_ours(g)}
    goals = [
        replace(g, parent=g.parent if g.parent in goal_ids else None)
        for g in plan.goals
        if g.id in goal_ids
    ]
    actions = [
        replace(a, goal=a.goal if a.goal in goal_ids else None)
        for a in plan.actions
        if ours(a) or a.goal in goal_ids
    ]
    people = {
        p.id for p in plan.participants if p.role in SHARED_ROLES or p.contact_person or ours(p)
    }
    agreements = [a for a in plan.agreements if a.follow_up_by is None or a.follow_up_by in people]
    people |= {a.owner for a in actions if a.owner}
    members = {x.member for x in (*goals, *actions) if x.member}
    participants = [p for p in plan.participants if p.id in people]
    org_ids = {org_id} | {x.org for x in (*participants, *goals, *actions) if x.org}
    return replace(
        plan,
        dreams=[],
        resources=[],
        challenges=[],
        organisations=[o for o in plan.organisations if o.id in org_ids],
        consents=[c for c in plan.consents if c.org == org_id],
        participants=participants,
        members=[m for m in plan.members if m.id in members],
        goals=goals,
        actions=actions,
        agreements=agreements,
        ratings=[
            replace(r, by=r.by if r.by in people else None)
            for r in plan.ratings
            if r.goal in goal_ids
        ],
    )
