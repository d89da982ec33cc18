"""The store against real databases: SQLite in a temp folder and a fresh PostgreSQL database.

Every test runs on both engines; PostgreSQL is a new ``tavle_test_<random>``
database per test (``pg_db`` fixture), so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pycrdt import Doc, Map
from sqlalchemy import create_engine, func, select, text

from server.config import Settings
from server.store import Store, compaction
from server.store.erasure import Erased
from server.store.models import DocSnapshot, DocUpdate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'tavle.db'}"
    return request.getfixturevalue("pg_db")


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=db_url)


@pytest.fixture
async def two_stores(settings: Settings):
    """Two stores on one database, as two server processes."""
    a, b = Store(settings), Store(settings)
    await a.start()
    await b.start()
    yield a, b
    await a.close()
    await b.close()


@pytest.fixture
async def store(settings: Settings):
    s = Store(settings)
    await s.start()
    yield s
    await s.close()


def edits(n: int, start: int = 0, client_doc: Doc | None = None) -> list[bytes]:
    """``n`` updates, each setting key ``str(i)`` of map ``m`` on one client's doc."""
    doc = client_doc or Doc()
    updates: list[bytes] = []
    sub = doc.observe(lambda event: updates.append(event.update))
    m = doc.get("m", type=Map)
    for i in range(start, start + n):
        m[str(i)] = i
    doc.unobserve(sub)
    return updates


def content(updates: list[bytes]) -> dict:
    doc = Doc()
    for update in updates:
        doc.apply_update(update)
    return doc.get("m", type=Map).to_py()


def count(settings: Settings, table: type, doc_key: str) -> int:
    engine = create_engine(settings.effective_database_url)
    try:
        with engine.connect() as conn:
            q = select(func.count()).select_from(table).where(table.doc_key == doc_key)
            return conn.execute(q).scalar_one()
    finally:
        engine.dispose()


async def test_board_tokens_are_checked_and_only_hashes_stored(store: Store) -> None:
    board_id, edit_token, view_token = await store.create_board("Familien Hansen", kind="case")
    record = await store.get_board(board_id)
    assert record is not None
    assert (record.title, record.kind, record.template) == ("Familien Hansen", "case", "blank")
    assert record.created.tzinfo is not None
    assert len(board_id) >= 16 and ":" not in board_id
    assert await store.check_board_token(board_id, edit_token) == "edit"
    assert await store.check_board_token(board_id, view_token) == "view"
    assert await store.check_board_token(board_id, view_token + "x") is None
    assert await store.check_board_token(board_id, "") is None
    assert await store.check_board_token("nope", edit_token) is None
    assert await store.get_board("nope") is None

    rows = await store.run(lambda conn: conn.execute(text("SELECT * FROM boards")).all())
    stored = " ".join(str(value) for row in rows for value in row)
    assert edit_token not in stored and view_token not in stored


async def test_board_kind_is_validated(store: Store) -> None:
    team_id, _, _ = await store.create_board("Team Nord", kind="team", template="status")
    assert (await store.get_board(team_id)).kind == "team"
    with pytest.raises(ValueError, match="kind"):
        await store.create_board("x", kind="secret")


async def test_append_load_in_order_and_close_flushes(settings: Settings) -> None:
    store = Store(settings)
    await store.start()
    updates = edits(30)
    for update in updates:
        store.append("b1", update)
    store.append("b1:privat", updates[0])
    await store.close()  # no explicit flush: close must write them

    reopened = Store(settings)
    await reopened.start()  # migrating an up-to-date schema again is a no-op
    try:
        assert await reopened.load("b1") == updates
        assert await reopened.load("b1:privat") == updates[:1]
        assert await reopened.load("unknown") == []
    finally:
        await reopened.close()


async def test_a_doc_key_the_database_would_refuse_is_refused_at_once(store: Store) -> None:
    update = edits(1)[0]
    for bad in ["", "x" * 201, "board\x00privat"]:
        with pytest.raises(ValueError, match="doc key"):
            store.append(bad, update)
    store.append("x" * 200, update)
    await store.flush()
    assert await store.load("x" * 200) == [update]


async def test_compact_replays_the_database_not_one_process(settings: Settings, two_stores) -> None:
    """Two stores (as two processes) log edits of one doc; either one compacts all of it."""
    a, b = two_stores
    for update in edits(20, 0):
        a.append("doc", update)
    for update in edits(20, 100):
        b.append("doc", update)
    await a.flush()
    await b.flush()
    assert await a.compact("doc") == 40
    assert count(settings, DocUpdate, "doc") == 0
    assert count(settings, DocSnapshot, "doc") == 1

    later = edits(5, 200)
    for update in later:
        b.append("doc", update)
    await b.flush()
    loaded = await b.load("doc")
    assert len(loaded) == 1 + len(later)
    expected = {str(i): float(i) for i in [*range(20), *range(100, 120), *range(200, 205)]}
    assert content(loaded) == expected

    assert await b.compact("doc") == 5  # snapshot + log into a new snapshot
    assert await b.compact("doc") == 0  # nothing left to fold in
    assert content(await a.load("doc")) == expected


async def test_concurrent_compactions_and_appends_lose_nothing(two_stores) -> None:
    a, b = two_stores
    doc = Doc()
    first, second = edits(50, 0, doc), edits(50, 50, doc)
    for update in first:
        a.append("doc", update)
    await a.flush()

    async def keep_appending() -> None:
        for update in second:
            b.append("doc", update)
            await asyncio.sleep(0)
        await b.flush()

    await asyncio.gather(a.compact("doc"), b.compact("doc"), keep_appending())
    await a.compact("doc")
    assert content(await b.load("doc")) == {str(i): float(i) for i in range(100)}


async def test_a_compaction_overtaken_by_another_writes_nothing(two_stores) -> None:
    """A replays what it read while B compacts: A's older result must not replace B's."""
    a, b = two_stores
    for update in edits(10, 0):
        a.append("doc", update)
    await a.flush()
    read = await a.run(lambda conn: compaction.read_log(conn, "doc"))
    for update in edits(5, 10):
        b.append("doc", update)
    await b.flush()
    assert await b.compact("doc") == 15
    state = compaction.replay(read)  # keys 0..9 only
    assert await a.run(lambda c: compaction.store_snapshot(c, "doc", read, state)) == 0
    assert content(await a.load("doc")) == {str(i): float(i) for i in range(15)}


async def test_loads_racing_compactions_never_miss_a_flushed_update(settings: Settings) -> None:
    writer, reader = Store(settings), Store(settings)
    await writer.start()
    await reader.start()
    flushed = 0  # keys 0 .. flushed-1 are committed
    missed: list[int] = []

    async def write() -> None:
        nonlocal flushed
        doc = Doc()
        for i in range(120):
            for update in edits(1, i, doc):
                writer.append("doc", update)
            await writer.flush()
            flushed = i + 1
            if i % 4 == 3:
                await writer.compact("doc")

    async def read() -> None:
        while flushed < 120:
            known = flushed
            loaded = content(await reader.load("doc"))
            missed.extend(i for i in range(known) if str(i) not in loaded)

    try:
        await asyncio.gather(write(), read())
        assert missed == []
    finally:
        await writer.close()
        await reader.close()


async def test_erase_board_erases_only_that_board_and_refuses_it_from_then_on(
    settings: Settings, store: Store
) -> None:
    update = edits(1)[0]
    for key in ["a_c", "a_c:privat", "a_c:x:y", "abc", "abc:privat", "a_cd", "a_cd:privat"]:
        store.append(key, update)
    await store.flush()
    await store.compact("a_c")
    await store.erase_board("a_c")
    for key in ["a_c", "a_c:privat"]:  # a process that has not heard of it yet (issue 13.5)
        store.append(key, update)
    await store.flush()
    for gone in ["a_c", "a_c:privat", "a_c:x:y"]:
        assert count(settings, DocUpdate, gone) == count(settings, DocSnapshot, gone) == 0
        with pytest.raises(Erased):
            await store.load(gone)
    for kept in ["abc", "abc:privat", "a_cd", "a_cd:privat"]:
        assert await store.load(kept) == [update]


async def test_a_compaction_that_read_before_an_erasure_writes_nothing(two_stores) -> None:
    a, b = two_stores
    for update in edits(5):
        a.append("doc:privat", update)
    await a.flush()
    read = await a.run(lambda conn: compaction.read_log(conn, "doc:privat"))
    await b.erase_board("doc")
    replayed = compaction.replay(read)
    assert await a.run(lambda c: compaction.store_snapshot(c, "doc:privat", read, replayed)) == 0
    assert count(a.settings, DocSnapshot, "doc:privat") == 0


CHILD = """
import asyncio, sys
from pathlib import Path
from pycrdt import Doc, Map
from server.config import Settings
from server.store import Store, compaction

async def main() -> None:
    store = Store(Settings(data_dir=Path(sys.argv[2]), database_url=sys.argv[1]))
    await store.start()
    doc = Doc()
    m = doc.get("m", type=Map)
    doc.observe(lambda event: store.append("crash", event.update))
    i = 0
    while True:
        m[str(i)] = i
        print(i, flush=True)
        i += 1
        await asyncio.sleep(0.002)

asyncio.run(main())
"""


def test_kill_9_keeps_every_update_appended_before_the_flush_interval(
    settings: Settings, tmp_path: Path
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, settings.effective_database_url, str(tmp_path / "child")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if int(line) >= 200:
                appended = int(line)
                break
        else:
            pytest.fail(f"child exited early with {proc.wait()}")
        time.sleep(3 * settings.flush_interval_ms / 1000)  # well past the group-commit interval
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()

    async def load() -> dict:
        store = Store(settings)
        await store.start()
        try:
            return content(await store.load("crash"))
        finally:
            await store.close()

    loaded = asyncio.run(load())
    missing = [i for i in range(appended + 1) if str(i) not in loaded]
    assert missing == []


async def test_compaction_keeps_a_logged_update_whose_dependency_is_missing(store: Store) -> None:
    """The edit Y builds on was lost (a killed process's last commit): a snapshot can only
    hold what integrates, so Y stays in the log instead of being folded away, and a load
    has it once the lost edit comes back (issue 13.4)."""
    a, b = Doc(), Doc()
    a.get("m", type=Map)["x"] = 1
    x = a.get_update()
    b.apply_update(x)
    before = b.get_state()
    b.get("m", type=Map).update({"x": 2, "y": 3})
    y = b.get_update(before)
    for update in [*edits(3), y]:
        store.append("doc", update)
    await store.flush()
    assert await store.compact("doc") == 3  # the three that integrate
    store.append("doc", x)  # the lost edit, resent by a client that still had it
    await store.flush()
    await store.compact("doc")
    assert content(await store.load("doc")) == {"0": 0.0, "1": 1.0, "2": 2.0, "x": 2.0, "y": 3.0}


async def test_an_update_queued_during_a_slow_commit_keeps_its_deadline(tmp_path: Path) -> None:
    """The group commit's deadline runs from the oldest queued update (issue 13.8).

    A real second writer holds SQLite's write lock, so the store's first commit waits
    for it; an update queued meanwhile has waited longer than half the interval when
    that commit ends, and goes out in the very next commit instead of after a fresh
    half interval of gathering. Interval 1 s so that the machine's noise stays small
    beside the 500 ms this is about.
    """
    db = tmp_path / "db" / "tavle.db"
    url = f"sqlite:///{db}"
    store = Store(Settings(data_dir=tmp_path, database_url=url, flush_interval_ms=1000))
    await store.start()
    first, second = edits(2)
    rival = sqlite3.connect(db, isolation_level=None)
    try:
        rival.execute("BEGIN IMMEDIATE")  # the write lock, until the rollback below
        store.append("doc", first)  # gathered 500 ms, then its commit waits for the lock
        await asyncio.sleep(0.7)
        store.append("doc", second)  # queued while that commit is blocked
        await asyncio.sleep(0.6)
        rival.execute("ROLLBACK")
        released = time.monotonic()
        reader = sqlite3.connect(db)
        while reader.execute("SELECT count(*) FROM doc_updates").fetchone()[0] < 2:
            await asyncio.sleep(0.01)
        waited = time.monotonic() - released
        reader.close()
    finally:
        rival.close()
        await store.close()
    assert waited < 0.3, f"the second update waited {waited:.2f} s after the lock was free"
