"""Helpers for browser tests of the board page: open a board, draw, read canvas pixels.

Coordinates given to these helpers are CSS pixels relative to the canvas; board
coordinates are converted with the page's own renderer so tests do not depend on
the viewport a page happened to fit.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from board.elements import readable
from tests.conftest import ServerProcess

CONNECTED = "document.getElementById('conn').dataset.state === 'connected'"
READY = "window.__tavle && window.__tavle.ready"
NAVY = (0x1D, 0x35, 0x57)
RED = (0xE6, 0x39, 0x46)


@pytest.fixture
def opener(browser: Any, server: Any) -> Iterator:
    """``opener(board, **kw)`` opens the board page; every context is closed afterwards."""
    pages: list[Any] = []

    def open_(board: dict, **kw: Any) -> Any:
        pages.append(open_board(browser, server, board, **kw))
        return pages[-1]

    open_.browser = browser  # type: ignore[attr-defined]
    yield open_
    for p in pages:
        p.context.close()


def center_x(page: Any) -> float:
    box = page.evaluate("window.__tavle.renderer.visibleBox()")
    return (box[0] + box[2]) / 2


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real ``tavle serve`` for a whole test module; each test makes its own board."""
    s = ServerProcess(data_dir=tmp_path_factory.mktemp("board-server")).start()
    yield s
    s.stop()


def new_board(server: ServerProcess, title: str = "Testtavle", template: str = "blank") -> dict:
    """Create a board over HTTP (POST /api/boards), as the start page does."""
    req = urllib.request.Request(  # noqa: S310 - our own http:// server
        server.http + "/api/boards",
        data=json.dumps({"title": title, "template": template}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as res:  # noqa: S310 - our own http:// server
        return json.load(res)


def open_board(browser: Any, server: Any, board: dict, **context: Any) -> Any:
    """A new browser context with the board page open, connected and synced.

    ``bypass_csp``: Playwright's polling waits evaluate strings, which the page's strict
    CSP forbids; one test loads the page without it and checks for CSP violations.
    """
    token = board[context.pop("token", "edit_token")]
    query = context.pop("query", "")
    context.setdefault("bypass_csp", True)
    context.setdefault("viewport", {"width": 1280, "height": 800})
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    page.set_default_timeout(10000)
    page.goto(f"{server.http}/board/{board['board_id']}{query}#token={token}")
    page.wait_for_function(READY, timeout=15000)
    page.wait_for_function(CONNECTED, timeout=15000)
    return page


def canvas_origin(page: Any) -> tuple[float, float]:
    box = page.locator("#canvas").bounding_box()
    return box["x"], box["y"]


def drag(page: Any, points: list[tuple[float, float]], steps: int = 5) -> None:
    """Press at the first canvas point, move through the rest, release.

    A mouse on a desktop page; one finger (touch pointer events) on a touch page.
    """
    if page.evaluate("() => navigator.maxTouchPoints > 0"):
        events: list[tuple] = [("pointerdown", 7, "touch", *points[0], 0.5)]
        for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
            events += [
                ("pointermove", 7, "touch", ax + (bx - ax) * i / steps, ay + (by - ay) * i / steps)
                for i in range(1, steps + 1)
            ]
        events.append(("pointerup", 7, "touch", *points[-1], 0))
        pointer(page, events)
        return
    ox, oy = canvas_origin(page)
    page.mouse.move(ox + points[0][0], oy + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(ox + x, oy + y, steps=steps)
    page.mouse.up()


def click(page: Any, x: float, y: float, **kw: Any) -> None:
    ox, oy = canvas_origin(page)
    page.mouse.click(ox + x, oy + y, **kw)


def tool(page: Any, key: str) -> None:
    """Press a toolbar button; a shape is chosen in the "Figur" menu, as a person does."""
    if page.locator(f'#shape-menu button[data-key="{key}"]').count():
        page.locator('#toolbar button[data-key="shape"]').click()
    page.locator(f'#toolbar button[data-key="{key}"], #corner button[data-key="{key}"]').click()


def settle(page: Any) -> None:
    """Wait until the next frame has been drawn."""
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def pixel(page: Any, x: float, y: float) -> tuple[int, int, int]:
    """Colour of the canvas at CSS pixel (x, y)."""
    settle(page)
    rgb = page.evaluate(
        """([x, y]) => {
            const c = document.getElementById('canvas'), d = window.devicePixelRatio || 1;
            const px = c.getContext('2d').getImageData(Math.round(x * d), Math.round(y * d), 1, 1);
            return [...px.data].slice(0, 3);
        }""",
        [x, y],
    )
    return tuple(rgb)


def near(rgb: tuple[int, ...], want: tuple[int, ...], tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(rgb, want, strict=True))


WHITE = (255, 255, 255)


def elements(page: Any) -> list[dict]:
    """The page's elements as readers see them: a stroke's ink unpacked (board/ink.py)."""
    stored = page.evaluate(
        "[...window.__tavle.doc.getMap('elements').values()]"
        ".map((el) => el.ink ? {...el, ink: Array.from(el.ink)} : el)"
    )
    return [readable({**el, "ink": bytes(el["ink"])} if "ink" in el else el) for el in stored]


def to_screen(page: Any, bx: float, by: float) -> tuple[float, float]:
    return tuple(page.evaluate("([x, y]) => window.__tavle.renderer.toScreen(x, y)", [bx, by]))


def stroke_mid(el: dict) -> tuple[float, float]:
    """A board point on a stroke: its middle input point."""
    n = len(el["points"]) // 3
    i = n // 2 * 3
    return el["points"][i], el["points"][i + 1]


def ink(page: Any, x0: float, y0: float, x1: float, y1: float) -> int:
    """How many canvas pixels in the CSS box are clearly not white."""
    settle(page)
    return page.evaluate(
        """([x0, y0, x1, y1]) => {
            const c = document.getElementById('canvas'), d = window.devicePixelRatio || 1;
            const w = Math.round((x1 - x0) * d), h = Math.round((y1 - y0) * d);
            const px = c.getContext('2d')
                .getImageData(Math.round(x0 * d), Math.round(y0 * d), w, h).data;
            let n = 0;
            for (let i = 0; i < px.length; i += 4) if (px[i] + px[i + 1] + px[i + 2] < 600) n++;
            return n;
        }""",
        [x0, y0, x1, y1],
    )


def pointer(page: Any, events: list[tuple]) -> None:
    """Dispatch pointer events on the canvas: (type, pointerId, pointerType, x, y[, pressure])."""
    page.evaluate(
        """(events) => {
            const c = document.getElementById('canvas'), r = c.getBoundingClientRect();
            for (const [type, id, kind, x, y, pressure] of events) {
                c.dispatchEvent(new PointerEvent(type, {
                    pointerId: id, pointerType: kind, clientX: r.left + x, clientY: r.top + y,
                    pressure: pressure ?? (type === 'pointerup' ? 0 : 0.5), isPrimary: true,
                    bubbles: true, cancelable: true, button: 0,
                    buttons: type === 'pointerup' ? 0 : 1,
                }));
            }
        }""",
        [list(e) for e in events],
    )


def line_events(
    kind: str, pid: int, a: tuple, b: tuple, steps: int = 8, pressure: float = 0.5
) -> list:
    """Down at a, moves to b, up at b, as one pointer of the given kind."""
    out: list[tuple] = [("pointerdown", pid, kind, *a, pressure)]
    for i in range(1, steps + 1):
        t = i / steps
        out.append(
            ("pointermove", pid, kind, a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, pressure)
        )
    out.append(("pointerup", pid, kind, *b, 0))
    return out


def add(page: Any, el: dict) -> str:
    """Add an element through the page's editor (as a local change); returns its id."""
    return page.evaluate("(el) => window.__tavle.editor.add(el)[0]", el)
