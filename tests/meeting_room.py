"""One meeting in the room, as the whole-meeting test and the README screenshots need it:
a case with a running meeting, the coordinator's shared screen (1920×1080), the citizen's
touch tablet (iPad size, joined at /join with the citizen's code) and a professional's
laptop (a colleague of another organisation, with the citizen's consent)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.board_page import CONNECTED, READY
from tests.conftest import ServerProcess
from tests.test_access_support import Api, make_user, open_meeting

SCREEN = {"width": 1920, "height": 1080}
TABLET = {"width": 1180, "height": 820}  # an iPad (10th generation) in landscape, CSS pixels
LAPTOP = {"width": 1440, "height": 900}


@dataclass
class Meeting:
    server: ServerProcess
    koord: Api
    pro: Api
    case: dict
    meeting_id: str


def prepare(server: ServerProcess, alias: str = "Sofies plan", template: str = "blank") -> Meeting:
    """Accounts (coordinator, a Jobcenter colleague), a case with consent and a meeting now."""
    make_user(server, "koord", "Kommunen", "Team Nord", name="Karen Koordinator")
    make_user(server, "jobc", "Jobcenter", "Team Nord", name="Jonas Jobcenter")
    koord, pro = Api(server), Api(server)
    assert koord.login("koord").status_code == 200 and pro.login("jobc").status_code == 200
    response = koord.post("/api/cases", {"alias": alias, "team": "Team Nord", "template": template})
    assert response.status_code == 201, response.text
    case = response.json()
    consent = {"org": "Jobcenter", "given_by": "Borgeren selv", "scope": "hele planen"}
    consent["expires"] = "2099-12-31"
    assert koord.post(f"/api/cases/{case['id']}/consents", consent).status_code == 201
    return Meeting(server, koord, pro, case, open_meeting(koord, case["id"]))


def _signed_in(browser: Any, api: Api, **context: Any) -> Any:
    ctx = browser.new_context(**context)
    jar = api.http.cookies  # the session and its CSRF cookie, as after signing in
    ctx.add_cookies([{"name": n, "value": jar[n], "url": api.server.http} for n in jar])
    page = ctx.new_page()
    page.set_default_timeout(15000)
    return page


def _ready(page: Any) -> Any:
    page.wait_for_function(READY, timeout=20000)
    page.wait_for_function(CONNECTED, timeout=20000)
    return page


def board_url(api: Api, case: dict, query: str = "") -> str:
    """The board page as the case page opens it: a board link of the signed-in session."""
    path, fragment = api.get(f"/api/cases/{case['id']}/board-link").json()["url"].split("#")
    return f"{api.server.http}{path}{query}#{fragment}"


def shared_screen(browser: Any, m: Meeting) -> Any:
    """The coordinator's board on the big screen, with the meeting codes."""
    page = _signed_in(browser, m.koord, viewport=SCREEN, bypass_csp=True)
    page.goto(board_url(m.koord, m.case, f"?screen=1&meeting={m.meeting_id}"))
    return _ready(page)


def laptop(browser: Any, m: Meeting, api: Api | None = None) -> Any:
    page = _signed_in(browser, api or m.pro, viewport=LAPTOP, bypass_csp=True)
    page.goto(board_url(api or m.pro, m.case))
    return _ready(page)


def codes_on(screen: Any) -> dict[str, str]:
    """The codes the shared screen shows, by whom they are for (citizen, network)."""
    screen.locator("#join-code .join-code[data-for='citizen']").wait_for()
    found = screen.locator("#join-code .join-code").evaluate_all(
        "els => els.map(e => [e.dataset.for, e.textContent])"
    )
    return {who: code for who, code in found if re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)}


def tablet(browser: Any, server: ServerProcess, code: str, name: str, context: Any = None) -> Any:
    """A touch tablet that joins at /join with the code and a name (as a person types it)."""
    if context is None:
        context = browser.new_context(viewport=TABLET, has_touch=True, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{server.http}/join")
    page.fill("#code", code)
    page.fill("#name", name)
    page.click("#join button[type=submit]")
    page.wait_for_url(re.compile(r"/board/"))
    return _ready(page)
