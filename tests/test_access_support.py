"""Helpers for the access tests (no tests here): accounts, a signed-in HTTP client,
a case with a running meeting, joining by code, and WebSocket clients with a cookie."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pycrdt import create_sync_message
from sqlalchemy import Connection
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from board.plan import Organisation
from server.access.accounts import create_user
from server.access.times import LOCAL
from server.config import Settings
from server.orgs.db import OrgFields, add_org
from server.store.engine import make_engine
from tests.conftest import ROOT, VENV_BIN, ServerProcess
from tests.yclient import YClient

PASSWORD = "korrekt-hest-batteri-9"


def cli_user(server: ServerProcess, username: str, org: str, *teams: str, name: str = "") -> dict:
    """``tavle user create`` with the password on stdin, as an administrator would run it."""
    args = [str(VENV_BIN / "tavle"), "user", "create", username, "--name", name or username.title()]
    args += ["--org", org, *sum((["--team", t] for t in teams), [])]
    done = subprocess.run(
        args, cwd=ROOT, env=server.env(), input=PASSWORD + "\n", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@contextlib.contextmanager
def database(server: ServerProcess) -> Iterator[Connection]:
    """One transaction on the server's own database (a CLI process per row written costs
    seconds on a busy machine)."""
    database_url = server.env_extra.get("TAVLE_DATABASE_URL", "")
    engine = make_engine(Settings(data_dir=server.data_dir, database_url=database_url))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def make_user(server: ServerProcess, username: str, org: str, *teams: str, name: str = "") -> None:
    """The same account as ``tavle user create`` makes, written straight into the database."""
    with database(server) as conn:
        create_user(conn, username, PASSWORD, name or username.title(), org, list(teams))


def listed_org(server: ServerProcess, name: str, **codes: str) -> Organisation:
    """An organisation on the municipality's list, as ``tavle org add`` makes it."""
    with database(server) as conn:
        return add_org(conn, OrgFields(name=name, kind="authority", **codes))


class Api:
    """A browser-like HTTP client: keeps cookies, sends the CSRF token on state changes."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.http, timeout=15)
        self.csrf = ""

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        body = {"username": username, "password": password}
        response = self.http.post("/api/auth/login", json=body)
        if response.status_code == 200:
            self.csrf = response.json()["csrf"]
        return response

    def _headers(self, token: str = "") -> dict[str, str]:
        headers = {"X-CSRF-Token": self.csrf} if self.csrf else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def get(self, path: str, token: str = "") -> httpx.Response:
        return self.http.get(path, headers=self._headers(token))

    def post(self, path: str, body: dict | None = None, token: str = "") -> httpx.Response:
        return self.http.post(path, json=body or {}, headers=self._headers(token))

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(path, headers=self._headers())

    @property
    def cookie(self) -> str:
        return f"tavle_session={self.http.cookies['tavle_session']}"


def coordinator(server: ServerProcess) -> Api:
    """Karen Koordinator (``koord``, Kommunen, Team Nord), made and signed in."""
    make_user(server, "koord", "Kommunen", "Team Nord", name="Karen Koordinator")
    api = Api(server)
    assert api.login("koord").status_code == 200
    return api


def meeting_now(minutes: int = 120) -> dict:
    """A meeting that started a few minutes ago (Danish local time, as a coordinator types it)."""
    start = datetime.now(LOCAL) - timedelta(minutes=5)
    return {
        "kind": "netvaerksmoede",
        "date": start.strftime("%Y-%m-%d"),
        "time": start.strftime("%H:%M"),
        "minutes": minutes,
    }


def new_case(api: Api, alias: str = "Familien Test", team: str = "Team Nord") -> dict:
    response = api.post("/api/cases", {"alias": alias, "team": team})
    assert response.status_code == 201, response.text
    return response.json()


def open_meeting(api: Api, case_id: str) -> str:
    response = api.post(f"/api/cases/{case_id}/meetings", meeting_now())
    assert response.status_code == 201, response.text
    return response.json()["id"]


def join_code(api: Api, meeting_id: str, role: str = "relative") -> str:
    response = api.post(f"/api/meetings/{meeting_id}/join-code?role={role}")
    assert response.status_code == 200, response.text
    return response.json()["code"]


def join(server: ServerProcess, code: str, name: str) -> httpx.Response:
    return httpx.post(f"{server.http}/api/join", json={"code": code, "name": name}, timeout=10)


class CookieClient(YClient):
    """A YClient that signs in with a session cookie (and an Origin, as browsers send)."""

    def __init__(self, server: ServerProcess, room: str, cookie: str, origin: str | None) -> None:
        super().__init__(server.ws, room, "")
        self.url = f"{server.ws}/ws/boards/{room}"
        self.cookie = cookie
        self.origin = origin

    async def connect(self, handshake: bool = True) -> CookieClient:
        self.ws = await connect(
            self.url,
            max_size=None,
            compression=None,
            origin=self.origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": self.cookie},
        )
        self.reader = asyncio.create_task(self._read())
        if handshake:
            with contextlib.suppress(ConnectionClosed):
                await self.ws.send(create_sync_message(self.doc))
        return self


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    """One server for a module, with a coordinator, a team colleague from another
    organisation, an outsider from another team, and their signed-in clients."""
    server = ServerProcess(data_dir=Path(tmp_path_factory.mktemp("access")))
    server.start()
    make_user(server, "koord", "Kommunen", "Team Nord", name="Karen Koordinator")
    make_user(server, "jobc", "Jobcenter", "Team Nord", name="Jonas Jobcenter")
    make_user(server, "fremmed", "Jobcenter", "Team Syd", name="Frede Fremmed")
    apis = {}
    for username in ("koord", "jobc", "fremmed"):
        apis[username] = Api(server)
        assert apis[username].login(username).status_code == 200
    yield server, apis
    server.stop()
    print(server.log()[-4000:])  # shown by pytest when a test of the module failed
