"""Server-side writes of plan items and whole plans into a board document.

Used by the plan-record import, templates and server edits. Each item is written
as ONE plain JSON object keyed by its id, exactly as docs/board-format.md says a
client writes it. Call inside ``doc.transaction()`` to make a batch one update.
"""

from __future__ import annotations

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
)

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
