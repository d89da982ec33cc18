"""Attack benchmark: a healthy room's latency and the server's memory under hostile clients.

The mixed attack of issue 13 ("Done means"): two state-vector bombers and an awareness
flooder, all with a view token of a board of their own, for ``--duration`` seconds,
against one ``tavle serve``. Meanwhile a healthy pair in another room (an editor sending
``--rate`` updates a second, a watcher) measures how long each update takes to arrive.
Printed: that pair's p50/p99/max before and during the attack, updates lost, the
server's RSS before, at its peak and after, whether it stayed up, and what the
attackers achieved. ``--peer DIR`` runs the same against another source tree (e.g. a
checkout of the code before the fix) in the same invocation, and prints both.

    .venv/bin/python -m bench.attack_bench --peer /tmp/tavle-before

Each attacker runs in a child process of its own, so that their work does not delay
the measuring client's event loop nor each other; the server is what they share.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pycrdt import Doc, Map, create_sync_message, create_update_message
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from bench.attacks import STATE_VECTOR_BOMB, big_states, memory_mb, null_flood
from bench.sync_bench import (
    ROOT,
    TAVLE,
    VENV_BIN,
    create_board,
    free_port,
    prioritised,
    running,
    wait_http,
)

TARGET_P99_MS = 100.0
TARGET_GROWTH_MB = 100.0


# ---- attackers (child process) ---------------------------------------------------------
async def _bomber(url: str, until: float, tally: Counter) -> None:
    """Connect, send the 8-byte state-vector bomb, wait for the close; again."""
    while time.monotonic() < until:
        try:
            async with connect(url, max_size=None, compression=None, open_timeout=10) as ws:
                await ws.send(STATE_VECTOR_BOMB)
                tally["bombs"] += 1
                with contextlib.suppress(ConnectionClosed, TimeoutError):
                    async with asyncio.timeout(max(0.1, until - time.monotonic())):
                        async for _ in ws:
                            pass
                tally[f"close {ws.close_code}"] += 1
        except (OSError, ConnectionClosed, TimeoutError):
            tally["connect failed"] += 1
            await asyncio.sleep(0.05)


async def _flooder(url: str, until: float, tally: Counter) -> None:
    """Awareness for fresh ids, without reading anything: 2 MiB of removals, then 30
    states of 64 KB, in turn; reconnect when closed."""
    batch, next_id = 0, 1
    while time.monotonic() < until:
        try:
            async with connect(url, max_size=None, compression=None, open_timeout=10) as ws:
                await ws.send(create_sync_message(Doc()))
                while time.monotonic() < until:
                    if tally["flood frames"] % 2 == 0:
                        batch = batch % 127 + 1
                        frame = null_flood(batch)
                    else:
                        frame = big_states(next_id)
                        next_id += 31
                    await ws.send(frame)
                    tally["flood frames"] += 1
                    tally["flood MB"] += len(frame) / 1e6
            tally[f"close {ws.close_code}"] += 1
        except ConnectionClosed as closed:
            tally[f"close {closed.rcvd.code if closed.rcvd else 1006}"] += 1
        except (OSError, TimeoutError):
            tally["connect failed"] += 1
            await asyncio.sleep(0.05)


ATTACKERS = {"bomber": _bomber, "flooder": _flooder}


def _attacker_process(kind: str, url: str, duration: float, nice: int, out) -> None:
    """One attacker in a process of its own: attackers that share an event loop slow each
    other down (the flooder's frames starved the bombers)."""
    prepare = prioritised(nice)
    if prepare is not None:
        prepare()
    tally: Counter = Counter()
    asyncio.run(ATTACKERS[kind](url, time.monotonic() + duration, tally))
    out.send(dict(tally))


def start_attack(url: str, duration: float, nice: int = 0) -> list[tuple]:
    """Two state-vector bombers and an awareness flooder, each in its own process."""
    started = []
    for kind in ("bomber", "bomber", "flooder"):
        receive, send = multiprocessing.Pipe(duplex=False)
        process = multiprocessing.Process(
            target=_attacker_process, args=(kind, url, duration, nice, send)
        )
        process.start()
        started.append((process, receive))
    return started


def attack_tally(started: list[tuple]) -> Counter:
    tally: Counter = Counter()
    for process, receive in started:
        if receive.poll(30):
            tally.update(receive.recv())
        else:
            tally["attackers not reporting"] += 1
        process.join(10)
    return tally


# ---- the healthy pair ------------------------------------------------------------------
async def healthy_pair(
    base: str,
    board: dict,
    rate: float,
    duration: float,
    stop: Callable[[], bool] | None = None,
) -> dict:
    """An editor sends ``rate`` updates a second for ``duration`` (or until ``stop()``);
    the watcher's delays in ms, and how many never arrived."""
    room = f"{base}/ws/boards/{board['board_id']}"
    sent: dict[bytes, float] = {}
    delays: list[float] = []
    async with (
        connect(f"{room}?token={board['view_token']}", max_size=None, compression=None) as watcher,
        connect(f"{room}?token={board['edit_token']}", max_size=None, compression=None) as editor,
    ):
        for ws in (watcher, editor):
            await ws.send(create_sync_message(Doc()))

        async def watch() -> None:
            async for message in watcher:
                arrived = time.perf_counter()
                if isinstance(message, bytes) and message[:2] == b"\x00\x02":
                    started = sent.pop(bytes(message), None)
                    if started is not None:
                        delays.append((arrived - started) * 1000)

        reader = asyncio.create_task(watch())
        doc = Doc()
        await asyncio.sleep(0.3)  # handshakes
        start = time.perf_counter()
        count = 0
        while count < rate * duration and not (stop is not None and stop()):
            await asyncio.sleep(max(0.0, start + count / rate - time.perf_counter()))
            before = doc.get_state()
            doc.get("m", type=Map)[f"k{count}"] = count
            frame = create_update_message(doc.get_update(before))
            sent[frame] = time.perf_counter()
            await editor.send(frame)
            count += 1
        await asyncio.sleep(2.0)  # stragglers
        reader.cancel()
    return {"sent": count, "delays": delays, "lost": len(sent)}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1]


def summary(pair: dict) -> dict:
    d = pair["delays"]
    return {
        "p50": percentile(d, 50),
        "p99": percentile(d, 99),
        "max": max(d) if d else None,
        "received": len(d),
        "sent": pair["sent"],
        "lost": pair["lost"],
    }


# ---- one server ----------------------------------------------------------------------
def run_one(name: str, tree: Path, args: argparse.Namespace) -> dict:
    port = free_port()
    argv = [str(VENV_BIN / "tavle"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(tree), "TAVLE_OPEN_BOARDS": "1"}
    with running(TAVLE, argv, {**env, "TAVLE_DATA_DIR": "data"}, port, args.nice) as server:
        wait_http(server, "/healthz")
        pid = server.proc.pid
        healthy, target = create_board(server, "Sund"), create_board(server, "Angrebet")
        view = f"{server.ws}/ws/boards/{target['board_id']}?token={target['view_token']}"
        quiet = summary(asyncio.run(healthy_pair(server.ws, healthy, args.rate, args.quiet)))
        rss_before = memory_mb(pid)
        peak_before = memory_mb(pid, "VmHWM")
        attackers = start_attack(view, args.duration, args.nice)
        time.sleep(0.2)
        attacked = summary(asyncio.run(healthy_pair(server.ws, healthy, args.rate, args.duration)))
        tally = attack_tally(attackers)
        up = server.proc.poll() is None
        rss_after = memory_mb(pid) if up else None
        peak = memory_mb(pid, "VmHWM") if up else None
        return {
            "name": name,
            "tree": str(tree),
            "quiet": quiet,
            "attacked": attacked,
            "rss_before": rss_before,
            "rss_after": rss_after,
            "peak": peak,
            "peak_before": peak_before,
            "up": up,
            "attackers": tally,
        }


def fmt(v: float | None, unit: str = "") -> str:
    return "-" if v is None else f"{v:.1f}{unit}"


def report(results: list[dict], args: argparse.Namespace, load: float) -> str:
    lines = [
        f"mixed attack: 2 state-vector bombers + 1 awareness flooder (view token), "
        f"{args.duration:g} s; healthy pair in another room at {args.rate:g} updates/s; "
        f"load average before {load:.1f} on {os.cpu_count()} cores; nice {args.nice}",
        "",
        "| server | quiet p50 / p99 ms | attacked p50 / p99 / max ms | received / sent | "
        "RSS before → after MB (peak) | growth MB | up |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        q, a = r["quiet"], r["attacked"]
        growth = None if r["rss_after"] is None else r["rss_after"] - r["rss_before"]
        peak_growth = None if r["peak"] is None else r["peak"] - r["rss_before"]
        lines.append(
            f"| {r['name']} | {fmt(q['p50'])} / {fmt(q['p99'])} | {fmt(a['p50'])} / "
            f"{fmt(a['p99'])} / {fmt(a['max'])} | {a['received']} / {a['sent']} | "
            f"{fmt(r['rss_before'])} → {fmt(r['rss_after'])} ({fmt(r['peak'])}) | "
            f"{fmt(growth)} (peak {fmt(peak_growth)}) | {'yes' if r['up'] else 'NO'} |"
        )
    lines.append("")
    for r in results:
        tally = ", ".join(f"{k}: {v:.0f}" for k, v in sorted(r["attackers"].items()))
        lines.append(f"{r['name']} attackers: {tally}")
        a = r["attacked"]
        growth = None if r["rss_after"] is None else r["rss_after"] - r["rss_before"]
        met = (
            r["up"]
            and a["p99"] is not None
            and a["p99"] < TARGET_P99_MS
            and a["lost"] == 0
            and growth is not None
            and growth < TARGET_GROWTH_MB
        )
        lines.append(
            f"{r['name']}: target (p99 < {TARGET_P99_MS:g} ms, nothing lost, RSS growth < "
            f"{TARGET_GROWTH_MB:g} MB, server up): {'met' if met else 'NOT met'}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=12.0, help="seconds of attack")
    p.add_argument("--rate", type=float, default=20.0, help="healthy editor's updates/s")
    p.add_argument("--quiet", type=float, default=3.0, help="seconds measured before the attack")
    p.add_argument("--peer", type=Path, help="also run against this source tree (before)")
    p.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness of the server, the attackers and this process, each in its own "
        "session (negative needs root): on a shared machine -10 keeps others' work out",
    )
    args = p.parse_args(argv)
    prepare = prioritised(args.nice)
    if prepare is not None:
        prepare()
    load = os.getloadavg()[0]
    results = []
    if args.peer:
        print(f"[attack_bench] peer {args.peer} …", file=sys.stderr)
        results.append(run_one("peer", args.peer.resolve(), args))
    print(f"[attack_bench] this tree {ROOT} …", file=sys.stderr)
    results.append(run_one("this tree", ROOT, args))
    print(report(results, args, load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
