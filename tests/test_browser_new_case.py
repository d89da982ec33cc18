""" "Ny sag" offers the templates, each with a small picture of the example plan laid out
by it (GET /api/templates/{name}.svg), and the case's board is laid out by the choice."""

from __future__ import annotations

import re
import sqlite3
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from board.templates import TEMPLATES
from tests import board_page
from tests.test_access_support import PASSWORD, coordinator

shared_server = board_page.shared_server


@pytest.fixture
def server(shared_server):  # one server for the module
    return shared_server


@pytest.fixture(scope="module")
def koord(shared_server):
    return coordinator(shared_server)


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as res:  # noqa: S310 - our own server
            return res.status, res.headers["Content-Type"], res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


def test_each_template_has_a_picture_of_the_example_laid_out(server) -> None:
    for name in TEMPLATES:
        status, kind, body = get(f"{server.http}/api/templates/{name}.svg")
        assert status == 200 and kind.startswith("image/svg+xml")
        root = ET.fromstring(body)  # noqa: S314 - our own output
        assert int(root.get("width")) <= 260 and len(root) > 5, name
    assert get(f"{server.http}/api/templates/nope.svg")[0] == 404
    assert get(f"{server.http}/api/templates/..%2Fsecret.svg")[0] == 404


@pytest.mark.parametrize(
    "kw",
    [{}, {"viewport": {"width": 1024, "height": 768}, "has_touch": True}],
    ids=["mouse", "touch"],
)
def test_new_case_offers_the_templates_with_pictures(server, browser, koord, kw) -> None:
    alias = f"Familien Status {len(kw)}"
    ctx = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **kw})
    page = ctx.new_page()
    page.goto(f"{server.http}/login")
    page.fill("#username", "koord")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/cases$"))
    page.click("#new-case-box summary")  # "Ny sag" opens above the list of cases
    options = page.locator(".template-option")
    assert options.count() == len(TEMPLATES)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.template-option img')]"
        ".every((i) => i.complete && i.naturalWidth > 0)"
    )
    assert page.locator(".template-option input:checked").get_attribute("value") == "vejen"
    labels = options.all_inner_texts()
    assert "Vejen til mit mål" in labels[0] and "Status på opgaver" in " ".join(labels)
    assert all(o.bounding_box()["height"] >= 44 for o in options.all())
    page.screenshot(path=str(server.data_dir / "new-case.png"))
    page.fill("#alias", alias)
    page.locator(".template-option", has_text="Status på opgaver").click()
    page.click("#new-case button[type=submit]")
    page.locator("article.case .alias", has_text=alias).wait_for()
    with sqlite3.connect(server.data_dir / "tavle.db") as db:
        (template,) = db.execute("select template from boards where title = ?", (alias,)).fetchone()
    assert template == "status"  # the case's board is laid out by the choice
    assert koord.get("/api/cases").status_code == 200
    ctx.close()
