"""The pages around the board in a real Chromium, with a team of 70 cases: /cases
(search, one line per case, details on opening, erasure behind a confirmation, adding a
colleague, a refusal that says why), /team at 1920×1080 (every case at a glance, chips,
chart labels inside the chart), the start page for the signed-out, the accessibility
statement and its footer link and skip link on every page, axe-core at every impact
level, and the "only words" check: every page, both languages, every role that sees
it — no raw false/true/undefined/null/NaN/[object Object], no untranslated key."""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from board.plan import Goal, Rating
from tests.conftest import ROOT, ServerProcess
from tests.many_cases import seed_cases
from tests.test_access_support import Api, join, join_code, make_user, open_meeting

pytestmark = pytest.mark.browser
SCREEN = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 768}
N_CASES = 70
KEYS = set(json.loads((ROOT / "board" / "strings.json").read_text(encoding="utf-8")))
RAW = re.compile(r"\b(?:false|true|undefined|null|NaN)\b|\[object Object\]")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
CONSENT_REFUSAL = (
    "Borgeren har ikke givet samtykke til, at Jobcenter ser sagen. "
    "Bed Karen Koordinator, der koordinerer sagen, om at registrere samtykket."
)
# every word a person can read or hear on the page: text, title, labels, placeholders
PAGE_WORDS = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt],option')) {
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (el.hasAttribute(a)) parts.push(el.getAttribute(a));
    }
    if (el.tagName === 'OPTION') parts.push(el.textContent);
  }
  for (const el of document.querySelectorAll('svg title, svg text')) parts.push(el.textContent);
  return parts.join('\\n');
}"""


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory):
    """A server with Team Nord: Karen coordinates 70 cases; Jonas (Jobcenter) is in the
    team without consent on any case; one case has a citizen who joined with a code."""
    server = ServerProcess(
        data_dir=Path(tmp_path_factory.mktemp("pages")), env_extra={"TAVLE_OPEN_BOARDS": "false"}
    ).start()
    make_user(server, "koord", "Kommunen", "Team Nord", name="Karen Koordinator")
    make_user(server, "jobc", "Jobcenter", "Team Nord", name="Jonas Jobcenter")
    apis = {name: Api(server) for name in ("koord", "jobc")}
    for name, api in apis.items():
        assert api.login(name).status_code == 200
    cases = seed_cases(server, apis["koord"], N_CASES)
    wait_counts(apis["koord"])
    yield server, apis, cases
    server.stop()


def signed_in(browser, server: ServerProcess, api: Api | None, lang: str = "da", **ctx_args):
    """A page in its own context (signed in as ``api``'s user); CSP bypassed only where
    axe-core is injected (``bypass_csp=True``)."""
    ctx = browser.new_context(viewport=ctx_args.pop("viewport", SCREEN), **ctx_args)
    if api is not None:
        ctx.add_cookies(
            [{"name": k, "value": v, "url": server.http} for k, v in api.http.cookies.items()]
        )
    ctx.add_init_script(f"localStorage.setItem('tavle.lang', '{lang}')")
    return ctx.new_page()


def opened_case(browser, server: ServerProcess, api: Api, case: dict, search: str):
    """/cases signed in as ``api``'s user, searched for ``search``, ``case`` unfolded:
    (page, the case's item)."""
    page = signed_in(browser, server, api)
    page.goto(server.http + "/cases")
    page.wait_for_selector("body[data-ready='1'] details")
    page.fill("#search", search)
    item = page.locator(f"article[data-case='{case['id']}']")
    item.locator("summary").click()
    return page, item


def axe_all(page) -> list[tuple[str, str, list[str]]]:
    """axe-core at EVERY impact level (minor and moderate too)."""
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    found = page.evaluate("() => axe.run(document).then(r => r.violations)")
    return [(v["id"], v["impact"], [n["html"][:120] for n in v["nodes"]][:3]) for v in found]


def words_problems(page) -> list[str]:
    text = page.evaluate(PAGE_WORDS)
    problems = [f"raw value {m.group(0)!r}" for m in RAW.finditer(text)]
    problems += [
        f"untranslated key {k!r}"
        for k in KEYS
        if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)
    ]
    problems += [f"unfilled {m.group(0)!r}" for m in PLACEHOLDER.finditer(text)]
    return problems


def open_review(page, card: str = "article.case-card") -> None:
    """Click a card's button until the review shows (or the refusal that says why, for a
    colleague without consent): a live update of the team board may redraw the cards
    under the pointer (the server recomputes cards as plans change)."""
    for _ in range(10):
        page.locator(f"{card} button").first.click()
        try:
            page.wait_for_selector("#review:not([hidden]) h2, #message:not(:empty)", timeout=2000)
            return
        except Exception:  # noqa: S112 - the card was redrawn under the click: again
            continue
    raise AssertionError("the review never opened")


def wait_cards(page, n: int = N_CASES) -> None:
    page.wait_for_function(f"() => document.body.dataset.cards === '{n}'", timeout=60000)


def wait_counts(api: Api) -> None:
    """The team board's cards carry every seeded plan (the server computes them)."""
    for _ in range(100):
        listed = api.get("/api/cases").json()["cases"]
        if all(c["counts"] is not None for c in listed) and any(
            sum(c["counts"].values()) for c in listed
        ):
            return
        time.sleep(0.2)
    raise AssertionError("the case counts never arrived")


# ---- /cases ---------------------------------------------------------------------------------
def test_cases_page_is_one_line_per_case_with_search_and_details(team, browser) -> None:
    server, apis, cases = team
    page = signed_in(browser, server, apis["koord"], viewport=LAPTOP)
    page.goto(server.http + "/cases")
    page.wait_for_selector("body[data-ready='1'] details")
    assert page.locator("#cases details").count() == N_CASES
    assert page.locator("#cases details[open]").count() == 0
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"/cases with {N_CASES} cases, all closed: {height} px tall at 1366x768")
    assert height < N_CASES * 90, height  # one line each (the old page: 59,600 px)
    line = page.locator("#cases summary").first.inner_text()
    assert "Næste møde" in line or "Intet møde aftalt" in line
    assert "Opgaver:" in page.inner_text("#cases")
    assert page.locator("text=Slet sagen og alle data").count() == 0  # never on the list
    # search narrows the list at once, Danish letters included
    page.fill("#search", "østergaard")
    assert page.locator("#cases details").count() == 2
    assert page.inner_text("#count") == f"2 af {N_CASES} sager"
    page.fill("#search", "ingen-sådan-sag")
    assert page.inner_text("#cases") == "Ingen sager passer til søgningen."
    page.fill("#search", "Familien Hansen")
    item = page.locator("#cases details").first
    item.locator("summary").click()
    item.locator("button.open-board").wait_for()
    item.locator("ul.participants, .coordinator p").first.wait_for()
    assert item.locator("text=Slet sagen og alle data").is_hidden()
    page.context.close()


def test_delete_needs_a_confirmation_inside_the_details(team, browser) -> None:
    server, apis, cases = team
    koord = apis["koord"]
    case = koord.post("/api/cases", {"alias": "Sag der skal slettes", "team": "Team Nord"}).json()
    page, item = opened_case(browser, server, koord, case, "skal slettes")
    item.locator("button.delete-start").click()
    confirm = item.locator("form.confirm")
    assert confirm.is_visible()
    confirm.locator("input").fill("Forkert navn")
    confirm.locator("button[type=submit]").click()
    item.locator(".case-message", has_text="Intet er slettet").wait_for()
    assert koord.get(f"/api/cases/{case['id']}").status_code == 200
    confirm.locator("input").fill("Sag der skal slettes")
    confirm.locator("button[type=submit]").click()
    page.locator("#message", has_text="Sagen Sag der skal slettes er slettet.").wait_for()
    assert koord.get(f"/api/cases/{case['id']}").status_code == 404
    page.context.close()


def test_add_a_colleague_and_a_refusal_that_says_why(team, browser) -> None:
    server, apis, cases = team
    case = cases[5]
    # Jonas is in the team but the citizen has not consented to Jobcenter: he is told why
    refused = apis["jobc"].get(f"/api/cases/{case['id']}/board-link")
    assert refused.status_code == 403
    assert refused.json()["error"] == CONSENT_REFUSAL
    jonas, item = opened_case(browser, server, apis["jobc"], case, case["alias"])
    item.locator("button.open-board").click()
    item.locator(".case-message", has_text="har ikke givet samtykke").wait_for()
    assert CONSENT_REFUSAL in item.locator(".case-message").inner_text()
    # Karen adds him from the case page ("Tilføj kollega")
    karen, mine = opened_case(browser, server, apis["koord"], case, case["alias"])
    mine.get_by_label("Kollegaens brugernavn").fill("jobc")
    mine.locator("form.colleague button[type=submit]").click()
    mine.locator("li[data-participant]", has_text="Jonas Jobcenter").wait_for()
    people = apis["koord"].get(f"/api/cases/{case['id']}").json()["participants"]
    assert [(p["name"], p["role"]) for p in people] == [("Jonas Jobcenter", "professional")]
    for page in (jonas, karen):
        page.context.close()


# ---- /team ----------------------------------------------------------------------------------
def test_team_page_shows_70_cases_at_a_glance(team, browser) -> None:
    server, apis, cases = team
    page = signed_in(browser, server, apis["koord"])
    page.goto(server.http + "/team")
    wait_cards(page, len(apis["koord"].get("/api/cases").json()["cases"]))
    n = int(page.evaluate("document.body.dataset.cards"))
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"/team with {n} cases at 1920x1080: {height} px tall")
    assert height <= 1.6 * SCREEN["height"], height  # the old page: 11,700 px
    assert page.locator("article.case-card").count() == n
    first = page.locator("article.case-card").first.bounding_box()
    assert first["height"] < 130 and first["width"] < 300  # compact
    assert page.locator("article.case-card .taskbar .part").count() > 0  # counts as small bars
    # chips narrow to what the meeting talks about, with their counts
    overdue = int(re.search(r"\((\d+)\)", page.inner_text("#chip-overdue")).group(1))
    assert overdue > 0
    page.check("#f-overdue")
    assert page.locator("article.case-card").count() == overdue
    page.uncheck("#f-overdue")
    # navigation says where it goes
    assert page.get_attribute("a[href='/cases']", "href") == "/cases"
    assert "Tilbage til tavlen" not in page.inner_text("body")
    page.context.close()


SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('#overview *')]
    .filter((e) => e.offsetParent !== null && [...e.childNodes]
        .some((n) => n.nodeType === 3 && n.textContent.trim()))
    .map((e) => parseFloat(getComputedStyle(e).fontSize)))"""


def test_team_page_on_the_shared_screen_is_read_from_across_the_room(team, browser) -> None:
    """Delt skærm (?screen=1): the same cards with every word of the overview at 18 px or
    more on 1920x1080 (the compact page's smallest is 12.5 px); the toggle leads back."""
    server, apis, _cases = team
    page = signed_in(browser, server, apis["koord"])
    page.goto(server.http + "/team")
    wait_cards(page, len(apis["koord"].get("/api/cases").json()["cases"]))
    compact = page.evaluate(SMALLEST_TEXT)
    toggle = page.locator("#screen-toggle")
    assert toggle.inner_text() == "Delt skærm"
    toggle.click()
    page.wait_for_url("**/team?screen=1")
    wait_cards(page, len(apis["koord"].get("/api/cases").json()["cases"]))
    big = page.evaluate(SMALLEST_TEXT)
    print(f"/team smallest text: {compact} px, on the shared screen {big} px")
    assert big >= 18 > compact
    assert page.evaluate("document.documentElement.classList.contains('screen')")
    assert toggle.inner_text() == "Afslut delt skærm"
    assert toggle.get_attribute("aria-pressed") == "true"
    title = page.locator("article.case-card h4").first
    assert float(title.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")) >= 24
    toggle.click()
    page.wait_for_url("**/team")
    wait_cards(page, len(apis["koord"].get("/api/cases").json()["cases"]))
    assert page.evaluate(SMALLEST_TEXT) == compact
    page.context.close()


def test_review_chart_keeps_every_label_inside(team, browser) -> None:
    server, apis, cases = team
    case = cases[1]
    link = apis["koord"].get(f"/api/cases/{case['id']}/board-link").json()["url"]
    board = signed_in(browser, server, apis["koord"])
    board.goto(server.http + link)
    board.wait_for_function("() => window.__tavle && window.__tavle.ready", timeout=15000)
    start = date(2026, 1, 5)
    items = {"g1": asdict(Goal("g1", "Arbejde"))}
    ratings = [
        asdict(Rating(f"r{i}", "g1", (start + timedelta(days=9 * i)).isoformat(), v))
        for i, v in enumerate([3, 5, 4, 6, 8, 7, 9, 2])
    ]
    board.evaluate(
        """([goals, ratings]) => { const doc = window.__tavle.doc; doc.transact(() => {
          for (const [k, v] of Object.entries(goals)) doc.getMap('goals').set(k, v);
          for (const r of ratings) doc.getMap('progress').set(r.id, r); }); }""",
        [items, ratings],
    )
    page = signed_in(browser, server, apis["koord"])
    page.goto(server.http + "/team")
    page.wait_for_selector("article.case-card")
    for _ in range(50):
        review = apis["koord"].get(f"/api/cases/{case['id']}/review").json()
        if review["progress"]["series"] and len(review["progress"]["series"][0]["points"]) == 8:
            break
        page.wait_for_timeout(100)
    open_review(page, f"article[data-case='{case['id']}']")
    page.wait_for_selector("#review svg.chart text")
    outside = page.evaluate(
        """() => [...document.querySelectorAll('#review svg.chart text')].map(t => {
          const b = t.getBBox(); const v = t.ownerSVGElement.viewBox.baseVal;
          const inside = b.x >= 0 && b.y >= 0 && b.x + b.width <= v.width
            && b.y + b.height <= v.height;
          return {text: t.textContent, inside};
        }).filter(x => !x.inside)"""
    )
    assert outside == []
    texts = page.evaluate(
        "() => [...document.querySelectorAll('#review svg.chart text')].map(t => t.textContent)"
    )
    assert "09-03-2026" in texts  # the newest date is always written
    assert page.inner_text("#back") == "Tilbage til oversigten"
    page.click("#back")
    assert page.locator("#overview").is_visible()
    for p in (board, page):
        p.context.close()


# ---- start page, accessibility statement, footer and skip link ---------------------------------
def test_start_page_for_the_signed_out_has_two_doors_and_no_401(team, browser) -> None:
    server, apis, _ = team
    page = signed_in(browser, server, None, viewport={"width": 1024, "height": 768}, has_touch=True)
    statuses: list[tuple[int, str]] = []
    page.on("response", lambda r: statuses.append((r.status, r.url)))
    page.goto(server.http + "/")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#scratch").is_hidden()  # the form that ended in 401
    assert [s for s in statuses if s[0] >= 400] == []
    page.click("text=Jeg har en mødekode")
    page.wait_for_url(server.http + "/join")
    page.go_back()
    page.click("#guest >> text=Log ind")
    page.wait_for_url(server.http + "/login")
    assert page.locator("#oidc").is_hidden()  # no municipality login configured
    page.context.close()
    member = signed_in(browser, server, apis["koord"])
    member.goto(server.http + "/")
    member.wait_for_selector("body[data-ready='1']")
    assert member.locator("#guest").is_hidden() and member.locator("#scratch").is_visible()
    assert "Karen Koordinator" in member.inner_text("#signed-in")
    member.context.close()


def test_pages_for_professionals_share_one_sign_in_check(team, browser) -> None:
    """/cases, /orgs and /team start with the one helper (static/src/access/api.js
    ``signedIn``): signed out, each goes to /login; signed in, each opens, and "Log ud"
    on /cases ends the session with the CSRF token that helper kept."""
    server, _, _ = team
    for path in ("/cases", "/orgs", "/team"):
        page = signed_in(browser, server, None)
        page.goto(server.http + path)
        page.wait_for_url(server.http + "/login")
        page.context.close()
    own = Api(server)  # a session of its own: the module's koord session stays signed in
    assert own.login("koord").status_code == 200
    page = signed_in(browser, server, own)
    for path, ready in (
        ("/orgs", "() => !document.getElementById('org-form')"),  # listed: no admin's form
        ("/team", "() => document.body.dataset.ready === '1'"),
        ("/cases", "() => document.getElementById('who').textContent !== ''"),
    ):
        page.goto(server.http + path)
        page.wait_for_function(ready)
        assert page.url == server.http + path
    assert page.inner_text("#who") == "Karen Koordinator (Kommunen)"
    page.click("#logout")
    page.wait_for_url(server.http + "/login")
    assert own.get("/api/auth/me").status_code == 401
    page.context.close()


def test_accessibility_statement_footer_and_skip_link(team, browser, server_factory) -> None:
    server, apis, _ = team
    for path in ("/", "/login", "/join", "/cases", "/team", "/tilgaengelighed"):
        page = signed_in(browser, server, apis["koord"])
        page.goto(server.http + path)
        link = page.locator("footer a[href='/tilgaengelighed']")
        assert link.inner_text() == "Tilgængelighed", path
        first = page.evaluate(  # the first stop of the Tab order
            "() => document.querySelector('a[href], button, input, select, textarea').className"
        )
        assert first == "skip", path
        page.focus("a.skip")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", path
        page.context.close()
    page = signed_in(browser, server, None, lang="en")
    page.goto(server.http + "/tilgaengelighed")
    page.wait_for_selector("body[data-ready='1']")
    assert page.title() == "Accessibility statement – Tavle"
    headings = page.locator("main h2").all_inner_texts()
    assert headings == [
        "Is something not accessible to you?",
        "Compliance status",
        "Non-accessible content",
        "How this statement was prepared",
        "Enforcement procedure",
    ]
    page.context.close()
    # the municipality's own statement and contact
    own = server_factory(
        env={
            "TAVLE_ACCESSIBILITY_STATEMENT_URL": "https://www.was.digst.dk/tavle-kommune-dk",
        }
    )
    answer = httpx.get(own.http + "/tilgaengelighed", follow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["location"] == "https://www.was.digst.dk/tavle-kommune-dk"
    contact = server_factory(
        env={"TAVLE_ACCESSIBILITY_CONTACT": "tlf. 12 34 56 78, tavle@kommune.dk"}
    )
    page = signed_in(browser, contact, None)
    page.goto(contact.http + "/tilgaengelighed")
    page.wait_for_selector("body[data-ready='1']")
    assert page.inner_text("#contact") == "Kontakt: tlf. 12 34 56 78, tavle@kommune.dk"
    page.context.close()


# ---- axe at every level, and only words ------------------------------------------------------
def page_views(team) -> list[tuple[str, str | None, str, str]]:
    """(name, who, path, what to wait for) of every page outside the board."""
    return [
        ("start", None, "/", "body[data-ready='1']"),
        ("start signed in", "koord", "/", "body[data-ready='1']"),
        ("login", None, "/login", "#login"),
        ("join", None, "/join", "#join"),
        ("cases", "koord", "/cases", "body[data-ready='1'] details"),
        ("cases", "jobc", "/cases", "body[data-ready='1'] details"),
        ("team", "koord", "/team", "body[data-ready='1'] article.case-card"),
        ("team", "jobc", "/team", "body[data-ready='1'] article.case-card"),
        ("statement", None, "/tilgaengelighed", "body[data-ready='1']"),
    ]


def open_view(browser, team, who, path, ready, lang="da", **ctx_args):
    server, apis, _ = team
    page = signed_in(browser, server, apis[who] if who else None, lang, **ctx_args)
    page.goto(server.http + path)
    page.wait_for_selector(ready, timeout=60000)
    return page


def opened_parts(page, name: str) -> None:
    """Open what opens: a case's details (its coordinator's parts too), a team review."""
    if name == "cases":
        page.locator("#cases summary").first.click()
        page.locator("#cases details[open] button.open-board").wait_for()
        page.wait_for_timeout(300)  # the coordinator's parts load after a request
    if name == "team":
        open_review(page)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_page_has_only_words(team, browser, lang) -> None:
    failures = {}
    for name, who, path, ready in page_views(team):
        page = open_view(browser, team, who, path, ready, lang)
        if lang == "en":
            assert "–" in page.title() and not re.search(r"[æøå]", page.title()), page.title()
        problems = words_problems(page)
        opened_parts(page, name)
        problems += [f"(opened) {p}" for p in words_problems(page)]
        if problems:
            failures[f"{name} as {who or 'visitor'}"] = sorted(set(problems))
        page.context.close()
    assert failures == {}


def test_every_page_has_no_axe_violations_at_any_level(team, browser) -> None:
    failures = {}
    for name, who, path, ready in page_views(team):
        page = open_view(browser, team, who, path, ready, bypass_csp=True)
        found = axe_all(page)
        opened_parts(page, name)
        found += axe_all(page)
        if found:
            failures[f"{name} as {who or 'visitor'}"] = found
        page.context.close()
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)


# ---- the board page's words, for every role that sees it --------------------------------------
BOARD_ROLES = ["coordinator", "shared screen", "professional", "citizen", "relative"]


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("role", BOARD_ROLES)
def test_board_page_has_only_words(team, browser, role, lang) -> None:
    server, apis, cases = team
    koord = apis["koord"]
    case = cases[10 if lang == "da" else 11]  # a case has one citizen's code, used once
    if role == "professional":
        koord.post(
            f"/api/cases/{case['id']}/consents", {"org": "Jobcenter", "given_by": "Borgeren"}
        )
    link = (
        (apis["jobc"] if role == "professional" else koord)
        .get(f"/api/cases/{case['id']}/board-link")
        .json()["url"]
    )
    if role in ("citizen", "relative"):
        code = join_code(koord, open_meeting(koord, case["id"]), role=role)
        answer = join(server, code, f"{'Ida' if role == 'citizen' else 'Far'} {lang}")
        assert answer.status_code == 200, answer.text
        link = f"/board/{case['board_id']}#token={answer.json()['token']}"
    if role == "shared screen":
        meeting = open_meeting(koord, case["id"])
        path, fragment = link.split("#")
        link = f"{path}?screen=1&meeting={meeting}#{fragment}"
    who = apis["jobc"] if role == "professional" else koord if role != "citizen" else None
    page = signed_in(browser, server, who if role not in ("citizen", "relative") else None, lang)
    page.goto(server.http + link)
    page.wait_for_selector("#conn[data-state=connected]", timeout=15000)
    page.wait_for_timeout(500)
    problems = words_problems(page)
    # the board page too has its skip link (to the plan) and the accessibility link
    assert page.locator("a.skip[href='#plan']").count() == 1
    assert page.locator("a[href='/tilgaengelighed']").count() == 1
    page.context.close()
    assert problems == []
