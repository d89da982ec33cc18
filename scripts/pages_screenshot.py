"""Take docs/img/cases.png and docs/img/team.png: /cases and /team of a team with 70
cases, at 1920×1080, in a real ``tavle serve`` and headless Chromium.

Run: ``python -m scripts.pages_screenshot``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, ServerProcess
from tests.many_cases import seed_cases
from tests.test_access_support import Api, make_user

OUT = ROOT / "docs" / "img"
SCREEN = {"width": 1920, "height": 1080}


def signed_in(browser, server: ServerProcess, api: Api):
    ctx = browser.new_context(viewport=SCREEN)
    ctx.add_cookies(
        [{"name": k, "value": v, "url": server.http} for k, v in api.http.cookies.items()]
    )
    return ctx.new_page()


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="tavle-shot-"))
    server = ServerProcess(data_dir=data).start()
    try:
        make_user(server, "koord", "Kommunen", "Team Nord", name="Karen Koordinator")
        api = Api(server)
        api.login("koord")
        seed_cases(server, api, 70)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = signed_in(browser, server, api)
            page.goto(server.http + "/cases")
            page.wait_for_selector("body[data-ready='1'] details")
            OUT.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUT / "cases.png"))
            page.goto(server.http + "/team")
            page.wait_for_function("() => document.body.dataset.cards === '70'", timeout=30000)
            page.wait_for_selector("#conn[data-state=connected]")
            page.screenshot(path=str(OUT / "team.png"))
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    print(OUT / "cases.png", OUT / "team.png")


if __name__ == "__main__":
    main()
