"""Take docs/img/board.png: a board made with the "vejen" template, a few notes and
strokes, in a real ``tavle serve`` and headless Chromium.

Run: ``python -m scripts.board_screenshot``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.board_page import drag, new_board, open_board, tool
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, ServerProcess

OUT = ROOT / "docs" / "img" / "board.png"


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="tavle-shot-"))
    server = ServerProcess(data_dir=data).start()
    try:
        board = new_board(server, "Sofies plan", "vejen")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = open_board(browser, server, board)
            page.fill("#my-name", "Mette")
            page.press("#my-name", "Enter")
            page.evaluate(
                """() => {
                    const { editor, renderer } = window.__tavle;
                    const b = renderer.contentBox();
                    editor.add({type: 'note', x: Math.round(b[0]), y: Math.round(b[3] + 600),
                                w: 2600, h: 1400, text: 'Sofie vil gerne lave mad',
                                color: 'yellow'});
                    editor.add({type: 'note', x: Math.round(b[0] + 3200), y: Math.round(b[3] + 600),
                                w: 2600, h: 1400, text: 'Søster Anna hjælper', color: 'pink'});
                    renderer.fit();
                }"""
            )
            tool(page, "color-red")
            drag(page, [(300, 420), (380, 380), (460, 420), (540, 380)])
            page.wait_for_timeout(300)
            OUT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUT))
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    print(OUT)


if __name__ == "__main__":
    main()
