"""Live rooms: one pycrdt Doc per doc key, its connections, fan-out, persistence, unload.

Why it looks like this (see TECH_NOTES and docs/protocol.md): every frame is
handled synchronously where it arrives, so ordering is exact and no task is
created per message; fan-out appends the same bytes object to every receiver's
bounded queue and a :class:`Flusher` writes each touched socket once per send
interval (a writer task per connection only waits out full sockets); a connection joins the
broadcast set in the same step that queues its SyncStep2; a room is created under
a per-key future so simultaneous joins share one load.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from pycrdt import Doc, Subscription, TransactionEvent, merge_updates

from board import migrate as board_migrate
from board.limits import Guard, apply_update, close_code
from board.pending import leftover
from board.progress import parse_scale
from server.access.grants import Grant
from server.config import Settings
from server.memory import give_back
from server.store.erasure import Erased
from server.store.tables import board_of
from server.sync.pacing import Pacing
from server.sync.protocol import (
    EMPTY_STATE_VECTOR,
    AwarenessTable,
    CloseCode,
    Kind,
    ProtocolError,
    adds_nothing,
    awareness_frame,
    check_state_vector,
    check_update,
    classify,
    draws_live,
    encode_awareness,
    parse_awareness,
    sync_step1_frame,
    sync_step2_frame,
    update_frame,
    update_frame_from_step2,
)
from server.sync.wsfast import EXTENSION, FastSocket, binary_frame

log = logging.getLogger("tavle.rooms")

EMPTY_UPDATE = b"\x00\x00"
MAX_REPAIR_PAUSE = 60.0  # seconds between re-reads of the store while a gap stays
# awareness bounds (docs/security.md): the ids one connection may speak for (a browser tab
# uses one), and the states of one room (each at most TAVLE_MAX_AWARENESS_BYTES)
MAX_AWARENESS_IDS = 4
MAX_ROOM_AWARENESS_STATES = 256
# entries in one frame: a client re-sends the states it receives (a whole room's at most);
# 170,000 removals in one 2 MiB frame held the event loop for half a second
MAX_AWARENESS_ENTRIES = 2 * MAX_ROOM_AWARENESS_STATES
Listener = Callable[[str, bytes], None]


class Socket(Protocol):
    """What a connection needs from its WebSocket (Starlette's satisfies it)."""

    scope: Any

    async def send_bytes(self, data: bytes) -> None: ...
    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class Flusher:
    """Writes each connection that has queued frames; while busy, each at most once per
    send interval.

    A fan-out only appends to queues; a flush then gives each touched client all
    its waiting frames in one socket write (no task is woken for a client whose
    socket can take the bytes). While the process is busy (:class:`Pacing`), a
    client written to less than the interval ago waits for the next tick and then
    gets what its rooms did in that time in one write instead of one per update. A
    client that got nothing for longer, or any client of a quiet server, is written
    on the next loop turn.
    """

    def __init__(self, pacing: Pacing) -> None:
        self.pacing = pacing
        # a list is non-empty exactly while its write is scheduled
        self.now: list[Connection] = []  # written on the next loop turn
        self.waiting: list[Connection] = []  # written at the next tick

    def mark(self, conn: Connection) -> None:
        loop = asyncio.get_running_loop()
        due = conn.written + self.pacing.gap
        if due <= loop.time():
            if not self.now:
                loop.call_soon(self._write_now)
            self.now.append(conn)
        else:
            if not self.waiting:
                loop.call_at(due, self._write_waiting)
            self.waiting.append(conn)

    def _write_now(self) -> None:
        conns, self.now = self.now, []
        self._write(conns)

    def _write_waiting(self) -> None:
        conns, self.waiting = self.waiting, []
        self._write(conns)

    def _write(self, conns: list[Connection]) -> None:
        now = asyncio.get_running_loop().time()
        self.pacing.update(now)
        for conn in conns:
            conn.flush(now)


class Connection:
    """One client socket: its grant, its bounded send queue and its writer.

    Frames are written by the :class:`Flusher` when the socket can take them, and
    otherwise by the connection's one writer task, which waits until it can.
    """

    __slots__ = (
        "socket",
        "grant",
        "limit",
        "limit_bytes",
        "flusher",
        "queue",
        "queued",
        "marked",
        "written",
        "fast",
        "wakeup",
        "writer",
        "closing",
        "joined",
        "synced",
        "awareness_ids",
        "label",
        "closer",
        "room",
    )

    def __init__(
        self,
        socket: Socket,
        grant: Grant,
        limit: int,
        label: str,
        flusher: Flusher,
        limit_bytes: int = 0,
    ) -> None:
        self.socket = socket
        self.grant = grant
        self.limit = limit  # frames in the queue
        self.limit_bytes = limit_bytes or 1 << 62  # their bytes (0: no bound)
        self.flusher = flusher
        self.queue: deque[bytes] = deque()
        self.queued = 0  # bytes in the queue
        self.marked = False
        self.written = float("-inf")  # loop time of the Flusher's last write
        self.fast: FastSocket | None = None
        self.wakeup = asyncio.Event()
        self.writer: asyncio.Task[None] | None = None
        self.closing: tuple[int, str] | None = None
        self.joined = False
        self.synced = False  # its SyncStep2 arrived: the room has all its later edits build on
        self.awareness_ids: set[int] = set()
        self.label = label  # "room/role" for log lines; never a token
        self.closer: asyncio.Task[None] | None = None
        self.room: Room | None = None

    def start(self) -> None:
        self.fast = self.socket.scope.get("extensions", {}).get(EXTENSION)
        writing = self._write_fast(self.fast) if self.fast is not None else self._write()
        self.writer = asyncio.get_running_loop().create_task(writing)

    def send(self, frame: bytes, wire: bytes | None = None) -> None:
        """Queue a frame; a full queue (frames or bytes) means a slow consumer, which is
        closed (4408).

        ``wire``: the same frame already made into WebSocket bytes (a fan-out makes them
        once for all its receivers); the fast socket's queue holds those bytes.
        """
        if self.closing is not None:
            return
        queue = self.queue
        if self.fast is not None:
            frame = wire or binary_frame(frame)
        queued = self.queued + len(frame)
        if len(queue) >= self.limit or queued > self.limit_bytes:
            self.close(CloseCode.SLOW_CONSUMER, "slow consumer")
            return
        queue.append(frame)
        self.queued = queued
        if not self.marked:
            self.marked = True
            self.flusher.mark(self)

    def flush(self, now: float) -> None:
        """Write everything queued (at loop time ``now``) if the socket can take it, else
        wake the writer."""
        self.marked = False
        queue = self.queue
        if self.closing is not None or not queue:
            return
        fast = self.fast
        if fast is None or not fast.can_write.is_set():
            self.wakeup.set()
            return
        data = queue.popleft() if len(queue) == 1 else b"".join(queue)
        queue.clear()
        self.queued = 0
        self.written = now
        try:
            fast.write_frames(data)
        except Exception:  # the peer went away; the reader sees the disconnect
            self.closing = (1006, "gone")

    def close(self, code: int, reason: str) -> None:
        """Close with ``code``: pending frames are dropped, the room forgets the connection
        at once (not when the socket finally closes: a stuck client may take until the
        keep-alive ping times out), and a task sends the close frame."""
        if self.closing is not None:
            return
        self.closing = (code, reason)
        self.queue.clear()
        self.queued = 0
        log.info("closing %s: %d %s", self.label, code, reason)
        if self.writer is not None:
            self.writer.cancel()  # it may be blocked sending to a slow client
        loop = asyncio.get_running_loop()
        if self.room is not None:
            loop.call_soon(self.room.detach, self)  # not now: we may be inside a fan-out loop
        self.closer = loop.create_task(self._close_socket(code, reason))

    async def _close_socket(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close(code, reason)

    async def _write_fast(self, fast: FastSocket) -> None:
        """Wait until a slow client's socket can take bytes again, then write all queued."""
        queue = self.queue
        wakeup = self.wakeup
        writable = fast.can_write
        try:
            while True:
                await wakeup.wait()
                wakeup.clear()
                while queue:
                    if not writable.is_set():
                        await writable.wait()  # the client reads slowly: frames pile up
                    data = b"".join(queue)
                    queue.clear()
                    self.queued = 0
                    fast.write_frames(data)
        except asyncio.CancelledError:
            raise
        except Exception:  # the peer went away; the reader sees the disconnect
            self.closing = self.closing or (1006, "gone")

    async def _write(self) -> None:
        """Drain the queue through ASGI, one frame at a time (servers without FastSocket)."""
        queue = self.queue
        wakeup = self.wakeup
        send = self.socket.send_bytes
        try:
            while True:
                await wakeup.wait()
                wakeup.clear()
                while queue:
                    frame = queue.popleft()
                    self.queued -= len(frame)
                    await send(frame)
        except asyncio.CancelledError:
            raise
        except Exception:  # the peer went away; the reader sees the disconnect
            self.closing = self.closing or (1006, "gone")

    async def finish(self) -> None:
        """After the reader ended: stop the writer, let a pending close frame go out."""
        if self.writer is not None and not self.writer.done():
            self.writer.cancel()
        if self.closer is not None:
            await self.closer


class Room:
    """One live document and its connections; implements the Bus's BusPeer."""

    def __init__(self, doc_key: str, registry: RoomRegistry) -> None:
        self.doc_key = doc_key
        self.registry = registry
        self.doc = Doc()
        self.connections: set[Connection] = set()
        self.clients: set[Connection] = set()  # the broadcast set: handshake done
        self.awareness = AwarenessTable()
        self.owners: dict[int, Connection] = {}  # awareness client id → its connection
        self.guard: Guard | None = None
        self.size = 0  # encoded size estimate: exact after load, + each update since
        self.logged = 0  # updates in the store's log since the last snapshot
        self.logged_bytes = 0  # their size
        self.compacted_bytes = 0  # the board's size when it was last compacted (here)
        self._full: bytes | None = None
        self._full_step2: bytes | None = None
        self.unload_timer: asyncio.TimerHandle | None = None
        self.pending: bytes | None = None  # what the doc holds pending (board/pending.py)
        self._integrated: list[bytes] = []  # while pending: what each transaction integrated
        self._watch: Subscription | None = None

    # ---- loading -------------------------------------------------------------------------
    def load(self, updates: list[bytes]) -> None:
        with self.doc.transaction(origin="store"):
            for update in updates:
                self.doc.apply_update(update)
        self.logged = len(updates)
        self.logged_bytes = sum(map(len, updates))
        upgrade = board_migrate.upgrade(self.doc)  # an old board: logged like a server edit
        if upgrade:
            self.registry.store.append(self.doc_key, upgrade)
            self.registry.bus.publish_update(self.doc_key, upgrade)
            self.logged += 1
            self.logged_bytes += len(upgrade)
        elif len(updates) == 1:
            # a compacted board: its snapshot is the whole document already, sent as stored
            self._full = updates[0]
            self._full_step2 = sync_step2_frame(self._full)
        self.size = len(self.full_update())
        self.guard = Guard(self.doc, self.registry.scale)
        state = self.doc.get_state()
        logged = updates[getattr(updates, "snapshots", 0) :]  # a snapshot holds no pending
        left = [rest for rest in (leftover(u, state) for u in logged) if rest is not None]
        if left:  # the store lacks what some of its updates build on (a lost commit)
            self._hold(merge_updates(*left))

    # ---- pending structs ---------------------------------------------------------------------
    def _hold(self, rest: bytes) -> None:
        """The doc now holds ``rest`` pending: watch what each later update integrates and
        have the registry look for the missing pieces."""
        self.pending = rest
        self._integrated.clear()
        self._watch = self.doc.observe(self._record)
        log.warning("room %s holds updates whose dependencies it lacks; repairing", self.doc_key)
        self.registry.repair(self)

    def _record(self, event: TransactionEvent) -> None:
        self._integrated.append(event.update)

    def _apply(self, update: bytes, origin: str | None) -> None:
        if origin is None:
            apply_update(self.doc, update)  # a client's: the fast way (board/limits.py)
        else:
            with self.doc.transaction(origin=origin):
                self.doc.apply_update(update)

    def _integrate(self, update: bytes, checked: bool, origin: str | None = None) -> bytes | None:
        """Apply ``update`` (ValueError if it does not decode).

        None: the update's own bytes are what the doc gained; fan them out. Else the
        bytes of what the doc integrated (b"": nothing), for when the doc held pending
        items: an update that fills their gap integrates them too, and fanning out only
        its own bytes would leave every client without them (issue 13.4). ``checked``:
        the update may build on items the doc lacks (from another process, or a client
        not yet synced); unchecked ones cannot, and cost nothing extra. ``origin``: the
        transaction's (None: a client's).
        """
        if self.pending is None:
            self._apply(update, origin)
            if checked:
                rest = leftover(update, self.doc.get_state())
                if rest is not None:
                    self._hold(rest)
            return None
        integrated = self._integrated
        integrated.clear()
        self._apply(update, origin)
        delta = merge_updates(*integrated) if len(integrated) > 1 else b"".join(integrated)
        integrated.clear()
        self.pending = leftover(merge_updates(self.pending, update), self.doc.get_state())
        if self.pending is None and self._watch is not None:
            self.doc.unobserve(self._watch)
            self._watch = None
            log.info("room %s: its pending updates are integrated", self.doc_key)
        return delta

    def full_update(self) -> bytes:
        """The whole document as one update (encoded at most once per change)."""
        if self._full is None:
            self._full = self.doc.get_update()
            self._full_step2 = sync_step2_frame(self._full)
        return self._full

    def full_step2(self) -> bytes:
        """The cached SyncStep2 frame for a client that has nothing yet."""
        if self._full_step2 is None:
            self.full_update()
        return self._full_step2  # type: ignore[return-value]

    def _changed(self) -> None:
        self._full = None
        self._full_step2 = None

    # ---- client frames (synchronous: no awaits, exact order) -----------------------------
    def receive(self, conn: Connection, raw: bytes) -> None:
        """Handle one frame from ``conn``; raises ProtocolError to have it closed."""
        frame = classify(raw)
        kind = frame.kind
        if kind is Kind.UPDATE or kind is Kind.SYNC_STEP2:
            check_update(frame.payload)
            if not conn.grant.can_write:
                if adds_nothing(frame.payload, self.doc):
                    return  # a read-only client's SyncStep2 of what the room already has
                raise ProtocolError(CloseCode.FORBIDDEN, "read-only connection")
            out = raw if kind is Kind.UPDATE else update_frame_from_step2(raw)
            self._client_update(conn, frame.payload, out)
            if kind is Kind.SYNC_STEP2:
                conn.synced = True
        elif kind is Kind.SYNC_STEP1:
            self._sync(conn, frame.payload)
        elif kind is Kind.AWARENESS:
            self._awareness(conn, frame.payload, raw)
        else:  # query-awareness
            conn.send(awareness_frame(self.awareness.encode()))

    def _awareness(self, conn: Connection, payload: bytes, raw: bytes) -> None:
        """Apply and relay the entries ``conn`` may speak for; the rest are never stored."""
        limit = self.registry.settings.max_awareness_bytes
        if self.awareness.sent_back(payload, limit):
            return  # nothing new (y-websocket clients re-send what they receive)
        entries = parse_awareness(payload, limit, MAX_AWARENESS_ENTRIES)
        accepted = [entry for entry in entries if self._speaks_for(conn, *entry)]
        if not conn.grant.can_write and any(draws_live(state) for _, _, state in accepted):
            raise ProtocolError(CloseCode.FORBIDDEN, "read-only connection")  # no drawing
        present, removed = self.awareness.apply_entries(accepted)
        if not present and not removed:
            return  # nothing new (y-websocket clients re-send what they receive)
        if len(accepted) != len(entries):
            payload = encode_awareness(accepted)
            raw = awareness_frame(payload)
        self._fan_out(raw, None)
        if not conn.joined:
            conn.send(raw)  # the echo keeps y-websocket's 30 s timeout alive
        self.registry.bus.publish_awareness(self.doc_key, payload)

    def _speaks_for(self, conn: Connection, client_id: int, clock: int, state: str) -> bool:
        """Whether ``conn`` may set this entry: its own ids, or a new one it claims now.

        y-websocket clients re-send the states they receive, so an entry for another
        connection's id is ignored, not punished; so is a removal of an id nobody owns
        (such removals, of fresh ids, once filled the table without limit).
        """
        owner = self.owners.get(client_id)
        if owner is conn:
            return True
        if (
            owner is not None
            or state == "null"
            or not self.awareness.is_news(client_id, clock, state)
        ):
            return False
        if len(conn.awareness_ids) >= MAX_AWARENESS_IDS:
            raise ProtocolError(CloseCode.TOO_LARGE, "too many awareness states")
        if len(self.awareness.entries) >= MAX_ROOM_AWARENESS_STATES:
            raise ProtocolError(CloseCode.TOO_LARGE, "too many awareness states in the room")
        conn.awareness_ids.add(client_id)
        self.owners[client_id] = conn
        return True

    def _sync(self, conn: Connection, state_vector: bytes) -> None:
        if state_vector == EMPTY_STATE_VECTOR:
            conn.send(self.full_step2())
        else:
            check_state_vector(state_vector)
            try:
                missing = self.doc.get_update(state_vector)
            except ValueError as exc:
                raise ProtocolError(CloseCode.MALFORMED, "bad state vector") from exc
            conn.send(sync_step2_frame(missing))
        if not conn.joined:
            conn.send(sync_step1_frame(self.doc.get_state()))
            if self.awareness.entries:
                conn.send(awareness_frame(self.awareness.encode()))
            conn.joined = True
            self.clients.add(conn)

    def _client_update(self, conn: Connection, update: bytes, out: bytes) -> None:
        if update == EMPTY_UPDATE:
            return
        limit = self.registry.settings.max_board_bytes
        if self.size + len(update) > limit:
            self.size = len(self.full_update())
            if self.size + len(update) > limit:
                raise ProtocolError(CloseCode.TOO_LARGE, "board too large")
        try:
            delta = self._integrate(update, checked=not conn.synced)
        except ValueError as exc:
            raise ProtocolError(CloseCode.MALFORMED, "update does not decode") from exc
        self.size += len(update)
        if delta is None:
            self.accept(update, out, conn)
        else:  # the sender too may lack what came with it
            self.accept(update, update_frame(delta) if delta else None, None)
        if self.guard is not None:
            self._check(self.guard, conn)

    def _check(self, guard: Guard, conn: Connection) -> None:
        """Run the board guard; fan out its repair and close the client if it found problems."""
        problems = guard.after_update(conn.grant.role)
        repair = guard.repair
        if repair and repair != EMPTY_UPDATE:
            self.accept(repair, update_frame(repair), None)
        if not problems:
            return
        log.warning("board guard in %s: %s", conn.label, "; ".join(problems[:5]))
        code = close_code(problems)
        raise ProtocolError(code, "role policy" if code == CloseCode.FORBIDDEN else "board limits")

    def accept(self, update: bytes, frame: bytes | None, sender: Connection | None) -> None:
        """An update made here (client or server edit): fan out ``frame`` (None: nothing
        to send), log, publish, notify."""
        self._changed()
        if frame is not None:
            self._fan_out(frame, sender)
        registry = self.registry
        registry.store.append(self.doc_key, update)
        registry.bus.publish_update(self.doc_key, update)
        for listener in registry.listeners:
            try:
                listener(self.doc_key, update)
            except Exception:
                log.exception("room listener failed for %s", self.doc_key)
        self.logged += 1
        self.logged_bytes += len(update)
        if self.logged >= registry.settings.compact_every and self.due_for_compaction():
            registry.schedule_compact(self)

    def due_for_compaction(self) -> bool:
        """Compact once the log since the last compaction is as big as the snapshot it made.

        Each compaction replays the whole board, so compacting every N updates costs
        O(board) per N updates and grows with the board; doubling keeps the total
        linear in the bytes logged, and a load replays at most about twice the board.
        """
        return self.logged_bytes >= self.compacted_bytes

    def _fan_out(self, frame: bytes, sender: Connection | None) -> None:
        wire = binary_frame(frame)
        for client in self.clients:
            if client is not sender:
                client.send(frame, wire)

    # ---- connections ---------------------------------------------------------------------
    def attach(self, conn: Connection) -> None:
        self.cancel_unload()
        self.connections.add(conn)
        conn.room = self

    def detach(self, conn: Connection) -> None:
        """Forget ``conn`` and announce its awareness removal (once; safe to repeat)."""
        if conn not in self.connections:
            return
        self.connections.discard(conn)
        self.clients.discard(conn)
        removal = self.awareness.remove(list(conn.awareness_ids))
        for client_id in conn.awareness_ids:
            if self.owners.get(client_id) is conn:
                del self.owners[client_id]
        if removal is not None:
            self._fan_out(awareness_frame(removal), None)
            self.registry.bus.publish_awareness(self.doc_key, removal)
        if not self.connections:
            self.registry.schedule_unload(self)

    def cancel_unload(self) -> None:
        if self.unload_timer is not None:
            self.unload_timer.cancel()
            self.unload_timer = None

    # ---- BusPeer ---------------------------------------------------------------------------
    def apply_remote_update(self, update: bytes) -> None:
        """An update accepted by another process: apply and fan out; no republish.

        Stored only when it filled a gap of pending items: then it holds what the
        store lacks (an edit lost with a killed process's last group commit, known
        only to this process's peers), and storing it makes the log whole again.
        """
        repairing = self.pending is not None
        delta = self._integrate(update, checked=True, origin="remote")
        self.size += len(update)
        self._changed()
        if delta is None:
            self._fan_out(update_frame(update), None)
        elif delta:
            self._fan_out(update_frame(delta), None)
            if repairing:
                self.registry.store.append(self.doc_key, delta)

    def apply_stored(self, update: bytes) -> None:
        """An update read again from the store to fill a gap: fan out what it integrated."""
        delta = self._integrate(update, checked=True, origin="store")
        if delta:
            self.size += len(delta)
            self._changed()
            self._fan_out(update_frame(delta), None)

    def apply_remote_awareness(self, payload: bytes) -> None:
        try:
            present, removed = self.awareness.apply(payload)
        except ProtocolError:
            log.warning("bad awareness from the bus for %s", self.doc_key)
            return
        if present or removed:
            self._fan_out(awareness_frame(payload), None)

    def state_vector(self) -> bytes:
        return self.doc.get_state()

    def diff(self, state_vector: bytes) -> bytes:
        return self.doc.get_update(state_vector)


class RoomRegistry:
    """All live rooms of this process: load on demand, unload when empty, server edits."""

    def __init__(self, store: Any, bus: Any, settings: Settings) -> None:
        self.store = store
        self.bus = bus
        self.settings = settings
        self.scale = parse_scale(settings.progress_scale)  # a bad setting stops the start
        self.rooms: dict[str, Room] = {}
        self.listeners: list[Listener] = []
        self._loading: dict[str, asyncio.Future[Room]] = {}
        self._unloading: dict[str, asyncio.Task[None]] = {}
        self._compacting: dict[str, asyncio.Task[None]] = {}
        self._repairing: dict[str, asyncio.Task[None]] = {}
        self._leaving: set[asyncio.Task[None]] = set()
        self.erased: set[str] = set()  # board ids erased while this process ran
        bus.on_erase = self._erase_here
        self._compact_gate = asyncio.Semaphore(1)
        self._closed = False
        self.flusher = Flusher(
            Pacing(settings.send_interval_ms / 1000, settings.send_busy_percent / 100)
        )

    async def start(self) -> None:
        """Nothing to start yet; symmetrical with close() for the app's lifespan."""

    async def close(self) -> None:
        """Close every connection (1001) and wait for pending unloads and compactions."""
        self._closed = True
        for room in list(self.rooms.values()):
            room.cancel_unload()
            for conn in list(room.connections):
                conn.close(1001, "server shutting down")
        pending = [*self._unloading.values(), *self._compacting.values()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    # ---- rooms -----------------------------------------------------------------------------
    async def get(self, doc_key: str) -> Room:
        """The live room of ``doc_key``, loading it once however many ask at the same time.

        Raises :class:`Erased` for a board erased (here, in another process, or before a
        restart: the store refuses to load it)."""
        while True:
            if board_of(doc_key) in self.erased:
                raise Erased(doc_key)
            room = self.rooms.get(doc_key)
            if room is not None:
                room.cancel_unload()
                return room
            unloading = self._unloading.get(doc_key)
            if unloading is not None:
                await asyncio.shield(unloading)
                continue
            loading = self._loading.get(doc_key)
            if loading is not None:
                return await asyncio.shield(loading)
            future: asyncio.Future[Room] = asyncio.get_running_loop().create_future()
            self._loading[doc_key] = future
            try:
                room = await self._load(doc_key)
            except BaseException as exc:
                future.set_exception(exc)
                future.exception()  # mark retrieved: waiters re-raise it themselves
                raise
            finally:
                del self._loading[doc_key]
            if board_of(doc_key) in self.erased:  # erased while it loaded
                future.set_exception(Erased(doc_key))
                future.exception()
                await self.bus.leave(doc_key)
                raise Erased(doc_key)
            self.rooms[doc_key] = room
            future.set_result(room)
            return room

    async def _load(self, doc_key: str) -> Room:
        room = Room(doc_key, self)
        await self.bus.join(doc_key, room)
        try:
            room.load(await self.store.load(doc_key))
        except BaseException:
            await self.bus.leave(doc_key)
            raise
        log.info("loaded room %s (%d bytes, %d log entries)", doc_key, room.size, room.logged)
        return room

    def schedule_unload(self, room: Room) -> None:
        if self._closed:
            return
        room.cancel_unload()
        loop = asyncio.get_running_loop()
        room.unload_timer = loop.call_later(
            self.settings.room_unload_seconds, self._begin_unload, room
        )

    def _begin_unload(self, room: Room) -> None:
        room.unload_timer = None
        key = room.doc_key
        if room.connections or key in self._unloading or self.rooms.get(key) is not room:
            return
        task = asyncio.get_running_loop().create_task(self._unload(room))
        self._unloading[key] = task
        task.add_done_callback(lambda _t: self._unloaded(key))

    def _unloaded(self, key: str) -> None:
        self._unloading.pop(key, None)
        if not self._unloading:  # the last of a wave of unloads, its rooms unreferenced
            give_back()

    async def _unload(self, room: Room) -> None:
        """Flush and compact, then drop the room unless someone joined meanwhile.

        An idle room is the cheap moment to compact: nobody waits for the event loop
        there, and the next load reads one snapshot instead of the session's log.
        """
        await self.store.flush()
        if room.connections:
            return
        if room.logged:
            self.schedule_compact(room)
        compacting = self._compacting.get(room.doc_key)
        if compacting is not None:
            await asyncio.gather(compacting, return_exceptions=True)
        if room.connections or self.rooms.get(room.doc_key) is not room:
            return  # someone joined meanwhile, or the board was erased
        del self.rooms[room.doc_key]
        if room.guard is not None:
            room.guard.close()
        await self.bus.leave(room.doc_key)
        log.info("unloaded room %s", room.doc_key)

    def erase(self, board_id: str) -> None:
        """A board was erased here: close its rooms in this process and, over the bus, in
        every other one at once (not at their next access sweep)."""
        self._erase_here(board_id)
        self.bus.erase(board_id)

    def _erase_here(self, board_id: str) -> None:
        """Close every connection of the board (4403 "board erased") and drop its rooms
        without writing anything back; refuse them from now on."""
        self.erased.add(board_id)
        for key, room in list(self.rooms.items()):
            if board_of(key) != board_id:
                continue
            del self.rooms[key]
            room.cancel_unload()
            for conn in list(room.connections):
                conn.close(CloseCode.FORBIDDEN, "board erased")
            if room.guard is not None:
                room.guard.close()
            task = asyncio.get_running_loop().create_task(self.bus.leave(key))
            self._leaving.add(task)
            task.add_done_callback(self._leaving.discard)
        log.info("erased board %s: its rooms are closed", board_id)

    def repair(self, room: Room) -> None:
        """Fill the gap of a room whose doc holds pending items (one task per room)."""
        key = room.doc_key
        if key in self._repairing or self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._repair(room))
        self._repairing[key] = task
        task.add_done_callback(lambda _t: self._repairing.pop(key, None))

    async def _repair(self, room: Room) -> None:
        """Ask the other processes at once (their answer is anti-entropy's diff, which
        holds what this doc lacks), then re-read the store, and again with a growing
        pause while the gap stays: a client that still has the missing edits sends them
        when it reconnects; until then the doc keeps waiting for them."""
        pause = self.settings.anti_entropy_seconds
        while room.pending is not None and self.rooms.get(room.doc_key, room) is room:
            self.bus.ask(room.doc_key)
            await asyncio.sleep(pause)
            if room.pending is None or self.rooms.get(room.doc_key) is not room:
                return
            try:
                for update in await self.store.load(room.doc_key):
                    room.apply_stored(update)
            except Exception:
                log.exception("re-reading %s from the store failed", room.doc_key)
            pause = min(pause * 2, MAX_REPAIR_PAUSE)

    def schedule_compact(self, room: Room) -> None:
        key = room.doc_key
        if key in self._compacting:
            return
        room.logged = 0
        room.logged_bytes = 0
        room.compacted_bytes = room.size
        task = asyncio.get_running_loop().create_task(self._compact(key))
        self._compacting[key] = task
        task.add_done_callback(lambda _t: self._compacting.pop(key, None))

    async def _compact(self, doc_key: str) -> None:
        """One compaction at a time: each replays a whole board in a worker thread, and
        several at once (rooms that grow together reach their threshold together)
        starved the event loop of the GIL for hundreds of milliseconds."""
        async with self._compact_gate:
            try:
                await self.store.flush()
                await self.store.compact(doc_key)
            except Exception:
                log.exception("compaction of %s failed", doc_key)

    # ---- server-side API (docs/ARCHITECTURE.md) ----------------------------------------------
    async def edit(self, doc_key: str, fn: Callable[[Doc], Any]) -> Any:
        """Run ``fn(doc)`` in one transaction in the live room; log, broadcast, publish it."""
        room = await self.get(doc_key)
        before = room.doc.get_state()
        with room.doc.transaction(origin="server"):
            result = fn(room.doc)
        update = room.doc.get_update(before)
        if update != EMPTY_UPDATE:
            room.size += len(update)
            room.accept(update, update_frame(update), None)
        if not room.connections:
            self.schedule_unload(room)
        return result

    async def snapshot(self, doc_key: str) -> bytes:
        """The full state of ``doc_key`` as one update (for exports)."""
        room = await self.get(doc_key)
        update = room.full_update()
        if not room.connections:
            self.schedule_unload(room)
        return update

    def add_listener(self, fn: Listener) -> None:
        """Call ``fn(doc_key, update)`` for every update accepted by this process."""
        self.listeners.append(fn)

    async def regrant(self, board_id: str, fn: Callable[[Grant], Grant | None]) -> None:
        """Re-evaluate every open connection of a board.

        ``None`` closes it (4403 "access withdrawn"). A changed role or write right also
        closes it (4403 "role changed"): the client asks for its grant again and rebuilds
        its tools for the new role at once, instead of learning it from a refused edit.
        """
        prefix = board_id + ":"
        for key, room in list(self.rooms.items()):
            if key != board_id and not key.startswith(prefix):
                continue
            for conn in list(room.connections):
                grant = fn(conn.grant)
                if grant is None:
                    conn.close(CloseCode.FORBIDDEN, "access withdrawn")
                elif (grant.role, grant.can_write) != (conn.grant.role, conn.grant.can_write):
                    conn.grant = grant
                    conn.close(CloseCode.FORBIDDEN, "role changed")
                else:
                    conn.grant = grant

    def connection(self, socket: Socket, grant: Grant, doc_key: str) -> Connection:
        """A new connection for ``socket``, with this server's queue bound."""
        label = f"{doc_key}/{grant.role}"
        settings = self.settings
        return Connection(
            socket,
            grant,
            settings.send_queue_frames,
            label,
            self.flusher,
            settings.send_queue_bytes,
        )
