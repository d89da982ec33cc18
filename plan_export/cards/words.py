"""Plan items in the words a card shows (static/src/canvas/cards/words.js says the same)."""

from __future__ import annotations

from board import schema
from board.i18n import t
from board.plan import Plan
from plan_export.text import short_date


def office_of(item: object, plan: Plan) -> str:
    """Where an item belongs ("Hvor"): the ONE place that reads an office — the name of the
    organisation it refers to (``org``), else its free text (boards from before)."""
    org = plan.organisation(getattr(item, "org", None))
    if org is not None:
        return org.name
    return getattr(item, "office", None) or getattr(item, "organisation", "") or ""


def person_name(plan: Plan, pid: str | None, lang: str) -> str:
    """A participant's name; a proposer stored by role or display name is shown as such."""
    if not pid:
        return ""
    person = plan.participant(pid)
    if person:
        return person.name
    return t(f"role.{pid}", lang) if pid in schema.ROLES else pid


def fact(label_key: str, value: str, lang: str) -> str:
    return t("card.fact", lang, label=t(label_key, lang), value=value)


def date(value: str | None) -> str:
    return short_date(value)
