"""Server-side writes of plan items and whole plans into a board document.

Used by the plan-record import, templates and server edits. Each item is written
as ONE plain JSON object keyed by its id, exactly as docs/board-format.md says a
client writes it. Call inside ``doc.transaction()`` to make a batch one update.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from pycrdt import Doc, Map

from board import schema
from board.plan import (
    Action,
    Agreement,
    Consent,
    Goal,
    Member,
    Organisation,
    Participant,
    Plan,
    Rating,
    same_org_name,
)
from board.read import name_only_id, read_plan

PlanItem = Organisation | Consent | Participant | Member | Goal | Action | Agreement | Rating

MAP_OF: dict[type, str] = {
    Organisation: schema.ORGANISATIONS,
    Consent: schema.CONSENTS,
    Participant: schema.PARTICIPANTS,
    Member: schema.MEMBERS,
    Goal: schema.GOALS,
    Action: schema.ACTIONS,
    Agreement: schema.AGREEMENTS,
    Rating: schema.PROGRESS,
}


def now_stamp() -> str:
    """The current time as the ISO UTC timestamp used in documents."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def put_item(doc: Doc, item: PlanItem) -> None:
    """Add or replace one plan item in its collection map."""
    doc.get(MAP_OF[type(item)], type=Map)[item.id] = asdict(item)


def write_plan(doc: Doc, plan: Plan) -> None:
    """Write every singleton and every item of ``plan`` (one transaction)."""
    with doc.transaction():
        singletons = doc.get(schema.PLAN, type=Map)
        singletons["title"] = plan.title
        singletons["citizen"] = asdict(plan.citizen)
        singletons["own_goal"] = asdict(plan.own_goal)
        singletons["dreams"] = list(plan.dreams)
        singletons["resources"] = list(plan.resources)
        singletons["challenges"] = list(plan.challenges)
        singletons["next_meeting"] = asdict(plan.next_meeting)
        singletons["purpose"] = plan.purpose
        singletons["expected_end"] = plan.expected_end
        singletons["case_number"] = plan.case_number
        for items in (
            plan.organisations,
            plan.consents,
            plan.participants,
            plan.members,
            plan.goals,
            plan.actions,
            plan.agreements,
            plan.ratings,
        ):
            for item in items:
                put_item(doc, item)


def write_meta(
    doc: Doc,
    *,
    title: str = "",
    kind: str = schema.KIND_CASE,
    template: str = "",
    language: str = "da",
    created: str | None = None,
) -> None:
    """Set the ``meta`` singletons of a new board."""
    with doc.transaction():
        meta = doc.get(schema.META, type=Map)
        meta["format"] = schema.FORMAT_VERSION
        meta["kind"] = kind
        meta["title"] = title
        meta["template"] = template
        meta["language"] = language
        meta["created"] = created or now_stamp()


def organisation_named(
    plan: Plan, name: str, known: Sequence[Organisation] = ()
) -> Organisation | None:
    """The organisation called ``name``: the board's own of that name
    (:func:`board.plan.same_org_name`), else the one of the municipality's list ``known``,
    else a name-only one (the id ``board.read`` gives a free-text office); None for no name.
    The client's "Hvem" does the same (static/src/plan/forms.js ``orgNamed``)."""
    name = " ".join(name.split())
    if not name:
        return None
    found = [o for o in (*plan.organisations, *known) if same_org_name(o.name, name)]
    return found[0] if found else Organisation(name_only_id(name), name)


def add_coordinator(
    doc: Doc, name: str, org_name: str = "", known: Sequence[Organisation] = ()
) -> str | None:
    """Put the case's coordinator into the plan's network: role ``coordinator``, whom the
    citizen's sheet shows as "Din kontaktperson" while no other contact is agreed
    (plan_export.sheet) and the record as the plan's author; with her organisation
    (:func:`organisation_named`, put on the board when it is not there yet).

    Once: nothing (None) when the network already has a coordinator; else her new
    participant id. Runs in the seeding of a new case's board (server/api/cases.py).
    """
    plan, _problems = read_plan(doc)
    if any(p.role == "coordinator" for p in plan.participants):
        return None
    org = organisation_named(plan, org_name, known)
    person = Participant(
        id=f"p-{uuid.uuid4().hex[:12]}",
        name=name,
        role="coordinator",
        organisation=org.name if org else "",
        org=org.id if org else None,
    )
    with doc.transaction():
        if org is not None and plan.organisation(org.id) is None:
            put_item(doc, org)
        put_item(doc, person)
    return person.id
