"""The plan panel and the plain list view in a real Chromium against a real ``tavle serve``.

Two pages on one board stand for two devices in a meeting: a professional proposes,
the citizen agrees on their own device, and a status change travels between them
within a second. Also: the list view by keyboard only, and hostile text shown as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.board_page import CONNECTED, READY
from tests.conftest import ROOT, ServerProcess
from tests.test_access_support import (
    Api,
    coordinator,
    join,
    join_code,
    make_user,
    new_case,
    open_meeting,
)
from tests.test_export_sheet import pdf_text

LIVE = 1000  # ms: a change on one device shows on the other within a second


@pytest.fixture
def pages(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open the board page in a fresh context each (own storage, like its own device)."""
    opened: list[tuple[Page, list[str]]] = []

    def open_board(server: ServerProcess, board_id: str, token: str, lang: str = "da") -> Page:
        # bypass_csp: axe-core is injected, and escaping is proven without the CSP safety net
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="da-DK", bypass_csp=True
        )
        context.add_init_script(f"localStorage.setItem('tavle.lang', '{lang}')")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        opened.append((page, errors))
        page.goto(f"{server.http}/board/{board_id}#token={token}")
        page.wait_for_function(READY, timeout=15000)
        page.wait_for_function(CONNECTED, timeout=15000)
        expect(page.locator("#plan .plan-panel")).to_be_visible()
        return page

    yield open_board
    for page, errors in opened:
        page.context.close()
        assert errors == [], errors


def meeting_tokens(server: ServerProcess) -> tuple[str, str, str]:
    """``(board_id, professional token, citizen token)``, made as in a real meeting: the
    coordinator opens a case and a meeting; the citizen joins with a citizen code, the
    professional joins and is given the professional role by the coordinator."""
    koord = coordinator(server)
    case = new_case(koord, "Sofies plan")
    meeting = open_meeting(koord, case["id"])
    citizen = join(server, join_code(koord, meeting, "citizen"), "Sofie").json()
    pro = join(server, join_code(koord, meeting), "Mette Hansen").json()
    role_url = f"/api/cases/{case['id']}/participants/{pro['participant_id']}/role"
    assert koord.post(role_url, {"role": "professional", "can_write": True}).status_code == 200
    return case["board_id"], pro["token"], citizen["token"]


def submit_dialog(page: Page) -> None:
    page.locator("dialog[open] button[type=submit]").click()
    expect(page.locator("dialog[open]")).to_have_count(0)


def propose_goal(page: Page, title: str) -> None:
    page.get_by_role("button", name="Tilføj mål", exact=True).click()
    page.get_by_label("Hvad er målet?").fill(title)
    page.get_by_label("Hvornår").select_option("next")
    submit_dialog(page)


def propose_action(page: Page, what: str, goal: str, owner: str, due: str) -> None:
    fill_action(page, what, goal, owner, due)
    submit_dialog(page)


def fill_action(page: Page, what: str, goal: str, owner: str, due: str) -> None:
    """Open "Tilføj opgave" and fill it in (a new person as owner); not yet saved."""
    page.get_by_role("button", name="Tilføj opgave", exact=True).click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Hvad skal gøres?").fill(what)
    dialog.get_by_label("Mål", exact=True).select_option(label=goal)
    dialog.get_by_label("Hvem", exact=True).select_option("__new__")
    dialog.get_by_label("Navn", exact=True).fill(owner)
    person = dialog.locator(".plan-new-person")
    person.get_by_label("Arbejdssted").select_option("__new_org__")
    person.get_by_label("Navn på den nye organisation").fill("Jobcenter Hillerød")
    dialog.get_by_label("Senest").fill(due)
    expect(dialog.locator(".plan-hint").first).to_have_text(re.compile(r"\d{2}-\d{2}-\d{4}"))


def card(page: Page, title: str):
    return page.locator(
        "#plan .plan-panel .plan-card", has=page.locator(".plan-card-title", has_text=title)
    )


def card_on_screen(page: Page, what: str) -> tuple[float, float]:
    """Page coordinates of the middle of the canvas card of the task ``what``."""
    return tuple(
        page.evaluate(
            """(what) => {
              const { doc, renderer } = window.__tavle;
              renderer.fit();
              const actions = doc.getMap('actions');
              const el = [...doc.getMap('elements').values()].find(
                (e) => e.type === 'card' && actions.get(e.ref.id)?.what === what);
              const [x, y] = renderer.toScreen(el.x + el.w / 2, el.y + el.h / 2);
              const box = document.getElementById('canvas').getBoundingClientRect();
              return [box.left + x, box.top + y];
            }""",
            what,
        )
    )


def lane(page: Page, field: str, value: str):
    return page.locator(f"#plan .plan-lane[data-field={field}][data-value={value}]")


def test_professional_proposes_citizen_agrees_and_status_is_live(server, pages) -> None:
    board_id, pro_token, citizen_token = meeting_tokens(server)
    pro = pages(server, board_id, pro_token)
    citizen = pages(server, board_id, citizen_token)

    propose_goal(pro, "Få et fast job")
    propose_action(pro, "Ring til jobcentret", "Få et fast job", "Mette Hansen", "2026-12-07")

    # the professional's items are proposals on both devices; a card for each is on the canvas
    for page in (pro, citizen):
        expect(card(page, "Få et fast job").locator(".plan-badge-proposal")).to_contain_text(
            "Forslag"
        )
        action = card(page, "Ring til jobcentret")
        expect(action.locator(".plan-badge-proposal")).to_contain_text("Forslag")
        expect(action).to_contain_text("Mette Hansen")
        expect(action).to_contain_text("07-12-2026")
        expect(action).not_to_contain_text("2026-12-07")
    cards = pro.evaluate(
        "() => [...window.__tavle.doc.getMap('elements').values()]"
        ".filter((e) => e.type === 'card').map((e) => e.ref.kind).sort()"
    )
    assert cards == ["action", "goal"]
    goal_box, task_box = pro.evaluate(  # the task's card is placed beside its goal's card
        """() => { const r = window.__tavle.renderer, ids = [...r.cardOf().values()];
            const of = (k) => ids.find((i) => r.items.get(i).el.ref.kind === k);
            return ['goal', 'action'].map((k) => r.items.get(of(k)).box); }"""
    )
    assert goal_box[2] < task_box[0] <= goal_box[2] + 400 and task_box[1] >= goal_box[1] - 1
    # only the citizen is asked to agree
    expect(pro.get_by_role("button", name=re.compile("^Enig"))).to_have_count(0)
    citizen.get_by_role("button", name="Enig i: Få et fast job").click()
    # or on the canvas: tap the task's card, then "Enig" in the citizen's toolbar
    citizen.mouse.click(*card_on_screen(citizen, "Ring til jobcentret"))
    citizen.locator("#toolbar").get_by_role("button", name="Enig").click()

    today = datetime.now(UTC).strftime("%d-%m-%Y")
    for title in ("Få et fast job", "Ring til jobcentret"):
        expect(card(pro, title).locator(".plan-badge-agreed")).to_have_text(f"Aftalt {today}")
        expect(card(pro, title).locator(".plan-badge-proposal")).to_have_count(0)

    # the citizen adds a step of their own (no proposal); horizon by drag shows on the other
    citizen.get_by_role("button", name="Tilføj delmål til: Få et fast job").click()
    citizen.get_by_label("Hvad er målet?").fill("Lave et CV")
    submit_dialog(citizen)
    step = card(pro, "Få et fast job").locator(".plan-subgoals .plan-card")
    expect(step).to_contain_text("Lave et CV", timeout=LIVE)
    expect(step.locator(".plan-badge")).to_have_count(0)
    card(pro, "Få et fast job").locator(".plan-grip").first.drag_to(lane(pro, "horizon", "now"))
    expect(lane(citizen, "horizon", "now")).to_contain_text("Få et fast job", timeout=LIVE)

    # status by tapping on one device shows on the other within a second, and the other
    # device's focus stays on the very control it was on (the panel is updated in place)
    citizen.get_by_role("button", name="Ret: Få et fast job").focus()
    citizen.evaluate("document.activeElement.planMark = 'kept'")
    pro.get_by_role("button", name=re.compile("Ring til jobcentret. Tryk for at skifte")).click()
    expect(lane(citizen, "status", "in_progress")).to_contain_text(
        "Ring til jobcentret", timeout=LIVE
    )
    assert citizen.evaluate("document.activeElement.planMark") == "kept"
    # and by dragging the card into another lane on the citizen's device
    grip = card(citizen, "Ring til jobcentret").locator(".plan-grip")
    grip.drag_to(lane(citizen, "status", "done"))
    expect(lane(pro, "status", "done")).to_contain_text("Ring til jobcentret", timeout=LIVE)
    expect(lane(pro, "status", "in_progress")).not_to_contain_text("Ring til jobcentret")


def test_the_people_in_the_meeting_can_own_a_task(server, pages) -> None:
    """The "Hvem" list offers the people on the board now: the citizen owns a task as the
    citizen (her sheet says "Dig"), never retyped as a "new person" who is a professional."""
    board_id, pro_token, citizen_token = meeting_tokens(server)
    pro = pages(server, board_id, pro_token)
    pages(server, board_id, citizen_token)  # Sofie is on the board on her own tablet
    propose_goal(pro, "Flytte i egen bolig")
    pro.get_by_role("button", name="Tilføj opgave", exact=True).click()
    dialog = pro.locator("dialog[open]")
    dialog.get_by_label("Hvad skal gøres?").fill("Søge om boligstøtte")
    who = dialog.get_by_label("Hvem", exact=True)
    expect(who.locator("option", has_text="Sofie (Borger)")).to_have_count(1)
    expect(who.locator("option", has_text="Mette Hansen (Fagperson)")).to_have_count(1)
    who.select_option(label="Sofie (Borger)")
    submit_dialog(pro)
    expect(card(pro, "Søge om boligstøtte")).to_contain_text("Sofie")
    owners = pro.evaluate(
        """() => { const d = window.__tavle.doc, people = d.getMap('participants');
            return [...d.getMap('actions').values()].map((a) => people.get(a.owner)); }"""
    )
    assert [(p["name"], p["role"]) for p in owners] == [("Sofie", "citizen")]
    # now in the network, she is offered once, by name, in the next task's list
    pro.get_by_role("button", name="Tilføj opgave", exact=True).click()
    options = pro.locator("dialog[open]").get_by_label("Hvem", exact=True).locator("option")
    assert [o for o in options.all_inner_texts() if "Sofie" in o] == ["Sofie"]
    pro.keyboard.press("Escape")
    # on her sheet the task is hers ("Dig") and she is not one of her own contacts
    url = f"{server.http}/api/boards/{board_id}/export?format=pdf"
    sheet = httpx.get(url, headers={"Authorization": f"Bearer {pro_token}"}, timeout=30)
    text, _ = pdf_text(sheet.content)
    assert "Søge om boligstøtte Dig" in text and "Fagperson Sofie" not in text


def test_a_professional_picked_from_the_board_brings_their_organisation(server, pages) -> None:
    """Hvem: Jonas, signed in on his own laptop, is picked as a task's owner on the
    coordinator's page. His organisation is his account's (the server's answer to his own
    page, which publishes it), linked to the board's organisation of that name in any case:
    the sheet and the plan record say "Jobcenter" with no "Ret" afterwards."""
    koord = coordinator(server)
    make_user(server, "jonas", "jobcenter", "Team Nord", name="Jonas Holm")
    case = new_case(koord, "Sofies plan")
    consent = {"org": "Jobcenter", "given_by": "Sofie"}
    assert koord.post(f"/api/cases/{case['id']}/consents", consent).status_code == 201
    jonas = Api(server)
    assert jonas.login("jonas").status_code == 200

    def link(api: Api) -> str:
        return api.get(f"/api/cases/{case['id']}/board-link").json()["url"].split("#token=")[1]

    karen = pages(server, case["board_id"], link(koord))
    karen.evaluate(
        """() => window.__tavle.doc.getMap('organisations').set('org-job', {id: 'org-job',
            name: 'Jobcenter', kind: 'authority', sor: '', cvr: '12345678', municipality: '',
            kombit: ''})"""
    )
    pages(server, case["board_id"], link(jonas))  # on his own laptop
    expect(karen.locator("#people")).to_contain_text("Jonas Holm")
    propose_goal(karen, "Få et job")
    karen.get_by_role("button", name="Tilføj opgave", exact=True).click()
    dialog = karen.locator("dialog[open]")
    dialog.get_by_label("Hvad skal gøres?").fill("Finde en praktikplads")
    dialog.get_by_label("Hvem", exact=True).select_option(label="Jonas Holm (Fagperson)")
    submit_dialog(karen)
    expect(card(karen, "Finde en praktikplads")).to_contain_text("Jonas Holm")

    url = f"{server.http}/api/boards/{case['board_id']}/export"
    auth = {"Authorization": f"Bearer {link(koord)}"}
    record = httpx.get(url, params={"format": "json"}, headers=auth, timeout=30).json()
    picked = [p for p in record["participants"] if p["name"] == "Jonas Holm"]
    assert [(p["role"], p["org"], p["organisation"]) for p in picked] == [
        ("professional", "org-job", "Jobcenter")
    ]
    assert sorted(o["name"] for o in record["organisations"]) == ["Jobcenter", "Kommunen"]
    sheet = httpx.get(url, params={"format": "pdf"}, headers=auth, timeout=30)
    text, _ = pdf_text(sheet.content)
    assert "Finde en praktikplads Jonas Holm, Jobcenter" in text
    assert "Din kontaktperson Karen Koordinator Kommunen" in text
    assert "Fagperson Jonas Holm Jobcenter" in text


def axe_problems(page: Page) -> list[str]:
    """Serious or critical accessibility violations inside the plan panel (axe-core)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    found = page.evaluate("axe.run('#plan').then((r) => r.violations)")
    return [
        f"{v['id']}: {v['nodes'][0]['html']}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def small_targets(page: Page) -> list[str]:
    """Visible controls in the plan panel smaller than 44 × 44 CSS pixels."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#plan button, #plan select, #plan input')]
          .filter((el) => el.offsetParent !== null)
          .filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width < 44 || r.height < 44;
          })
          .map((el) => el.outerHTML.slice(0, 80))"""
    )


def tab_to(page: Page, selector: str, limit: int = 200) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def type_into_dialog(page: Page, values: list[str]) -> None:
    """Fill the open dialog's fields in Tab order with ``values`` and submit with Enter."""
    for i, value in enumerate(values):
        if i:
            page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    expect(page.locator("dialog[open]")).to_have_count(0)


def test_plan_by_keyboard_only_and_list_view(server, pages) -> None:
    board = server.create_board("Tastatur")
    page = pages(server, board["board_id"], board["edit_token"])

    # Escape leaves a form (even from one of its buttons) and gives the focus back
    tab_to(page, "[data-focus='goal:add']")
    page.keyboard.press("Enter")
    tab_to(page, "dialog[open] button[type=button]")
    page.keyboard.press("Escape")
    expect(page.locator("dialog[open]")).to_have_count(0)
    assert page.evaluate("document.activeElement.dataset.focus") == "goal:add"

    page.keyboard.press("Enter")
    type_into_dialog(page, ["Bo for mig selv"])
    tab_to(page, "[data-focus='goal:add']")
    page.keyboard.press("Enter")
    type_into_dialog(page, ["Lære at lave mad"])
    goals = page.locator("#plan .plan-lane[data-value=now] .plan-card-title")
    expect(goals).to_have_text(["Bo for mig selv", "Lære at lave mad"])

    # rank by keyboard: "Flyt ned" moves the goal and keeps the focus on its button
    tab_to(page, "button[aria-label='Flyt ned: Bo for mig selv']")
    page.keyboard.press("Enter")
    expect(goals).to_have_text(["Lære at lave mad", "Bo for mig selv"])
    # it is last now, so "Flyt ned" is disabled and its neighbour "Flyt op" has the focus
    assert (
        page.evaluate("document.activeElement.getAttribute('aria-label')")
        == "Flyt op: Bo for mig selv"
    )

    tab_to(page, "[data-focus='action:add']")
    page.keyboard.press("Enter")
    page.keyboard.type("Søg om boligstøtte")
    page.keyboard.press("Tab")  # goal
    page.keyboard.press("Tab")  # owner
    page.keyboard.press("Tab")  # due date (native field: day, month, year)
    page.keyboard.type("07122026")
    page.keyboard.press("Enter")
    expect(page.locator("dialog[open]")).to_have_count(0)
    # status by keyboard: the task moves lane and its status button keeps the focus
    tab_to(page, "button.plan-status-btn")
    page.keyboard.press("Enter")
    expect(lane(page, "status", "in_progress")).to_contain_text("Søg om boligstøtte")
    expect(page.locator(":focus")).to_have_text("I gang")

    assert small_targets(page) == []
    assert axe_problems(page) == []

    tab_to(page, "[data-plan='list-toggle']")
    page.keyboard.press("Enter")
    listview = page.locator("#plan-list-view")
    expect(listview).to_be_visible()
    expect(page.locator("#plan .plan-panel")).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "Planen som liste"
    headings = listview.locator("h2")
    expect(headings).to_have_text(
        ["Planen som liste", "Mit mål", "Mål", "Opgaver", "Netværk", "Aftaler", "Næste møde"]
    )
    expect(listview.locator("h3", has_text="Nu")).to_have_count(1)
    expect(listview.locator("ul > li strong")).to_contain_text(
        ["Lære at lave mad", "Bo for mig selv"]
    )
    task = listview.locator("li", has_text="Søg om boligstøtte")
    expect(task.locator("dl")).to_contain_text("I gang")
    expect(task.locator("dd").nth(1)).to_have_text(re.compile(r"^\d{2}-\d{2}-\d{4}$"))
    assert not re.search(r"\d{4}-\d{2}-\d{2}", listview.inner_text())
    assert axe_problems(page) == []
    # back to the panel by keyboard
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.plan") == "list-toggle"
    page.keyboard.press("Enter")
    expect(page.locator("#plan .plan-panel")).to_be_visible()


def test_list_view_reads_the_example_family_plan(server, pages) -> None:
    record = ROOT / "docs" / "examples" / "familieplan.json"
    board = json.loads(server.cli("board", "import", str(record)).stdout)
    page = pages(server, board["board_id"], board["edit_token"])
    expect(page.locator("#plan .plan-own-goal")).to_have_text(
        re.compile(r"^»Jeg vil have et arbejde, så børnene kan se.*sove om natten\.«$")
    )
    # one household member's goals and tasks at a time
    page.get_by_label("Vis for").select_option(label="Emil")
    expect(lane(page, "horizon", "now").locator(".plan-card-title")).to_have_text(
        ["Emil kommer i skole hver dag"]
    )
    expect(lane(page, "status", "in_progress").locator(".plan-card-title")).to_have_text(
        ["Følge Emil i skole tirsdag og torsdag"]
    )
    page.get_by_label("Vis for").select_option(label="Alle")
    expect(lane(page, "horizon", "now").locator(".plan-card-title")).to_contain_text(
        ["Ro på pengene", "Emil kommer i skole hver dag"]
    )
    # a goal is reached: it says so on its card and in the list
    page.get_by_role("button", name="Ret: Tage hygiejnebevis").click()
    page.locator("dialog[open]").get_by_label("Hvordan står det til med målet?").select_option(
        label="Nået"
    )
    submit_dialog(page)
    expect(card(page, "Tage hygiejnebevis").locator(".plan-badge").first).to_have_text("Nået")
    page.get_by_role("button", name="Vis som liste").click()
    listview = page.locator("#plan-list-view")
    expect(listview.locator("h2")).to_contain_text(
        ["Mit mål", "Mål", "Opgaver", "Netværk", "Familien", "Aftaler", "Næste møde"]
    )
    goals = listview.locator("section[aria-labelledby=plan-l-goals]")
    tasks = listview.locator("section[aria-labelledby=plan-l-actions]")

    def item(section, title: str):
        return section.locator("li", has=page.locator("strong", has_text=title)).first

    expect(item(goals, "Emil kommer i skole hver dag")).to_contain_text(
        "Hvem i familien: Emil, søn (14 år)"
    )
    expect(item(goals, "Få et arbejde i et køkken").locator("ul li strong")).to_have_text(
        ["Tage hygiejnebevis", "Prøve en praktik i en kantine"]
    )
    parked = goals.locator("h3", has_text="Sat på pause").locator("xpath=following-sibling::ul[1]")
    expect(parked).to_contain_text("Tage kørekort")
    task = item(tasks, "Følge Emil i skole tirsdag og torsdag").locator("dd")
    expect(task.nth(0)).to_have_text("Karen Jensen")
    expect(task.nth(1)).to_have_text("01-12-2026")
    expect(task.nth(2)).to_have_text("I gang")
    expect(listview).to_contain_text("07-12-2026 kl. 10.00, Rådhuset, mødelokale 2")
    assert not re.search(r"\d{4}-\d{2}-\d{2}", listview.inner_text())
    assert axe_problems(page) == []


GARBAGE = """() => {
  const { doc, provider } = window.__tavle;
  provider.disconnect(); // only this page's reading is under test, not the server's guard
  doc.transact(() => {
    const goals = doc.getMap('goals');
    goals.set('bad1', 'just a string');
    goals.set('bad2', { title: 42 });
    goals.set('ok', { title: 'Ok titel', horizon: 'never', rank: 'x', parent: { x: 1 },
                      proposed_by: 7, agreed_at: [] });
    goals.set('c1', { title: 'Cirkel A', parent: 'c2' });
    goals.set('c2', { title: 'Cirkel B', parent: 'c1' });
    doc.getMap('actions').set('a', { what: 'Opgave med skrald', due: 'i morgen',
      status: 'maybe', owner: 12, carried_over: -3, goal: 'nowhere' });
    doc.getMap('participants').set('p1', { name: '' });
    doc.getMap('plan').set('own_goal', 'not an object');
    doc.getMap('plan').set('next_meeting', { date: 5, time: {}, place: null });
  });
}"""


def test_a_broken_document_still_reads(server, pages) -> None:
    board = server.create_board("Skrald")
    page = pages(server, board["board_id"], board["edit_token"])
    page.evaluate(GARBAGE)
    # the circle is broken: "Cirkel B" stays a step of "Cirkel A", which becomes a goal
    expect(lane(page, "horizon", "now").locator(".plan-card-title")).to_have_text(
        ["Cirkel A", "Cirkel B", "Ok titel"]
    )
    expect(card(page, "Cirkel A").locator(".plan-subgoals")).to_contain_text("Cirkel B")
    task = card(page, "Opgave med skrald")
    expect(task).to_contain_text("Ikke valgt endnu")
    expect(task.locator(".plan-status-btn")).to_have_text("Ikke startet")
    expect(page.locator("#plan .plan-people")).to_have_count(0)
    expect(page.locator("#plan .plan-meeting")).to_have_text("Ikke valgt endnu")
    page.get_by_role("button", name="Vis som liste").click()
    expect(page.locator("#plan-list-view")).to_contain_text("Cirkel B")


HOSTILE = '<img src=x onerror="window.__pwned=1">'


def test_hostile_text_is_shown_as_text_and_observer_reads_in_english(server, pages) -> None:
    board = server.create_board("Fjendtlig")
    pro = pages(server, board["board_id"], board["edit_token"])
    observer = pages(server, board["board_id"], board["view_token"], lang="en")

    pro.get_by_role("button", name="Skriv mit mål").click()
    pro.locator("dialog[open] textarea").fill(HOSTILE)
    submit_dialog(pro)
    propose_goal(pro, HOSTILE)
    propose_action(pro, HOSTILE, HOSTILE, HOSTILE, "2026-12-07")
    pro.get_by_role("button", name="Tilføj aftale").click()
    pro.locator("dialog[open]").get_by_label("Aftalen").fill(HOSTILE)
    pro.locator("dialog[open]").get_by_label("Hvem følger op").select_option(label=HOSTILE)
    submit_dialog(pro)
    pro.get_by_role("button", name="Ret: Næste møde").click()
    pro.locator("dialog[open]").get_by_label("Dato").fill("2026-12-14")
    pro.locator("dialog[open]").get_by_label("Klokken").fill("10:00")
    pro.locator("dialog[open]").get_by_label("Sted").fill(HOSTILE)
    submit_dialog(pro)
    pro.locator("#plan .plan-people").get_by_role("button", name=f"Ret: {HOSTILE}").click()
    pro.locator("dialog[open]").get_by_label("Telefon").fill("12 34 56 78")
    submit_dialog(pro)
    expect(pro.locator("#plan .plan-meeting")).to_have_text(f"14-12-2026 kl. 10.00, {HOSTILE}")
    pro.locator("#plan .plan-agreements").get_by_role("button", name=f"Ret: {HOSTILE}").click()
    pro.locator("dialog[open]").get_by_label("Dato").fill("2026-12-10")
    submit_dialog(pro)
    expect(pro.locator("#plan .plan-agreements li")).to_have_text(
        f"{HOSTILE} Hvem følger op: {HOSTILE} 10-12-2026 Ret"
    )

    expect(observer.locator("#plan .plan-own-goal")).to_have_text(f"“{HOSTILE}”")
    expect(pro.locator("#plan .plan-own-goal")).to_have_text(f"»{HOSTILE}«")
    for page in (pro, observer):
        expect(card(page, HOSTILE).first).to_be_visible()
        assert page.locator("#plan img, body > img").count() == 0
        assert page.evaluate("window.__pwned") is None
    # the observer reads, in English: nothing to edit, only "Show on board" to look
    expect(card(observer, HOSTILE).last).to_contain_text("Suggestion from")
    buttons = observer.locator("#plan .plan-panel button")
    expect(buttons).to_have_text(["Show on board"])
    expect(buttons).to_have_attribute("aria-label", f"Show on board: {HOSTILE}")
    observer.get_by_role("button", name="Show as list").click()
    listview = observer.locator("#plan-list-view")
    expect(listview.locator("h2").nth(1)).to_have_text("What I want")
    expect(listview).to_contain_text(HOSTILE)
    expect(listview).to_contain_text("07-12-2026")
    expect(listview).to_contain_text("Not started")
    expect(listview).to_contain_text(f"14-12-2026 at 10:00, {HOSTILE}")
    expect(listview).to_contain_text(f"{HOSTILE} Professional · Jobcenter Hillerød · 12 34 56 78")
