"""The board page wired to the server's features, in a real Chromium against ``tavle serve``:
the "Hent" downloads per role, the meeting code on the shared screen, a role change or a
revoked participant on an open page, and restricted sections."""

from __future__ import annotations

import json
import re
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from plan_export.formats import FORMATS, allowed
from tests.board_page import READY, drag, elements, open_board, settle
from tests.conftest import ROOT
from tests.test_access_support import Api, join, join_code, new_case, open_meeting, world
from tests.test_browser_board import axe_violations
from tests.test_browser_join import require_access_bundle

pytestmark = pytest.mark.browser
world = world  # the module's server with signed-in professionals
STRINGS = json.loads((ROOT / "board" / "strings.json").read_text(encoding="utf-8"))
EXPORTS_LISTED = (
    "() => performance.getEntriesByType('resource').some(e => /\\/export$/.test(e.name))"
)


def da(key: str) -> str:
    return STRINGS[key]["da"]


def coordinator_page(browser: Any, koord: Api, case: dict, query: str = "") -> Any:
    """The board page as the coordinator opens it from the case page (a session board link)."""
    url = koord.get(f"/api/cases/{case['id']}/board-link").json()["url"]
    token = url.split("#token=")[1]
    board = {"board_id": case["board_id"], "link": token}
    return open_board(browser, koord.server, board, token="link", query=query)


def joined_page(browser: Any, server: Any, case: dict, person: dict) -> Any:
    board = {"board_id": case["board_id"], "t": person["token"]}
    return open_board(browser, server, board, token="t")


def join_case(koord: Api, case: dict, name: str, role: str | None = None) -> dict:
    """Join the case's meeting by code (a relative); the coordinator may then set the role."""
    person = join(koord.server, join_code(koord, open_meeting(koord, case["id"])), name).json()
    if role:
        path = f"/api/cases/{case['id']}/participants/{person['participant_id']}/role"
        assert koord.post(path, {"role": role}).status_code == 200
    return person


WHOLE_PLAN = "#export-dialog button[data-format]:not([data-office])"  # not an office's part


def listed_formats(page: Any) -> list[str]:
    page.click("#export-open")
    return [b.get_attribute("data-format") for b in page.locator(WHOLE_PLAN).all()]


def test_coordinator_sees_every_format_and_downloads_a_real_pdf(world, browser) -> None:
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Hent")
    page = coordinator_page(browser, koord, case)
    page.locator("#export-open").wait_for()
    assert page.inner_text("#export-open") == da("export.title")
    assert listed_formats(page) == list(FORMATS)
    labels = page.locator(WHOLE_PLAN).all_inner_texts()
    assert labels == [da(f"export.format.{f}") for f in FORMATS]
    # her own organisation is on the board with her (the plan's network): its part too
    assert "Hent til Kommunen" in page.inner_text("#export-dialog .export-office")
    assert da("export.choose") in page.inner_text("#export-dialog")
    assert axe_violations(page) == []  # the open dialog included
    started = time.monotonic()
    with page.expect_download() as download:
        page.click("#export-dialog button[data-format=pdf]")
    print(f"PDF download from click: {(time.monotonic() - started) * 1000:.0f} ms")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    today = date.today().strftime("%d-%m-%Y")
    title = page.inner_text("#title")  # the board's title, else "Tavle"
    assert download.value.suggested_filename == f"{title} {today}.pdf"
    page.click("#export-dialog .export-close")
    assert not page.locator("#export-dialog").is_visible()
    page.context.close()


def test_citizen_sees_only_their_formats_and_a_relative_none(world, browser) -> None:
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Borger")
    relative = joined_page(browser, server, case, join_case(koord, case, "Onkel"))
    relative.wait_for_function(EXPORTS_LISTED)
    settle(relative)
    assert relative.locator("#export-open").count() == 0  # relatives take no copies
    citizen = joined_page(browser, server, case, join_case(koord, case, "Sofie", "citizen"))
    citizen.locator("#export-open").wait_for()
    mine = listed_formats(citizen)
    assert mine == [f for f in FORMATS if allowed("citizen", f)]
    assert "json" not in mine and "fhir" not in mine and "pdf" in mine
    with citizen.expect_download() as download:
        citizen.click("#export-dialog button[data-format=sheet-png]")
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")
    assert download.value.suggested_filename.endswith(".telefon.png")
    for p in (relative, citizen):
        p.context.close()


def test_shared_screen_shows_the_meeting_code_and_qr(world, browser) -> None:
    require_access_bundle()
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Skærm")
    open_meeting(koord, case["id"])
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.add_cookies(  # both cookies of a sign-in: the session and its CSRF token
        [{"name": k, "value": v, "url": server.http} for k, v in koord.http.cookies.items()]
    )
    page = ctx.new_page()
    page.goto(f"{server.http}/cases")
    card = page.locator(f"article[data-case='{case['id']}']")
    card.locator("summary").click()  # one line per case; the meeting's buttons are inside
    card.locator("button", has_text=da("access.show_code")).click()
    page.wait_for_url(re.compile(r"/board/.*\?screen=1&meeting="))
    page.locator("#join-code .join-code[data-for=network]").wait_for()
    code = page.inner_text("#join-code .join-code[data-for=network]")
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    for qr in page.locator("#join-code img.join-qr").all():
        assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert da("access.join_code_label") in page.inner_text("#join-code")
    assert page.locator("#export-open").count() == 0  # no downloads on the shared screen
    # the network's code on the screen lets a tablet join this case, as a family member
    joined = join(server, code, "Mormor").json()
    assert joined["board_id"] == case["board_id"] and joined["role"] == "relative"
    ctx.close()


def test_live_downgrade_makes_the_page_read_only_and_revoking_ends_it(world, browser) -> None:
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Rolle")
    person = join_case(koord, case, "Moster")
    page = joined_page(browser, server, case, person)
    assert page.get_attribute("#toolbar", "data-mode") == "full"
    path = f"/api/cases/{case['id']}/participants/{person['participant_id']}"
    started = time.monotonic()
    assert koord.post(path + "/role", {"role": "observer"}).status_code == 200
    # the server closes the open socket (4403 "role changed"); the page asks /me again and
    # comes back read-only at once, without waiting for an edit to be refused
    page.locator("#access-notice").wait_for(timeout=15000)
    page.wait_for_function(READY, timeout=15000)
    print(f"role change to read-only page: {(time.monotonic() - started) * 1000:.0f} ms")
    assert page.inner_text("#access-notice") == da("live.read_only")
    assert page.get_attribute("#toolbar", "data-mode") == "view"
    assert elements(page) == []
    drag(page, [(300, 300), (500, 320)])  # a stroke attempt: it only pans the view
    assert elements(page) == []
    assert page.evaluate("() => window.__tavle.tools.opts.canWrite") is False
    # revoked: the socket closes, the page says so and stays disconnected
    assert koord.delete(path).status_code == 200
    page.locator("#ended h2", has_text=da("live.meeting_over")).wait_for()
    page.wait_for_timeout(1500)  # y-websocket would have reconnected by now
    assert page.get_attribute("#conn", "data-state") == "disconnected"
    # one clear end state: the message alone, no tools, no board, no connection line
    for hidden in ("#toolbar", "#stage", "#side", "#conn"):
        assert not page.locator(hidden).is_visible(), hidden
    page.context.close()


def test_restricted_section_reaches_only_those_it_is_shared_with(world, browser) -> None:
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Afsnit")
    hostile = '<img src=x onerror="window.__pwned=1">'
    section = koord.post(f"/api/cases/{case['id']}/sections", {"title": "Mors " + hostile})
    scope = section.json()["scope"]
    mor = join_case(koord, case, "Mor")
    far = join_case(koord, case, "Far")
    path = f"/api/cases/{case['id']}/participants/{mor['participant_id']}/scopes"
    assert koord.post(path, {"scopes": [scope]}).status_code == 200
    coordinator = coordinator_page(browser, koord, case)
    mine = joined_page(browser, server, case, mor)
    panel = mine.locator(f".section-panel[data-scope='{scope}']")
    panel.locator("li.empty").wait_for()
    assert panel.locator("h2").inner_text() == f"{da('sections.title')}: Mors {hostile}"
    panel.locator("textarea").fill("Kun til mor " + hostile)
    panel.locator("button[type=submit]").click()
    # the coordinator (who sees every section) gets the note live, as text
    seen = coordinator.locator(f".section-panel[data-scope='{scope}'] li:not(.empty)")
    seen.wait_for()
    assert seen.inner_text() == "Kun til mor " + hostile
    # the other relative has no section panel, and the main board never held the note
    other = joined_page(browser, server, case, far)
    other.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.endsWith('/sections'))"
    )
    settle(other)
    assert other.locator(".section-panel").count() == 0
    assert elements(other) == [] and elements(mine) == []
    for p in (coordinator, mine, other):
        assert p.evaluate("() => window.__pwned") is None
        assert p.locator("img[src=x]").count() == 0
    # sharing taken back: the open section closes and its panel goes away
    assert koord.post(path, {"scopes": []}).status_code == 200
    mine.locator(".section-panel").wait_for(state="detached")
    for p in (coordinator, mine, other):
        p.context.close()
