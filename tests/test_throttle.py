"""Wrong join codes and passwords, limited behind a proxy, across restarts and processes,
and the headers built from configuration (issue 13, items 6 and 7)."""

from __future__ import annotations

import secrets

import httpx

from server.access.throttle import PER_TRY
from tests.test_access_support import Api, join_code, make_user, new_case, open_meeting

WRONG = "ABCD-EFGH"


def join_from(server, address: str | None, code: str = WRONG, name: str = "Gætter") -> int:
    headers = {"X-Forwarded-For": address} if address else {}
    return httpx.post(
        f"{server.http}/api/join", json={"code": code, "name": name}, headers=headers, timeout=10
    ).status_code


def real_code(server) -> str:
    make_user(server, "koord", "Kommunen", "Team Nord")
    koord = Api(server)
    assert koord.login("koord").status_code == 200
    return join_code(koord, open_meeting(koord, new_case(koord)["id"]))


def test_wrong_codes_are_limited_per_code_and_address(server_factory) -> None:
    server = server_factory(env={"TAVLE_TRUSTED_PROXIES": "127.0.0.1"})
    answers = [join_from(server, "10.0.0.1") for _ in range(PER_TRY + 1)]
    assert answers == [400] * PER_TRY + [429]
    # the same person's other tries, another person behind another address, and the real
    # code from the same (shared proxy) address all still get through
    assert join_from(server, "10.0.0.1", code="WXYZ-2345") == 400
    assert join_from(server, "10.0.0.2") == 400
    assert join_from(server, "10.0.0.1", code=real_code(server), name="Sofie") == 200


def test_forwarded_addresses_are_not_believed_by_default(server_factory) -> None:
    server = server_factory()
    answers = [join_from(server, f"10.9.0.{i}") for i in range(PER_TRY + 1)]
    assert answers == [400] * PER_TRY + [429]


def test_counts_survive_a_restart(server_factory) -> None:
    first = server_factory()
    assert [join_from(first, None) for _ in range(PER_TRY)] == [400] * PER_TRY
    first.stop()
    again = server_factory(data_dir=first.data_dir)
    assert join_from(again, None) == 429


def test_counts_are_shared_between_processes_through_redis(server_factory, redis_url) -> None:
    env = {"TAVLE_REDIS_URL": redis_url, "TAVLE_SECRET_KEY": secrets.token_hex(32)}
    a, b = server_factory(env=env), server_factory(env=env)
    assert [join_from(a, None) for _ in range(PER_TRY)] == [400] * PER_TRY
    assert join_from(b, None) == 429
    make_user(b, "mette", "Jobcenter", "Team Nord")
    wrong = [Api(b).login("mette", "forkert").status_code for _ in range(PER_TRY)]
    assert wrong == [401] * PER_TRY
    assert Api(a).login("mette", "forkert").status_code == 429
    assert Api(a).login("someone-else", "forkert").status_code == 401


def test_headers_come_from_configuration_not_from_the_request(server_factory) -> None:
    plain = server_factory(env={"TAVLE_TRUSTED_PROXIES": "127.0.0.1"})
    hostile = httpx.get(f"{plain.http}/join", headers={"Host": "a; script-src *"})
    policy = hostile.headers["content-security-policy"]
    assert "script-src *" not in policy and "a;" not in policy
    assert "connect-src 'self';" in policy
    assert "strict-transport-security" not in hostile.headers
    proxied = httpx.get(f"{plain.http}/join", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["strict-transport-security"] == "max-age=31536000"

    public = server_factory(env={"TAVLE_PUBLIC_URL": "https://tavle.kommune.dk"})
    answer = httpx.get(f"{public.http}/join", headers={"Host": "evil.example"})
    assert "connect-src 'self' wss://tavle.kommune.dk;" in answer.headers["content-security-policy"]
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    default = server_factory()
    ignored = httpx.get(f"{default.http}/join", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in ignored.headers


def test_a_join_code_is_made_by_post_only(server_factory) -> None:
    server = server_factory()
    make_user(server, "koord", "Kommunen", "Team Nord")
    koord = Api(server)
    koord.login("koord")
    meeting = open_meeting(koord, new_case(koord)["id"])
    assert koord.get(f"/api/meetings/{meeting}/join-code").status_code == 405
    assert koord.post(f"/api/meetings/{meeting}/join-code").status_code == 200
