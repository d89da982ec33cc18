"""The plan record: schema, export, import, round trips and clear errors."""

from __future__ import annotations

import copy
import json
from dataclasses import fields

import pytest
from jsonschema import Draft202012Validator
from pycrdt import Doc

from board.plan import Plan
from board.read import read_plan
from board.write import write_plan
from plan_export.record import (
    COLLECTIONS,
    RecordError,
    plan_to_record,
    record_to_plan,
    schema,
    validate_record,
)
from tests.export_samples import example_record


@pytest.fixture
def example() -> dict:
    return example_record()


def by_id(record: dict) -> dict:
    """The record with its lists keyed by id (order is the reader's choice)."""
    return {k: ({i["id"]: i for i in v} if k in COLLECTIONS else v) for k, v in record.items()}


def test_schema_is_valid_and_matches_the_dataclasses() -> None:
    Draft202012Validator.check_schema(schema())
    props = schema()["properties"]
    assert set(props) - {"record_version", "board_id", "exported_at", "office"} == {
        f.name for f in fields(Plan)
    }
    for name, cls in COLLECTIONS.items():
        item = props[name]["items"]["$ref"].rsplit("/", 1)[1]
        assert set(schema()["$defs"][item]["properties"]) == {f.name for f in fields(cls)}


def test_example_is_a_realistic_family_plan(example: dict) -> None:
    plan = record_to_plan(example)
    assert len(plan.top_goals()) >= 3 and any(g.parent for g in plan.goals)
    assert sum(1 for a in plan.actions if a.owner and a.due) >= 6
    assert len({p.organisation for p in plan.participants if p.role != "citizen"}) >= 5
    assert len(plan.members) >= 3 and plan.agreements and plan.next_meeting.date
    assert plan.own_goal.text and plan.citizen.name


def test_round_trip_through_a_board_document_keeps_every_field(example: dict) -> None:
    doc = Doc()
    write_plan(doc, record_to_plan(example))
    plan, problems = read_plan(doc)
    assert problems == []
    record = plan_to_record(plan, board_id="b1", exported_at="2026-11-23T12:00:00Z")
    assert (record["board_id"], record["exported_at"]) == ("b1", "2026-11-23T12:00:00Z")
    record.update(board_id=None, exported_at=None)
    assert by_id(record) == by_id(example)
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record


def test_a_minimal_record_gets_defaults() -> None:
    plan = record_to_plan(
        {
            "record_version": 1,
            "citizen": {"alias": "K"},
            "own_goal": {"text": "Et hjem"},
            "participants": [],
            "goals": [{"id": "g", "title": "Bolig"}],
            "actions": [],
        }
    )
    assert plan.goals[0].horizon == "now" and plan.citizen.name == ""
    assert plan_to_record(plan)["goals"][0]["status"] == "active"


@pytest.mark.parametrize(
    ("edit", "path", "words"),
    [
        (lambda r: r["goals"][1].update(horizon="soon"), "/goals/1/horizon", "one of now"),
        (lambda r: r["actions"][0].pop("what"), "/actions/0", "what"),
        (lambda r: r["actions"][2].update(owner="p-nobody"), "/actions/2/owner", "p-nobody"),
        (lambda r: r["goals"][0].update(parent="g-kursus"), "/goals/", "cycle"),
        (lambda r: r["members"].append(dict(r["members"][0])), "/members/3/id", "duplicate"),
        (lambda r: r["actions"][0].update(due="2026-02-30"), "/actions/0/due", ""),
        (lambda r: r.update(record_version=2), "/record_version", "1"),
        (lambda r: r["participants"][0].update(name="   "), "/participants/0/name", ""),
        (lambda r: r["goals"][0].update(title="x" * 201), "/goals/0/title", "long"),
        (lambda r: r.update(secret="x"), "/", "secret"),
        (lambda r: r["ratings"][0].update(goal="g-none"), "/ratings/0/goal", "g-none"),
    ],
)
def test_invalid_records_name_the_field(example: dict, edit, path: str, words: str) -> None:
    bad = copy.deepcopy(example)
    edit(bad)
    with pytest.raises(RecordError) as caught:
        record_to_plan(bad)
    assert caught.value.path.startswith(path) or (path == "/" and caught.value.path == "")
    assert words in str(caught.value)


@pytest.mark.parametrize("data", [None, [], "plan", {"record_version": 1}])
def test_not_a_record_at_all(data: object) -> None:
    with pytest.raises(RecordError):
        validate_record(data)
