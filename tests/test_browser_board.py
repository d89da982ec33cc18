"""The board in a real Chromium against a real ``tavle serve``: two people on one board,
presence, undo per person, follow mode, offline copy, language, start page, accessibility."""

from __future__ import annotations

import colorsys
import json
from pathlib import Path

import pytest

from tests import board_page
from tests.board_page import (
    NAVY,
    WHITE,
    canvas_origin,
    center_x,
    drag,
    elements,
    near,
    new_board,
    open_board,
    pixel,
    settle,
    stroke_mid,
    to_screen,
)

opener = board_page.opener
shared_server = board_page.shared_server
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def server(shared_server):  # one server for the module
    return shared_server


@pytest.fixture
def board(server) -> dict:
    return new_board(server, "Mødetavle")


def set_name(page, name: str) -> None:
    page.fill("#my-name", name)
    page.press("#my-name", "Enter")


def palette_slot(device: str) -> int:
    """The slot of the colour list a device key picks (boardpage.js stableUser)."""
    h = 0
    for ch in device:
        h = (h * 31 + ord(ch)) % 2**32
    return h % 8


def test_every_person_colour_is_a_hue_of_its_own(opener, board) -> None:
    """The colours people get are told apart at a glance: no two of the eight share a hue."""
    devices = {}
    for i in range(200):
        devices.setdefault(palette_slot(f"enhed-{i}"), f"enhed-{i}")
    assert len(devices) == 8
    page = opener(board)
    colours = set()
    for device in devices.values():
        page.evaluate("(d) => localStorage.setItem('tavle.user', d)", device)
        page.reload()
        page.wait_for_function(board_page.READY)
        colours.add(page.evaluate("window.__tavle.provider.awareness.getLocalState().user.color"))
    hues = sorted(colorsys.rgb_to_hsv(*bytes.fromhex(c[1:]))[0] * 360 for c in colours)
    assert len(hues) == 8, colours
    gaps = [b - a for a, b in zip(hues, hues[1:], strict=False)] + [360 - hues[-1] + hues[0]]
    assert min(gaps) >= 25, (sorted(colours), gaps)


def test_two_pages_see_each_others_stroke_and_cursor(opener, server, board) -> None:
    a = opener(board)
    b = opener(board)
    set_name(a, "Mette")
    set_name(b, "Jonas")
    drag(a, [(300, 300), (520, 300)])
    b.wait_for_function("window.__tavle.doc.getMap('elements').size === 1")
    (stroke,) = elements(b)
    assert stroke["type"] == "stroke" and stroke["tool"] == "pen" and stroke["author"] == "Mette"
    assert all(isinstance(v, int) for v in stroke["points"])
    # page B draws it where the board says: navy at the stroke's middle, white beside it
    x, y = to_screen(b, *stroke_mid(stroke))
    assert near(pixel(b, x, y), NAVY)
    assert near(pixel(b, x, y + 60), WHITE, 5)
    # A's cursor with A's name shows on B; B's on A
    ox, oy = canvas_origin(a)
    a.mouse.move(ox + 600, oy + 400)
    b.wait_for_selector(".cursor span:text('Mette')")
    b.mouse.move(ox + 200, oy + 200)
    a.wait_for_selector(".cursor span:text('Jonas')")
    # and each is in the other's participant list
    a.wait_for_selector("#people li:has-text('Jonas')")
    a.wait_for_selector("#people li:has-text('Mette (dig)')")
    b.wait_for_selector("#people li:has-text('Mette')")


def test_undo_removes_only_my_own_changes(opener, server, board) -> None:
    a = opener(board)
    b = opener(board)
    drag(a, [(200, 200), (300, 220)])
    b.wait_for_function("window.__tavle.doc.getMap('elements').size === 1")
    drag(b, [(200, 400), (300, 420)])
    a.wait_for_function("window.__tavle.doc.getMap('elements').size === 2")
    a.keyboard.press("Control+z")
    b.wait_for_function("window.__tavle.doc.getMap('elements').size === 1")
    (left,) = elements(b)
    assert left["points"][1] > 3000  # B's stroke (lower one) stays
    # B has nothing of A's to undo: its one undo takes B's own stroke
    b.locator('#corner button[data-key="undo"]').click()
    a.wait_for_function("window.__tavle.doc.getMap('elements').size === 0")
    # redo (Gentag / Ctrl+Shift+Z) brings back A's stroke only on A's side
    a.keyboard.press("Control+Shift+z")
    b.wait_for_function("window.__tavle.doc.getMap('elements').size === 1")


def wait_same_view(a, b) -> None:
    """Wait until page b shows the centre of what page a shows."""
    cx = center_x(a)
    b.wait_for_function(
        "(cx) => { const v = window.__tavle.renderer.visibleBox();"
        " return Math.abs((v[0] + v[2]) / 2 - cx) < 20 }",
        arg=cx,
    )


def test_follow_and_show_everyone_my_screen(opener, server, board) -> None:
    a = opener(board)
    b = opener(board)
    set_name(a, "Mette")
    b.locator("#people button", has_text="Følg Mette").click()
    b.wait_for_function("document.getElementById('following').textContent.includes('Mette')")
    a.keyboard.press("ArrowRight")
    a.keyboard.press("+")
    a.keyboard.press("+")
    wait_same_view(a, b)
    # B moves on its own: following stops
    b.keyboard.press("ArrowDown")
    b.wait_for_function("document.getElementById('following').textContent === ''")
    # the coordinator brings everyone to their view
    a.keyboard.press("-")
    a.locator("#summon").click()
    wait_same_view(a, b)
    b.wait_for_function("document.getElementById('following').textContent.includes('Mette')")


def test_laser_is_shown_to_others_and_never_stored(opener, server, board) -> None:
    a = opener(board)
    b = opener(board)
    a.locator('#toolbar button[data-key="laser"]').click()
    drag(a, [(300, 300), (500, 300)], steps=10)
    b.wait_for_function(
        "[...window.__tavle.presence.lasers.values()].some(l => l.points.length > 1)"
    )
    assert elements(a) == [] and elements(b) == []


def test_connection_status_and_offline_edits(browser, server_factory) -> None:
    server = server_factory()  # its own server: this test stops and restarts it
    board = new_board(server)
    a = open_board(browser, server, board)
    assert a.inner_text("#conn") == "Forbundet"
    server.stop()
    a.wait_for_function("document.getElementById('conn').dataset.state === 'disconnected'")
    assert a.inner_text("#conn").startswith("Ingen forbindelse")
    drag(a, [(200, 200), (320, 260)])  # drawn while the server is down
    server.start()
    a.wait_for_function(
        "document.getElementById('conn').dataset.state === 'connected'", timeout=20000
    )
    b = open_board(browser, server, board)
    b.wait_for_function("window.__tavle.doc.getMap('elements').size === 1")
    a.context.close()
    b.context.close()


def test_offline_copy_survives_a_reload(opener, server, board) -> None:
    a = opener(board)
    offline = [True]

    def network(ws) -> None:
        if offline[0]:
            ws.close()
        else:
            ws.connect_to_server()

    a.route_web_socket("**/ws/boards/**", network)
    a.reload()
    a.wait_for_function("window.__tavle && window.__tavle.doc")
    drag(a, [(200, 200), (320, 260)])
    a.wait_for_timeout(300)  # y-indexeddb writes in the background
    a.reload()  # a reload without network: the tablet's copy still has the stroke
    a.wait_for_function("window.__tavle && window.__tavle.doc.getMap('elements').size === 1")
    assert a.inner_text("#conn") != "Forbundet"
    b = opener(board)
    assert elements(b) == []  # it has not reached the server yet…
    offline[0] = False
    a.reload()
    b.wait_for_function("window.__tavle.doc.getMap('elements').size === 1")  # …now it has


def test_language_switch_is_remembered(opener, server, board) -> None:
    a = opener(board)
    assert a.locator('#corner button[data-key="undo"]').inner_text().endswith("Fortryd")
    a.locator("#lang button", has_text="English").click()
    a.wait_for_function("window.__tavle && window.__tavle.ready")
    assert a.locator('#corner button[data-key="undo"]').inner_text().endswith("Undo")
    assert a.inner_text("#conn") == "Connected"
    a.reload()
    a.wait_for_function("window.__tavle && window.__tavle.ready")
    assert a.locator('#corner button[data-key="redo"]').inner_text().endswith("Redo")
    assert a.evaluate("document.documentElement.lang") == "en"


def test_user_text_is_escaped(opener, server, board) -> None:
    a = opener(board)
    b = opener(board)
    evil = '<img src=x onerror="window.pwned=1">'
    set_name(a, evil)
    note = {"type": "note", "x": 0, "y": 0, "w": 1800, "h": 1200, "text": evil, "color": "yellow"}
    a.evaluate("(n) => window.__tavle.editor.add(n)", note)
    ox, oy = canvas_origin(a)
    a.mouse.move(ox + 300, oy + 300)
    b.wait_for_selector(".cursor span")
    assert b.locator(".cursor span").inner_text() == evil
    assert b.locator("img").count() == 0 and not b.evaluate("window.pwned")


def test_start_page_creates_a_board_from_a_template(opener, browser, server) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True).new_page()
    page.goto(server.http + "/")
    page.fill("#board-title", "Sofies plan")
    page.select_option("#template", "status")
    page.click("button[type=submit]")
    page.wait_for_url("**/board/**")
    page.wait_for_function("window.__tavle && window.__tavle.ready")
    frames = [e for e in elements(page) if e["type"] == "frame"]
    lanes = {f["lane"]["value"] for f in frames if f["lane"] and f["lane"]["field"] == "status"}
    assert lanes == {"not_started", "in_progress", "done"}  # the status board's columns
    settle(page)
    page.context.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    result = page.evaluate("() => axe.run(document).then(r => r.violations)")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_no_serious_accessibility_violations(opener, server, board) -> None:
    a = opener(board)
    bad = axe_violations(a)
    assert bad == [], json.dumps(
        [(v["id"], [n["html"] for n in v["nodes"]][:3]) for v in bad], indent=1
    )
    start = opener.browser.new_context(bypass_csp=True).new_page()
    start.goto(server.http + "/")
    start.wait_for_selector("#template option", state="attached")
    assert axe_violations(start) == []
    start.context.close()
    # every control is a labelled button reachable by keyboard
    for button in a.locator("#toolbar button").all():
        assert button.inner_text().strip() or button.get_attribute("aria-label")


def test_page_keeps_to_the_content_security_policy(opener, server, board) -> None:
    page = opener.browser.new_context().new_page()
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.http}/board/{board['board_id']}#token={board['edit_token']}")
    page.locator("#conn[data-state=connected]").wait_for()
    drag(page, [(200, 200), (300, 260)])
    page.locator("#toolbar button[data-key=note]").click()
    drag(page, [(500, 300), (500, 300)])
    page.keyboard.type("Hej")
    page.locator("#people").click()
    assert page.evaluate("window.__csp") == [] and errors == []
    page.context.close()


def test_observer_sees_but_cannot_draw(opener, server, board) -> None:
    writer = opener(board)
    viewer = opener(board, token="view_token")
    keys = viewer.locator("#toolbar button").evaluate_all("bs => bs.map(b => b.dataset.key)")
    assert "pen" not in keys and "undo" not in keys and "select" in keys
    drag(viewer, [(200, 200), (400, 260)])  # a drag pans the view: nothing is written
    drag(writer, [(200, 400), (400, 400)])
    viewer.wait_for_function("window.__tavle.doc.getMap('elements').size === 1")
    (stroke,) = elements(viewer)
    x, y = to_screen(viewer, *stroke_mid(stroke))
    assert near(pixel(viewer, x, y), NAVY)
