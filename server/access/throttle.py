"""Limits on wrong join codes and wrong passwords, shared by every server process.

Failures are counted in fixed windows (``WINDOW`` seconds) under keys such as
``("join", address, code)``: in Redis when ``TAVLE_REDIS_URL`` is set, else in the
database (table ``failure_counts``), so a restart or a second process does not reset
them. Keys are stored only as an HMAC with the server's secret: no address, code or
user name is kept in clear.

A request is refused while any of its keys is at its limit. The keys pair the address
with what was tried (the code, the user name), each with a small limit, plus the address
alone with a large one: behind one proxy every citizen shares an address, and ten
wrong tries by one person must not lock every citizen out of every meeting.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from server.access.models import FailureCount

WINDOW = 600  # seconds
PER_TRY = 5  # wrong tries of one code or one user name from one address, per window
PER_ADDRESS = 100  # wrong tries of anything from one address (many people behind a proxy)

Limit = tuple[tuple[str, ...], int]  # (key parts, most failures allowed per window)


class Counts(Protocol):
    async def get(self, keys: Sequence[str], window: int) -> list[int]: ...
    async def add(self, keys: Sequence[str], window: int) -> None: ...
    async def close(self) -> None: ...


class DatabaseCounts:
    """Counts in ``failure_counts``: one row per key, holding its latest window."""

    def __init__(self, store: Any) -> None:
        self.store = store

    async def get(self, keys: Sequence[str], window: int) -> list[int]:
        def read(conn: Connection) -> list[int]:
            rows = conn.execute(
                select(FailureCount.key, FailureCount.count).where(
                    FailureCount.key.in_(keys), FailureCount.window == window
                )
            )
            found = {key: count for key, count in rows}
            return [found.get(k, 0) for k in keys]

        return await self.store.run(read)

    async def add(self, keys: Sequence[str], window: int) -> None:
        def write(conn: Connection) -> None:
            insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
            for key in keys:
                stmt = insert(FailureCount).values(key=key, window=window, count=1)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[FailureCount.key],
                        set_={
                            "count": case(
                                (FailureCount.window == window, FailureCount.count + 1), else_=1
                            ),
                            "window": window,
                        },
                    )
                )
            conn.execute(delete(FailureCount).where(FailureCount.window < window - 1))

        await self.store.run(write)

    async def close(self) -> None:
        """Nothing to close: the store is closed by its owner."""


class RedisCounts:
    """Counts in Redis: ``INCR`` a key per window that expires by itself."""

    def __init__(self, url: str) -> None:
        from redis import asyncio as aioredis

        self.client = aioredis.Redis.from_url(url)

    async def get(self, keys: Sequence[str], window: int) -> list[int]:
        values = await self.client.mget([f"tavle:fail:{k}:{window}" for k in keys])
        return [int(v or 0) for v in values]

    async def add(self, keys: Sequence[str], window: int) -> None:
        async with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                name = f"tavle:fail:{key}:{window}"
                pipe.incr(name)
                pipe.expire(name, 2 * WINDOW)
            await pipe.execute()

    async def close(self) -> None:
        await self.client.aclose()


class Throttle:
    """``await blocked(limits)`` before trying, ``await failed(limits)`` after a wrong try."""

    def __init__(self, counts: Counts, secret: bytes) -> None:
        self.counts = counts
        self.secret = secret

    def _key(self, parts: tuple[str, ...]) -> str:
        joined = "\x00".join(parts).encode("utf-8", "surrogatepass")
        return hmac.new(self.secret, b"throttle:" + joined, hashlib.sha256).hexdigest()[:40]

    async def blocked(self, limits: Sequence[Limit]) -> bool:
        counts = await self.counts.get([self._key(p) for p, _ in limits], _window())
        return any(count >= most for count, (_, most) in zip(counts, limits, strict=True))

    async def failed(self, limits: Sequence[Limit]) -> None:
        await self.counts.add([self._key(p) for p, _ in limits], _window())

    async def close(self) -> None:
        await self.counts.close()


def _window() -> int:
    return int(time.time() // WINDOW)


def join_limits(address: str, code: str) -> list[Limit]:
    return [(("join", address, code), PER_TRY), (("join", address), PER_ADDRESS)]


def login_limits(address: str, username: str) -> list[Limit]:
    return [(("login", address, username.lower()), PER_TRY), (("login", address), PER_ADDRESS)]


def make_throttle(settings: Any, store: Any, secret: bytes) -> Throttle:
    counts = RedisCounts(settings.redis_url) if settings.redis_url else DatabaseCounts(store)
    return Throttle(counts, secret)
