"""OpenID Connect sign-in against a local provider (oidc-provider-mock) started by the test.

The provider runs in a thread of the test process; Tavle runs as a real
``tavle serve`` configured by environment. The browser's part (following
redirects, ticking the provider's form) is played by an HTTP client.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.test_access_support import make_user

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        for sub, username in (("sub-karen", "koord"), ("sub-ukendt", "ingen-konto")):
            claims = {"preferred_username": username, "name": username}
            httpx.put(f"{issuer}/users/{sub}", json=claims).raise_for_status()
        yield issuer


@pytest.fixture
def tavle(server_factory, provider: str):
    server = server_factory(
        env={
            "TAVLE_OIDC_ISSUER": provider,
            "TAVLE_OIDC_CLIENT_ID": "tavle",
            "TAVLE_OIDC_CLIENT_SECRET": "klient-hemmelighed",
        }
    )
    make_user(server, "koord", "Kommunen", "Team Nord")
    return server


def sign_in(server, sub: str, tamper_state: bool = False) -> tuple[httpx.Client, httpx.Response]:
    """Start at Tavle, choose ``sub`` at the provider, come back to the callback."""
    browser = httpx.Client(base_url=server.http, timeout=15)
    start = browser.get("/api/auth/oidc/start")
    assert start.status_code == 303
    authorize = start.headers["location"]
    assert "code_challenge_method=S256" in authorize and "nonce=" in authorize
    chosen = httpx.post(authorize, data={"sub": sub}, timeout=15)
    assert chosen.status_code == 302
    callback = chosen.headers["location"]
    if tamper_state:
        callback = callback.replace("state=", "state=x")
    return browser, browser.get(callback)


def test_sign_in_through_the_provider(tavle) -> None:
    assert httpx.get(f"{tavle.http}/api/auth/oidc").json() == {"enabled": True}
    browser, back = sign_in(tavle, "sub-karen")
    assert back.status_code == 303 and back.headers["location"] == "/cases"
    me = browser.get("/api/auth/me").json()
    assert me["user"]["username"] == "koord" and me["teams"] == ["Team Nord"]
    assert "klient-hemmelighed" not in tavle.log()


def test_refused_without_local_account_or_with_a_forged_state(tavle) -> None:
    for sub, tamper in (("sub-ukendt", False), ("sub-karen", True)):
        browser, back = sign_in(tavle, sub, tamper_state=tamper)
        assert back.headers["location"] == "/login#fejl=oidc"
        assert browser.get("/api/auth/me").status_code == 401
    # a callback without the flow cookie (another browser) is refused as well
    stranger = httpx.get(f"{tavle.http}/api/auth/oidc/callback?code=abc&state=def")
    assert stranger.headers["location"] == "/login#fejl=oidc"


def test_off_without_configuration(server_factory) -> None:
    server = server_factory()
    assert httpx.get(f"{server.http}/api/auth/oidc").json() == {"enabled": False}
    assert httpx.get(f"{server.http}/api/auth/oidc/start").headers["location"] == "/login"
