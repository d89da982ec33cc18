"""The board on a tablet: touch and stylus drawing, palm rejection, pinch zoom, the
citizen's simple toolbar in portrait and landscape, shared-screen mode, touch targets."""

from __future__ import annotations

import pytest

from tests import board_page
from tests.board_page import (
    NAVY,
    elements,
    line_events,
    near,
    new_board,
    open_board,
    pixel,
    pointer,
    to_screen,
)
from tests.test_access_support import coordinator, join, join_code, new_case, open_meeting

shared_server = board_page.shared_server
TABLET_LANDSCAPE = {"width": 1280, "height": 800}  # a 10-inch tablet in CSS pixels
TABLET_PORTRAIT = {"width": 800, "height": 1280}


@pytest.fixture(scope="module")
def citizen_board(shared_server) -> dict:
    """A case board and the citizen's own token, made as in a meeting (join code)."""
    koord = coordinator(shared_server)
    case = new_case(koord, "Sofies plan")
    meeting = open_meeting(koord, case["id"])
    citizen = join(shared_server, join_code(koord, meeting, "citizen"), "Sofie").json()
    uncle = join(shared_server, join_code(koord, meeting), "Ole (morbror)").json()
    return {"board_id": case["board_id"], "citizen": citizen["token"], "relative": uncle["token"]}


@pytest.fixture
def tablet(browser, shared_server):
    """``tablet(board, **kw)``: a touch device with the board open; closed afterwards."""
    pages = []

    def open_(board: dict, **kw):
        kw.setdefault("viewport", TABLET_LANDSCAPE)
        pages.append(open_board(browser, shared_server, board, has_touch=True, **kw))
        return pages[-1]

    yield open_
    for p in pages:
        p.context.close()


def test_a_finger_draws_and_two_fingers_pinch(tablet, shared_server) -> None:
    page = tablet(new_board(shared_server))
    pointer(page, line_events("touch", 11, (100, 200), (400, 200)))
    (stroke,) = elements(page)
    assert stroke["tool"] == "pen"
    assert near(pixel(page, 250, 200), NAVY)
    s0 = page.evaluate("window.__tavle.renderer.view.s")
    pointer(
        page,
        [
            ("pointerdown", 21, "touch", 400, 400),
            ("pointerdown", 22, "touch", 500, 400),
            ("pointermove", 21, "touch", 350, 400),
            ("pointermove", 22, "touch", 550, 400),
            ("pointermove", 21, "touch", 300, 400),
            ("pointermove", 22, "touch", 600, 400),
            ("pointerup", 21, "touch", 300, 400),
            ("pointerup", 22, "touch", 600, 400),
        ],
    )
    assert page.evaluate("window.__tavle.renderer.view.s") == pytest.approx(s0 * 3, rel=0.05)
    assert len(elements(page)) == 1  # pinching draws nothing


def test_palm_rejection_while_a_pen_is_used(tablet, shared_server) -> None:
    page = tablet(new_board(shared_server))
    pen = line_events("pen", 31, (100, 300), (400, 300), pressure=0.8)
    palm = line_events("touch", 32, (300, 500), (500, 600))
    # the palm lands after the pen and moves while the pen draws
    pointer(page, pen[:3] + palm[:4] + pen[3:] + palm[4:])
    (stroke,) = elements(page)
    assert stroke["points"][2] == 800  # the pen's pressure is stored
    # right after the pen lifts, a touch is still taken for the resting hand
    pointer(page, line_events("touch", 33, (100, 500), (400, 500)))
    assert len(elements(page)) == 1
    page.wait_for_timeout(1100)  # later, a finger draws again
    pointer(page, line_events("touch", 34, (100, 500), (400, 500)))
    assert len(elements(page)) == 2


@pytest.mark.parametrize(
    "viewport", [TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["portrait", "landscape"]
)
def test_citizen_toolbar_on_a_tablet(tablet, citizen_board, viewport) -> None:
    page = tablet(citizen_board, token="citizen", viewport=viewport)
    keys = page.locator("#toolbar button").evaluate_all("bs => bs.map(b => b.dataset.key)")
    assert keys == ["pen", "note", "agree", "undo"]
    for b in page.locator("#toolbar button").all():
        box = b.bounding_box()
        assert box["width"] >= 80 and box["height"] >= 72  # large labelled icons
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert b.inner_text().strip()
    assert [b.inner_text().split("\n")[-1] for b in page.locator("#toolbar button").all()] == [
        "Pen",
        "Seddel",
        "Enig",
        "Fortryd",
    ]
    canvas = page.locator("#canvas").bounding_box()
    assert canvas["width"] * canvas["height"] > 0.35 * viewport["width"] * viewport["height"]
    pointer(page, line_events("touch", 41, (60, 100), (260, 100)))
    page.wait_for_function("window.__tavle.doc.getMap('elements').size >= 1")


def test_the_network_s_toolbar_fits_a_tablet_in_portrait(tablet, citizen_board) -> None:
    """Someone who joined with the network's code gets the drawing toolbar; on a tablet in
    portrait it wraps onto a second row instead of running off the right edge."""
    page = tablet(citizen_board, token="relative", viewport=TABLET_PORTRAIT)
    assert page.get_attribute("#toolbar", "data-mode") != "citizen"
    outside = page.locator("#toolbar button:visible").evaluate_all(
        "(bs, w) => bs.filter((b) => b.getBoundingClientRect().right > w)"
        ".map((b) => b.dataset.key)",
        TABLET_PORTRAIT["width"],
    )
    assert outside == []
    canvas = page.locator("#canvas").bounding_box()
    assert canvas["y"] >= page.locator("#toolbar").bounding_box()["height"]


def test_turning_the_tablet_fits_the_board_again(tablet, citizen_board) -> None:
    """The board shown whole stays whole when the tablet turns (the citizen has no "Vis alt");
    a view the person chose by zooming is kept."""
    page = tablet(citizen_board, token="citizen")
    page.evaluate(
        """() => { const { editor, renderer } = window.__tavle;
            editor.add({type: 'note', x: 0, y: 0, w: 2000, h: 1500, text: 'Hej', color: 'yellow'},
                       {type: 'note', x: 9000, y: 3000, w: 2000, h: 1500, text: '', color: 'blue'});
            renderer.fit(); }"""
    )
    fitted = """() => { const r = window.__tavle.renderer, v = JSON.stringify(r.view);
        r.fit(); return v === JSON.stringify(r.view); }"""
    page.set_viewport_size(TABLET_PORTRAIT)
    page.wait_for_function("() => window.__tavle.renderer.width < 900")
    assert page.evaluate(fitted)
    page.evaluate("() => window.__tavle.renderer.zoomAt(200, 200, 2)")
    chosen = page.evaluate("() => JSON.stringify(window.__tavle.renderer.view)")
    page.set_viewport_size(TABLET_LANDSCAPE)
    page.wait_for_function("() => window.__tavle.renderer.width > 900")
    assert page.evaluate("() => JSON.stringify(window.__tavle.renderer.view)") == chosen


def test_citizen_taps_a_card_and_agrees(tablet, citizen_board) -> None:
    page = tablet(citizen_board, token="citizen")
    page.evaluate(  # a goal as written before `org` and `kind` existed: the guard leaves it
        """() => {
            const { doc } = window.__tavle;
            doc.getMap('goals').set('g-job', {id: 'g-job', title: 'Få et fast job', description: '',
              horizon: 'next', rank: 0, office: '', parent: null, member: null,
              proposed_by: 'p-pro',
              agreed_at: null, status: 'active', created: null});
        }"""
    )
    card = page.evaluate(
        "() => window.__tavle.ctx.canvas.addCard({kind: 'goal', id: 'g-job'}, 0, 0)"
    )
    x, y = to_screen(page, 1100, 600)
    pointer(page, [("pointerdown", 51, "touch", x, y), ("pointerup", 51, "touch", x, y)])
    assert page.evaluate("window.__tavle.ctx.canvas.selection()") == [card]
    page.locator('#toolbar button[data-key="agree"]').click()
    page.wait_for_function("window.__tavle.doc.getMap('goals').get('g-job').agreed_at !== null")
    page.wait_for_timeout(500)  # the server's guard lets the citizen's agreement stand
    assert page.evaluate("window.__tavle.doc.getMap('goals').get('g-job').agreed_at")
    assert page.inner_text("#conn") == "Forbundet"


def test_shared_screen_mode(tablet, shared_server) -> None:
    board = new_board(shared_server)
    page = tablet(board, query="?screen=1", viewport={"width": 1920, "height": 1080})
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 24
    # a live board: the toolbar in one row with its words, and drawing works
    assert page.locator("#toolbar").bounding_box()["height"] < 100
    assert page.locator("#toolbar button[data-key=pen] .label").is_visible()
    pointer(page, line_events("mouse", 1, (200, 200), (500, 300)))
    assert len(elements(page)) == 1
    assert page.locator("#brief").is_visible() and not page.locator("#side").is_visible()
    assert page.locator("#screen-toggle").inner_text() == "Afslut delt skærm"


def test_touch_targets_are_at_least_44_px(tablet, shared_server) -> None:
    page = tablet(new_board(shared_server))
    page.locator('#toolbar button[data-key="eraser"]').click()
    small = page.evaluate(
        """() => [...document.querySelectorAll('header button, #toolbar button, #people button')]
            .filter(b => b.offsetParent !== null)
            .map(b => [b.dataset.key || b.textContent, b.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44)
            .map(([k]) => k)"""
    )
    assert small == []
