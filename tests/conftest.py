"""Shared test fixtures: a real ``tavle serve`` process, services, a real browser.

Tests talk to the server over real sockets. Services that a test needs
(PostgreSQL, Redis, Chromium, Node) are checked with :func:`require`: missing
means skip on a developer machine, failure under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PG_URL = os.environ.get("TAVLE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TAVLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require(ok: bool, what: str) -> None:
    """Skip when a service is missing — but fail under CI=true, never skip there."""
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required under CI=true but is not available")
    pytest.skip(f"{what} not available")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class ServerProcess:
    """A real ``tavle serve`` in a subprocess, with its own data directory."""

    data_dir: Path
    env_extra: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        # open board creation: most tests make scratch boards without signing in
        # (tests/test_sync_server.py checks that the default refuses that)
        env.update(
            {
                # the code beside these tests: `tavle` is an editable install of the checkout
                # that made .venv, and a git worktree shares that .venv
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
                "TAVLE_DATA_DIR": str(self.data_dir),
                "TAVLE_LOG_LEVEL": "INFO",
                "TAVLE_OPEN_BOARDS": "true",
            }
        )
        env.update(self.env_extra)
        return env

    def start(self, timeout: float = 60.0) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / f"server-{self.port}.log"
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "tavle"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.http}/healthz", timeout=1) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run ``tavle ARGS`` against this server's data directory and database."""
        return subprocess.run(
            [str(VENV_BIN / "tavle"), *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            check=check,
        )

    def create_board(self, title: str = "Testtavle", **extra: str) -> dict:
        options = [part for key, value in extra.items() for part in (f"--{key}", value)]
        out = self.cli("board", "create", "--title", title, *options).stdout
        return json.loads(out)


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator:
    """Start one or more real servers: ``server_factory(env={...}, data_dir=...)``."""
    started: list[ServerProcess] = []

    def make(env: dict[str, str] | None = None, data_dir: Path | None = None) -> ServerProcess:
        s = ServerProcess(
            data_dir=data_dir or tmp_path / f"data{len(started)}", env_extra=env or {}
        )
        started.append(s)
        return s.start()

    yield make
    for s in started:
        s.stop()


@pytest.fixture
def server(server_factory) -> ServerProcess:
    """One real server with SQLite in a temporary data directory."""
    return server_factory()


@pytest.fixture(scope="session")
def client_built() -> None:
    require((ROOT / "static" / "dist" / "app.js").exists(), "the built client (make install)")


@pytest.fixture(scope="module")
def browser(client_built):
    """One headless Debian Chromium per test module, driven by Playwright.

    Module scope, not session: Playwright's sync API keeps an event loop running
    while it is open, and pytest-asyncio cannot start its own loop inside it, so
    it must be closed before the async tests of other modules run.
    """
    require(Path(CHROMIUM).exists(), "Chromium (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def node() -> str:
    """Path of node, with the npm packages installed."""
    path = shutil.which("node")
    has_packages = (ROOT / "node_modules" / "yjs").exists()
    require(path is not None and has_packages, "Node.js with npm packages")
    return path  # type: ignore[return-value]


@pytest.fixture
def pg_url() -> str:
    require(port_open("127.0.0.1", 5432), "PostgreSQL on 127.0.0.1:5432")
    return PG_URL


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database ``tavle_test_<random>`` for one test, dropped afterwards."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    name = f"tavle_test_{uuid.uuid4().hex[:12]}"
    admin = make_url(pg_url).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url() -> str:
    require(port_open("127.0.0.1", 6379), "Redis on 127.0.0.1:6379")
    return REDIS_URL
