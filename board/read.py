"""Read a board document defensively into the typed plan and the list of elements.

Any document — written by a buggy or hostile client, half-synced, or garbage —
reads without an exception: each invalid or partial item is skipped or repaired
field by field, and every such decision is reported as a plain-text problem
naming the map, the item id and the field. Nothing here writes to the document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from pycrdt import Doc, Map

from board import schema
from board.elements import clean_element, readable
from board.fields import (
    Field,
    boolean,
    choice,
    clean_item,
    clock,
    ident,
    integer,
    iso_date,
    keyed,
    number,
    optional,
    pattern,
    record,
    text,
    text_list,
    timestamp,
)
from board.i18n import DEFAULT_LANGUAGE, LANGUAGES
from board.plan import Plan, plan_from_dict

SHORT = text(schema.MAX_TITLE)
LONG = text(schema.MAX_TEXT)
REF = optional(ident)
# a participant id, or the display name / role of a proposer who is not in the network
PROPOSER = optional(text(schema.MAX_TITLE, required=True))

ITEM_FIELDS: dict[str, tuple[Field, ...]] = {
    schema.ORGANISATIONS: (
        Field("id", ident, required=True),
        Field("name", text(schema.MAX_TITLE, required=True), required=True),
        Field("kind", choice(schema.ORG_KINDS), "other"),
        Field("sor", pattern(r"[0-9]{1,18}"), ""),
        Field("cvr", pattern(r"[0-9]{8}"), ""),
        Field("municipality", pattern(r"[0-9]{3,4}"), ""),
        Field("kombit", SHORT, ""),
    ),
    schema.CONSENTS: (
        Field("id", ident, required=True),
        Field("org", ident, required=True),
        Field("given_by", SHORT, ""),
        Field("given_at", optional(timestamp), None),
        Field("scope", LONG, ""),
        Field("expires", optional(iso_date), None),
        Field("withdrawn_at", optional(timestamp), None),
    ),
    schema.PARTICIPANTS: (
        Field("id", ident, required=True),
        Field("name", text(schema.MAX_TITLE, required=True), required=True),
        Field("role", choice(schema.ROLES), "professional"),
        Field("organisation", SHORT, ""),
        Field("phone", SHORT, ""),
        Field("email", SHORT, ""),
        Field("contact_person", boolean, False),
        Field("org", REF, None),
        Field("relation", SHORT, ""),
    ),
    schema.MEMBERS: (
        Field("id", ident, required=True),
        Field("name", text(schema.MAX_TITLE, required=True), required=True),
        Field("relation", SHORT, ""),
    ),
    schema.GOALS: (
        Field("id", ident, required=True),
        Field("title", text(schema.MAX_TITLE, required=True), required=True),
        Field("description", LONG, ""),
        Field("horizon", choice(schema.HORIZONS), "now"),
        Field("rank", number(), 0.0),
        Field("office", SHORT, ""),
        Field("parent", REF, None),
        Field("member", REF, None),
        Field("proposed_by", PROPOSER, None),
        Field("agreed_at", optional(timestamp), None),
        Field("status", choice(schema.GOAL_STATUSES), "active"),
        Field("created", optional(timestamp), None),
        Field("org", REF, None),
        Field("kind", choice(schema.GOAL_KINDS), "goal"),
    ),
    schema.ACTIONS: (
        Field("id", ident, required=True),
        Field("what", text(schema.MAX_TITLE, required=True), required=True),
        Field("goal", REF, None),
        Field("owner", REF, None),
        Field("office", SHORT, ""),
        Field("due", optional(iso_date), None),
        Field("status", choice(schema.STATUSES), "not_started"),
        Field("approval", choice(schema.APPROVALS), "not_needed"),
        Field("follow_up", optional(iso_date), None),
        Field("carried_over", integer(0, 1000), 0),
        Field("note", LONG, ""),
        Field("expected_result", LONG, ""),
        Field("member", REF, None),
        Field("proposed_by", PROPOSER, None),
        Field("agreed_at", optional(timestamp), None),
        Field("rank", number(), 0.0),
        Field("created", optional(timestamp), None),
        Field("org", REF, None),
        Field("activity_type", choice(schema.ACTIVITY_TYPES), ""),
        Field("start", optional(iso_date), None),
    ),
    schema.AGREEMENTS: (
        Field("id", ident, required=True),
        Field("text", text(schema.MAX_TEXT, required=True), required=True),
        Field("follow_up_by", REF, None),
        Field("date", optional(iso_date), None),
    ),
    schema.PROGRESS: (
        Field("id", ident, required=True),
        Field("goal", ident, required=True),
        Field("date", iso_date, required=True),
        Field("value", number(), required=True),
        Field("by", REF, None),
        Field("note", LONG, ""),
    ),
}

PLAN_FIELDS: tuple[Field, ...] = (
    Field("title", SHORT, ""),
    Field(
        "citizen",
        record((Field("name", SHORT, ""), Field("alias", SHORT, ""))),
        {"name": "", "alias": ""},
    ),
    Field(
        "own_goal",
        record((Field("text", LONG, ""), Field("updated", optional(timestamp), None))),
        {"text": "", "updated": None},
    ),
    Field("dreams", text_list, []),
    Field("resources", text_list, []),
    Field("challenges", text_list, []),
    Field(
        "next_meeting",
        record(
            (
                Field("date", optional(iso_date), None),
                Field("time", optional(clock), None),
                Field("place", SHORT, ""),
            )
        ),
        {"date": None, "time": None, "place": ""},
    ),
    Field("purpose", LONG, ""),
    Field("expected_end", optional(iso_date), None),
    Field("case_number", SHORT, ""),
)

META_FIELDS: tuple[Field, ...] = (
    Field("format", integer(1, 1000), schema.FORMAT_VERSION),
    Field("kind", choice((schema.KIND_CASE, schema.KIND_TEAM)), schema.KIND_CASE),
    Field("title", SHORT, ""),
    Field("template", SHORT, ""),
    Field("created", optional(timestamp), None),
    Field("language", choice(LANGUAGES), DEFAULT_LANGUAGE),
)

# references that must point at an existing item: (map, field) -> target map
REFERENCES: dict[tuple[str, str], str] = {
    (schema.PARTICIPANTS, "org"): schema.ORGANISATIONS,
    (schema.GOALS, "org"): schema.ORGANISATIONS,
    (schema.ACTIONS, "org"): schema.ORGANISATIONS,
    (schema.GOALS, "parent"): schema.GOALS,
    (schema.GOALS, "member"): schema.MEMBERS,
    (schema.ACTIONS, "goal"): schema.GOALS,
    (schema.ACTIONS, "owner"): schema.PARTICIPANTS,
    (schema.ACTIONS, "member"): schema.MEMBERS,
    (schema.AGREEMENTS, "follow_up_by"): schema.PARTICIPANTS,
    (schema.PROGRESS, "by"): schema.PARTICIPANTS,
}


def clean_plan_item(
    map_name: str, key: object, raw: object, fields: tuple[Field, ...] | None = None
) -> tuple[dict | None, list[str]]:
    """Check one entry of a plan collection (no cross-references): ``(clean, problems)``.

    ``fields``: stricter ones than the reader's ``ITEM_FIELDS[map_name]`` (the guard's).
    """
    label = f"{map_name}/{str(key)[:80]}"
    problems: list[str] = []
    fields = ITEM_FIELDS[map_name] if fields is None else fields
    clean, found = clean_item(keyed(raw, key, label, problems), fields, label)
    return clean, problems + found


def _entries(doc: Doc, name: str, problems: list[str]) -> Iterator[tuple[str, Any]]:
    """``(key, value)`` of a top-level map; a broken map yields nothing and a problem."""
    try:
        items = list(doc.get(name, type=Map).items())
    except Exception as exc:  # any shape of broken root must still read
        problems.append(f"{name}: unreadable ({type(exc).__name__}), skipped")
        return iter(())
    return iter(items)


def _collection(doc: Doc, name: str, problems: list[str]) -> dict[str, dict]:
    clean_items: dict[str, dict] = {}
    for key, raw in _entries(doc, name, problems):
        if len(clean_items) >= schema.MAX_ITEMS[name]:
            problems.append(f"{name}: more than {schema.MAX_ITEMS[name]} items, rest skipped")
            break
        clean, item_problems = clean_plan_item(name, key, raw)
        problems.extend(item_problems)
        if clean is not None:
            clean_items[key] = clean
    return clean_items


def _singletons(doc: Doc, name: str, fields: tuple[Field, ...], problems: list[str]) -> dict:
    values = dict(_entries(doc, name, problems))
    clean, found = clean_item(values, fields, name)
    problems.extend(found)
    return clean or {f.name: f.default for f in fields}


def resolve_references(items: dict[str, dict[str, dict]], problems: list[str]) -> None:
    """Empty every dangling reference and break cycles of sub-goal parents, in place."""
    for (map_name, field), target in REFERENCES.items():
        for key, item in items[map_name].items():
            ref = item[field]
            if ref is not None and ref not in items[target]:
                problems.append(f"{map_name}/{key}.{field}: refers to a missing item, cleared")
                item[field] = None
    goals = items[schema.GOALS]
    for key in goals:
        seen = {key}
        node = goals[key]
        while node["parent"] is not None:
            if node["parent"] in seen:
                problems.append(f"goals/{node['id']}.parent: closes a cycle, cleared")
                node["parent"] = None
                break
            seen.add(node["parent"])
            node = goals[node["parent"]]
    ratings = items[schema.PROGRESS]
    for key in [k for k, r in ratings.items() if r["goal"] not in goals]:
        problems.append(f"progress/{key}.goal: refers to a missing goal, skipped")
        del ratings[key]
    consents, orgs = items[schema.CONSENTS], items[schema.ORGANISATIONS]
    for key in [k for k, c in consents.items() if c["org"] not in orgs]:
        problems.append(f"consents/{key}.org: refers to a missing organisation, skipped")
        del consents[key]


# the free-text field that named an item's organisation before organisations were data
OFFICE_TEXT = {
    schema.PARTICIPANTS: "organisation",
    schema.GOALS: "office",
    schema.ACTIONS: "office",
}
NO_ORGANISATION = ("citizen", "relative")  # roles that never belong to an organisation


def name_only_id(name: str) -> str:
    """The id of the organisation made for a free-text office: the same on every reading."""
    digest = hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:16]
    return f"name-{digest}"


def link_offices(items: dict[str, dict[str, dict]]) -> None:
    """Turn old boards' free-text offices into organisation references, in place.

    A free text that names an organisation of the board (case-insensitively) refers to
    it; any other becomes a name-only organisation. A relative's text is a relation
    ("Sofies mor"), never an organisation. Every item that refers to an organisation
    gets its name in the old text field, so readers of either field see the same.
    """
    orgs = items[schema.ORGANISATIONS]
    by_name = {o["name"].strip().casefold(): o["id"] for o in orgs.values()}
    for map_name, text_field in OFFICE_TEXT.items():
        for item in items[map_name].values():
            if map_name == schema.PARTICIPANTS and item["role"] in NO_ORGANISATION:
                if item["role"] == "relative" and item[text_field] and not item["relation"]:
                    item["relation"] = item[text_field]
                item[text_field], item["org"] = "", None
                continue
            name = item[text_field].strip()
            if item["org"] is None and name:
                key = name.casefold()
                if key not in by_name:
                    oid = name_only_id(name)
                    orgs[oid] = {f.name: f.default for f in ITEM_FIELDS[schema.ORGANISATIONS]}
                    orgs[oid] |= {"id": oid, "name": name}
                    by_name[key] = oid
                item["org"] = by_name[key]
            if item["org"] is not None:
                item[text_field] = orgs[item["org"]]["name"]


def plan_from_items(plan_values: dict, items: dict[str, dict[str, dict]]) -> Plan:
    """Build the :class:`Plan` from clean singletons and clean, resolved collections."""
    plan = plan_from_dict(
        {
            **plan_values,
            "participants": items[schema.PARTICIPANTS].values(),
            "members": items[schema.MEMBERS].values(),
            "goals": items[schema.GOALS].values(),
            "actions": items[schema.ACTIONS].values(),
            "agreements": items[schema.AGREEMENTS].values(),
            "ratings": items[schema.PROGRESS].values(),
            "organisations": items[schema.ORGANISATIONS].values(),
            "consents": items[schema.CONSENTS].values(),
        }
    )
    plan.participants.sort(key=lambda p: (schema.ROLES.index(p.role), p.name.casefold(), p.id))
    plan.members.sort(key=lambda m: m.id)
    plan.goals.sort(key=lambda g: (g.rank, g.created or "", g.id))
    plan.actions.sort(key=lambda a: (a.rank, a.due or "9999", a.id))
    plan.agreements.sort(key=lambda a: (a.date or "9999", a.id))
    plan.ratings.sort(key=lambda r: (r.goal, r.date, r.id))
    plan.organisations.sort(key=lambda o: (o.name.casefold(), o.id))
    plan.consents.sort(key=lambda c: (c.given_at or "", c.id))
    return plan


def read_meta(doc: Doc) -> tuple[dict, list[str]]:
    """The ``meta`` singletons, checked: ``(meta, problems)``."""
    problems: list[str] = []
    return _singletons(doc, schema.META, META_FIELDS, problems), problems


def read_plan(doc: Doc) -> tuple[Plan, list[str]]:
    """The citizen's plan on this board and the problems met reading it; never raises."""
    problems: list[str] = []
    plan_values = _singletons(doc, schema.PLAN, PLAN_FIELDS, problems)
    items = {name: _collection(doc, name, problems) for name in ITEM_FIELDS}
    resolve_references(items, problems)
    link_offices(items)
    return plan_from_items(plan_values, items), problems


def read_elements(doc: Doc) -> tuple[list[dict], list[str]]:
    """The drawing's clean elements, bottom first (by ``z``), and the problems met."""
    problems: list[str] = []
    elements: list[dict] = []
    limit = schema.MAX_ITEMS[schema.ELEMENTS]
    for key, raw in _entries(doc, schema.ELEMENTS, problems):
        if len(elements) >= limit:
            problems.append(f"elements: more than {limit} items, rest skipped")
            break
        clean, found = clean_element(key, raw)
        problems.extend(found)
        if clean is not None:
            elements.append(readable(clean))
    elements.sort(key=lambda e: (e["z"], e["created"], e["id"]))
    return elements, problems
