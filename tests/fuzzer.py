"""Hostile frames at random, for the fuzz test: sent from a process of its own.

``fuzz`` keeps ``slots`` connections to one room open (edit and view tokens in turn),
sends ``total`` frames drawn from :func:`frames` and opens a new connection whenever
the server closes one. Seeded: a failure can be replayed.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter
from collections.abc import Iterator

from pycrdt import Doc, Map, create_sync_message, write_var_uint
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bench.attacks import (
    CLIENT_COUNT_BOMB,
    DEEP_NESTING,
    OBJECT_BOMB,
    STATE_VECTOR_BOMB,
    awareness,
    big_states,
    sync_frame,
)

PREFIXES = [b"\x00\x00", b"\x00\x01", b"\x00\x02", b"\x01", b"\x03", b""]


def _update(rng: random.Random) -> bytes:
    doc = Doc(client_id=rng.randrange(1, 2**32))
    m = doc.get(rng.choice(["m", "elements", "plan", "meta"]), type=Map)
    for _ in range(rng.randint(1, 4)):
        m[f"k{rng.randrange(100)}"] = rng.choice(
            [rng.random(), rng.randrange(-(2**40), 2**40), "tekst" * rng.randint(0, 50),
             {"pts": [rng.randrange(10_000) for _ in range(rng.randint(0, 64))]}, None, True]
        )  # fmt: skip
    return doc.get_update()


def _corrupt(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        action = rng.randrange(3)
        if action == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif action == 1 and data:
            del data[rng.randrange(len(data)) :]
        else:
            data[rng.randrange(len(data) + 1) : 0] = rng.randbytes(rng.randint(1, 6))
    return bytes(data)


def frames(rng: random.Random, own_id: int) -> Iterator[bytes | str]:
    """An endless stream of frames, good and bad (``str``: a text frame)."""
    kinds = [
        ("random bytes", 10), ("truncated varint", 8), ("huge length", 8), ("bomb", 4),
        ("corrupt update", 14), ("good update", 10), ("corrupt awareness", 8),
        ("oversized awareness", 4), ("others' awareness", 6), ("own awareness", 8),
        ("query awareness", 4), ("text", 4), ("state vector", 6), ("deep nesting", 1),
    ]  # fmt: skip
    names, weights = zip(*kinds, strict=True)
    clock = 0
    while True:
        kind = rng.choices(names, weights)[0]
        if kind == "random bytes":
            yield rng.randbytes(rng.randint(0, 64))
        elif kind == "truncated varint":
            yield rng.choice(PREFIXES) + b"\xff" * rng.randint(1, 12)
        elif kind == "huge length":
            huge = write_var_uint(rng.choice([2**20, 2**28, 2**32, 2**40, 2**56]))
            yield rng.choice(PREFIXES) + huge + rng.randbytes(rng.randint(0, 8))
        elif kind == "bomb":
            yield rng.choice([STATE_VECTOR_BOMB, CLIENT_COUNT_BOMB, OBJECT_BOMB])
        elif kind == "deep nesting":
            yield DEEP_NESTING
        elif kind == "corrupt update":
            yield sync_frame(rng.choice([1, 2]), _corrupt(rng, _update(rng)))
        elif kind == "good update":
            yield sync_frame(2, _update(rng))
        elif kind == "corrupt awareness":
            depth = rng.randint(500, 4000)  # or nested past what Python's JSON parser takes
            state = rng.choice(['{"user":{"name":"x"}}', "[" * depth + "]" * depth])
            yield _corrupt(rng, awareness([(own_id, clock + 1, state)]))
        elif kind == "oversized awareness":
            yield rng.choice(
                [big_states(rng.randrange(1, 2**30), 2, 9000),
                 awareness([(rng.randrange(2**30), 1, "null") for _ in range(600)])]
            )  # fmt: skip
        elif kind == "others' awareness":
            ids = [rng.randrange(1, 50) for _ in range(rng.randint(1, 5))]
            yield awareness([(i, rng.randint(0, 9), rng.choice(["null", "{}"])) for i in ids])
        elif kind == "own awareness":
            clock += 1
            yield awareness([(own_id, clock, '{"user":{"name":"Fuzz","color":"#123456"}}')])
        elif kind == "query awareness":
            yield b"\x03"
        elif kind == "text":
            yield rng.choice(["hello", "\x00\x00\x01\x00", "{}"])
        else:
            entries = [
                (rng.randrange(2**53), rng.randrange(2**33)) for _ in range(rng.randint(0, 5))
            ]
            sv = write_var_uint(len(entries)) + b"".join(
                write_var_uint(c) + write_var_uint(k) for c, k in entries
            )
            yield sync_frame(0, sv)


async def _slot(url: str, rng: random.Random, budget: list[int], tally: Counter) -> None:
    """One connection at a time: each frame is followed by a query-awareness, whose answer
    says the server has handled the frame (frames are handled in order) and kept the
    connection; a closed connection is replaced."""
    while budget[0] > 0:
        try:
            async with connect(url, max_size=None, compression=None, open_timeout=20) as ws:
                await ws.send(create_sync_message(Doc()))
                for frame in frames(rng, rng.randrange(1, 2**31)):
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                    tally["frames"] += 1
                    await ws.send(frame)
                    await ws.send(b"\x03")
                    await _answer(ws)
            tally["closed by us"] += 1
        except ConnectionClosed as closed:
            tally[f"close {closed.rcvd.code if closed.rcvd else 'none'}"] += 1
        except (OSError, TimeoutError, InvalidStatus) as exc:
            tally[f"connect failed: {type(exc).__name__}"] += 1
            await asyncio.sleep(0.1)


async def _answer(ws) -> None:
    """Read until an awareness frame (the answer to our query); ConnectionClosed if the
    server closed instead."""
    async with asyncio.timeout(20):
        while True:
            message = await ws.recv()
            if isinstance(message, bytes) and message[:1] == b"\x01":
                return


async def fuzz(urls: list[str], total: int, seed: int) -> Counter:
    rng = random.Random(seed)
    budget = [total]
    tally: Counter = Counter()
    slots = [_slot(url, random.Random(rng.random()), budget, tally) for url in urls]
    await asyncio.gather(*slots)
    return tally


def fuzz_process(urls: list[str], total: int, seed: int, out) -> None:
    """The fuzzer as a child process, ranked below the server and the measuring test
    (niceness counts within one session: they share this one's CPU share)."""
    os.nice(15)
    out.send(dict(asyncio.run(fuzz(urls, total, seed))))
