"""Every drawing tool in a real Chromium, checked by reading the canvas pixels back."""

from __future__ import annotations

import pytest

from tests import board_page
from tests.board_page import (
    NAVY,
    RED,
    WHITE,
    add,
    canvas_origin,
    click,
    drag,
    elements,
    ink,
    near,
    new_board,
    pixel,
    to_screen,
    tool,
)

opener = board_page.opener
shared_server = board_page.shared_server
YELLOW = (0xFF, 0xF3, 0xA3)
BLUE_NOTE = (0xC7, 0xE3, 0xFF)
PINK_NOTE = (0xFF, 0xC9, 0xDE)


@pytest.fixture
def server(shared_server):  # one server for the module
    return shared_server


@pytest.fixture(params=["mouse", "touch"])
def page(request, opener, server):
    """Every tool is tried with a mouse and with a finger (a touch-emulated tablet)."""
    touch = request.param == "touch"
    return opener(new_board(server, "Værktøjer"), has_touch=touch)


def count(page, type_: str) -> int:
    return sum(1 for e in elements(page) if e["type"] == type_)


def add_note(page, box: tuple[int, int, int, int], colour: str, text: str = "") -> str:
    """Put a note at ``box`` = ``(x, y, w, h)`` (board units) on the board; its id."""
    x, y, w, h = box
    note = {"type": "note", "x": x, "y": y, "w": w, "h": h, "text": text, "color": colour}
    return add(page, note)


def test_pen_colour_and_width(page) -> None:
    # the chosen colour is seen on its pressed button: navy on navy gets a white ring
    swatch = page.locator("#toolbar button[data-key=color-navy][aria-pressed=true] .swatch")
    ring, fill, button = swatch.evaluate(
        """(s) => [getComputedStyle(s).boxShadow, getComputedStyle(s).backgroundColor,
                   getComputedStyle(s.closest('button')).backgroundColor]"""
    )
    assert fill == button and ring.startswith("rgb(255, 255, 255) 0px 0px 0px 2px"), ring
    drag(page, [(100, 100), (400, 100)])
    assert near(pixel(page, 250, 100), NAVY)
    assert near(pixel(page, 250, 104), WHITE, 10)  # medium pen: 4 px wide
    tool(page, "color-red")
    tool(page, "width-thick")
    drag(page, [(100, 200), (400, 200)])
    assert near(pixel(page, 250, 200), RED)
    assert near(pixel(page, 250, 203), RED)  # thick pen: 8 px wide
    strokes = elements(page)
    assert sorted(s["width"] for s in strokes) == [40, 80]
    assert {s["color"] for s in strokes} == {"#1d3557", "#e63946"}


def test_highlighter_is_see_through(page) -> None:
    tool(page, "highlighter")
    drag(page, [(100, 100), (400, 100)])
    (el,) = elements(page)
    assert el["tool"] == "highlighter"
    want = tuple(round(0.4 * c + 0.6 * 255) for c in NAVY)
    assert near(pixel(page, 250, 100), want, 12)


def test_eraser_whole_stroke(page) -> None:
    drag(page, [(100, 100), (400, 100)])
    tool(page, "eraser")
    tool(page, "erase_whole")
    drag(page, [(250, 60), (250, 140)])
    assert elements(page) == []
    assert near(pixel(page, 150, 100), WHITE, 5)


def test_eraser_part_of_a_stroke_splits_it(page) -> None:
    drag(page, [(100, 300), (500, 300)], steps=20)
    tool(page, "eraser")  # part is the default mode
    drag(page, [(300, 250), (300, 350)])
    parts = elements(page)
    assert len(parts) == 2 and all(p["type"] == "stroke" for p in parts)
    assert near(pixel(page, 300, 300), WHITE, 5)
    assert near(pixel(page, 150, 300), NAVY) and near(pixel(page, 450, 300), NAVY)
    page.keyboard.press("Control+z")  # one undo brings the whole stroke back
    page.wait_for_function("window.__tavle.doc.getMap('elements').size === 1")
    assert near(pixel(page, 300, 300), NAVY)


def test_shapes(page) -> None:
    tool(page, "rect")
    drag(page, [(100, 100), (300, 200)])
    tool(page, "ellipse")
    drag(page, [(400, 100), (600, 200)])
    tool(page, "line")
    drag(page, [(100, 300), (300, 400)])
    tool(page, "arrow")
    drag(page, [(400, 300), (600, 300)])
    shapes = {e["shape"]: e for e in elements(page)}
    assert set(shapes) == {"rect", "ellipse", "line", "arrow"}
    assert shapes["rect"]["w"] == 2000 and shapes["rect"]["h"] == 1000
    assert near(pixel(page, 100, 150), NAVY) and near(
        pixel(page, 200, 150), WHITE, 5
    )  # rect edge, inside
    assert near(pixel(page, 500, 100), NAVY) and near(
        pixel(page, 500, 150), WHITE, 5
    )  # ellipse top, centre
    assert near(pixel(page, 200, 350), NAVY)  # line middle
    assert near(pixel(page, 500, 300), NAVY) and near(
        pixel(page, 590, 302), NAVY
    )  # arrow shaft, head
    assert near(pixel(page, 286, 399), WHITE, 30)  # a line has no head


def test_sticky_note_in_colours_with_text(page) -> None:
    tool(page, "note")
    click(page, 300, 300)
    area = page.locator("textarea.text-edit")
    area.wait_for()
    page.keyboard.type("Hej med dig")
    page.keyboard.press("Escape")
    (note,) = elements(page)
    assert note["type"] == "note" and note["text"] == "Hej med dig" and note["color"] == "yellow"
    assert near(pixel(page, 215, 350), YELLOW, 10)
    assert ink(page, 215, 245, 385, 290) > 20  # the words are drawn
    assert page.evaluate("window.__tavle.tools.tool") == "select"  # back to "Vælg"
    tool(page, "note")
    tool(page, "note-pink")
    click(page, 600, 300)
    area.wait_for()
    page.keyboard.type("Mor")
    page.keyboard.press("Escape")
    assert near(pixel(page, 515, 350), PINK_NOTE, 10)
    tool(page, "note")  # a note left empty is removed, not kept as an empty box
    click(page, 900, 300)
    area.wait_for()
    page.keyboard.press("Escape")
    assert len(elements(page)) == 2
    tool(page, "select")  # a double click opens the words for editing in place
    ox, oy = canvas_origin(page)
    page.mouse.dblclick(ox + 300, oy + 340)
    area.wait_for()
    assert area.input_value() == "Hej med dig"
    page.keyboard.press("End")
    page.keyboard.type(" <b>igen</b>")
    page.keyboard.press("Control+Enter")
    texts = sorted(e["text"] for e in elements(page))
    assert texts == ["Hej med dig <b>igen</b>", "Mor"]


def test_text_tool(page) -> None:
    tool(page, "text")
    click(page, 200, 200)
    page.locator("textarea.text-edit").wait_for()
    page.keyboard.type("Næste møde")
    page.keyboard.press("Escape")
    (text,) = elements(page)
    assert text["type"] == "text" and text["text"] == "Næste møde"
    assert ink(page, 195, 185, 400, 215) > 30
    tool(page, "text")  # an empty text is not kept
    click(page, 200, 400)
    page.keyboard.press("Escape")
    assert count(page, "text") == 1


def test_connector_follows_the_notes(page) -> None:
    a = add_note(page, (1000, 1000, 1000, 600), "blue", text="A")
    add_note(page, (5000, 1000, 1000, 600), "blue", text="B")
    tool(page, "connector")
    ax, ay = to_screen(page, 1500, 1300)
    bx, by = to_screen(page, 5500, 1300)
    drag(page, [(ax, ay), (bx, by)])
    assert count(page, "connector") == 1
    mx, my = to_screen(page, 3500, 1300)
    assert near(pixel(page, mx, my), NAVY)
    tool(page, "select")  # move note A down: the connector goes with it
    drag(page, [(ax, ay), (ax, ay + 300)])
    moved = next(e for e in elements(page) if e["id"] == a)
    assert moved["y"] == 1000 + 3000
    assert near(pixel(page, mx, my), WHITE, 5)
    nx, ny = to_screen(page, 3500, 2800)
    assert near(pixel(page, nx, ny), NAVY)


def test_select_move_resize_and_delete(page) -> None:
    drag(page, [(100, 100), (300, 100)])
    tool(page, "select")
    drag(page, [(200, 100), (200, 300)])
    assert near(pixel(page, 200, 300), NAVY) and near(pixel(page, 200, 100), WHITE, 5)
    note = add_note(page, (4000, 1000, 1000, 1000), "yellow")
    x, y = to_screen(page, 4500, 1500)
    click(page, x, y)
    hx, hy = to_screen(page, 5000, 2000)  # the handle sits on the bottom right corner
    drag(page, [(hx, hy), (hx + 100, hy + 50)])
    grown = next(e for e in elements(page) if e["id"] == note)
    assert grown["w"] == 2000 and grown["h"] == 1500
    assert near(pixel(page, hx + 80, hy + 40), YELLOW, 10)
    page.keyboard.press("Delete")
    assert count(page, "note") == 0


def test_box_select_shift_select_duplicate_and_delete(page) -> None:
    drag(page, [(100, 100), (200, 100)])
    drag(page, [(100, 200), (200, 200)])
    drag(page, [(500, 500), (600, 500)])
    tool(page, "select")
    drag(page, [(50, 50), (250, 250)])  # a box around the first two
    assert page.evaluate("window.__tavle.renderer.selection.size") == 2
    page.keyboard.down("Shift")
    click(page, 550, 500)
    page.keyboard.up("Shift")
    assert page.evaluate("window.__tavle.renderer.selection.size") == 3
    tool(page, "duplicate")
    assert count(page, "stroke") == 6
    assert near(pixel(page, 580, 530), NAVY)  # copies sit 30 px down and right
    tool(page, "delete")
    assert count(page, "stroke") == 3


def test_bring_to_front_and_back(page) -> None:
    low = add_note(page, (1000, 1000, 2000, 2000), "yellow")
    add_note(page, (2000, 2000, 2000, 2000), "blue")
    overlap = to_screen(page, 2500, 2500)
    assert near(pixel(page, *overlap), BLUE_NOTE, 10)
    tool(page, "select")
    click(page, *to_screen(page, 1300, 1300))
    tool(page, "front")
    assert near(pixel(page, *overlap), YELLOW, 10)
    tool(page, "back")
    assert near(pixel(page, *overlap), BLUE_NOTE, 10)
    assert next(e for e in elements(page) if e["id"] == low)["z"] < 0


def test_card_dropped_in_a_lane_sets_the_status(page) -> None:
    page.evaluate(
        """() => window.__tavle.doc.getMap('actions').set('a1', {id: 'a1', what: 'Ring til lægen',
            goal: null, owner: null, office: '', due: null, status: 'not_started',
            approval: 'not_needed',
            follow_up: null, carried_over: 0, note: '', expected_result: '', member: null,
            proposed_by: null, agreed_at: null, rank: 0, created: null})"""
    )
    add(
        page,
        {
            "type": "frame",
            "x": 5000,
            "y": 0,
            "w": 3000,
            "h": 4000,
            "title": "Klaret",
            "lane": {"field": "status", "value": "done"},
            "z": -5,
        },
    )
    add(
        page,
        {
            "type": "card",
            "x": 500,
            "y": 500,
            "w": 2200,
            "h": 1200,
            "ref": {"kind": "action", "id": "a1"},
        },
    )
    assert (
        ink(page, *to_screen(page, 600, 600), *to_screen(page, 2600, 1100)) > 30
    )  # the task's words
    tool(page, "select")
    x, y = to_screen(page, 1600, 1100)
    drag(page, [(x, y), (x + 500, y + 100)])
    page.wait_for_function("window.__tavle.doc.getMap('actions').get('a1').status === 'done'")


def test_keyboard_zoom_pan_and_fit(page) -> None:
    s0 = page.evaluate("window.__tavle.renderer.view.s")
    page.locator("#canvas").focus()
    page.keyboard.press("+")
    assert page.evaluate("window.__tavle.renderer.view.s") > s0
    ox = page.evaluate("window.__tavle.renderer.view.ox")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("window.__tavle.renderer.view.ox") != ox
    add_note(page, (90000, 90000, 2000, 2000), "yellow")
    page.keyboard.press("0")
    box = page.evaluate("window.__tavle.renderer.visibleBox()")
    assert box[0] <= 90000 and box[2] >= 92000
