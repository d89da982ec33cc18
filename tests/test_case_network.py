"""A new case's coordinator is in the plan's network from the start, once: the citizen's
sheet names her as "Din kontaktperson" and the plan record carries her with her
organisation, linked to the organisation of that name (board.plan.same_org_name)."""

from __future__ import annotations

import asyncio

from pycrdt import Doc

from board.plan import Organisation
from board.read import read_plan
from board.write import add_coordinator, put_item
from tests.conftest import ServerProcess
from tests.test_access_support import (
    Api,
    join,
    join_code,
    listed_org,
    make_user,
    new_case,
    open_meeting,
)
from tests.test_export_sheet import pdf_text
from tests.yclient import connected


def test_the_coordinator_is_added_once_with_the_boards_organisation_of_her_name() -> None:
    doc = Doc()
    put_item(doc, Organisation("org-k", "Kommunen", kind="authority"))
    first = add_coordinator(doc, "Karen Koordinator", " KOMMUNEN ")
    assert first is not None
    assert add_coordinator(doc, "Karen Koordinator", "Kommunen") is None  # already there
    plan, problems = read_plan(doc)
    assert problems == []
    people = [(p.id, p.name, p.role, p.org, p.organisation) for p in plan.participants]
    assert people == [(first, "Karen Koordinator", "coordinator", "org-k", "Kommunen")]
    assert [o.id for o in plan.organisations] == ["org-k"]  # no second "Kommunen"


def test_a_new_case_has_its_coordinator_as_the_citizens_contact(server: ServerProcess) -> None:
    listed = listed_org(server, "Kommunen", cvr="29189846")  # the municipality's list
    make_user(server, "koord", "  kommunen", "Team Nord", name="Karen Koordinator")
    koord = Api(server)
    assert koord.login("koord").status_code == 200
    case = new_case(koord, "Sofies plan")
    board_id = case["board_id"]
    token = koord.get(f"/api/cases/{case['id']}/board-link").json()["url"].split("#token=")[1]

    async def open_twice() -> None:  # the coordinator opens her board again and again
        for _ in range(2):
            client = await connected(server.ws, board_id, token)
            await client.close()

    asyncio.run(open_twice())
    meeting = open_meeting(koord, case["id"])
    sofie = join(server, join_code(koord, meeting, "citizen"), "Sofie")
    assert sofie.status_code == 200
    # each page is told its own organisation: the account's, none for someone who joined
    me = f"/api/boards/{board_id}/me"
    assert koord.get(me, token).json()["org"].strip() == "kommunen"
    assert koord.get(me, sofie.json()["token"]).json()["org"] == ""

    export = f"/api/boards/{board_id}/export"
    record = koord.get(f"{export}?format=json", token).json()
    karen = [p for p in record["participants"] if p["role"] == "coordinator"]
    assert [(p["name"], p["organisation"], p["org"]) for p in karen] == [
        ("Karen Koordinator", "Kommunen", listed.id)
    ]
    assert [(o["id"], o["cvr"]) for o in record["organisations"]] == [(listed.id, "29189846")]

    text, _ = pdf_text(koord.get(f"{export}?format=pdf", token).content)
    assert "Din kontaktperson Karen Koordinator Kommunen" in text
