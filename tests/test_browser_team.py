"""The tavlemøde page in a real Chromium: two team members watch the live team board while
a status change arrives from a case board over a real WebSocket; filters; case review."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

import pytest

from board.plan import Action, Goal, Rating
from tests.conftest import require
from tests.test_access_support import Api, join, join_code, make_user, new_case, open_meeting

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import ServerProcess

    server = ServerProcess(data_dir=Path(tmp_path_factory.mktemp("team")))
    server.start()
    make_user(server, "koord", "Kommunen", "Team Nord", name="Karen Koordinator")
    make_user(server, "jobc", "Jobcenter", "Team Nord", name="Jonas Jobcenter")
    apis = {}
    for name in ("koord", "jobc"):
        apis[name] = Api(server)
        assert apis[name].login(name).status_code == 200
    yield server, apis
    server.stop()


def signed_in_page(browser, server, api: Api):
    ctx = browser.new_context()
    ctx.add_cookies(
        [{"name": k, "value": v, "url": server.http} for k, v in api.http.cookies.items()]
    )
    ctx.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => (window.__csp = window.__csp || []).push(e.violatedDirective))"
    )
    return ctx, ctx.new_page()


def card_text(page, case_id: str) -> str:
    return page.inner_text(f"article[data-case='{case_id}']")


def test_two_members_see_a_status_change_live_and_review_a_case(setup, browser) -> None:
    require((ROOT / "static" / "dist" / "team.js").exists(), "the team bundle (npm run build)")
    server, apis = setup
    cases = [new_case(apis["koord"], f"Sag {i}") for i in range(3)]
    target = cases[1]
    link = apis["koord"].get(f"/api/cases/{target['id']}/board-link").json()["url"]

    ctxs, pages = [], []
    for name in ("koord", "jobc"):
        ctx, page = signed_in_page(browser, server, apis[name])
        page.goto(f"{server.http}/team")
        page.wait_for_function("() => document.body.dataset.cards === '3'", timeout=15000)
        ctxs.append(ctx)
        pages.append(page)

    # the case board, opened by the coordinator in its own tab: a real WebSocket
    board = ctxs[0].new_page()
    board.goto(f"{server.http}{link}")
    board.wait_for_selector("#conn[data-state=connected]", timeout=15000)
    action = asdict(Action("a1", "Søg job", due="2020-01-01"))
    items = {
        "goals": asdict(Goal("g1", "Arbejde")),
        "progress_r1": asdict(Rating("r1", "g1", "2026-01-05", 7)),
        "progress_r2": asdict(Rating("r2", "g1", "2026-02-05", 5)),
    }
    board.evaluate(
        """([action, items]) => {
          const doc = window.__tavle.doc;
          doc.transact(() => {
            doc.getMap('actions').set('a1', action);
            doc.getMap('goals').set('g1', items.goals);
            doc.getMap('progress').set('r1', items.progress_r1);
            doc.getMap('progress').set('r2', items.progress_r2);
          });
        }""",
        [action, items],
    )
    for page in pages:
        page.wait_for_function(
            f"() => (document.querySelector(\"article[data-case='{target['id']}'] .counts\")"
            "?.textContent || '').includes('Ikke startet 1')",
            timeout=5000,
        )
    started = time.monotonic()
    board.evaluate(
        "(a) => window.__tavle.doc.getMap('actions').set('a1', {...a, status: 'in_progress'})",
        action,
    )
    for page in pages:
        page.wait_for_function(
            f"() => (document.querySelector(\"article[data-case='{target['id']}'] .counts\")"
            "?.textContent || '').includes('I gang 1')",
            timeout=1000,
        )
    print(f"status change shown on both team pages after {time.monotonic() - started:.3f} s")
    koord = pages[0]
    # the meeting and the coordinator's whole name on every card, nothing cut off with "…"
    cut = koord.locator(".case-card .who").evaluate_all(
        "ps => ps.filter((p) => p.scrollWidth > p.clientWidth).map((p) => p.textContent)"
    )
    assert cut == []
    assert "Forsinket 1" in card_text(koord, target["id"])
    assert "faldt 2" in card_text(koord, target["id"])  # the setback, said plainly
    lane = koord.locator(f"section[data-lane='stuck'] article[data-case='{target['id']}']")
    assert lane.count() == 1

    # filter: overdue only
    koord.check("#f-overdue")
    assert koord.locator("article.case-card").count() == 1
    koord.uncheck("#f-overdue")
    assert koord.locator("article.case-card").count() == 3

    # case review: where are we now, chart with the setback, a dated note; back to the board
    koord.locator(f"article[data-case='{target['id']}'] button").click()
    koord.wait_for_selector("#review:not([hidden]) h2")
    review = koord.inner_text("#review")
    assert "Hvor er vi nu" in review and "Søg job" in review
    assert koord.locator("#review svg.chart circle.setback").count() == 1
    koord.fill("#note-date", "2026-03-02")
    koord.fill("#note-text", HOSTILE)
    koord.click("#review button[type=submit]")
    koord.wait_for_function(
        "() => document.querySelector('#review .notes li')?.textContent.includes('02-03-2026')"
    )
    assert HOSTILE in koord.inner_text("#review .notes")  # shown as text, never run
    koord.click("#back")
    assert koord.locator("#overview").is_visible()
    # the same team board on the ordinary canvas: the card reads its figures from `cases`
    canvas = ctxs[0].new_page()
    canvas.goto(server.http + koord.get_attribute("#open-board", "href"))
    canvas.wait_for_selector("#conn[data-state=connected]", timeout=15000)
    canvas.wait_for_function("() => window.__tavle && window.__tavle.ready")
    text = canvas.evaluate(
        "(id) => window.__tavle.renderer.cardText({kind: 'case', id})", target["id"]
    )
    assert text.startswith("Sag 1\n") and "I gang 1" in text
    for page in pages:
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("window.__csp") is None
    for ctx in ctxs:
        ctx.close()


def test_agree_the_plan_confirm_on_the_citizens_device_and_since_last(setup, browser) -> None:
    server, apis = setup
    koord = apis["koord"]
    case = new_case(koord, "Sag med aftale")
    code = join_code(koord, open_meeting(koord, case["id"]), role="citizen")
    citizen = join(server, code, "Borgeren").json()
    link = koord.get(f"/api/cases/{case['id']}/board-link").json()["url"]
    ctx, page = signed_in_page(browser, server, koord)
    page.goto(f"{server.http}{link}")
    page.wait_for_selector("#conn[data-state=connected]", timeout=15000)
    action = asdict(Action("a1", "Søg job"))
    page.evaluate("(a) => window.__tavle.doc.getMap('actions').set('a1', a)", action)
    # the citizen's own rating today, on the default scale 1–10: optional, shown as a chart
    goal, earlier = asdict(Goal("g1", "Arbejde")), asdict(Rating("r0", "g1", "2026-01-05", 8))
    page.evaluate(
        """([goal, earlier]) => { const doc = window.__tavle.doc;
          doc.getMap('goals').set('g1', goal); doc.getMap('progress').set('r0', earlier); }""",
        [goal, earlier],
    )
    page.click(".rating[data-goal='g1'] button[data-value='6']")  # the scale as buttons
    page.wait_for_selector(".rating[data-goal='g1'] svg.chart circle.setback")
    assert page.locator(".rating[data-goal='g1'] svg.chart circle").count() == 2
    page.click("#agree-plan")
    page.wait_for_selector("li[data-version='1'][data-state='awaiting_citizen']")
    assert "Venter på borgeren" in page.inner_text("#versions")

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    mine = phone.new_page()
    mine.goto(f"{server.http}/board/{case['board_id']}#token={citizen['token']}")
    mine.wait_for_selector("#confirm-plan", timeout=15000)
    assert mine.locator("#agree-plan").count() == 0  # only the coordinator agrees
    mine.click("#confirm-plan")
    mine.wait_for_selector("li[data-version='1'][data-state='agreed']")

    page.evaluate(
        "(a) => window.__tavle.doc.getMap('actions').set('a1', {...a, status: 'done'})", action
    )
    since = f"/api/cases/{case['id']}/since-last"
    for _ in range(50):  # the edit has reached the server
        if koord.get(since).json()["changes"]["status_changes"]:
            break
        time.sleep(0.1)
    review = koord.get(f"/api/cases/{case['id']}/review").json()
    assert [p["value"] for p in review["progress"]["series"][0]["points"]] == [8, 6]
    page.reload()
    page.wait_for_selector("ul.since-last li")
    assert "Søg job: Ikke startet → Klaret" in page.inner_text("ul.since-last")
    with page.expect_download() as download:
        page.locator("li[data-version='1'] button").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert page.evaluate("window.__csp") is None
    phone.close()
    ctx.close()


def test_the_team_board_shows_case_cards_and_no_plan_panel(setup, browser) -> None:
    server, apis = setup
    koord = apis["koord"]
    for alias in ("Familien Holm", "Familien Berg", "Familien Lund"):
        new_case(koord, alias)
    team = koord.get("/api/teams").json()["teams"][0]["id"]
    url = koord.get(f"/api/teams/{team}/board").json()["url"]
    ctx, page = signed_in_page(browser, server, koord)
    try:
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.goto(f"{server.http}{url}" if url.startswith("/") else url)
        page.wait_for_function("() => window.__tavle && window.__tavle.ready", timeout=30000)
        me = page.evaluate(
            "(id) => fetch('/api/boards/' + id + '/me', {headers: {Authorization: 'Bearer '"
            " + location.hash.split('token=')[1]}}).then(r => r.json())",
            url.split("/board/")[1].split("#")[0],
        )
        assert me["kind"] == "team"
        panel = page.inner_text("#side")
        assert "Borgerens plan" not in panel and "Tilføj mål" not in panel
        assert page.locator("#plan").is_hidden()
        assert page.get_attribute("a.skip", "href") == "#canvas"
        boxes = page.evaluate(  # the cards as drawn (grown to fit their text) never overlap
            "() => [...window.__tavle.renderer.items.values()]"
            ".filter(i => i.el && i.el.type === 'card').map(i => i.box)"
        )
        assert len(boxes) >= 3
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        page.screenshot(path=str(server.data_dir / "team-board.png"))
    finally:
        ctx.close()
