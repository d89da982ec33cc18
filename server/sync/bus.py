"""Cross-process fan-out of document updates and awareness: LocalBus or RedisBus.

With one process nothing crosses a process boundary (:class:`LocalBus`). With
several processes sharing PostgreSQL, every process that has a room open for a
doc subscribes to that doc's Redis channel; an update a process accepted from
its own client is published there and applied by the others
(``peer.apply_remote_update``: fan out locally, no store append, no republish).

Redis pub/sub is at-most-once: a message published while a subscriber is
reconnecting is gone. Anti-entropy repairs that: every
``anti_entropy_seconds`` each process publishes, per joined doc, its state
vector and a digest of its delete set; a process that has something the sender
lacks answers with ``peer.diff(sv)`` addressed to it. A process also asks right
after joining and after every reconnect. Redis going away is logged and retried
with backoff; it never takes the server down. The cursors of a process that was
killed are removed once it has been silent for a few rounds.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from typing import Protocol

from pycrdt import write_var_uint
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from board.pending import read_varuint
from server.config import Settings

log = logging.getLogger(__name__)

PREFIX = b"tavle:doc:"
CONTROL = b"tavle:bus"  # always subscribed, so a lost connection is noticed when no doc is open
UPDATE, AWARENESS, QUERY, DIFF, ERASE = b"U", b"A", b"Q", b"D", b"E"
ID_BYTES = 16
JOIN_QUERY_DELAY = 0.3  # ask for others' state once the room has loaded from the store
SUBSCRIBE_WAIT = 2.0
VARUINT = re.compile(rb"[\x80-\xff]*[\x00-\x7f]")  # one lib0 varuint
SILENT_ROUNDS = 5  # a process not heard on a doc for this many rounds is gone
OUTBOX_LIMIT = 10_000  # frames waiting for Redis; older ones are dropped (anti-entropy repairs)


class BusPeer(Protocol):
    """The room side of the bus (implemented by ``rooms.Room``)."""

    def apply_remote_update(self, update: bytes) -> None: ...
    def apply_remote_awareness(self, payload: bytes) -> None: ...
    def state_vector(self) -> bytes: ...
    def diff(self, state_vector: bytes) -> bytes: ...


class Bus(Protocol):
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def join(self, doc_key: str, peer: BusPeer) -> None: ...
    async def leave(self, doc_key: str) -> None: ...
    def publish_update(self, doc_key: str, update: bytes) -> None: ...
    def publish_awareness(self, doc_key: str, payload: bytes) -> None: ...
    def ask(self, doc_key: str) -> None: ...
    def erase(self, board_id: str) -> None: ...

    on_erase: Callable[[str], None] | None  # set by the rooms: a board erased elsewhere


class LocalBus:
    """One process: nothing to fan out."""

    on_erase: Callable[[str], None] | None = None

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def join(self, doc_key: str, peer: BusPeer) -> None:
        return None

    async def leave(self, doc_key: str) -> None:
        return None

    def publish_update(self, doc_key: str, update: bytes) -> None:
        return None

    def publish_awareness(self, doc_key: str, payload: bytes) -> None:
        return None

    def ask(self, doc_key: str) -> None:
        return None

    def erase(self, board_id: str) -> None:
        return None


def make_bus(settings: Settings) -> Bus:
    """LocalBus when ``settings.redis_url`` is empty, else RedisBus."""
    return RedisBus(settings) if settings.redis_url else LocalBus()


# ---- state vectors and delete sets (lib0 varuint encoding) -------------------------------------
def decode_state_vector(sv: bytes) -> dict[int, int]:
    count, pos = read_varuint(sv, 0)
    clocks: dict[int, int] = {}
    for _ in range(count):
        client, pos = read_varuint(sv, pos)
        clocks[client], pos = read_varuint(sv, pos)
    return clocks


def has_more(mine: dict[int, int], theirs: dict[int, int]) -> bool:
    """Whether ``mine`` has an item that ``theirs`` lacks."""
    return any(clock > theirs.get(client, 0) for client, clock in mine.items())


def delete_digest(peer: BusPeer, sv: bytes) -> bytes:
    """A digest of the peer's delete set, independent of how it happens to be encoded.

    Deletions do not advance a state vector, so comparing state vectors alone
    would never repair a lost delete. ``diff(own sv)`` holds no items, only the
    delete set; its client order and range splitting vary between equal docs, so
    it is decoded and normalised (sorted, adjacent ranges merged) before hashing.
    An update that does not parse that way (e.g. with pending items) is hashed as
    it is, which at worst costs a redundant answer.
    """
    update = peer.diff(sv)
    parts = VARUINT.findall(update)
    values = [p[0] if len(p) == 1 else read_varuint(p, 0)[0] for p in parts]
    try:
        if sum(map(len, parts)) != len(update) or values[0] != 0:
            raise ValueError("not a bare delete set")
        canonical, pos = [], 2
        for _ in range(values[1]):
            client, count = values[pos], values[pos + 1]
            end = pos + 2 + 2 * count
            if end > len(values):
                raise ValueError("truncated delete set")
            clocks, lengths = values[pos + 2 : end : 2], values[pos + 3 : end : 2]
            canonical.append((client, _merge(zip(clocks, lengths, strict=True))))
            pos = end
        data = repr(sorted(canonical)).encode()
    except (IndexError, ValueError):
        data = update
    return hashlib.blake2b(data, digest_size=16).digest()


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ``(clock, length)`` ranges with overlapping or adjacent ones joined."""
    merged: list[tuple[int, int]] = []
    for clock, length in sorted(ranges):
        if merged and merged[-1][0] + merged[-1][1] >= clock:
            first = merged[-1][0]
            merged[-1] = (first, max(merged[-1][1], clock + length - first))
        else:
            merged.append((clock, length))
    return merged


class RemotePresence:
    """Awareness states relayed from other processes, per doc and sender process.

    A process that is killed never sends the removal of its clients' cursors.
    Every live process speaks on each doc it has open at least once per
    anti-entropy round, so a sender silent for several rounds is gone, and its
    clients' states are removed here (``expired``) like a disconnect would.
    """

    def __init__(self) -> None:
        self._clocks: dict[tuple[str, bytes], dict[int, int]] = {}
        self._heard: dict[tuple[str, bytes], float] = {}

    def heard(self, doc_key: str, sender: bytes) -> None:
        self._heard[(doc_key, sender)] = time.monotonic()

    def record(self, doc_key: str, sender: bytes, payload: bytes) -> None:
        """Note the client ids and clocks of an awareness update (``null`` = removed)."""
        clocks = self._clocks.setdefault((doc_key, sender), {})
        count, pos = read_varuint(payload, 0)
        for _ in range(count):
            client, pos = read_varuint(payload, pos)
            clock, pos = read_varuint(payload, pos)
            size, pos = read_varuint(payload, pos)
            if payload[pos : pos + size] == b"null":
                clocks.pop(client, None)
            else:
                clocks[client] = clock
            pos += size

    def expired(self, silence: float) -> list[tuple[str, bytes]]:
        """``(doc_key, removal payload)`` for every sender silent longer than ``silence``."""
        now, out = time.monotonic(), []
        for key, clocks in list(self._clocks.items()):
            if now - self._heard.get(key, now) <= silence:
                continue
            del self._clocks[key]
            if clocks:
                removal = [write_var_uint(len(clocks))]
                for client, clock in clocks.items():
                    removal += [write_var_uint(client), write_var_uint(clock + 1), b"\x04null"]
                out.append((key[0], b"".join(removal)))
        return out

    def forget(self, doc_key: str) -> None:
        for table in (self._clocks, self._heard):
            for key in [k for k in table if k[0] == doc_key]:
                del table[key]


# ---- the Redis bus ----------------------------------------------------------------------------
class RedisBus:
    """Fan-out between processes over one Redis channel per doc key, with anti-entropy."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.id = uuid.uuid4().bytes  # this process; its own messages come back and are ignored
        self._peers: dict[str, BusPeer] = {}
        self._client: aioredis.Redis | None = None
        self._pubsub: aioredis.client.PubSub | None = None
        self._subscribed: dict[bytes, asyncio.Event] = {}
        self._outbox: deque[tuple[bytes, bytes]] = deque(maxlen=OUTBOX_LIMIT)
        self._outbox_ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[None]] = set()
        self._connected = asyncio.Event()
        self._digests: dict[str, tuple[bytes, bytes]] = {}  # doc_key -> (state vector, digest)
        self._presence = RemotePresence()
        self._closed = False
        self.on_erase: Callable[[str], None] | None = None

    # ---- life cycle ----
    async def start(self) -> None:
        self._client = aioredis.Redis.from_url(
            self.settings.redis_url,
            socket_connect_timeout=2,
            socket_keepalive=True,
            health_check_interval=5,
        )
        loop = asyncio.get_running_loop()
        for job, name in [
            (self._receive_loop, "bus-receive"),
            (self._send_loop, "bus-send"),
            (self._anti_entropy_loop, "bus-anti-entropy"),
        ]:
            self._tasks.append(loop.create_task(job(), name=name))
        try:  # serve at once even if Redis is down; the receive loop keeps trying
            await asyncio.wait_for(self._connected.wait(), SUBSCRIBE_WAIT)
        except TimeoutError:
            log.warning("bus: Redis not reachable at start; retrying in the background")

    async def close(self) -> None:
        """Stop the loops. They also check ``_closed``: redis-py can swallow a cancellation
        that lands inside one of its calls, and closing must never hang on that."""
        self._closed = True
        self._outbox_ready.set()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=SUBSCRIBE_WAIT)
        self._tasks.clear()
        if self._client is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._client.aclose()

    # ---- rooms ----
    async def join(self, doc_key: str, peer: BusPeer) -> None:
        """Subscribe to the doc's channel (awaiting Redis's confirmation) before the room loads."""
        channel = PREFIX + doc_key.encode()
        self._peers[doc_key] = peer
        confirmed = self._subscribed.setdefault(channel, asyncio.Event())
        pubsub = self._pubsub
        if pubsub is not None:
            try:
                await pubsub.subscribe(channel)
                await asyncio.wait_for(confirmed.wait(), SUBSCRIBE_WAIT)
            except (RedisError, OSError, TimeoutError) as exc:
                log.warning("bus: subscribing %s failed (%s)", doc_key, type(exc).__name__)
        asyncio.get_running_loop().call_later(JOIN_QUERY_DELAY, self._query, doc_key)

    async def leave(self, doc_key: str) -> None:
        channel = PREFIX + doc_key.encode()
        self._peers.pop(doc_key, None)
        self._digests.pop(doc_key, None)
        self._presence.forget(doc_key)
        self._subscribed.pop(channel, None)
        pubsub = self._pubsub
        if pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.unsubscribe(channel)

    def publish_update(self, doc_key: str, update: bytes) -> None:
        self._digests.pop(doc_key, None)
        self._send(doc_key, UPDATE, update)

    def publish_awareness(self, doc_key: str, payload: bytes) -> None:
        self._send(doc_key, AWARENESS, payload)

    def ask(self, doc_key: str) -> None:
        """Ask the other processes now for what this one lacks (not at the next round)."""
        self._query(doc_key)

    def erase(self, board_id: str) -> None:
        """Tell every process that the board was erased (on the always-subscribed channel)."""
        self._outbox.append((CONTROL, ERASE + self.id + board_id.encode()))
        self._outbox_ready.set()

    # ---- sending ----
    def _send(self, doc_key: str, kind: bytes, payload: bytes) -> None:
        self._outbox.append((PREFIX + doc_key.encode(), kind + self.id + payload))
        self._outbox_ready.set()

    async def _send_loop(self) -> None:
        """Publish queued frames in pipelined batches; a failed batch is dropped and logged."""
        assert self._client is not None
        while not self._closed:
            await self._outbox_ready.wait()
            self._outbox_ready.clear()
            batch = list(self._outbox)
            self._outbox.clear()
            if not batch:
                continue
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for channel, message in batch:
                        pipe.publish(channel, message)
                    await pipe.execute()
            except (RedisError, OSError) as exc:
                log.warning("bus: %d frames not published (%s)", len(batch), type(exc).__name__)
                await asyncio.sleep(0.5)

    def _query(self, doc_key: str) -> None:
        """Publish our state vector and delete digest: whoever has more answers with a diff."""
        peer = self._peers.get(doc_key)
        if peer is None:
            return
        sv, digest = self._state(doc_key, peer)
        self._send(doc_key, QUERY, write_var_uint(len(sv)) + sv + digest)

    def _state(self, doc_key: str, peer: BusPeer) -> tuple[bytes, bytes]:
        """State vector and delete digest; the digest is recomputed only after a change.

        Every change of a room's doc passes the bus (``publish_update`` or a remote
        update) or moves its state vector (loading from the store), so a cached
        digest for the same state vector and no change since is still right.
        """
        sv = peer.state_vector()
        cached = self._digests.get(doc_key)
        if cached is not None and cached[0] == sv:
            return cached
        self._digests[doc_key] = (sv, delete_digest(peer, sv))
        return self._digests[doc_key]

    def _apply(self, doc_key: str, peer: BusPeer, update: bytes) -> None:
        self._digests.pop(doc_key, None)
        peer.apply_remote_update(update)

    async def _anti_entropy_loop(self) -> None:
        interval = self.settings.anti_entropy_seconds
        while not self._closed:
            await asyncio.sleep(interval)
            for doc_key in list(self._peers):
                try:
                    self._query(doc_key)
                except Exception:
                    log.exception("bus: anti-entropy for %s failed", doc_key)
            for doc_key, removal in self._presence.expired(SILENT_ROUNDS * interval):
                peer = self._peers.get(doc_key)
                if peer is not None:
                    log.info("bus: a silent process's cursors removed from %s", doc_key)
                    peer.apply_remote_awareness(removal)

    # ---- receiving ----
    async def _receive_loop(self) -> None:
        assert self._client is not None
        backoff, connected_before = 0.2, False
        while not self._closed:
            pubsub = self._client.pubsub()
            try:
                for event in self._subscribed.values():
                    event.clear()
                await pubsub.subscribe(CONTROL, *self._subscribed)
                self._pubsub = pubsub
                self._connected.set()
                if connected_before:
                    log.info("bus: reconnected to Redis; resynchronising %d docs", len(self._peers))
                    for doc_key in list(self._peers):
                        self._query(doc_key)
                connected_before, backoff = True, 0.2
                while not self._closed:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None:
                        self._dispatch(message)
            except (RedisError, OSError) as exc:
                log.warning(
                    "bus: Redis unavailable (%s); retrying in %.1fs", type(exc).__name__, backoff
                )
            finally:
                self._pubsub = None
                self._connected.clear()
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)

    async def _resubscribe(self, channel: bytes) -> None:
        pubsub = self._pubsub
        if pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.subscribe(channel)

    def _dispatch(self, message: dict) -> None:
        channel: bytes = message["channel"]
        if message["type"] == "subscribe":
            event = self._subscribed.get(channel)
            if event is not None:
                event.set()
            return
        if message["type"] == "unsubscribe" and channel in self._subscribed:
            # a leave's UNSUBSCRIBE overtook the SUBSCRIBE of a quick re-join: subscribe again
            task = asyncio.get_running_loop().create_task(self._resubscribe(channel))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return
        if message["type"] != "message":
            return
        data: bytes = message["data"]
        if channel == CONTROL:
            sender = data[1 : 1 + ID_BYTES]
            if data[:1] == ERASE and sender != self.id and self.on_erase is not None:
                self.on_erase(data[1 + ID_BYTES :].decode())
            return
        if not channel.startswith(PREFIX):
            return
        kind, sender, payload = data[:1], data[1 : 1 + ID_BYTES], data[1 + ID_BYTES :]
        doc_key = channel[len(PREFIX) :].decode()
        peer = self._peers.get(doc_key)
        if sender == self.id or peer is None:
            return
        try:
            self._handle(doc_key, peer, kind, sender, payload)
        except Exception:
            log.exception("bus: bad %r message for %s", kind, doc_key)

    def _handle(
        self, doc_key: str, peer: BusPeer, kind: bytes, sender: bytes, payload: bytes
    ) -> None:
        self._presence.heard(doc_key, sender)
        if kind == UPDATE:
            self._apply(doc_key, peer, payload)
        elif kind == AWARENESS:
            self._presence.record(doc_key, sender, payload)
            peer.apply_remote_awareness(payload)
        elif kind == DIFF:
            if payload[:ID_BYTES] == self.id:
                self._apply(doc_key, peer, payload[ID_BYTES:])
        elif kind == QUERY:
            size, pos = read_varuint(payload, 0)
            their_sv, their_digest = payload[pos : pos + size], payload[pos + size :]
            (mine, my_digest), theirs = self._state(doc_key, peer), decode_state_vector(their_sv)
            my_clocks = decode_state_vector(mine)
            if has_more(my_clocks, theirs) or my_digest != their_digest:
                self._send(doc_key, DIFF, sender + peer.diff(their_sv))
            if has_more(theirs, my_clocks):
                self._query(doc_key)  # they have something we lack: ask now, not next round
