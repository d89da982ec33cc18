"""Accounts, cases, meetings, joining, roles, consent and audit over real HTTP."""

from __future__ import annotations

import csv
import io

import httpx

from tests.test_access_support import (
    Api,
    cli_user,
    join,
    join_code,
    make_user,
    new_case,
    open_meeting,
    world,  # noqa: F401 - the module's fixture
)


def test_login_me_logout_and_wrong_password(world) -> None:  # noqa: F811
    server, _apis = world
    api = Api(server)
    wrong = api.login("koord", "not the password")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "Brugernavnet eller adgangskoden passer ikke."
    assert api.login("nobody-here").status_code == 401  # unknown name: same answer
    response = api.login("koord")
    assert response.status_code == 200
    cookie = response.headers.get_list("set-cookie")
    session = next(c for c in cookie if c.startswith("tavle_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Path=/" in session
    me = api.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["user"]["org"] == "Kommunen"
    stolen = dict(api.http.cookies)
    assert api.post("/api/auth/logout").status_code == 200
    assert api.get("/api/auth/me").status_code == 401
    # the session is ended on the server: a copy of the old cookie no longer works
    replay = httpx.get(f"{server.http}/api/auth/me", cookies=stolen)
    assert replay.status_code == 401
    forged = httpx.get(f"{server.http}/api/auth/me", cookies={"tavle_session": "x.y.z"})
    assert forged.status_code == 401
    assert "korrekt-hest" not in server.log()  # no password in any log line


def test_user_create_refuses_bad_input_and_keeps_password_off_the_command_line(world) -> None:  # noqa: F811
    server, _apis = world
    created = cli_user(server, "cli-bruger", "Kommunen", "Team Nord", name="Cli Bruger")
    assert created["username"] == "cli-bruger" and "password" not in created
    assert Api(server).login("cli-bruger").status_code == 200
    done = server.cli("user", "create", "koord", "--name", "X", "--org", "Y", check=False)
    assert done.returncode == 2  # stdin is empty: too short a password, nothing created
    help_text = server.cli("user", "create", "--help").stdout
    assert "--password" not in help_text


def test_csrf_token_and_origin_are_required_for_state_changes(world) -> None:  # noqa: F811
    server, apis = world
    api = apis["koord"]
    body = {"alias": "Uden token", "team": "Team Nord"}
    no_token = api.http.post("/api/cases", json=body)
    assert no_token.status_code == 403
    wrong = api.http.post("/api/cases", json=body, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    foreign = api.http.post(
        "/api/cases",
        json=body,
        headers={"X-CSRF-Token": api.csrf, "Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    login_csrf = httpx.post(
        f"{server.http}/api/auth/login",
        json={"username": "koord", "password": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert login_csrf.status_code == 403
    same_origin = api.http.post(
        "/api/cases", json=body, headers={"X-CSRF-Token": api.csrf, "Origin": server.http}
    )
    assert same_origin.status_code == 201


def test_security_headers_on_pages_and_api(world) -> None:  # noqa: F811
    server, _apis = world
    for path in ("/healthz", "/api/auth/me", "/join"):
        headers = httpx.get(f"{server.http}{path}").headers
        policy = headers["content-security-policy"]
        assert "unsafe-inline" not in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "style-src 'self'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    assert httpx.get(f"{server.http}/api/auth/me").headers["cache-control"] == "no-store"


def test_team_sees_its_cases_only(world) -> None:  # noqa: F811
    server, apis = world
    case = new_case(apis["koord"], "Familien Team")
    assert case["id"] in {c["id"] for c in apis["jobc"].get("/api/cases").json()["cases"]}
    assert case["id"] not in {c["id"] for c in apis["fremmed"].get("/api/cases").json()["cases"]}
    # a case can only be opened for one's own team
    refused = apis["fremmed"].post("/api/cases", {"alias": "X", "team": "Team Nord"})
    assert refused.status_code == 403
    assert httpx.get(f"{server.http}/api/cases").status_code == 401
    meeting = apis["koord"].post(
        f"/api/cases/{case['id']}/meetings",
        {"kind": "tavlemoede", "date": "2026-12-07", "time": "10:00", "minutes": 60},
    )
    assert meeting.status_code == 201
    assert meeting.json()["starts_at"] == "2026-12-07T09:00:00+00:00"  # 10.00 Danish time
    bad = apis["koord"].post(
        f"/api/cases/{case['id']}/meetings", {"kind": "fest", "date": "x", "time": "y"}
    )
    assert bad.status_code == 400 and bad.json()["error"].startswith("Noget i det indtastede")
    listed = apis["jobc"].get("/api/cases").json()["cases"]
    mine = next(c for c in listed if c["id"] == case["id"])
    assert [m["kind"] for m in mine["meetings"]] == ["tavlemoede"]


def test_join_by_code_gives_a_token_bound_to_board_and_role(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Kode")
    meeting = open_meeting(koord, case["id"])
    shown = koord.post(f"/api/meetings/{meeting}/join-code").json()
    assert len(shown["code"].replace("-", "")) == 8
    assert shown["qr_svg"].startswith("<svg") and shown["url"].endswith(
        "#code=" + shown["code"].replace("-", "")
    )
    # only the coordinator can show a code
    assert apis["jobc"].post(f"/api/meetings/{meeting}/join-code").status_code == 403
    typed = shown["code"].lower().replace("-", " ")  # as typed on a tablet
    joined = join(server, typed, "Ida")
    assert joined.status_code == 200, joined.text
    body = joined.json()
    assert (body["board_id"], body["role"], body["can_write"]) == (
        case["board_id"],
        "relative",
        True,
    )
    me = httpx.get(
        f"{server.http}/api/boards/{case['board_id']}/me",
        headers={"Authorization": f"Bearer {body['token']}"},
    )
    assert me.json() == {
        "board_id": case["board_id"],
        "role": "relative",
        "can_write": True,
        "name": "Ida",
        "org": "",  # joined by code: no account, so no organisation
        "kind": "case",
    }
    other = new_case(koord, "Anden familie")
    elsewhere = httpx.get(
        f"{server.http}/api/boards/{other['board_id']}/me",
        headers={"Authorization": f"Bearer {body['token']}"},
    )
    assert elsewhere.status_code == 401
    wrong = join(server, "AAAA-AAAA", "Ida")
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "Koden passer ikke. Spørg mødelederen om koden på skærmen."
    assert join(server, shown["code"], "   ").json()["error"] == "Skriv dit navn."
    assert shown["code"].replace("-", "") not in server.log()
    assert body["token"] not in server.log()


def test_codes_expire_when_the_meeting_ends(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Slut")
    meeting = open_meeting(koord, case["id"])
    code = join_code(koord, meeting)
    token = join(server, code, "Bo").json()["token"]
    assert koord.post(f"/api/meetings/{meeting}/end").status_code == 200
    assert join(server, code, "Bo").status_code == 400
    me = httpx.get(
        f"{server.http}/api/boards/{case['board_id']}/me",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert me.status_code == 401
    assert koord.post(f"/api/meetings/{meeting}/join-code").status_code == 410


def test_roles_consent_and_who_may_change_them(world) -> None:  # noqa: F811
    server, apis = world
    koord, jobc = apis["koord"], apis["jobc"]
    case = new_case(koord, "Familien Samtykke")
    me_url = f"/api/boards/{case['board_id']}/me"
    assert jobc.get(me_url).status_code == 403  # no consent for Jobcenter yet
    assert jobc.get(f"/api/cases/{case['id']}").status_code == 403
    given = koord.post(
        f"/api/cases/{case['id']}/consents",
        {
            "org": "Jobcenter",
            "given_by": "Borgeren selv",
            "scope": "hele planen",
            "expires": "2099-12-31",
        },
    )
    assert given.status_code == 201
    assert jobc.get(me_url).json()["role"] == "professional"
    assert apis["fremmed"].get(me_url).status_code == 403  # same org, other team
    # a professional cannot change roles or consent
    assert (
        jobc.post(f"/api/cases/{case['id']}/consents/{given.json()['id']}/withdraw").status_code
        == 403
    )
    expired = koord.post(
        f"/api/cases/{case['id']}/consents",
        {"org": "Psykiatrien", "given_by": "Borgeren", "expires": "2020-01-01"},
    )
    assert expired.status_code == 201
    consents = koord.get(f"/api/cases/{case['id']}/consents").json()["consents"]
    assert {c["org"]: c["valid"] for c in consents} == {"Jobcenter": True, "Psykiatrien": False}
    withdraw = koord.post(f"/api/cases/{case['id']}/consents/{given.json()['id']}/withdraw")
    assert withdraw.status_code == 200
    assert jobc.get(me_url).status_code == 403
    # roles: join, then the coordinator sets the role and write right
    meeting = open_meeting(koord, case["id"])
    joined = join(server, join_code(koord, meeting), "Mor").json()
    pid = joined["participant_id"]
    role_url = f"/api/cases/{case['id']}/participants/{pid}/role"
    assert koord.post(role_url, {"role": "relative", "can_write": False}).status_code == 200
    bearer = {"Authorization": f"Bearer {joined['token']}"}
    me = httpx.get(f"{server.http}{me_url}", headers=bearer).json()
    assert (me["role"], me["can_write"]) == ("relative", False)
    assert (
        koord.post(role_url, {"role": "observer", "can_write": True}).json()["can_write"] is False
    )
    assert koord.post(role_url, {"role": "coordinator"}).status_code == 400
    assert koord.post(role_url, {"role": "king"}).status_code == 400
    # a joined relative cannot make themselves citizen
    self_promote = httpx.post(
        f"{server.http}/api/cases/{case['id']}/participants/{pid}/role",
        json={"role": "citizen"},
        headers=bearer,
    )
    assert self_promote.status_code == 403


def test_audit_log_per_case_and_csv_is_injection_safe(world) -> None:  # noqa: F811
    server, apis = world
    koord = apis["koord"]
    case = new_case(koord, "Familien Log")
    meeting = open_meeting(koord, case["id"])
    join(server, join_code(koord, meeting), '=HYPERLINK("http://evil")')
    koord.post(f"/api/cases/{case['id']}/consents", {"org": "-Skole", "given_by": "@mor"})
    entries = koord.get(f"/api/cases/{case['id']}/audit").json()["entries"]
    events = [e["event"] for e in entries]
    assert events[:1] == ["case_created"]
    assert {"meeting_scheduled", "join_code_shown", "join", "consent_given"} <= set(events)
    assert apis["jobc"].get(f"/api/cases/{case['id']}/audit").status_code == 403
    response = koord.get(f"/api/cases/{case['id']}/audit?format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["tidspunkt", "haendelse", "hvem", "detaljer"]
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)
    assert rows[1][0][2] == "-" and rows[1][0][5] == "-"  # dd-mm-yyyy


def test_sign_ins_are_audited(world) -> None:  # noqa: F811
    server, _apis = world
    make_user(server, "revisor", "Kommunen", "Team Nord")
    Api(server).login("revisor")
    Api(server).login("revisor", "forkert kode")
    db = server.data_dir / "tavle.db"
    import sqlite3

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT event, actor FROM audit_log WHERE actor = 'revisor' ORDER BY id"
        ).fetchall()
    assert rows == [("sign_in", "revisor"), ("sign_in_failed", "revisor")]


def test_board_link_token_follows_the_session_and_the_board(world) -> None:  # noqa: F811
    server, apis = world
    koord = Api(server)
    assert koord.login("koord").status_code == 200
    case, other = new_case(koord, "Familien Link"), new_case(koord, "Familien Anden")
    link = koord.get(f"/api/cases/{case['id']}/board-link").json()["url"]
    path, _, fragment = link.partition("#token=")
    assert path == f"/board/{case['board_id']}"

    def me(board_id: str) -> httpx.Response:
        return httpx.get(
            f"{server.http}/api/boards/{board_id}/me",
            headers={"Authorization": f"Bearer {fragment}"},
        )

    assert me(case["board_id"]).json()["role"] == "coordinator"
    assert me(other["board_id"]).status_code == 401  # made for one board only
    # a colleague without consent gets no link
    assert apis["jobc"].get(f"/api/cases/{case['id']}/board-link").status_code == 403
    koord.post("/api/auth/logout")
    assert me(case["board_id"]).status_code == 401  # signing out ends the link too


def test_boards_are_made_by_signed_in_professionals_by_default(server_factory) -> None:
    """Without TAVLE_OPEN_BOARDS, POST /api/boards needs a session (the CLI always may)."""
    server = server_factory(env={"TAVLE_OPEN_BOARDS": "false"})
    anonymous = httpx.post(f"{server.http}/api/boards", json={"title": "Tavle"}, timeout=10)
    assert anonymous.status_code == 401
    make_user(server, "koord", "Jobcenter", "Team Nord")
    api = Api(server)
    assert api.login("koord").status_code == 200
    created = api.post("/api/boards", {"title": "Tavle"})
    assert created.status_code == 201
    assert set(created.json()) == {"board_id", "edit_token", "view_token"}
