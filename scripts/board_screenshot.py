"""Take docs/img/board.png: the example family plan (docs/examples/familieplan.json)
imported with the default template ("vejen") into a real ``tavle serve``, shown in
headless Chromium at 1920×1080 (a shared screen) with the plan panel folded away — so the
README's picture is always the board as it is.

Run: ``python -m scripts.board_screenshot``."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.board_page import open_board, settle
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, ServerProcess

EXAMPLE = ROOT / "docs" / "examples" / "familieplan.json"
OUT = ROOT / "docs" / "img" / "board.png"


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="tavle-shot-"))
    server = ServerProcess(data_dir=data).start()
    try:
        board = json.loads(server.cli("board", "import", str(EXAMPLE)).stdout)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = open_board(browser, server, board, viewport={"width": 1920, "height": 1080})
            page.fill("#my-name", "Mette")
            page.press("#my-name", "Enter")
            page.wait_for_function("""() => document.fonts.check('12px "Tavle Sans"')""")
            page.evaluate("window.__tavle.tools.setTool('select')")
            page.get_by_role("button", name="Skjul planen").click()
            page.evaluate("window.__tavle.renderer.fit()")
            page.wait_for_timeout(400)  # past the view-change bitmap: a full frame
            settle(page)
            OUT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUT))
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    print(OUT)


if __name__ == "__main__":
    main()
