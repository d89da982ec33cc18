"""The organisation picker, Min Plan's fields and "Hent til Jobcenter" in real Chromium
(issue 16): a coordinator edits the example family plan and takes the Jobcenter's part;
a signed-in Jobcenter professional takes their own office's part from the same menu."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.board_page import open_board
from tests.conftest import ServerProcess
from tests.export_samples import EXAMPLE
from tests.test_access_support import PASSWORD, Api, coordinator, make_user
from tests.test_offices import example_case

SHOTS = os.environ.get("TAVLE_SHOTS")  # a folder: save screenshots there to look at


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def item(page: Any, name: str, key: str) -> dict:
    return page.evaluate(f"() => window.__tavle.doc.getMap('{name}').get('{key}')")


def test_picker_min_plan_fields_and_the_office_download(
    server: ServerProcess, browser: Any, tmp_path: Path
) -> None:
    board = json.loads(server.cli("board", "import", str(EXAMPLE)).stdout)
    page = open_board(
        browser, server, board, viewport={"width": 1366, "height": 768}, accept_downloads=True
    )
    try:
        task_name = "Ret: Finde en praktikplads i en kantine tæt på skolen"
        page.get_by_role("button", name=task_name).click()
        dialog = page.locator("dialog[open]")
        expect(dialog.get_by_label("Slags aktivitet")).to_have_value("internship")
        expect(dialog.get_by_label("Starter")).to_have_value("2027-02-01")
        expect(dialog.get_by_label("Hvor", exact=True)).to_have_value("org-job")
        dialog.get_by_label("Slags aktivitet").select_option(label="Mentor")
        dialog.get_by_label("Hvor", exact=True).select_option(label="Ydelseskontoret")
        shot(page, "action-form")
        dialog.locator("button[type=submit]").click()
        expect(page.locator("dialog[open]")).to_have_count(0)
        task = item(page, "actions", "a-praktik")
        assert (task["activity_type"], task["org"], task["office"]) == (
            "mentor",
            "org-ydelse",
            "Ydelseskontoret",
        )

        page.get_by_role("button", name="Tilføj mål", exact=True).click()
        dialog = page.locator("dialog[open]")
        dialog.get_by_label("Hvad er målet?").fill("Arbejde 15 timer om ugen")
        dialog.get_by_label("Slags mål").select_option(label="Mål om arbejde")
        dialog.get_by_label("Hvor", exact=True).select_option("__new_org__")
        dialog.get_by_label("Navn på den nye organisation").fill("Virksomhedskonsulenterne")
        dialog.locator("button[type=submit]").click()
        goal = page.evaluate(
            "() => [...window.__tavle.doc.getMap('goals').values()]"
            ".find((g) => g.title === 'Arbejde 15 timer om ugen')"
        )
        assert goal["kind"] == "job" and goal["office"] == "Virksomhedskonsulenterne"
        assert item(page, "organisations", goal["org"])["name"] == "Virksomhedskonsulenterne"

        job_card = page.locator("#plan .plan-goal", has_text="Få et arbejde i et køkken").first
        expect(job_card).to_contain_text("Mål om arbejde")  # a beskæftigelsesmål, in words
        page.get_by_role("button", name="Vis som liste").click()
        expect(page.locator("#plan-list-view")).to_contain_text("Mål om arbejde")
        expect(page.locator("#plan-list-view")).to_contain_text("Slags aktivitet")
        expect(page.locator("#plan-list-view")).to_contain_text("Mentor")

        page.click("#export-open")
        section = page.locator("#export-dialog .export-office", has_text="Hent til Jobcenter")
        expect(section).to_have_count(1)
        shot(page, "export-dialog")
        with page.expect_download() as download:
            section.locator("button[data-format=json]").click()
        data = Path(download.value.path()).read_bytes()
        assert b"hygiejnebevis" in data and b"Emil kommer" not in data
        assert "Jobcenter" in download.value.suggested_filename
        refused = page.locator(
            "#export-dialog .export-office", has_text="Hent til Frivilligcenteret"
        )
        refused.locator("button[data-format=pdf]").click()
        expect(page.locator("#export-dialog .export-status")).to_contain_text("samtykke")
    finally:
        page.context.close()


def test_a_professional_downloads_their_own_office_part(
    server: ServerProcess, browser: Any
) -> None:
    koord = coordinator(server)
    make_user(server, "jonas", "Jobcenter", "Team Nord", name="Jonas Holm")
    case = example_case(server, koord)
    consent = {"org": "jobcenter", "given_by": "Sofie Jensen"}  # any case names the office
    assert koord.post(f"/api/cases/{case['id']}/consents", consent).status_code == 201
    jonas = Api(server)
    assert jonas.login("jonas").status_code == 200
    link = jonas.get(f"/api/cases/{case['id']}/board-link").json()["url"]  # their session's
    board = {"board_id": case["board_id"], "link": link.split("#token=")[1]}
    page = open_board(browser, server, board, token="link", accept_downloads=True)
    try:
        page.click("#export-open")
        offices = page.locator("#export-dialog .export-office")
        expect(offices).to_have_count(1)  # their own office only
        expect(offices).to_contain_text("Hent til Jobcenter")
        whole = page.locator("#export-dialog button[data-format=json]:not([data-office])")
        assert whole.count() == 0  # the whole plan as a record is the coordinator's
        for fmt in ("json", "fhir"):  # the record formats: the office's part only, by its id
            button = offices.locator(f"button[data-format={fmt}]")
            assert button.get_attribute("data-office") == "org-job"
            with page.expect_download() as download:
                button.click()
            data = Path(download.value.path()).read_bytes()
            assert b"hygiejnebevis" in data and b"Emil kommer" not in data
        expect(page.locator("#export-dialog .export-status")).to_have_text("")
    finally:
        page.context.close()


def test_the_admin_page_adds_and_edits_organisations(server_factory: Any, browser: Any) -> None:
    server = server_factory({"TAVLE_ADMINS": "koord"})
    make_user(server, "koord", "Kommunen", "Team Nord", name="Karen Koordinator")
    make_user(server, "jonas", "Jobcenter", "Team Nord", name="Jonas Holm")
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        login(page, server, "koord")
        page.goto(f"{server.http}/orgs")
        form = page.locator("#org-form")
        form.get_by_label("Navn").fill("Jobcenter Gribskov")
        form.get_by_label("Slags").select_option("authority")
        form.get_by_label("CVR-nummer").fill("123")
        form.get_by_role("button", name="Gem").click()
        expect(page.locator("#message")).to_contain_text("8 digits")
        form.get_by_label("CVR-nummer").fill("29188335")
        form.get_by_label("SOR-kode").fill("470211000016006")
        form.get_by_role("button", name="Gem").click()
        row = page.locator("#orgs tbody tr", has_text="Jobcenter Gribskov")
        expect(row).to_contain_text("29188335")
        row.get_by_role("button", name="Ret").click()
        form.get_by_label("Kommunekode").fill("0270")
        form.get_by_role("button", name="Gem").click()
        expect(row).to_contain_text("0270")
        shot(page, "orgs-page")
        assert "null" not in page.inner_text("main") and "undefined" not in page.inner_text("main")
        listed = json.loads(server.cli("org", "list").stdout)
        assert (listed["name"], listed["municipality"]) == ("Jobcenter Gribskov", "0270")

        login(page, server, "jonas")  # not an administrator: reads the list only
        page.goto(f"{server.http}/orgs")
        expect(page.locator("#orgs tbody tr")).to_have_count(1)
        expect(page.locator("#org-form")).to_have_count(0)
    finally:
        context.close()


def login(page: Any, server: ServerProcess, username: str) -> None:
    """Sign in on /login as a professional does."""
    page.context.clear_cookies()
    page.goto(f"{server.http}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/cases")
