"""Scale-out: several processes share rooms over real Redis and real PostgreSQL.

Bus tests put two :class:`RedisBus` instances (two "processes": each has its
own id) in front of real pycrdt docs; server tests run two real ``tavle serve``
processes on one fresh PostgreSQL database and Redis, with a y-websocket client
on each. Redis outages are real: a private ``redis-server`` is stopped and
started again.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
from pycrdt import Doc, Map
from sqlalchemy import create_engine, text

from server.config import Settings
from server.sync.bus import LocalBus, RedisBus, make_bus
from tests.conftest import ServerProcess, free_port, port_open, require
from tests.yclient import YClient, connected

pytestmark = pytest.mark.scaleout
ROUND = 0.2  # anti-entropy interval in these tests


class DocPeer:
    """A BusPeer over a real pycrdt Doc that records what the bus delivered."""

    def __init__(self) -> None:
        self.doc = Doc()
        self.map = self.doc.get("m", type=Map)
        self.remote_updates = 0
        self.awareness: list[bytes] = []

    def apply_remote_update(self, update: bytes) -> None:
        self.remote_updates += 1
        self.doc.apply_update(update)

    def apply_remote_awareness(self, payload: bytes) -> None:
        self.awareness.append(payload)

    def state_vector(self) -> bytes:
        return self.doc.get_state()

    def diff(self, state_vector: bytes) -> bytes:
        return self.doc.get_update(state_vector)

    def change(self, fn: Callable[[Map], object]) -> bytes:
        """Edit the doc locally; returns the update (published or not by the caller)."""
        before = self.doc.get_state()
        fn(self.map)
        return self.doc.get_update(before)

    def content(self) -> dict:
        return self.map.to_py() or {}


async def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)


class PrivateRedis:
    """A redis-server of this test alone, so stopping it disturbs nobody else."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            if port_open("127.0.0.1", self.port):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    require(shutil.which("redis-server") is not None, "redis-server")
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@asynccontextmanager
async def two_buses(url: str) -> AsyncIterator[list[RedisBus]]:
    """Two started Redis buses (two "processes"), closed after the block."""
    buses = [RedisBus(Settings(redis_url=url, anti_entropy_seconds=ROUND)) for _ in range(2)]
    try:
        for bus in buses:
            await bus.start()
        yield buses
    finally:
        for bus in buses:
            await bus.close()


def doc_key() -> str:
    return f"test-{uuid.uuid4().hex}"


# ---- the bus --------------------------------------------------------------------------------
def test_make_bus_chooses_by_redis_url() -> None:
    assert isinstance(make_bus(Settings()), LocalBus)
    assert isinstance(make_bus(Settings(redis_url="redis://127.0.0.1:6379/0")), RedisBus)


async def test_updates_and_awareness_reach_the_other_process_only(redis_url: str) -> None:
    async with two_buses(redis_url) as (a, b):
        key, pa, pb = doc_key(), DocPeer(), DocPeer()
        await a.join(key, pa)
        await b.join(key, pb)
        a.publish_update(key, pa.change(lambda m: m.__setitem__("x", 1)))
        a.publish_awareness(key, b"\x00")
        await until(lambda: pb.content() == {"x": 1.0} and pb.awareness == [b"\x00"])
        b.publish_update(key, pb.change(lambda m: m.__setitem__("y", 2)))
        await until(lambda: pa.content() == {"x": 1.0, "y": 2.0})
        assert pa.awareness == []  # its own awareness never came back to it


async def test_a_process_joining_late_gets_the_state_of_the_others(redis_url: str) -> None:
    async with two_buses(redis_url) as (a, b):
        key, pa, pb = doc_key(), DocPeer(), DocPeer()
        await a.join(key, pa)
        pa.change(lambda m: m.update({"old": 1, "older": 2}))  # never published
        await b.join(key, pb)
        await until(lambda: pb.content() == {"old": 1.0, "older": 2.0})


async def test_missed_updates_and_deletes_are_repaired_then_the_bus_goes_quiet(
    redis_url: str,
) -> None:
    async with two_buses(redis_url) as (a, b):
        key, pa, pb = doc_key(), DocPeer(), DocPeer()
        await a.join(key, pa)
        await b.join(key, pb)
        a.publish_update(key, pa.change(lambda m: m.update({"keep": 1, "drop": 2})))
        await until(lambda: pb.content() == {"keep": 1.0, "drop": 2.0})
        # b stops listening (its room stays): what a publishes now never reaches b
        await b.leave(key)
        a.publish_update(key, pa.change(lambda m: m.pop("drop")))  # a delete: no new clock
        pb.change(lambda m: m.__setitem__("from_b", 3))  # and b edits on its own meanwhile
        await asyncio.sleep(2 * ROUND)
        assert "drop" in pb.content() and "from_b" not in pa.content()
        await b.join(key, pb)
        want = {"keep": 1.0, "from_b": 3.0}
        await until(lambda: pa.content() == want and pb.content() == want)

        await asyncio.sleep(2 * ROUND)  # let in-flight answers land
        before = (pa.remote_updates, pb.remote_updates)
        await asyncio.sleep(4 * ROUND)
        assert (pa.remote_updates, pb.remote_updates) == before  # in sync: nobody answers


async def test_cursors_of_a_process_that_went_silent_are_removed(redis_url: str) -> None:
    async with two_buses(redis_url) as (a, b):
        key, pa, pb = doc_key(), DocPeer(), DocPeer()
        cursor = b'{"user":{"name":"Mette"}}'
        await a.join(key, pa)
        await b.join(key, pb)
        a.publish_awareness(key, b"\x01\x07\x01" + bytes([len(cursor)]) + cursor)
        await until(lambda: len(pb.awareness) == 1)
        await a.close()  # from b's side the same as a killed process: it falls silent
        await until(lambda: len(pb.awareness) == 2)
        assert pb.awareness[1] == b"\x01\x07\x02\x04null"  # client 7, next clock, removed


async def test_the_bus_survives_a_redis_outage(private_redis: PrivateRedis) -> None:
    async with two_buses(private_redis.url) as (a, b):
        key, pa, pb = doc_key(), DocPeer(), DocPeer()
        await a.join(key, pa)
        await b.join(key, pb)
        a.publish_update(key, pa.change(lambda m: m.__setitem__("gone", 0)))
        await until(lambda: pb.content() == {"gone": 0.0})
        private_redis.stop()
        a.publish_update(key, pa.change(lambda m: m.__setitem__("during_a", 1)))
        b.publish_update(key, pb.change(lambda m: m.pop("gone")))
        b.publish_update(key, pb.change(lambda m: m.__setitem__("during_b", 2)))
        await asyncio.sleep(3 * ROUND)
        assert "during_a" not in pb.content()  # nothing can cross while Redis is down
        private_redis.start()
        want = {"during_a": 1.0, "during_b": 2.0}
        await until(lambda: pa.content() == want and pb.content() == want, timeout=20)
        a.publish_update(key, pa.change(lambda m: m.__setitem__("after", 3)))
        await until(lambda: pb.content().get("after") == 3.0)


# ---- two real servers ---------------------------------------------------------------------
def content(client: YClient) -> dict:
    return client.doc.get("m", type=Map).to_py() or {}


def stored(pg: str, room: str) -> tuple[int, int]:
    """(rows, distinct rows) of the room's update log."""
    engine = create_engine(pg)
    try:
        with engine.connect() as conn:
            q = text(
                "SELECT count(*), count(DISTINCT md5(data)) FROM doc_updates WHERE doc_key = :k"
            )
            rows, distinct = conn.execute(q, {"k": room}).one()
            return rows, distinct
    finally:
        engine.dispose()


async def handshake_done(client: YClient) -> YClient:
    """Wait until the client has answered the server's SyncStep1, so its later edits are
    sent once, as updates, and not a second time inside that answer."""
    await until(lambda: any(frame[:2] == b"\x00\x00" for frame in client.frames))
    await asyncio.sleep(0.05)
    return client


def cluster_env(pg: str, redis: str) -> dict[str, str]:
    return {
        "TAVLE_DATABASE_URL": pg,
        "TAVLE_REDIS_URL": redis,
        "TAVLE_ANTI_ENTROPY_SECONDS": str(ROUND),
        "TAVLE_COMPACT_EVERY": "100000",  # keep every logged update countable
    }


class ClusterBoard(NamedTuple):
    one: ServerProcess
    two: ServerProcess
    room: str
    token: str
    a: YClient  # connected to server one
    b: YClient  # connected to server two


async def cluster_board(
    server_factory: Callable[..., ServerProcess], env: dict[str, str]
) -> ClusterBoard:
    """Two servers of one cluster, a board made on the first and a client on each."""
    one, two = server_factory(env=env), server_factory(env=env)
    board = one.create_board()
    room, token = board["board_id"], board["edit_token"]
    a = await connected(one.ws, room, token)
    b = await connected(two.ws, room, token)
    return ClusterBoard(one, two, room, token, a, b)


async def both_write(a: YClient, b: YClient, n: int) -> dict[str, float]:
    """``a`` and ``b`` each write ``n`` keys, interleaved; both then hold all of them."""
    for i in range(n):
        await a.set_key(f"a{i}", i)
        await b.set_key(f"b{i}", i)
    want = {**{f"a{i}": float(i) for i in range(n)}, **{f"b{i}": float(i) for i in range(n)}}
    await a.wait_for(lambda: content(a) == want, timeout=10)
    await b.wait_for(lambda: content(b) == want, timeout=10)
    return want


async def test_two_servers_share_a_board(server_factory, pg_db: str, redis_url: str) -> None:
    env = cluster_env(pg_db, redis_url)
    one, two = server_factory(env=env), server_factory(env=env)
    board = one.create_board()
    room, token = board["board_id"], board["edit_token"]
    logged_at_creation = stored(pg_db, room)[0]

    a = await handshake_done(await connected(one.ws, room, token))
    b = await handshake_done(await connected(two.ws, room, token))
    want = await both_write(a, b, 30)

    await a.set_awareness('{"user": {"name": "Mette"}}')
    await b.wait_for(lambda: len(b.awareness.entries) == 1)
    assert next(iter(b.awareness.entries.values())).state == '{"user": {"name": "Mette"}}'

    await a.close()
    await b.close()
    one.stop()  # a clean stop flushes the log
    two.stop()
    rows, distinct = stored(pg_db, room)
    assert rows == distinct == logged_at_creation + 60  # each update stored exactly once

    again = [server_factory(env=env), server_factory(env=env)]
    fresh = [await connected(s.ws, room, token) for s in again]
    for client in fresh:
        assert content(client) == want
        await client.close()


async def test_two_servers_converge_after_a_redis_outage(
    server_factory, pg_db: str, private_redis: PrivateRedis
) -> None:
    env = cluster_env(pg_db, private_redis.url)
    one, two, room, token, a, b = await cluster_board(server_factory, env)
    await a.set_key("before", 1)
    await b.wait_for(lambda: content(b).get("before") == 1)

    private_redis.stop()
    await a.set_key("during_a", 2)
    await b.set_key("during_b", 3)
    await asyncio.sleep(3 * ROUND)
    private_redis.start()

    want = {"before": 1.0, "during_a": 2.0, "during_b": 3.0}
    await a.wait_for(lambda: content(a) == want, timeout=20)
    await b.wait_for(lambda: content(b) == want, timeout=20)
    await a.set_key("after", 4)
    await b.wait_for(lambda: content(b).get("after") == 4)
    await a.close()
    await b.close()


async def test_two_servers_compacting_one_board_lose_nothing(
    server_factory, pg_db: str, redis_url: str
) -> None:
    env = {**cluster_env(pg_db, redis_url), "TAVLE_COMPACT_EVERY": "7"}
    one, two, room, token, a, b = await cluster_board(server_factory, env)
    want = await both_write(a, b, 40)
    await a.close()
    await b.close()
    one.stop()
    two.stop()
    engine = create_engine(pg_db)
    try:
        with engine.connect() as conn:
            q = text("SELECT count(*) FROM doc_snapshots WHERE doc_key = :k")
            assert conn.execute(q, {"k": room}).scalar_one() == 1
    finally:
        engine.dispose()

    fresh = await connected(server_factory(env=env).ws, room, token)
    assert content(fresh) == want
    await fresh.close()


async def test_one_server_killed_the_other_carries_the_board(
    server_factory, pg_db: str, redis_url: str
) -> None:
    env = cluster_env(pg_db, redis_url)
    one, two, room, token, a, b = await cluster_board(server_factory, env)
    for i in range(20):
        await a.set_key(f"a{i}", i)
    await b.wait_for(lambda: len(content(b)) == 20)
    await asyncio.sleep(0.3)  # past the group commit of process one
    one.stop(kill=True)
    await a.wait_closed()

    await b.set_key("after_kill", 1)
    a.doc.get("m", type=Map)["offline_a"] = 2  # edited while its server was gone
    moved = YClient(two.ws, room, token)
    moved.doc = a.doc  # the browser reconnects, to the surviving process
    await moved.connect()
    want = {**{f"a{i}": float(i) for i in range(20)}, "after_kill": 1.0, "offline_a": 2.0}
    await moved.wait_for(lambda: content(moved) == want)
    await b.wait_for(lambda: content(b) == want)
    await moved.close()
    await b.close()
    two.stop()

    fresh = await connected(server_factory(env=env).ws, room, token)
    assert content(fresh) == want
    await fresh.close()


class Writer:
    """A client that keeps writing: a key of its own and an overwrite of a shared key
    (which depends on whoever wrote that key last) every ``gap`` seconds. Its edits go
    into its doc even while its socket is gone, as a browser's do; ``client`` may be
    swapped for a reconnected one sharing the doc."""

    def __init__(self, client: YClient, name: str, gap: float = 0.01) -> None:
        self.client, self.name, self.gap, self.n = client, name, gap, 0
        self.running = True
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while self.running:
            self.n += 1
            n, name = self.n, self.name
            edit = {f"{name}{n}": n, f"shared{n % 16}": f"{name}{n}"}
            await self.client.edit(lambda doc, edit=edit: doc.get("m", type=Map).update(edit))
            await asyncio.sleep(self.gap)

    async def stop(self) -> None:
        self.running = False
        await self.task


async def test_a_killed_server_restarted_under_writers_leaves_no_live_client_behind(
    server_factory, pg_db: str, redis_url: str
) -> None:
    """kill -9 of one of two processes while clients on both write; it restarts and its
    clients reconnect at once. Updates of the other process that build on edits the kill
    lost are pending in the restarted doc until a client resends those edits; every live
    client must still end up with everything, without a reload (issue 13.4)."""
    # one commits nothing before the kill (a long group commit): every edit a made there is
    # lost from the store, and two stores b's edits that build on them
    env = cluster_env(pg_db, redis_url)
    one = server_factory(env={**env, "TAVLE_FLUSH_INTERVAL_MS": "60000"})
    two = server_factory(env=env)
    board = two.create_board()
    room, token = board["board_id"], board["edit_token"]
    a = await connected(one.ws, room, token)
    b = await connected(two.ws, room, token)
    wa, wb = Writer(a, "a"), Writer(b, "b")
    await asyncio.sleep(1.0)
    one.stop(kill=True)  # a's edits are lost from the store
    await asyncio.sleep(0.5)  # b builds on them (two received them over Redis) and stores that
    one.start()
    restarted = time.monotonic()
    again = YClient(one.ws, room, token)
    again.doc = a.doc  # the browser reconnects to the restarted process
    wa.client = await again.connect()
    watcher = await connected(one.ws, room, token)  # a live client that joined after it
    await asyncio.sleep(1.0)
    await wa.stop()
    await wb.stop()
    stopped = time.monotonic()
    clients = {"a": again, "b": b, "watcher": watcher}

    def missing() -> dict[str, int]:
        """Per client: keys some client has and it lacks, and values unlike b's (concurrent
        overwrites of a shared key settle on one value everywhere)."""
        held = {name: content(c) for name, c in clients.items()}
        keys = set().union(*held.values())
        return {
            name: len(keys - mine.keys()) + sum(mine.get(k) != held["b"].get(k) for k in keys)
            for name, mine in held.items()
        }

    # 10 s after the restart; on a crowded machine the steps above can take longer, so
    # at least 5 s after the last edit (the anti-entropy interval here is 0.2 s)
    deadline = max(restarted + 10, stopped + 5)
    while any(missing().values()) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    print(
        f"converged {time.monotonic() - stopped:.2f} s after the last edit, "
        f"{time.monotonic() - restarted:.2f} s after the restart: {missing()}"
    )
    assert missing() == {"a": 0, "b": 0, "watcher": 0}
    fresh = await connected(two.ws, room, token)
    assert content(fresh) == content(b) == content(again) == content(watcher)
    for client in (*clients.values(), fresh):
        await client.close()
