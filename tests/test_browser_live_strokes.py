"""Live strokes in a real Chromium: a second page sees a stroke while it is drawn.

The stroke in progress travels in awareness; the document gets it once, on lift. How far
the second page is behind the pen is measured and printed (not asserted: speed is for
``bench/``), with a mouse and with a finger (touch pointer events).
"""

from __future__ import annotations

import json
import statistics
import time

import pytest

from tests import board_page
from tests.board_page import canvas_origin, elements, ink, new_board, pointer

opener = board_page.opener
shared_server = board_page.shared_server

# the drawing page notes when and where (board x) the pen was at each move
RECORD_MOVES = """() => {
    const r = window.__tavle.renderer, c = r.canvas, moves = (window.__moves = []);
    c.addEventListener('pointermove', (e) => {
        const box = c.getBoundingClientRect();
        moves.push([Date.now(), Math.round(r.toBoard(e.clientX - box.left, 0)[0])]);
    }, true);
}"""
# the watching page notes when it got how far of the peer's live stroke
RECORD_SEEN = """() => {
    const t = window.__tavle, seen = (window.__seen = []);
    t.provider.awareness.on('change', () => {
        for (const { el } of t.renderer.peerLive.values()) {
            let x = -Infinity;
            for (let i = 0; i < el.points.length; i += 3) x = Math.max(x, el.points[i]);
            seen.push([Date.now(), x, el.id]);
        }
    });
}"""
PEER_LIVE = "window.__tavle.renderer.peerLive.size"


@pytest.fixture
def server(shared_server):  # one server for the module
    return shared_server


@pytest.fixture(params=["mouse", "touch"])
def pages(request, opener, server):
    """The drawing page (mouse or touch-emulated tablet) and a second page watching."""
    board = new_board(server, "Levende streger")
    touch = request.param == "touch"
    drawer = opener(board, has_touch=touch)
    watcher = opener(board)
    return request.param, drawer, watcher


def press(page, kind: str, x: float, y: float, what: str) -> None:
    """One pointer event on the canvas at CSS (x, y): a real mouse, or a dispatched touch."""
    if kind == "touch":
        pointer(page, [(f"pointer{what}", 7, "touch", x, y, 0 if what == "up" else 0.5)])
        return
    ox, oy = canvas_origin(page)
    page.mouse.move(ox + x, oy + y)
    if what != "move":
        getattr(page.mouse, what)()


def lags(moves: list, seen: list) -> list[float]:
    """For each pen position: ms until the watcher had the live stroke that far."""
    out = []
    for t, x in moves:
        first = next((s for s, sx, _ in seen if sx >= x), None)
        if first is not None:
            out.append(first - t)
    return out


def test_second_page_sees_the_stroke_before_the_pen_lifts(pages) -> None:
    kind, drawer, watcher = pages
    drawer.evaluate(RECORD_MOVES)
    watcher.evaluate(RECORD_SEEN)
    press(drawer, kind, 100, 300, "down")
    for i in range(1, 41):  # ~0.8 s of drawing, a move every 20 ms
        press(drawer, kind, 100 + 15 * i, 300 + 40 * (i % 2), "move")
        time.sleep(0.02)
    # the pen is still down: the watcher has the stroke, and it is on its canvas
    watcher.wait_for_function(f"{PEER_LIVE} === 1")
    last_x = drawer.evaluate("window.__moves.at(-1)[1]")
    watcher.wait_for_function(f"window.__seen.some(([, x]) => x >= {last_x})")
    assert ink(watcher, 90, 280, 710, 360) > 200
    assert elements(watcher) == [] and elements(drawer) == []
    moves = drawer.evaluate("window.__moves")
    seen = watcher.evaluate("window.__seen")
    behind = lags(moves, seen)
    assert len(behind) == len(moves)
    print(
        f"\nlive stroke ({kind}): {len(moves)} pen moves, {len(seen)} awareness updates seen; "
        f"watcher behind the pen: median {statistics.median(behind):.0f} ms, "
        f"p90 {sorted(behind)[int(0.9 * len(behind))]:.0f} ms, max {max(behind):.0f} ms"
    )
    live_id = seen[-1][2]
    press(drawer, kind, 700, 300, "up")
    # committed once, under the preview's id; the preview is gone
    watcher.wait_for_function("window.__tavle.doc.getMap('elements').size === 1")
    watcher.wait_for_function(f"{PEER_LIVE} === 0")
    (stroke,) = elements(watcher)
    assert stroke["id"] == live_id and stroke["type"] == "stroke"
    assert stroke == elements(drawer)[0]
    assert len(stroke["points"]) // 3 >= 40
    time.sleep(0.3)  # nothing more arrives: exactly one element, no second copy
    assert len(elements(watcher)) == 1 and watcher.evaluate(PEER_LIVE) == 0
    assert ink(watcher, 90, 280, 710, 360) > 200
    # undo on the drawing page takes the stroke away for both
    drawer.keyboard.press("Control+z")
    watcher.wait_for_function("window.__tavle.doc.getMap('elements').size === 0")
    assert elements(drawer) == []


# a long stroke drawn in quick moves; the drawer's awareness states are measured as sent
LONG_STROKE = """async (n) => {
    const t = window.__tavle, c = t.renderer.canvas, box = c.getBoundingClientRect();
    const sizes = (window.__sizes = []);
    t.provider.awareness.on('update', ({ updated }) => {
        if (updated.includes(t.provider.awareness.clientID))
            sizes.push(JSON.stringify(t.provider.awareness.getLocalState()).length);
    });
    const ev = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {
        pointerId: 3, pointerType: 'mouse', clientX: box.left + x, clientY: box.top + y,
        pressure: 0.5, isPrimary: true, bubbles: true, cancelable: true, button: 0,
        buttons: type === 'pointerup' ? 0 : 1,
    }));
    ev('pointerdown', 100, 100);
    for (let i = 1; i <= n; i++) {
        ev('pointermove', 100 + (i % 60) * 17 + (i % 7), 100 + Math.floor(i / 60) * 11);
        if (i % 25 === 0) await new Promise((r) => setTimeout(r, 8));
    }
    return sizes;
}"""


def test_a_very_long_stroke_goes_on_in_parts_and_undoes_as_one(opener, server) -> None:
    board = new_board(server, "Lang streg")
    drawer = opener(board)
    watcher = opener(board)
    sizes = drawer.evaluate(LONG_STROKE, 3000)
    # the finished parts went into the document while the pen was still down
    watcher.wait_for_function("window.__tavle.doc.getMap('elements').size >= 2")
    assert watcher.evaluate(PEER_LIVE) <= 2  # the current part (and one settling)
    pointer(drawer, [("pointerup", 3, "mouse", 100, 100, 0)])
    parts = elements(drawer)
    watcher.wait_for_function(f"window.__tavle.doc.getMap('elements').size === {len(parts)}")
    watcher.wait_for_function(f"{PEER_LIVE} === 0")
    assert len(parts) >= 3
    # every awareness state stayed well under the server's bound (8 KiB by default)
    print(f"\nlong stroke: {len(parts)} parts, awareness states up to {max(sizes)} bytes")
    assert sizes and max(sizes) < 6 * 1024
    # the parts join without a gap: each starts where the one before ended
    chain = sorted(parts, key=lambda p: p["z"])
    for a, b in zip(chain, chain[1:], strict=False):
        assert a["points"][-3:] == b["points"][:3]
    assert sum(len(p["points"]) // 3 for p in chain) - (len(chain) - 1) >= 2900
    assert json.dumps(sorted(elements(watcher), key=lambda p: p["z"])) == json.dumps(chain)
    # one undo takes the whole stroke
    drawer.keyboard.press("Control+z")
    watcher.wait_for_function("window.__tavle.doc.getMap('elements').size === 0")


def test_the_stroke_of_someone_who_leaves_goes(opener, server) -> None:
    """A peer who leaves mid-stroke (tab closed): their live stroke goes from the others'
    screens with their awareness state, and nothing of it was stored."""
    board = new_board(server, "Forlader")
    drawer = opener(board)
    watcher = opener(board)
    moves = [("pointermove", 3, "mouse", 100 + 20 * i, 200, 0.5) for i in range(1, 20)]
    pointer(drawer, [("pointerdown", 3, "mouse", 100, 200, 0.5), *moves])
    watcher.wait_for_function(f"{PEER_LIVE} === 1")
    drawer.context.close()
    watcher.wait_for_function(f"{PEER_LIVE} === 0")
    assert elements(watcher) == []
