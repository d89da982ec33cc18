"""Property tests: any document reads without an exception, and the guard leaves it clean.

Hypothesis writes arbitrary values — garbage, half-right items, nested shared
types, huge strings — into the board's maps, as a hostile client could, then
checks what the reader returns and what the guard repairs.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Array, Doc, Map, Text

from board import schema
from board.elements import ELEMENT_FIELDS, clean_element, is_clean_element
from board.limits import Guard
from board.read import ITEM_FIELDS, read_elements, read_plan
from board.write import write_plan
from plan_export.record import plan_to_record, record_to_plan

# few keys, so that references often hit an item; some keys are not valid ids at all
KEYS = st.sampled_from(["k1", "k2", "k3", "k1", "k2", "k3", "k4", "x" * 70, ""])
FIELD_NAMES = sorted(
    {f.name for fields in ITEM_FIELDS.values() for f in fields}
    | {
        "type",
        "points",
        "x",
        "y",
        "w",
        "h",
        "text",
        "shape",
        "ref",
        "lane",
        "from",
        "to",
        "color",
        "fill",
        "size",
        "tool",
        "width",
        "z",
        "kind",
        "value",
        "field",
    }
)
PLAUSIBLE = st.one_of(
    KEYS,
    st.sampled_from(
        [
            *schema.HORIZONS,
            *schema.STATUSES,
            *schema.APPROVALS,
            *schema.ROLES,
            *schema.ELEMENT_TYPES,
            *schema.SHAPES,
            *schema.NOTE_COLOURS,
            "#ff0000",
            "2026-12-07",
            "2026-02-30",
            "2026-11-23T09:30:00Z",
            "10:00",
            "25:00",
        ]
    ),
    st.lists(st.integers(-20_000_000, 20_000_000), max_size=12),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.builds(lambda n: "å" * n, st.sampled_from([199, 200, 201, 2001, 50_000])),
)
GARBAGE = st.recursive(
    st.one_of(SCALARS, PLAUSIBLE),
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=5)), inner, max_size=8
        ),
    ),
    max_leaves=10,
)
REF = st.one_of(st.none(), KEYS)
WORDS = st.sampled_from(["Få et job", "Æbler", "Ro på pengene", " ", "Emil"])
VALID_BY_NAME = {
    "id": KEYS,
    "parent": REF,
    "member": REF,
    "owner": REF,
    "goal": REF,
    "by": REF,
    "proposed_by": REF,
    "follow_up_by": REF,
    "from": KEYS,
    "to": KEYS,
    "horizon": st.sampled_from(schema.HORIZONS),
    "status": st.sampled_from(schema.STATUSES),
    "approval": st.sampled_from(schema.APPROVALS),
    "role": st.sampled_from(schema.ROLES),
    "shape": st.sampled_from(schema.SHAPES),
    "tool": st.sampled_from(schema.STROKE_TOOLS),
    "due": st.sampled_from([None, "2026-12-07"]),
    "follow_up": st.sampled_from([None, "2027-01-04"]),
    "date": st.sampled_from(["2026-12-07", "2026-11-23"]),
    "agreed_at": st.sampled_from([None, "2026-11-23T09:30:00Z"]),
    "created": st.integers(0, 2**41),
    "z": st.integers(-5, 5),
    "value": st.integers(0, 10),
    "points": st.lists(st.integers(-5000, 5000), max_size=9).map(lambda v: v[: len(v) // 3 * 3]),
    "color": st.sampled_from(["#ff0000", *schema.NOTE_COLOURS]),
    "fill": st.sampled_from([None, "#00ff00"]),
    "contact_person": st.booleans(),
    "ref": st.fixed_dictionaries({"kind": st.sampled_from(schema.CARD_KINDS), "id": KEYS}),
    "lane": st.sampled_from(
        [None, {"field": "status", "value": "done"}, {"field": "member", "value": "k1"}]
    ),
    "carried_over": st.integers(0, 3),
    "arrow": st.booleans(),
}
NUMBERS = st.integers(-3000, 3000)


def plausible(fields: tuple, fixed: dict) -> st.SearchStrategy:
    """An item with every field plausible."""
    names = [f.name for f in fields]
    defaults = {
        n: NUMBERS if n in ("x", "y", "w", "h", "rank", "width", "size") else WORDS for n in names
    }
    return st.fixed_dictionaries(
        defaults | {n: VALID_BY_NAME[n] for n in names if n in VALID_BY_NAME} | fixed
    )


def near_valid(fields: tuple, fixed: dict) -> st.SearchStrategy:
    """A mostly right item: every field plausible, then a few replaced by garbage or left out."""
    names = [f.name for f in fields]
    return st.tuples(
        plausible(fields, fixed),
        st.dictionaries(st.sampled_from(names), GARBAGE, max_size=2),
        st.lists(st.sampled_from(names), max_size=2),
    ).map(lambda t: {k: v for k, v in (t[0] | t[1]).items() if k not in t[2]})


SHARED = st.sampled_from(["map", "array", "text"])
ANY_OP = st.tuples(st.sampled_from([*schema.ALL_MAPS, "junk"]), KEYS, st.one_of(GARBAGE, SHARED))
ITEM_OPS = [
    st.tuples(st.just(name), KEYS, near_valid(fields, {})) for name, fields in ITEM_FIELDS.items()
]
ELEMENT_OPS = [
    st.tuples(st.just(schema.ELEMENTS), KEYS, near_valid(fields, {"type": st.just(kind)}))
    for kind, fields in ELEMENT_FIELDS.items()
]
OPS = st.lists(st.one_of(ANY_OP, *ITEM_OPS, *ELEMENT_OPS), max_size=20)
FAST = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def apply_ops(doc: Doc, ops: list) -> None:
    """Write every op as a client would: plain values, or a nested shared type."""
    for name, key, value in ops:
        target = doc.get(name, type=Map)
        if value == "map":
            target[key] = Map({"title": "x"})
        elif value == "array":
            target[key] = Array([1, 2])
        elif value == "text":
            target[key] = Text("hej")
        else:
            target[key] = value


def assert_clean_plan(doc: Doc) -> None:
    plan, problems = read_plan(doc)
    assert all(isinstance(p, str) for p in problems)
    goals = {g.id for g in plan.goals}
    for goal in plan.goals:
        assert goal.horizon in schema.HORIZONS and goal.title.strip()
        assert len(goal.title) <= schema.MAX_TITLE and len(goal.description) <= schema.MAX_TEXT
        assert goal.parent is None or goal.parent in goals
        assert math.isfinite(goal.rank)
    for action in plan.actions:
        assert action.status in schema.STATUSES and action.approval in schema.APPROVALS
        assert action.owner is None or plan.participant(action.owner) is not None
        assert isinstance(action.carried_over, int) and action.carried_over >= 0
    # the strongest check: whatever was read exports as a valid plan record
    plan_to_record(plan)


@FAST
@given(OPS)
def test_any_document_reads_without_exception(ops: list) -> None:
    doc = Doc()
    apply_ops(doc, ops)
    assert_clean_plan(doc)
    elements, problems = read_elements(doc)
    for element in elements:
        assert element["type"] in schema.ELEMENT_TYPES
        assert isinstance(element["id"], str) and 0 < len(element["id"]) <= schema.MAX_ID
    assert all(isinstance(p, str) for p in problems)


@FAST
@given(OPS)
def test_guard_leaves_only_clean_items(ops: list) -> None:
    doc = Doc()
    guard = Guard(doc)
    apply_ops(doc, ops)
    guard.after_update("professional")
    plan, problems = read_plan(doc)
    _, element_problems = read_elements(doc)
    # only cross-references may still be wrong: clients may delete what others point at
    assert all("refers to a missing" in p or "cycle" in p for p in problems), problems
    assert element_problems == []
    assert guard.after_update("professional") == []  # the repair is not checked again
    for name in schema.COLLECTIONS:
        for value in doc.get(name, type=Map).values():
            assert isinstance(value, dict)


@FAST
@given(OPS, OPS)
def test_guard_undoes_everything_an_observer_writes(setup: list, ops: list) -> None:
    doc = Doc()
    guard = Guard(doc)
    apply_ops(doc, setup)
    guard.after_update("coordinator")
    before = {name: doc.get(name, type=Map).to_py() for name in schema.ALL_MAPS}
    apply_ops(doc, ops)
    problems = guard.after_update("observer")
    after = {name: doc.get(name, type=Map).to_py() for name in schema.ALL_MAPS}
    if ops and any(name != "junk" for name, _, _ in ops):
        assert after == before
    assert all(p.startswith("role: ") for p in problems)


@FAST
@given(OPS)
def test_what_is_read_writes_back_and_round_trips_as_a_record(ops: list) -> None:
    doc = Doc()
    apply_ops(doc, ops)
    plan, _ = read_plan(doc)
    again = Doc()
    write_plan(again, plan)
    reread, problems = read_plan(again)
    assert problems == [] and reread == plan
    record = plan_to_record(plan)  # texts made safe (board/safetext.py), ids kept as they are
    assert plan_to_record(record_to_plan(record)) == record


FAST_KINDS = [kind for kind in ELEMENT_FIELDS if kind not in ("frame", "card")]
EDGES = {  # values on and just past each kind of bound, and the types a hostile client sends
    "number": st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.sampled_from(
            [
                0,
                -0.0,
                1,
                10,
                10_000,
                10_001,
                100_000,
                100_001,
                10_000_000,
                10_000_001,
                -10_000_001,
                1e12,
                1e12 + 1,
                -1e12 - 1,
                1e15,
                1e15 + 1,
                2**53,
            ]
        ),
    ),
    "text": st.sampled_from(
        [
            "",
            " ",
            "x" * 200,
            "x" * 201,
            "å" * 2000,
            "å" * 2001,
            "x" * 64,
            "x" * 65,
            "#1d3557",
            "#1d3557\n",
            "#1D355G",
            "yellow",
            "pen",
            "stroke",
            None,
            3,
        ]
    ),
    "points": st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.booleans(),
            st.integers(-10_000_001, 10_000_001),
        ),
        max_size=7,
    ),
}
NUMBER_FIELDS = {"x", "y", "w", "h", "z", "width", "size", "created"}


def edge_of(name: str) -> st.SearchStrategy:
    if name == "points":
        return EDGES["points"]
    return EDGES["number"] if name in NUMBER_FIELDS else EDGES["text"]


ELEMENTS_AT_THE_EDGE = st.one_of(
    *[
        st.tuples(
            plausible(ELEMENT_FIELDS[kind], {"type": st.just(kind)}),
            st.lists(st.sampled_from([f.name for f in ELEMENT_FIELDS[kind]]), max_size=3).flatmap(
                lambda names: st.fixed_dictionaries({n: edge_of(n) for n in names})
            ),
        ).map(lambda t: t[0] | t[1])
        for kind in FAST_KINDS
    ]
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        ELEMENTS_AT_THE_EDGE,
        *[near_valid(fields, {"type": st.just(kind)}) for kind, fields in ELEMENT_FIELDS.items()],
    ),
    KEYS,
    st.booleans(),
)
def test_the_compiled_element_check_passes_only_what_the_checkers_take_whole(
    value: dict, key: str, keyed: bool
) -> None:
    """The guard skips the field-by-field check when ``is_clean_element`` says yes: that
    must never let through anything the checkers would repair, clip or drop."""
    if keyed:
        value = {**value, "id": key}
    if is_clean_element(key, value):
        clean, problems = clean_element(key, value)
        assert problems == []
        assert clean is not None and clean.keys() == value.keys()


def test_the_compiled_element_check_takes_what_browsers_write() -> None:
    """Without this the fast path would silently never be used."""
    stroke = {
        "id": "s1",
        "type": "stroke",
        "z": 3,
        "author": "Emil",
        "created": 1.7e12,
        "points": [10.0, 20.0, 0.5, 11.0, 21.0, 0.5],
        "color": "#1d3557",
        "width": 4,
        "tool": "pen",
    }
    note = {
        "id": "n1",
        "type": "note",
        "z": 1,
        "author": "",
        "created": 0,
        "x": -50.0,
        "y": 7,
        "w": 200,
        "h": 150,
        "text": "Få et job",
        "color": "yellow",
    }
    for element in (stroke, note):
        assert is_clean_element(element["id"], element)
        assert clean_element(element["id"], element)[1] == []
    assert not is_clean_element("s1", {**stroke, "points": [1.0, 2.0]})  # ragged: repaired
    assert not is_clean_element("s1", {**stroke, "color": "#1d3557\n"})
    assert not is_clean_element("s1", {**stroke, "z": math.nan})
    assert not is_clean_element("s1", {**stroke, "width": True})
    assert not is_clean_element("other", stroke)  # id differs from its key
