"""Joining a meeting from the shared screen over real HTTP: the citizen's code and the
network's code give their roles, the citizen's code is for one person, and rejoining on
the same device with the same name is the same participant (issue 15)."""

from __future__ import annotations

import secrets

import httpx

from tests.test_access_support import join_code, new_case, open_meeting, world

world = world  # the module's server with signed-in professionals


def join(server, code: str, name: str, device: str | None = None) -> httpx.Response:
    body = {"code": code, "name": name} | ({"device": device} if device else {})
    return httpx.post(f"{server.http}/api/join", json=body, timeout=10)


def named(koord, case: dict, name: str) -> list[dict]:
    people = koord.get(f"/api/cases/{case['id']}").json()["participants"]
    return [p for p in people if p["name"] == name]


def test_two_codes_give_two_roles_and_the_citizens_is_for_one_person(world) -> None:
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien To Koder")
    meeting = open_meeting(koord, case["id"])
    citizen_code, network_code = join_code(koord, meeting, "citizen"), join_code(koord, meeting)
    tablet = secrets.token_hex(24)
    sofie = join(server, citizen_code, "Sofie", tablet)
    assert sofie.status_code == 200 and sofie.json()["role"] == "citizen"
    assert join(server, network_code, "Mormor").json()["role"] == "relative"
    # anyone else with the citizen's code is refused while the citizen is in, in plain words
    other = join(server, citizen_code, "Sofie", secrets.token_hex(24))
    assert other.status_code == 409
    assert other.json()["error"] == "Borgerens kode er allerede brugt. Spørg mødelederen."
    assert join(server, citizen_code, "Onkel").status_code == 409
    # the citizen's own tablet may come back (a reload, a closed tab)
    back = join(server, citizen_code, "sofie", tablet)  # the name as typed, case ignored
    assert back.status_code == 200
    assert back.json()["participant_id"] == sofie.json()["participant_id"]
    assert back.json()["token"] == sofie.json()["token"]
    assert len(named(koord, case, "Sofie")) == 1


def test_rejoining_on_the_same_device_is_the_same_participant(world) -> None:
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Igen")
    code = join_code(koord, open_meeting(koord, case["id"]))
    device = secrets.token_hex(24)
    first = join(server, code, "Mormor", device).json()
    again = join(server, code, "Mormor", device).json()
    assert again["participant_id"] == first["participant_id"]
    assert len(named(koord, case, "Mormor")) == 1
    # another name on the same tablet is another person; no device key: always a new row
    assert join(server, code, "Morfar", device).json()["participant_id"] != first["participant_id"]
    assert join(server, code, "Moster").json()["participant_id"] != first["participant_id"]
    assert (
        join(server, code, "Moster").json()["token"] != join(server, code, "Moster").json()["token"]
    )
    # a role the coordinator set stays when the person rejoins with the network's code
    role_url = f"/api/cases/{case['id']}/participants/{first['participant_id']}/role"
    assert koord.post(role_url, {"role": "observer"}).status_code == 200
    assert join(server, code, "Mormor", device).json()["role"] == "observer"
    # the token made from the device works on this board only, and never reaches the log
    me = httpx.get(
        f"{server.http}/api/boards/{case['board_id']}/me",
        headers={"Authorization": f"Bearer {first['token']}"},
    )
    assert me.json()["name"] == "Mormor"
    assert device not in server.log() and first["token"] not in server.log()
    # a meeting ended: the token stops; the next meeting's code makes it work again
    meeting = open_meeting(koord, case["id"])
    later = join(server, join_code(koord, meeting), "Mormor", device).json()
    assert later["participant_id"] == first["participant_id"]
