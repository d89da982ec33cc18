"""Joining on a touch tablet in a real Chromium, signing in, the case page, and hostile text.

The join flow is timed from the tap on "Gå med" to a live board connection.
Hostile names and notes must be shown as text: no script of theirs may run, and
the pages carry no inline script or style (the CSP forbids them).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.test_access_support import (
    PASSWORD,
    coordinator,
    join,
    join_code,
    new_case,
    open_meeting,
)

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
TABLET = {
    "viewport": {"width": 1024, "height": 768},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
    "user_agent": "Mozilla/5.0 (Linux; Android 13; Tablet) AppleWebKit/537.36 Chrome/120",
}
MY_GRANT = """async () => {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  const path = location.pathname.replace('/board/', '/api/boards/') + '/me';
  const me = await (await fetch(path, {headers: {Authorization: 'Bearer ' + token}})).json();
  return {role: me.role, can_write: me.can_write};
}"""
HOSTILE = '<img src=x onerror="window.__pwned=1">"><script>window.__pwned=2</script>'


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import ServerProcess

    server = ServerProcess(data_dir=Path(tmp_path_factory.mktemp("join")))
    server.start()
    koord = coordinator(server)
    yield server, koord
    server.stop()


@pytest.fixture
def tablet(browser):
    ctx = browser.new_context(**TABLET)
    violations: list[str] = []
    ctx.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => (window.__csp = window.__csp || []).push(e.violatedDirective))"
    )
    page = ctx.new_page()
    page.on("console", lambda m: violations.append(m.text) if m.type == "error" else None)
    yield page
    ctx.close()


def test_join_on_a_tablet_by_typing_the_code(setup, tablet, client_built) -> None:
    require_access_bundle()
    server, koord = setup
    case = new_case(koord, "Familien Tablet")
    code = join_code(koord, open_meeting(koord, case["id"]))
    page = tablet
    page.goto(f"{server.http}/join")
    assert page.locator("label[for=code]").inner_text() == "Skriv koden fra skærmen"
    # a wrong code first: a plain Danish answer, nothing else happens
    page.tap("#code")
    page.keyboard.type("abcd efgh")
    page.tap("#name")
    page.keyboard.type("Ida")
    page.tap("button[type=submit]")
    page.wait_for_function("() => document.getElementById('message').textContent.length > 0")
    assert page.inner_text("#message") == (
        "Koden passer ikke. Spørg mødelederen om koden på skærmen."
    )
    page.fill("#code", "")
    page.tap("#code")
    page.keyboard.type(code.lower())  # as typed on a tablet: lower case, with the dash
    started = time.monotonic()
    page.tap("button[type=submit]")
    page.wait_for_url(re.compile(r"/board/" + re.escape(case["board_id"]) + "#token="))
    page.wait_for_selector("#conn[data-state=connected]", timeout=15000)
    joined_in = time.monotonic() - started
    print(f"join to live board: {joined_in * 1000:.0f} ms")
    assert page.evaluate("window.__csp") is None
    participants = koord.get(f"/api/cases/{case['id']}").json()["participants"]
    assert [(p["name"], p["role"]) for p in participants] == [("Ida", "relative")]


def test_qr_link_fills_in_the_code(setup, tablet, client_built) -> None:
    require_access_bundle()
    server, koord = setup
    case = new_case(koord, "Familien QR")
    shown = koord.post(f"/api/meetings/{open_meeting(koord, case['id'])}/join-code").json()
    tablet.goto(shown["url"])  # what the camera opens after scanning
    assert tablet.input_value("#code") == shown["code"].replace("-", "")
    assert "#code" not in tablet.url  # the code leaves the address bar
    tablet.fill("#name", "Far")
    tablet.tap("button[type=submit]")
    tablet.wait_for_url(re.compile(r"/board/"))


def test_sign_in_and_case_page_show_hostile_text_as_text(setup, browser, client_built) -> None:
    require_access_bundle()
    server, koord = setup
    case = new_case(koord, "Alias " + HOSTILE)
    meeting = open_meeting(koord, case["id"])
    joined = join(server, join_code(koord, meeting), HOSTILE).json()
    koord.post(
        f"/api/cases/{case['id']}/consents",
        {"org": "Skolen", "given_by": HOSTILE, "scope": HOSTILE},
    )
    koord.post(f"/api/cases/{case['id']}/sections", {"title": HOSTILE})
    ctx = browser.new_context()
    ctx.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => (window.__csp = window.__csp || []).push(e.violatedDirective))"
    )
    page = ctx.new_page()
    page.goto(f"{server.http}/login")
    page.fill("#username", "koord")
    page.fill("#password", "forkert kodeord")
    page.click("button[type=submit]")
    page.wait_for_function("() => document.getElementById('message').textContent.length > 0")
    assert "passer ikke" in page.inner_text("#message")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/cases$"))
    card = page.locator(f"article[data-case='{case['id']}']")
    card.locator("summary").click()  # one line per case; its details open on a click
    card.locator(f"li[data-participant='{joined['participant_id']}']").wait_for()
    text = card.inner_text()
    assert text.count(HOSTILE) >= 4  # alias, participant, consent giver, section (as text)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0 and page.locator("main script").count() == 0
    # the hostile participant on the board itself: their name is shown, never run
    board = ctx.new_page()
    board.goto(f"{server.http}/board/{case['board_id']}#token={joined['token']}")
    board.wait_for_selector("#conn[data-state=connected]", timeout=15000)
    board.evaluate(
        """(text) => window.__tavle.doc.getMap('elements').set('evil', {id: 'evil', type: 'note',
        x: 0, y: 0, w: 2000, h: 1200, z: 1, text, color: 'yellow', author: text, created: 0})""",
        HOSTILE,
    )
    page.reload()
    page.wait_for_selector(f"article[data-case='{case['id']}']")
    card.locator("summary").click()
    for p in (page, board):
        assert p.evaluate("window.__pwned") is None
        assert p.locator("img[src=x]").count() == 0
    # the role changed by the coordinator on the case page: the open board loses write
    row = page.locator(f"li[data-participant='{joined['participant_id']}']")
    row.locator("select").select_option("observer")
    with page.expect_response(lambda r: r.url.endswith("/role")) as answer:
        row.locator("button", has_text="Gem rolle").click()
    assert answer.value.status == 200
    # the server closes the board's socket (4403 "role changed"); the page reloads read-only
    board.wait_for_selector("#toolbar[data-mode=view]", timeout=15000)
    assert board.evaluate(MY_GRANT) == {"role": "observer", "can_write": False}
    assert page.evaluate("window.__csp") is None
    # the coordinator opens the board from the case page (a board token of the session)
    card.locator("button.open-board").click()
    page.wait_for_url(re.compile(r"/board/" + re.escape(case["board_id"]) + "#token=s\\."))
    page.wait_for_selector("#conn[data-state=connected]", timeout=15000)
    assert page.evaluate(MY_GRANT) == {"role": "coordinator", "can_write": True}
    ctx.close()


def test_pages_have_no_inline_script_or_style() -> None:
    """Every page under static/: no inline <script>, <style>, style= or on…= handler."""
    pages = sorted((ROOT / "static").glob("*.html"))
    assert {"join.html", "login.html", "cases.html"} <= {p.name for p in pages}
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path.name
        assert "<style" not in html and not re.search(r"\sstyle=", html), path.name
        assert not re.search(r"\son[a-z]+=", html), path.name


def require_access_bundle() -> None:
    from tests.conftest import require

    require((ROOT / "static" / "dist" / "access.js").exists(), "the access bundle (make install)")
