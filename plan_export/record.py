"""The plan record: the citizen's plan as versioned JSON, out of and into a board.

The schema is ``docs/plan-record.schema.json`` (JSON Schema draft 2020-12,
``record_version`` 1). Export builds the record from a :class:`~board.plan.Plan`
and checks it; import checks a record fully — schema, unique ids, references —
before anything is created, and names the first wrong field as a JSON pointer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from board.fields import Invalid, timestamp
from board.plan import ITEM_CLASSES, Plan, plan_from_dict
from board.safetext import safe_value
from plan_export.untrusted import bad_value

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

RECORD_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "plan-record.schema.json"

# list name -> item class; the order also decides which references are checked first
COLLECTIONS: dict[str, type] = ITEM_CLASSES
# (list, field) -> list whose ids the field must name
REFERENCES: dict[tuple[str, str], str] = {
    ("consents", "org"): "organisations",
    ("participants", "org"): "organisations",
    ("goals", "org"): "organisations",
    ("actions", "org"): "organisations",
    ("goals", "parent"): "goals",
    ("goals", "member"): "members",
    ("actions", "goal"): "goals",
    ("actions", "owner"): "participants",
    ("actions", "member"): "members",
    ("agreements", "follow_up_by"): "participants",
    ("ratings", "goal"): "goals",
    ("ratings", "by"): "participants",
}


class RecordError(ValueError):
    """An invalid plan record; ``path`` is a JSON pointer to the wrong field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or '/'}: {message}")
        self.path = path
        self.message = message


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _real_date(value: object) -> bool:
    return not isinstance(value, str) or _parses(date.fromisoformat, value)


def _real_time(value: object) -> bool:
    return not isinstance(value, str) or _parses(datetime.fromisoformat, value)


def _parses(parse: Callable[[str], object], value: str) -> bool:
    try:
        parse(value)
    except ValueError:
        return False
    return True


@cache
def _validator() -> Draft202012Validator:
    """The schema's validator; ``date`` and ``date-time`` are checked as real calendar values.

    jsonschema is imported here, when a record is first checked: ~4 MB an idle server
    does not need."""
    from jsonschema import Draft202012Validator, FormatChecker

    formats = FormatChecker(formats=())
    formats.checks("date")(_real_date)
    formats.checks("date-time")(_real_time)
    return Draft202012Validator(schema(), format_checker=formats)


def _pointer(parts: object) -> str:
    return "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in parts)  # type: ignore[union-attr]


def _describe(error: ValidationError) -> str:
    """What is wrong, in words that never repeat the (possibly personal) value itself."""
    rule = error.validator_value
    words = {
        "required": "is required",
        "type": f"must be of type {rule}",
        "enum": f"must be one of {', '.join(map(str, rule))}" if isinstance(rule, list) else "",
        "const": f"must be {rule!r}",
        "maxLength": f"is longer than {rule} characters",
        "minLength": "must not be empty",
        "pattern": "must not be empty" if rule == "\\S" else "does not have the required form",
        "format": f"is not a valid {rule}",
        "maxItems": f"has more than {rule} entries",
        "minimum": f"must be at least {rule}",
        "maximum": f"must be at most {rule}",
    }.get(str(error.validator))
    if words:
        return words
    return error.message[:200] if error.validator == "additionalProperties" else "is invalid"


def validate_record(data: object) -> None:
    """Raise :class:`RecordError` unless ``data`` is a valid record (schema and references)."""
    problem = bad_value(data)
    if problem is not None:
        raise RecordError(*problem)
    if isinstance(data, dict) and data.get("record_version") != RECORD_VERSION:
        raise RecordError("/record_version", f"must be {RECORD_VERSION} (the version this reads)")
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(data))
    if error is not None:
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            path.append(next(p for p in error.validator_value if p not in error.instance))
        raise RecordError(_pointer(path), _describe(error))
    assert isinstance(data, dict)
    ids: dict[str, set[str]] = {}
    for name in COLLECTIONS:
        ids[name] = set()
        for index, item in enumerate(data.get(name, [])):
            if item["id"] in ids[name]:
                raise RecordError(f"/{name}/{index}/id", f"duplicate id {item['id']!r}")
            ids[name].add(item["id"])
    for (name, field), target in REFERENCES.items():
        for index, item in enumerate(data.get(name, [])):
            ref = item.get(field)
            if ref is not None and ref not in ids[target]:
                raise RecordError(f"/{name}/{index}/{field}", f"no {target} item with id {ref!r}")
    _check_no_cycles(data.get("goals", []))
    _check_moments(data)


# fields holding a timestamp: the schema checks the pattern, this that it is a real moment
TIMESTAMPS = ("exported_at", "updated", "agreed_at", "created", "given_at", "withdrawn_at")


def _check_moments(data: dict) -> None:
    def walk(value: object, path: list[object]) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in TIMESTAMPS and isinstance(inner, str):
                    try:
                        timestamp(inner)
                    except Invalid:
                        raise RecordError(_pointer([*path, key]), "is not a real moment") from None
                walk(inner, [*path, key])
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, [*path, index])

    walk(data, [])


def _check_no_cycles(goals: list[dict]) -> None:
    parent = {g["id"]: g.get("parent") for g in goals}
    for index, goal in enumerate(goals):
        seen = {goal["id"]}
        node = parent[goal["id"]]
        while node is not None:
            if node in seen:
                raise RecordError(f"/goals/{index}/parent", "sub-goals form a cycle")
            seen.add(node)
            node = parent[node]


def plan_to_record(
    plan: Plan, *, board_id: str | None = None, exported_at: str | None = None
) -> dict[str, Any]:
    """The record of ``plan``, checked against the schema (a failure is a bug: it raises).

    Texts go out as every other format sends them (board.safetext): without control and
    bidi-override characters, NFC-normalised."""
    record: dict[str, Any] = safe_value(  # type: ignore[assignment]
        {
            "record_version": RECORD_VERSION,
            "board_id": board_id,
            "exported_at": exported_at,
            **asdict(plan),
        },
        ID_KEYS,
    )
    for name, key in REQUIRED_TEXTS:  # a text of only unsafe characters: "-", as in FHIR
        for item in record.get(name, []):
            if not item[key].strip():
                item[key] = "-"
    validate_record(record)
    return record


# ids and references: exported as they are (cleaning could make two ids one)
ID_KEYS = frozenset(
    {
        "id",
        "board_id",
        "parent",
        "goal",
        "owner",
        "member",
        "follow_up_by",
        "by",
        "org",
        "proposed_by",
    }
)
# texts an item cannot be without
REQUIRED_TEXTS = (
    ("organisations", "name"),
    ("participants", "name"),
    ("members", "name"),
    ("goals", "title"),
    ("actions", "what"),
    ("agreements", "text"),
)


def record_to_plan(data: object) -> Plan:
    """A :class:`Plan` from a record; raises :class:`RecordError` naming the wrong field."""
    validate_record(data)
    assert isinstance(data, dict)
    return plan_from_dict(data)
