"""The whole meeting in the room, in real Chromium against a real ``tavle serve``:
the coordinator's shared screen (1920×1080), the citizen's touch tablet (iPad size) and a
professional's laptop. Code → joined as the citizen → goals and tasks added and drawn →
proposals agreed ("Enig" on one, then "Enig i det hele") → "Godkend planen" → confirmed
live → the citizen's sheet downloaded and read. Each live step is timed and printed."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests import meeting_room as mr
from tests.board_page import READY, line_events, pointer
from tests.test_access_support import join, join_code
from tests.test_browser_board import axe_violations
from tests.test_browser_plan import fill_action, propose_action, submit_dialog
from tests.test_export_sheet import pdf_text

pytestmark = pytest.mark.browser
KEY = re.compile(
    r"\b(?:app|tools|plan|versions|agree|meeting|brief|progress|live|access|join)\.[a-z_.]+"
)
RAW = re.compile(r"\b(false|true|undefined|null|NaN)\b|\[object Object\]")


class Clock:
    """Times the live steps and prints them (ms) at the end of the test."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []

    def live(self, what: str, act: Any, wait: Any) -> float:
        started = time.perf_counter()
        act()
        wait()
        ms = (time.perf_counter() - started) * 1000
        self.steps.append((what, ms))
        return ms

    def report(self) -> None:
        for what, ms in self.steps:
            print(f"{what:<58} {ms:7.0f} ms")


@pytest.fixture
def meeting(server) -> Iterator[mr.Meeting]:
    yield mr.prepare(server, template="vejen")


def fill_goal(page: Page, title: str, horizon: str) -> None:
    """Open "Tilføj mål" and fill it in; ``submit_dialog`` saves it."""
    page.get_by_role("button", name="Tilføj mål", exact=True).click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Hvad er målet?").fill(title)
    dialog.get_by_label("Hvornår", exact=True).select_option(horizon)


def one_row(page: Page) -> bool:
    """Every visible toolbar button on one line."""
    tops = page.locator("#toolbar button:visible").evaluate_all(
        "bs => bs.map(b => Math.round(b.getBoundingClientRect().top))"
    )
    return len(set(tops)) == 1


def untranslated(page: Page) -> list[str]:
    """A translation key shown as it is (``versions.state.agreed``) means a missing word."""
    text = page.evaluate("() => document.body.innerText")
    return KEY.findall(text)


def small_text(page: Page) -> list[str]:
    """Text beside the board on the shared screen under 24 CSS px (read across a room)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body, #brief *')]
            .filter(e => e.offsetParent !== null && [...e.childNodes].some(
                n => n.nodeType === 3 && n.textContent.trim()))
            .filter(e => parseFloat(getComputedStyle(e).fontSize) < 24)
            .map(e => e.textContent.trim().slice(0, 40))"""
    )


def raw_words(page: Page) -> list[str]:
    return [m.group(0) for m in RAW.finditer(page.evaluate("() => document.body.innerText"))]


def participants_named(m: mr.Meeting, name: str) -> int:
    detail = m.koord.get(f"/api/cases/{m.case['id']}").json()
    return sum(1 for p in detail["participants"] if p["name"] == name)


def test_the_whole_meeting(meeting, browser) -> None:
    m, clock = meeting, Clock()
    screen = mr.shared_screen(browser, m)
    codes = mr.codes_on(screen)
    assert set(codes) == {"citizen", "network"} and codes["citizen"] != codes["network"]
    assert small_text(screen) == []
    # the code card is beside the board, never over it
    card, stage = (
        screen.locator("#join-code").bounding_box(),
        screen.locator("#stage").bounding_box(),
    )
    assert card["x"] >= stage["x"] + stage["width"]

    # the citizen joins with the citizen's code: the citizen's toolbar from the first second
    tablet = mr.tablet(browser, m.server, codes["citizen"], "Sofie")
    assert tablet.get_attribute("#toolbar", "data-mode") == "citizen"
    keys = tablet.locator("#toolbar button").evaluate_all("bs => bs.map(b => b.dataset.key)")
    assert keys == ["pen", "note", "agree", "undo"]
    # the screen hides the codes by itself once the citizen is in; "Vis mødekode" brings them back
    expect(screen.locator("#join-code")).to_be_hidden()
    clock.live(
        "screen: Vis mødekode shows the codes",
        lambda: screen.click("#show-code"),
        lambda: screen.locator("#join-code").wait_for(),
    )
    screen.click("#hide-code")
    expect(screen.locator("#join-code")).to_be_hidden()
    expect(screen.locator("#show-code")).to_be_visible()

    # rejoining on the same device with the same name is the same participant
    again = mr.tablet(browser, m.server, codes["citizen"], "Sofie", context=tablet.context)
    assert again.get_attribute("#toolbar", "data-mode") == "citizen"
    again.close()
    assert participants_named(m, "Sofie") == 1
    # someone else cannot take the citizen's code while the citizen is in
    taken = join(m.server, codes["citizen"], "Anden")
    assert taken.status_code == 409 and "allerede brugt" in taken.json()["error"]

    laptop = mr.laptop(browser, m)
    # one toolbar row for professionals, words on the shared screen, tooltips on the laptop
    assert one_row(screen) and one_row(laptop)
    assert (
        screen.locator("#toolbar button[data-key=connector]")
        .inner_text()
        .endswith("Streg mellem kort")
    )
    assert laptop.get_attribute("#toolbar button[data-key=highlighter]", "title") == (
        "Overstregningspen (M)"
    )
    colours = laptop.locator("#toolbar .group[data-for=draw]").first
    assert colours.is_visible()  # the pen is chosen
    laptop.keyboard.press("v")  # Vælg: no colours or widths while nothing is drawn
    assert colours.is_hidden()
    laptop.keyboard.press("p")
    # the plan panel folds away on the tablet and comes back with one tap
    tablet.click("#side-toggle")
    expect(tablet.locator("#side")).to_be_hidden()
    assert tablet.locator("#stage").bounding_box()["width"] == mr.TABLET["width"]
    tablet.click("#side-toggle")
    expect(tablet.locator("#side")).to_be_visible()
    # the professional proposes goals and a task in the plan panel: live on the screen's brief
    fill_goal(laptop, "Få et fast job", "now")
    clock.live(
        "laptop saves a goal -> screen's plan in brief",
        lambda: submit_dialog(laptop),
        lambda: screen.locator("#brief-plan li", has_text="Få et fast job").wait_for(),
    )
    fill_goal(laptop, "Flytte i egen bolig", "next")
    submit_dialog(laptop)
    propose_action(laptop, "Ring til lægen", "Få et fast job", "Mette Hansen", "2026-12-20")
    fill_action(laptop, "Søg tre job", "Få et fast job", "Jonas Jobcenter", "2026-12-30")
    clock.live(
        "laptop saves a task -> tablet's list of proposals",
        lambda: submit_dialog(laptop),
        lambda: tablet.locator("#versions .proposals li", has_text="Søg tre job").wait_for(),
    )
    expect(screen.locator("#brief-plan")).to_contain_text("Flytte i egen bolig")
    expect(screen.locator("#brief-plan")).to_contain_text("Mette Hansen")

    # drawn: the citizen with a finger, the coordinator on the shared screen itself
    stroke_by = """(name) => [...window.__tavle.doc.getMap('elements').values()]
        .some(e => e.type === 'stroke' && e.author === name)"""
    clock.live(
        "tablet: finger stroke -> shared screen",
        lambda: pointer(tablet, line_events("touch", 5, (120, 460), (380, 520))),
        lambda: screen.wait_for_function(stroke_by, arg="Sofie"),
    )
    clock.live(
        "shared screen: pen stroke -> tablet",
        lambda: pointer(screen, line_events("mouse", 1, (500, 700), (800, 760))),
        lambda: tablet.wait_for_function(stroke_by, arg="Karen Koordinator"),
    )

    # the citizen sees every proposal on one list, agrees to one, then to all the rest
    items = tablet.locator("#versions .proposals li")
    expect(items).to_have_count(4)
    items.filter(has_text="Ring til lægen").get_by_role("button").click()
    expect(items).to_have_count(3)
    clock.live(
        "tablet: Enig i det hele -> laptop sees them agreed",
        lambda: tablet.click("#agree-all"),
        lambda: laptop.wait_for_function(
            """() => [...window.__tavle.doc.getMap('goals').values(),
                      ...window.__tavle.doc.getMap('actions').values()].every(i => i.agreed_at)"""
        ),
    )
    expect(tablet.locator("#versions .proposals")).to_contain_text("ingen forslag")
    # a proposal made after the agreeing stays a proposal ("Forslag")
    course = ("Undersøg et kursus", "Flytte i egen bolig", "Ali Hassan", "2027-01-15")
    propose_action(laptop, *course)
    expect(screen.locator("#brief-plan li", has_text="Undersøg et kursus")).to_contain_text(
        "Forslag"
    )

    assert small_text(screen) == []
    # "Godkend planen" on the shared screen reaches the tablet live (no reload) ...
    clock.live(
        "screen: Godkend planen -> tablet's 'Jeg er enig i planen'",
        lambda: screen.click("#agree-plan"),
        lambda: tablet.locator("#confirm-plan").wait_for(),
    )
    expect(laptop.locator("#versions .agree-state")).to_have_attribute(
        "data-state", "awaiting_citizen"
    )
    # ... and the citizen's confirmation reaches everyone live
    clock.live(
        "tablet: Jeg er enig i planen -> screen and laptop say agreed",
        lambda: tablet.click("#confirm-plan"),
        lambda: [
            p.locator("#versions .agree-state[data-state=agreed]").wait_for()
            for p in (screen, laptop)
        ],
    )
    expect(tablet.locator("#versions .agree-state")).to_have_attribute("data-state", "agreed")

    # the rating: the team's scale as buttons
    tablet.locator(".rating .rate-step[data-value='7']").first.click()
    expect(tablet.locator(".rating .rate-step[data-value='7']").first).to_have_attribute(
        "aria-pressed", "true"
    )

    # the citizen's sheet, downloaded from the tablet, holds the agreed items
    tablet.click("#export-open")
    offered = tablet.locator("#export-dialog button[data-format]").all_inner_texts()
    assert offered and not [o for o in offered if re.search(r"\b(PDF|PNG|SVG|JSON|FHIR|CSV)\b", o)]
    with tablet.expect_download() as download:
        tablet.click("#export-dialog button[data-format=pdf]")
    text, _reader = pdf_text(Path(download.value.path()).read_bytes())
    for agreed in ("Få et fast job", "Flytte i egen bolig", "Ring til lægen", "Søg tre job"):
        assert agreed in text, agreed
    # the suggestion made after the agreeing is on the sheet, marked "Forslag", not dropped
    assert "Undersøg et kursus" in text
    assert text.count("Forslag") == 1, text
    tablet.click("#export-dialog .export-close")

    # only words, and no accessibility problem at any impact level on the board with content
    for page in (screen, tablet, laptop):
        assert raw_words(page) == []
    for page in (screen, tablet, laptop):
        assert axe_violations(page) == []
    # the same in English: words only, every key translated
    for page in (screen, tablet, laptop):
        page.click("#lang button[lang=en]")
        page.wait_for_function(READY)
        page.locator("#versions .agree-state").wait_for()
        assert page.evaluate("document.documentElement.lang") == "en"
        assert raw_words(page) == [] and untranslated(page) == []
    assert tablet.inner_text("#versions .agree-state") == "The citizen agrees. The plan is agreed."
    clock.report()
    for page in (screen, tablet, laptop):
        page.context.close()


def test_the_meeting_ends_in_one_clear_state_on_the_tablet(meeting, browser) -> None:
    m = meeting
    code = join_code(m.koord, m.meeting_id, "citizen")
    tablet = mr.tablet(browser, m.server, code, "Sofie")
    assert m.koord.post(f"/api/meetings/{m.meeting_id}/end").status_code == 200
    tablet.locator("#ended h2").wait_for()
    assert tablet.inner_text("#ended h2") == "Mødet er slut for dig"
    for hidden in ("#toolbar", "#stage", "#side", "#conn", "header"):
        assert not tablet.locator(hidden).is_visible(), hidden
    tablet.context.close()
