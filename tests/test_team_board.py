"""The tavlemøde over a real server: overview API, the live team board, case review,
and privacy (aliases and counts only; consent decides who opens a case)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace

from pycrdt import Map

from board.plan import Action, Citizen, Goal, Participant, Plan, Rating
from board.read import read_plan
from board.write import put_item, write_plan
from tests.test_access_support import (
    Api,
    CookieClient,
    join,
    join_code,
    new_case,
    open_meeting,
    world,  # noqa: F401 - the module's fixture
)
from tests.yclient import YClient, connected

SECRET_NAME = "Hemmelig Borgersen"
RELATIVE = "Moster Hemmelig"
FREE_TEXT = "privat tekst om boligen"


def team_id(api: Api, name: str = "Team Nord") -> str:
    teams = api.get("/api/teams").json()["teams"]
    return next(t["id"] for t in teams if t["name"] == name)


def board_token(api: Api, case_id: str) -> str:
    url = api.get(f"/api/cases/{case_id}/board-link").json()["url"]
    return url.split("#token=")[1]


def team_board_link(api: Api, team: str) -> tuple[str, str]:
    """``(token, board_id)`` of the team board for this member."""
    link = api.get(f"/api/teams/{team}/board").json()
    return link["url"].split("#token=")[1], link["board_id"]


def team_board_token(api: Api, team: str) -> str:
    return team_board_link(api, team)[0]


def fill_plan(doc) -> None:
    """A plan with a citizen's name, a relative and free text that must stay off the cards."""
    write_plan(
        doc,
        Plan(
            citizen=Citizen(name=SECRET_NAME, alias="Skal ikke bruges"),
            challenges=[FREE_TEXT],
            participants=[
                Participant("p1", "Karen Koordinator", role="coordinator"),
                Participant("p2", RELATIVE, role="relative"),
            ],
            goals=[Goal("g1", FREE_TEXT)],
            actions=[
                Action("a1", FREE_TEXT, owner="p1", due="2020-01-01"),
                Action("a2", "Ring til lægen", owner="p2", carried_over=3),
            ],
            ratings=[Rating("r1", "g1", "2026-01-05", 6), Rating("r2", "g1", "2026-02-05", 4)],
        ),
    )


def set_status(doc, status: str) -> None:
    put_item(doc, replace(read_plan(doc)[0].actions[0], status=status))


async def test_overview_of_70_cases_live_board_and_privacy(world) -> None:  # noqa: F811
    server, apis = world
    koord, jobc, fremmed = apis["koord"], apis["jobc"], apis["fremmed"]
    cases = [new_case(koord, f"Sag {i:02d}") for i in range(70)]
    team = team_id(koord)
    writer = await connected(server.ws, cases[0]["board_id"], board_token(koord, cases[0]["id"]))
    await writer.edit(fill_plan)

    # the team board: two team members look at it over real WebSockets
    link = jobc.get(f"/api/teams/{team}/board").json()
    viewers = [
        await connected(server.ws, link["board_id"], link["url"].split("#token=")[1]),
        await connected(server.ws, link["board_id"], team_board_token(koord, team)),
    ]

    def card(client: YClient) -> dict:
        return (client.doc.get("cases", type=Map).to_py() or {}).get(cases[0]["id"], {})

    for viewer in viewers:
        await viewer.wait_for(lambda v=viewer: card(v).get("overdue") == 1, timeout=5)
        assert len(viewer.doc.get("cases", type=Map)) == 70
    # on the canvas: a card element per case, placed once in a lane, none on top of another
    drawn = viewers[0].doc.get("elements", type=Map).to_py()
    placed = [e for e in drawn.values() if e["type"] == "card"]
    assert {e["ref"]["id"] for e in placed} == {c["id"] for c in cases}
    assert {e["ref"]["kind"] for e in placed} == {"case"}
    assert len({(e["x"], e["y"]) for e in placed}) == 70
    assert sum(e["type"] == "frame" for e in drawn.values()) == 3
    started = time.monotonic()
    await writer.edit(lambda doc: set_status(doc, "in_progress"))
    for viewer in viewers:
        await viewer.wait_for(lambda v=viewer: card(v).get("in_progress") == 1, timeout=1.0)
    print(f"status change on the team board after {time.monotonic() - started:.3f} s")

    started = time.monotonic()
    overview = koord.get(f"/api/teams/{team}/cases")
    print(f"overview of 70 cases in {time.monotonic() - started:.3f} s")
    assert overview.status_code == 200
    cards = {c["id"]: c for c in overview.json()["cases"]}
    assert len(cards) == 70 and cards[cases[5]["id"]]["alias"] == "Sag 05"
    first = cards[cases[0]["id"]]
    assert first["alias"] == "Sag 00" and first["coordinator"] == "Karen Koordinator"
    assert (first["in_progress"], first["not_started"], first["overdue"]) == (1, 1, 1)
    assert first["carried_over"] == 1 and first["owners"] == ["Karen Koordinator"]
    assert first["movement"] == {
        "goal": "g1",
        "date": "2026-02-05",
        "value": 4.0,
        "previous": 6.0,
        "delta": -2.0,
    }
    overdue = koord.get(f"/api/teams/{team}/cases?overdue=1").json()["cases"]
    assert [c["id"] for c in overdue] == [cases[0]["id"]]
    by_owner = koord.get(f"/api/teams/{team}/cases?owner=Karen%20Koordinator").json()["cases"]
    assert len(by_owner) == 1

    # privacy: no names of citizens or relatives, no free text, on the API or the live board
    for text in (SECRET_NAME, RELATIVE, FREE_TEXT, "Skal ikke bruges"):
        assert text not in overview.text
        assert not any(text.encode() in frame for frame in viewers[0].frames)
    assert fremmed.get(f"/api/teams/{team}/cases").status_code == 403
    assert fremmed.get(f"/api/teams/{team}/board").status_code == 403
    outsider = CookieClient(server, link["board_id"], fremmed.cookie, server.http)
    await outsider.connect()
    await asyncio.wait_for(outsider.closed.wait(), 5)
    assert outsider.close_code == 4403  # signed in, but not in this team
    assert Api(server).get(f"/api/teams/{team}/cases").status_code == 401
    for client in (writer, *viewers):
        await client.close()


async def test_case_review_notes_and_consent(world) -> None:  # noqa: F811
    server, apis = world
    koord, jobc = apis["koord"], apis["jobc"]
    case = new_case(koord, "Sag til gennemgang")
    writer = await connected(server.ws, case["board_id"], board_token(koord, case["id"]))
    await writer.edit(fill_plan)
    await writer.edit(lambda doc: set_status(doc, "in_progress"))
    await writer.close()
    review = koord.get(f"/api/cases/{case['id']}/review")
    assert review.status_code == 200, review.text
    body = review.json()
    assert [a["id"] for a in body["now"]["in_progress"]] == ["a1"]
    assert body["next"][0]["id"] == "a1"  # the overdue one first
    assert body["barriers"]["challenges"] == [FREE_TEXT]
    assert [a["id"] for a in body["barriers"]["carried_over"]] == ["a2"]
    assert body["progress"]["scale"]["high"] == 10
    points = body["progress"]["series"][0]["points"]
    assert [p["setback"] for p in points] == [False, True]
    # a colleague of another organisation needs the citizen's consent to open the case
    assert jobc.get(f"/api/cases/{case['id']}/review").status_code == 403
    note = koord.post(
        f"/api/cases/{case['id']}/review-notes",
        {"date": "2026-03-01", "text": "Næste skridt: <b>bolig</b>"},
    )
    assert note.status_code == 201, note.text
    assert koord.post(f"/api/cases/{case['id']}/review-notes", {"text": ""}).status_code == 400
    bad_date = koord.post(f"/api/cases/{case['id']}/review-notes", {"text": "x", "date": "1/3"})
    assert bad_date.status_code == 400
    notes = koord.get(f"/api/cases/{case['id']}/review").json()["notes"]
    assert notes[0]["date"] == "2026-03-01" and notes[0]["text"] == "Næste skridt: <b>bolig</b>"
    audit = koord.get(f"/api/cases/{case['id']}/audit").json()["entries"]
    assert {"case_review", "review_note"} <= {e["event"] for e in audit}


async def test_agreeing_the_plan_versions_and_since_last(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Sag med aftale")
    writer = await connected(server.ws, case["board_id"], board_token(koord, case["id"]))
    await writer.edit(fill_plan)
    code = join_code(koord, open_meeting(koord, case["id"]), role="citizen")
    citizen = join(server, code, "Borgeren").json()
    citizen_api = Api(server)
    base = f"/api/cases/{case['id']}/versions"

    assert citizen_api.post(base, token=citizen["token"]).status_code == 403  # coordinator only
    made = koord.post(base)
    assert made.status_code == 201 and made.json() == {"number": 1, "state": "awaiting_citizen"}
    listed = koord.get(base).json()["versions"]
    assert (
        listed[0]["state"] == "awaiting_citizen" and listed[0]["agreed_by"] == "Karen Koordinator"
    )
    assert {"name": "Karen Koordinator", "role": "coordinator"} in listed[0]["present"]
    assert koord.get(f"/api/cases/{case['id']}/since-last").json()["changes"] is None
    assert koord.post(f"{base}/1/confirm").status_code == 403  # only the citizen confirms
    confirmed = citizen_api.post(f"{base}/1/confirm", token=citizen["token"])
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "agreed"
    assert citizen_api.post(f"{base}/1/confirm", token=citizen["token"]).status_code == 404

    # after the meeting: a status change, an action carried over, a new goal
    def move_on(doc) -> None:
        first, second = read_plan(doc)[0].actions
        put_item(doc, replace(first, status="done"))
        put_item(doc, replace(second, carried_over=4))
        put_item(doc, Goal("g2", "Arbejde"))

    await writer.edit(move_on)
    await writer.close()
    since = koord.get(f"/api/cases/{case['id']}/since-last")
    assert since.status_code == 200, since.text
    changes = since.json()["changes"]
    assert changes["new_goals"] == ["Arbejde"]
    assert changes["status_changes"][0]["after"] == "done"
    assert changes["carried_over"] == [{"action": "a2", "what": "Ring til lægen", "times": 4}]

    version = koord.get(f"{base}/1").json()
    statuses = {a["id"]: a["status"] for a in version["record"]["actions"]}
    assert statuses["a1"] == "not_started"  # frozen as it was agreed
    pdf = citizen_api.get(f"{base}/1/export?format=pdf", token=citizen["token"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    record = koord.get(f"{base}/1/export?format=json")
    assert json.loads(record.content)["board_id"] == case["board_id"]
    assert (
        citizen_api.get(f"{base}/1/export?format=fhir", token=citizen["token"]).status_code == 403
    )
    assert koord.get(f"{base}/9").status_code == 404
    assert koord.get(f"{base}/x").status_code == 400


def test_cli_overview_prints_the_same_cards(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    new_case(koord, "Sag til kommandolinjen")
    api_cards = koord.get(f"/api/teams/{team_id(koord)}/cases").json()["cases"]
    done = server.cli("team", "overview", "Team Nord", "--format", "json")
    printed = json.loads(done.stdout)
    assert printed["cases"] == api_cards
    missing = server.cli("team", "overview", "Intet hold", check=False)
    assert missing.returncode == 1 and "no team" in missing.stderr


def test_a_meeting_in_progress_is_the_cases_next_meeting(world) -> None:  # noqa: F811
    """The card of a case whose meeting is running says when it is (as /cases does), not
    "Intet møde aftalt"; once the meeting is ended the case has none."""
    _server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Sag med møde nu")
    meeting = open_meeting(koord, case["id"])  # started five minutes ago, runs two hours

    def card() -> dict:
        cases = koord.get(f"/api/teams/{team_id(koord)}/cases").json()["cases"]
        return next(c for c in cases if c["id"] == case["id"])

    started = koord.get(f"/api/cases/{case['id']}").json()["meetings"][0]["starts_at"]
    assert card()["next_meeting"] == started
    assert koord.post(f"/api/meetings/{meeting}/end").status_code == 200
    assert card()["next_meeting"] is None


def test_agreement_route_on_a_board_that_is_no_case(world) -> None:  # noqa: F811
    server, _apis = world
    board = server.create_board()
    path = f"/api/boards/{board['board_id']}/agreement"
    answer = Api(server).get(path, token=board["edit_token"])
    assert answer.status_code == 200 and answer.json() == {"case_id": None}
    assert Api(server).get(path, token="wrong").status_code == 401


async def test_an_erased_case_leaves_the_team_board(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    team = team_id(koord)
    case = new_case(koord, "Sag der slettes")
    viewer = await connected(server.ws, *reversed(team_board_link(koord, team)))
    cases = viewer.doc.get("cases", type=Map)
    await viewer.wait_for(lambda: case["id"] in cases, timeout=5)
    assert koord.delete(f"/api/cases/{case['id']}").status_code == 200
    await viewer.wait_for(lambda: case["id"] not in cases, timeout=5)
    drawn = viewer.doc.get("elements", type=Map)
    assert f"case-{case['id']}" not in drawn
    await viewer.close()
