"""Reading a board document: the example plan survives, broken items are reported.

Also covers the guard's role policy and limits on concrete cases (the property
tests in test_board_props.py cover arbitrary documents).
"""

from __future__ import annotations

from pycrdt import Array, Doc, Map, Text

from board import schema
from board.elements import bounds
from board.limits import REPAIR_ORIGIN, Guard, close_code
from board.plan import Participant
from board.read import read_elements, read_meta, read_plan
from board.write import put_item, write_meta, write_plan
from plan_export.record import record_to_plan
from tests.export_samples import example_doc, example_record


def test_example_plan_reads_back_unchanged() -> None:
    plan = record_to_plan(example_record())
    doc = Doc()
    write_plan(doc, plan)
    read, problems = read_plan(doc)
    assert problems == []
    assert read.own_goal.text.startswith("Jeg vil have et arbejde")
    assert {g.id: g for g in read.goals} == {g.id: g for g in plan.goals}
    assert {a.id: a for a in read.actions} == {a.id: a for a in plan.actions}
    assert {p.id: p for p in read.participants} == {p.id: p for p in plan.participants}
    assert read.members == plan.members and read.agreements == plan.agreements
    assert read.next_meeting == plan.next_meeting and read.citizen == plan.citizen
    assert [s.id for s in read.subgoals("g-job")] == ["g-kursus", "g-praktik"]
    assert read.participants[0].role == "citizen"  # the citizen first, then by role
    assert [g.id for g in read.goals if g.is_proposal] == ["g-fritid"]


def test_garbage_items_are_skipped_or_repaired_field_by_field() -> None:
    doc = example_doc()
    goals = doc.get(schema.GOALS, type=Map)
    goals["bad-horizon"] = {"id": "bad-horizon", "title": "Bolig", "horizon": "soon", "rank": "x"}
    goals["no-title"] = {"id": "no-title", "description": "uden titel"}
    goals["nested"] = Map({"title": "a nested map"})
    goals["list"] = [1, 2, 3]
    goals["huge"] = {"id": "huge", "title": "å" * 100_000}
    doc.get(schema.ACTIONS, type=Map)["a-ghost"] = {
        "what": "Ring",
        "owner": "nobody",
        "due": "2026-02-30",
        "carried_over": 2.0,
    }
    doc.get(schema.PLAN, type=Map)["dreams"] = ["godt", 42, None, "x" * 500]
    doc.get(schema.PLAN, type=Map)["citizen"] = Text("not an object")
    plan, problems = read_plan(doc)
    by_id = {g.id: g for g in plan.goals}
    assert by_id["bad-horizon"].horizon == "now" and by_id["bad-horizon"].rank == 0
    assert len(by_id["huge"].title) == schema.MAX_TITLE
    assert "no-title" not in by_id and "nested" not in by_id and "list" not in by_id
    ghost = next(a for a in plan.actions if a.id == "a-ghost")
    assert (ghost.owner, ghost.due, ghost.carried_over) == (None, None, 2)
    assert plan.dreams == ["godt", "x" * schema.MAX_TITLE]
    assert plan.citizen.name == ""
    for expected in (
        "goals/bad-horizon.horizon: not one of now, next, later, parked, set to default",
        "goals/no-title.title: missing, item skipped",
        "goals/nested: not an object (Map), skipped",
        "goals/huge.title: longer than 200 characters, clipped",
        "actions/a-ghost.owner: refers to a missing item, cleared",
        "actions/a-ghost.due: not a real date, set to default",
    ):
        assert expected in problems


def test_cycles_of_parents_are_broken_and_missing_participants_cleared() -> None:
    doc = Doc()
    goals = doc.get(schema.GOALS, type=Map)
    for gid, parent in (("a", "b"), ("b", "c"), ("c", "a"), ("d", "a"), ("e", "e")):
        goals[gid] = {"id": gid, "title": gid.upper(), "parent": parent}
    doc.get(schema.AGREEMENTS, type=Map)["ag"] = {"id": "ag", "text": "Aftale", "follow_up_by": "x"}
    doc.get(schema.PROGRESS, type=Map)["r"] = {
        "id": "r",
        "goal": "gone",
        "date": "2026-01-01",
        "value": 3,
    }
    plan, problems = read_plan(doc)
    parents = {g.id: g.parent for g in plan.goals}
    assert parents["e"] is None and parents["d"] == "a"
    # walking up from any goal ends at a top goal
    for gid in parents:
        seen: set[str] = set()
        while gid is not None:
            assert gid not in seen
            seen.add(gid)
            gid = parents[gid]
    assert sum("closes a cycle" in p for p in problems) == 2
    assert plan.agreements[0].follow_up_by is None and plan.ratings == []


def test_broken_root_types_still_read() -> None:
    doc = Doc()
    doc.get(schema.GOALS, type=Array).append({"id": "g", "title": "in an array"})
    doc.get(schema.ELEMENTS, type=Text).insert(0, "not a map")
    plan, _ = read_plan(doc)
    elements, _ = read_elements(doc)
    assert plan.goals == [] and elements == []


def test_elements_are_checked_by_type_and_sorted_by_z() -> None:
    doc = Doc()
    elements = doc.get(schema.ELEMENTS, type=Map)
    elements["s"] = {
        "id": "s",
        "type": "stroke",
        "z": 2,
        "points": [0, 0, 500, 100.4, 50, 500, 7],
        "color": "#112233",
        "width": 30,
        "tool": "pen",
    }
    elements["n"] = {
        "id": "n",
        "type": "note",
        "z": 1,
        "x": 10,
        "y": 20,
        "w": 300,
        "h": 200,
        "text": "Husk mappen",
        "color": "pink",
    }
    elements["c"] = {
        "id": "c",
        "type": "card",
        "z": 3,
        "x": 0,
        "y": 0,
        "w": 10,
        "h": 10,
        "ref": {"kind": "banana", "id": "g"},
    }
    elements["f"] = {
        "id": "f",
        "type": "frame",
        "z": 0,
        "x": 0,
        "y": 0,
        "w": 5,
        "h": 5,
        "lane": {"field": "status", "value": "nearly"},
    }
    elements["u"] = {"id": "u", "type": "hologram"}
    read, problems = read_elements(doc)
    assert [e["id"] for e in read] == ["f", "n", "s"]
    stroke = read[-1]
    assert stroke["points"] == [0, 0, 500, 100, 50, 500]
    assert read[0]["lane"] is None
    assert bounds(stroke) == (0, 0, 100, 50)
    assert "elements/u.type: unknown element type, skipped" in problems
    assert any(p.startswith("elements/c.ref:") for p in problems)


def test_meta_reads_with_defaults() -> None:
    doc = Doc()
    write_meta(doc, title="Sofies tavle", template="vejen")
    doc.get(schema.META, type=Map)["language"] = "klingon"
    meta, problems = read_meta(doc)
    assert meta["title"] == "Sofies tavle" and meta["format"] == schema.FORMAT_VERSION
    assert meta["language"] == "da"
    assert problems == ["meta.language: not one of da, en, set to default"]


def test_guard_only_citizen_agrees_and_observer_writes_nothing() -> None:
    doc = example_doc()
    guard = Guard(doc)
    goals = doc.get(schema.GOALS, type=Map)
    proposal = dict(goals["g-fritid"])
    goals["g-fritid"] = {**proposal, "agreed_at": "2026-11-23T10:00:00Z"}
    problems = guard.after_update("professional")
    assert problems == ["role: only the citizen may agree to goals/g-fritid"]
    assert close_code(problems) == 4403
    assert goals["g-fritid"]["agreed_at"] is None
    goals["g-fritid"] = {**proposal, "agreed_at": "2026-11-23T10:00:00Z"}
    assert guard.after_update("citizen") == []
    assert goals["g-fritid"]["agreed_at"] == "2026-11-23T10:00:00Z"
    goals["g-fritid"] = {**proposal, "title": "Svømning", "agreed_at": "2026-11-23T10:00:00Z"}
    assert guard.after_update("coordinator") == []  # editing keeps the agreement
    before = goals.to_py()
    goals["g-new"] = {"id": "g-new", "title": "Nyt"}
    del goals["g-job"]
    assert len(guard.after_update("observer")) == 2
    assert goals.to_py() == before


def test_guard_limits_repair_in_one_server_transaction() -> None:
    doc = Doc()
    guard = Guard(doc)
    origins: list[object] = []
    members = doc.get(schema.MEMBERS, type=Map)
    subscription = members.observe(lambda e: origins.append(e.transaction.origin))
    limit = schema.MAX_ITEMS[schema.MEMBERS]
    with doc.transaction():
        for i in range(limit):
            members[f"m{i}"] = {"id": f"m{i}", "name": f"Barn {i}", "relation": ""}
    assert guard.after_update("coordinator") == []  # exactly at the limit
    # three more (only new keys can be the ones removed) and a too-long name on an old one
    with doc.transaction():
        for i in range(limit, limit + 3):
            members[f"m{i}"] = {"id": f"m{i}", "name": f"Barn {i}", "relation": ""}
    members["m0"] = {"id": "m0", "name": "x" * 5000, "relation": ""}
    problems = guard.after_update("coordinator")
    assert len(members) == schema.MAX_ITEMS[schema.MEMBERS]
    assert sum("more than 30 items" in p for p in problems) == 3
    assert len(members["m0"]["name"]) == schema.MAX_TITLE
    assert close_code(problems) == 4413
    assert origins[-1] == REPAIR_ORIGIN
    members.unobserve(subscription)
    put_item(doc, Participant(id="p9", name="Ny fagperson", organisation="PPR"))
    guard.accept()  # a trusted change is not checked
    assert guard.after_update("observer") == []


NOTE = {
    "id": "n",
    "type": "note",
    "z": 1,
    "author": "Mette",
    "created": 1,
    "x": 0,
    "y": 0,
    "w": 300,
    "h": 200,
    "text": "Husk",
    "color": "pink",
}


def test_guard_leaves_server_edits_and_rounding_alone() -> None:
    doc = example_doc()
    guard = Guard(doc)
    goals = doc.get(schema.GOALS, type=Map)
    with doc.transaction(origin="server"):  # e.g. rooms.edit or a relayed update
        goals["g-fritid"] = {**goals["g-fritid"], "agreed_at": "2026-11-23T10:00:00Z"}
    note = {**NOTE, "x": 10.5, "y": 20}
    doc.get(schema.ELEMENTS, type=Map)["n"] = note
    assert guard.after_update("professional") == []
    assert goals["g-fritid"]["agreed_at"] == "2026-11-23T10:00:00Z"
    assert doc.get(schema.ELEMENTS, type=Map)["n"]["x"] == 10.5  # readers round it
    assert read_elements(doc)[0][0]["x"] == 10


def test_guard_leaves_a_plan_item_without_newer_fields_as_written_but_not_an_element() -> None:
    """A goal written before ``org`` and ``kind`` existed (an old board, or a client that
    keeps an item's old shape when it changes it) reads at their defaults: rewriting it
    overwrote the citizen's agreement made before the repair reached her tablet."""
    doc = example_doc()
    guard = Guard(doc)
    goals = doc.get(schema.GOALS, type=Map)
    old = {k: v for k, v in goals["g-fritid"].items() if k not in ("org", "kind")}
    goals["g-fritid"] = old
    assert guard.after_update("citizen") == []
    goals["g-fritid"] = {**old, "agreed_at": "2026-11-23T10:00:00Z"}
    assert guard.after_update("citizen") == []
    assert goals["g-fritid"] == {**old, "agreed_at": "2026-11-23T10:00:00Z"}
    # the role policy and the shape checks hold for such an item as for any other
    goals["g-fritid"] = {**old, "agreed_at": None, "title": "Svømning"}
    problems = guard.after_update("coordinator")
    assert problems == ["role: only the citizen may agree to goals/g-fritid"]
    assert goals["g-fritid"]["agreed_at"] == "2026-11-23T10:00:00Z"
    goals["g-fritid"] = {**old, "secret": "x"}
    assert guard.after_update("citizen") == ["goals/g-fritid: unknown keys removed"]
    assert "secret" not in goals["g-fritid"] and goals["g-fritid"]["kind"] == "goal"
    # the browser draws an element as stored: a missing field is still filled in
    note = {key: value for key, value in NOTE.items() if key != "color"}
    doc.get(schema.ELEMENTS, type=Map)["n"] = note
    assert guard.after_update("professional") == [
        "elements/n: missing fields set to their defaults"
    ]
    assert doc.get(schema.ELEMENTS, type=Map)["n"]["color"]
