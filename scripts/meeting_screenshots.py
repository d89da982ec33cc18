"""Take the README's pictures of the meeting on the board page, in a real ``tavle serve``
and headless Chromium: the shared screen with the meeting codes (1920×1080), the shared
screen during the meeting (the plan in brief, "Godkend planen"), and the citizen's tablet
with the list of proposals (iPad size, touch). Written to docs/img/meeting-*.png.

Run: ``python -m scripts.meeting_screenshots``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests import meeting_room as mr
from tests.board_page import line_events, pointer
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, ServerProcess
from tests.test_browser_meeting import fill_goal
from tests.test_browser_plan import propose_action, submit_dialog

OUT = ROOT / "docs" / "img"


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="tavle-shot-"))
    server = ServerProcess(data_dir=data).start()
    try:
        m = mr.prepare(server, template="vejen")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            screen = mr.shared_screen(browser, m)
            codes = mr.codes_on(screen)
            screen.wait_for_timeout(400)
            screen.screenshot(path=str(OUT / "meeting-screen-codes.png"))
            tablet = mr.tablet(browser, m.server, codes["citizen"], "Sofie")
            own = "{text: 'Jeg vil gerne lave mad til andre', updated: '2026-12-06T10:00:00Z'}"
            tablet.evaluate(f"() => window.__tavle.doc.getMap('plan').set('own_goal', {own})")
            laptop = mr.laptop(browser, m)
            # the professional proposes in the plan panel, as in the meeting (cards placed
            # by the board itself)
            for title, horizon in (
                ("Få et fast job i et køkken", "now"),
                ("Flytte i egen bolig", "next"),
            ):
                fill_goal(laptop, title, horizon)
                submit_dialog(laptop)
            propose_action(
                laptop, "Skrive CV sammen", "Få et fast job i et køkken", "Mette", "2026-12-15"
            )
            propose_action(
                laptop, "Finde praktikplads", "Få et fast job i et køkken", "Jonas", "2027-01-10"
            )
            for page in (screen, tablet):
                page.wait_for_timeout(300)
                page.evaluate("() => window.__tavle.renderer.fit()")
            pointer(tablet, line_events("touch", 3, (470, 620), (640, 560)))
            pointer(screen, line_events("mouse", 1, (760, 820), (980, 760)))
            tablet.locator("#versions .proposals li").nth(3).wait_for()
            screen.locator("#brief-plan li", has_text="Finde praktikplads").wait_for()
            screen.wait_for_timeout(400)
            tablet.screenshot(path=str(OUT / "meeting-tablet.png"))
            tablet.click("#agree-all")
            screen.click("#agree-plan")
            tablet.locator("#confirm-plan").wait_for()
            screen.wait_for_timeout(400)
            screen.screenshot(path=str(OUT / "meeting-screen.png"))
            tablet.screenshot(path=str(OUT / "meeting-tablet-confirm.png"))
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    for name in ("screen-codes", "screen", "tablet", "tablet-confirm"):
        print(OUT / f"meeting-{name}.png")


if __name__ == "__main__":
    main()
