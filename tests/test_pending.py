"""board/pending.py on real pycrdt docs: what a doc holds pending, and when it no longer does."""

from __future__ import annotations

from pycrdt import Doc, Map

from board.pending import leftover


def two_edits() -> tuple[bytes, bytes, bytes]:
    """X from one client; Y overwrites X's key (it builds on X); Z only deletes X's other key."""
    a = Doc()
    a.get("m", type=Map).update({"x": 1, "gone": 2})
    x = a.get_update()
    b = Doc()
    b.apply_update(x)
    before = b.get_state()
    b.get("m", type=Map)["x"] = 3
    y = b.get_update(before)
    c = Doc()
    c.apply_update(x)
    before = c.get_state()
    del c.get("m", type=Map)["gone"]
    z = c.get_update(before)
    return x, y, z


def test_an_update_built_on_a_missing_one_is_left_over_until_that_one_arrives() -> None:
    x, y, _z = two_edits()
    doc = Doc()
    doc.apply_update(y)
    assert doc.get_update() == b"\x00\x00"  # pycrdt leaves the pending struct out
    assert leftover(y, doc.get_state()) is not None
    doc.apply_update(x)
    assert leftover(y, doc.get_state()) is None
    assert leftover(x, doc.get_state()) is None
    assert doc.get("m", type=Map).to_py() == {"x": 3.0, "gone": 2.0}


def test_a_deletion_of_a_missing_item_is_left_over_too() -> None:
    x, _y, z = two_edits()
    doc = Doc()
    doc.apply_update(z)  # deletes an item the doc does not have: a pending delete set
    assert leftover(z, doc.get_state()) is not None
    doc.apply_update(x)
    assert leftover(z, doc.get_state()) is None
    assert doc.get("m", type=Map).to_py() == {"x": 1.0}


def test_updates_applied_in_order_leave_nothing() -> None:
    doc, source, updates = Doc(), Doc(), []
    source.observe(lambda event: updates.append(event.update))
    for i in range(50):
        source.get("m", type=Map)[f"k{i % 7}"] = i
    for update in updates:
        doc.apply_update(update)
        assert leftover(update, doc.get_state()) is None
