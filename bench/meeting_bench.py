"""Meeting benchmark: real meetings against ``tavle serve`` and the y-websocket 2.x server.

A meeting is 8 participants: cursors moving at 20 Hz (awareness), one in four drawing
live (the stroke in awareness, committed once on lift), a note changed now and then, and
a late joiner (the npm ``WebsocketProvider``) now and then; ``bench/meetinggen.mjs`` says
exactly what is sent. One invocation runs each server in turn, never both at once.

Compare (default): the same number of meetings against both servers, ``--rounds`` rounds
in alternating order; CPU per 1,000 deliveries and p99 as Tavle / y-websocket.

Capacity (``--capacity``): each server pinned to one core (``taskset``), the load
generator to another; the number of meetings doubles while a run passes (p99 < 100 ms
over all deliveries, everything delivered exactly once, no connection closed, every late
joiner synced with nothing missing) and is then bisected. Prints meetings per core, and
how many meetings would fill one core at the CPU each cost (what the CPU alone allows).

    .venv/bin/python -m bench.meeting_bench --meetings 10
    .venv/bin/python -m bench.meeting_bench --capacity
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from bench.sync_bench import (
    ROOT,
    TAVLE,
    YWS,
    YWS_SERVER,
    Server,
    per_thousand,
    room_urls,
    run_generator,
    table,
    tavle_server,
    yws_server,
)

MEETINGGEN = ROOT / "bench" / "meetinggen.mjs"
P99_LIMIT_MS = 100.0
GENERATOR_BUSY = 0.9  # event-loop utilisation of the load generator that makes it the limit


@dataclass
class Meeting:
    """The load: how many meetings of how many, for how long, how often things happen."""

    meetings: int
    clients: int = 8
    duration: float = 15
    drain: float = 5
    cursor_hz: float = 20
    draw_every: int = 4  # one in this many participants draws
    edit_every_s: float = 6  # each participant changes a note about this often
    join_every_s: float = 20  # a late joiner per meeting this often
    join_stay_s: float = 5

    def config(self) -> dict:
        """The generator's config fields (bench/meetinggen.mjs `defaults`)."""
        return {
            "clients": self.clients,
            "duration": self.duration,
            "drain": self.drain,
            "cursorHz": self.cursor_hz,
            "drawEvery": self.draw_every,
            "editEverySec": self.edit_every_s,
            "joinEverySec": self.join_every_s,
            "joinStaySec": self.join_stay_s,
        }


def join_target(url: str) -> dict:
    """What a WebsocketProvider needs for a room URL: server URL, room name, params."""
    parts = urlsplit(url)
    base, room = parts.path.rsplit("/", 1)
    return {
        "server": f"{parts.scheme}://{parts.netloc}{base}",
        "room": room,
        "params": dict(parse_qsl(parts.query)),
    }


def run_meetings(server: Server, load: Meeting, nice: int, cpus: str | None) -> dict:
    """Run the meeting generator (on ``cpus``) against ``server``; its JSON result."""
    urls = room_urls(server, load.meetings)
    config = {
        **load.config(),
        "urls": urls,
        "joins": [join_target(u) for u in urls],
        "serverPid": server.proc.pid,
        "clockTicks": os.sysconf("SC_CLK_TCK"),
    }
    return run_generator(MEETINGGEN, server, config, nice, load.duration + load.drain + 240, cpus)


def deliveries(r: dict) -> int:
    return r["updates"]["delivered"] + r["awareness"]["delivered"]


def cpu_per_1k(r: dict) -> float | None:
    return per_thousand(r["serverCpuMs"], deliveries(r))


def losses(r: dict) -> list[str]:
    """What went wrong in a run besides speed: lost, doubled, misrouted, closed."""
    out = []
    for kind in ("updates", "awareness"):
        k = r[kind]
        if k["delivered"] != k["expected"]:
            out.append(f"{kind} {k['delivered']}/{k['expected']}")
        out += [
            f"{kind} {key}={k[key]}" for key in ("duplicates", "outOfOrder", "foreign") if k[key]
        ]
    if r["connected"] != r["meetings"] * r["clients"]:
        out.append(f"connected={r['connected']}/{r['meetings'] * r['clients']}")
    if r["closesDuringRun"]:
        out.append(f"closes={r['closesDuringRun']}")
    j = r["joins"]
    if j["synced"] != j["count"] or j["missing"]:
        out.append(f"late joiners synced {j['synced']}/{j['count']}, missing {j['missing']}")
    if "serverExited" in r:
        out.append(f"server exited with {r['serverExited']}")
    return out


def problems(r: dict) -> list[str]:
    """Why a run does not count as served: a loss, or p99 at or over 100 ms."""
    p99 = r["latencyMs"]["p99"]
    slow = [f"p99 {p99} ms"] if p99 is None or p99 >= P99_LIMIT_MS else []
    return losses(r) + slow


HEADER = [
    "round",
    "server",
    "meetings",
    "updates",
    "awareness",
    "p50 ms",
    "p99 ms",
    "p99 upd.",
    "p99 aw.",
    "max ms",
    "CPU ms/1k deliv.",
    "server CPU",
    "RSS MiB",
    "late joins (median ms)",
    "loadgen ELU",
    "others' CPU",
]


def row(r: dict) -> list[str]:
    def ms(v: float | None) -> str:
        return "-" if v is None else f"{v:.1f}"

    def got(k: dict) -> str:
        return f"{k['delivered']}/{k['expected']}"

    window_s = r["windowMs"] / 1000
    j = r["joins"]
    return [
        str(r.get("round", "-")),
        r["server"],
        str(r["meetings"]),
        got(r["updates"]),
        got(r["awareness"]),
        ms(r["latencyMs"]["p50"]),
        ms(r["latencyMs"]["p99"]),
        ms(r["updates"]["latencyMs"]["p99"]),
        ms(r["awareness"]["latencyMs"]["p99"]),
        ms(r["latencyMs"]["max"]),
        ms(cpu_per_1k(r)),
        f"{100 * r['serverCpuMs'] / 1000 / window_s:.0f}%",
        f"{r['serverRssKiB'] / 1024:.0f}",
        f"{j['synced']}/{j['count']} ({ms(j['medianMs'])})",
        f"{r['loadgen']['eventLoopUtilization']:.2f}",
        f"{100 * r['otherCpuMs'] / 1000 / window_s:.0f}%",
    ]


def ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else a / b


def verdict(results: list[dict]) -> str:
    """Per-round CPU/1k and p99 ratios Tavle / y-websocket, their medians, the target."""
    rounds = sorted({r["round"] for r in results})
    by = {(r["round"], r["server"]): r for r in results}
    pairs = [(by[k, TAVLE], by[k, YWS]) for k in rounds if (k, TAVLE) in by and (k, YWS) in by]
    if not pairs:
        return ""
    cpu = [ratio(cpu_per_1k(t), cpu_per_1k(y)) for t, y in pairs]
    p99 = [ratio(t["latencyMs"]["p99"], y["latencyMs"]["p99"]) for t, y in pairs]
    lines = [
        f"round {t['round']}: CPU/1k {c:.2f}, p99 {p:.2f}"
        for (t, _), c, p in zip(pairs, cpu, p99, strict=True)
        if c is not None and p is not None
    ]
    known_cpu = [c for c in cpu if c is not None]
    known_p99 = [p for p in p99 if p is not None]
    if not known_cpu or not known_p99:
        return "\n".join(lines)
    mc, mp = statistics.median(known_cpu), statistics.median(known_p99)
    met = mc <= 1 and mp <= 1 and not any(losses(t) for t, _ in pairs)
    lines.append(
        f"Tavle / y-websocket (median of {len(pairs)} rounds): CPU/1k {mc:.2f}, p99 {mp:.2f}; "
        f"target met: {'yes' if met else 'no'}"
    )
    return "\n".join(lines)


def compare(args: argparse.Namespace, servers: dict[str, Callable]) -> list[dict]:
    load = Meeting(
        args.meetings, args.clients, args.duration, args.drain, join_every_s=args.join_every
    )
    names = [n.strip() for n in args.servers.split(",")]
    results = []
    for n in range(1, args.rounds + 1):
        for name in names if n % 2 else names[::-1]:
            with servers[name]() as server:
                print(f"[meeting_bench] round {n}, {name}: {load.meetings} meetings …",
                      file=sys.stderr)  # fmt: skip
                results.append(
                    {"round": n, **run_meetings(server, load, args.nice, args.loadgen_cpu)}
                )
    return results


def capacity(
    name: str, start: Callable[[], AbstractContextManager[Server]], args: argparse.Namespace
) -> tuple[int, list[dict]]:
    """The most meetings one pinned server process serves (doubling, then bisecting)."""
    runs: list[dict] = []

    def passes(n: int) -> bool:
        """One run at n meetings passes; a failed one is tried again --retries times (a
        shared machine's other work alone can push one run's p99 over the limit)."""
        for _ in range(1 + args.retries):
            with start() as server:
                print(f"[meeting_bench] capacity, {name}: {n} meetings …", file=sys.stderr)
                load = Meeting(
                    n, args.clients, args.duration, args.drain, join_every_s=args.join_every
                )
                r = run_meetings(server, load, args.nice, args.loadgen_cpu)
            runs.append(r)
            if not problems(r):
                return True
        return False

    good, bad = 0, None
    n = args.start
    while n <= args.max_meetings:
        if not passes(n):
            bad = n
            break
        good = n
        n *= 2
    if bad is None:
        return good, runs
    while bad - good > max(1, good // 8):
        mid = (good + bad) // 2
        if passes(mid):
            good = mid
        else:
            bad = mid
    return good, runs


def generator_bound(r: dict) -> bool:
    """The load generator was busy nearly all the time: a slow run measured it, not the
    server (it shares the machine; its event loop is one core)."""
    return r["loadgen"]["eventLoopUtilization"] >= GENERATOR_BUSY


def per_core(results: list[dict], name: str, good: int) -> str:
    """``good`` meetings, as "≥ good" when every failed run above it had a saturated load
    generator (the server's own limit was not reached)."""
    failed = [r for r in results if r["server"] == name and r["meetings"] > good and problems(r)]
    if failed and all(generator_bound(r) and not losses(r) for r in failed):
        return f"≥ {good} (above it the load generator was saturated, not the server)"
    return str(good)


def core_full(results: list[dict], name: str) -> float:
    """Meetings at which ``name`` would use a whole core, at the CPU per meeting of its run
    with the most meetings: what the CPU alone allows, apart from the machine's noise."""
    r = max((r for r in results if r["server"] == name), key=lambda r: r["meetings"])
    core_share_per_meeting = r["serverCpuMs"] / r["windowMs"] / r["meetings"]
    return 1 / core_share_per_meeting if core_share_per_meeting else float("inf")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--meetings", type=int, default=10, help="meetings (compare mode)")
    p.add_argument("--clients", type=int, default=8, help="participants per meeting")
    p.add_argument("--duration", type=float, default=15, help="seconds of meeting per run")
    p.add_argument("--drain", type=float, default=5)
    p.add_argument(
        "--join-every", type=float, default=20, help="a late joiner per meeting every S s"
    )
    p.add_argument("--rounds", type=int, default=3, help="compare mode: rounds, order alternating")
    p.add_argument("--servers", default=f"{YWS},{TAVLE}")
    p.add_argument("--tavle-command", help="start Tavle with this command ({port} filled in)")
    p.add_argument("--nice", type=int, default=0, help="as sync_bench --nice")
    p.add_argument("--capacity", action="store_true", help="find the meetings one core serves")
    p.add_argument("--start", type=int, default=4, help="capacity: first number of meetings")
    p.add_argument("--max-meetings", type=int, default=256, help="capacity: stop doubling here")
    p.add_argument(
        "--retries", type=int, default=1, help="capacity: runs again before a step fails"
    )
    p.add_argument("--server-cpu", default=None, help="taskset CPU list for the server "
                   "(capacity default: 0)")  # fmt: skip
    p.add_argument("--loadgen-cpu", default=None, help="taskset CPU list for the generator "
                   "(capacity default: 1)")  # fmt: skip
    p.add_argument("--json", type=Path, help="also write the raw results here")
    args = p.parse_args(argv)
    if args.capacity:
        args.server_cpu = args.server_cpu or "0"
        args.loadgen_cpu = args.loadgen_cpu or "1"
    return args


def conditions(args: argparse.Namespace, load_before: float) -> str:
    pin = (
        f"server on CPU {args.server_cpu}, load generator on CPU {args.loadgen_cpu}"
        if args.server_cpu or args.loadgen_cpu
        else "not pinned"
    )
    return (
        f"meetings of {args.clients} (cursors 20 Hz, 1 in 4 drawing live, a note change per "
        f"~6 s each, a late joiner per meeting every {args.join_every:g} s), "
        f"{args.duration:g} s per run; "
        f"{pin}; {os.cpu_count()} cores, load average before {load_before:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("node") is None or not YWS_SERVER.exists():
        print("meeting_bench: needs node and node_modules (make install)", file=sys.stderr)
        return 2
    if (args.server_cpu or args.loadgen_cpu) and shutil.which("taskset") is None:
        print("meeting_bench: pinning needs taskset (util-linux)", file=sys.stderr)
        return 2
    servers: dict[str, Callable[[], Iterator[Server]]] = {
        TAVLE: lambda: tavle_server(args.tavle_command, args.nice, args.server_cpu),
        YWS: lambda: yws_server(args.nice, args.server_cpu),
    }
    load_before = os.getloadavg()[0]
    lines = [conditions(args, load_before)]
    if args.capacity:
        found: dict[str, int] = {}
        results: list[dict] = []
        for name in [n.strip() for n in args.servers.split(",")]:
            found[name], runs = capacity(name, servers[name], args)
            results += runs
        lines.append(table([row(r) for r in results], HEADER))
        lines += [f"{r['server']} ({r['meetings']}): " + ", ".join(problems(r))
                  + (" (load generator saturated)" if generator_bound(r) else "")
                  for r in results if problems(r)]  # fmt: skip
        lines.append(
            "meetings per core: " + ", ".join(f"{name} {per_core(results, name, n)}"
                                              for name, n in found.items())
        )  # fmt: skip
        lines.append(
            "meetings that would fill one core at the CPU cost of its largest run: "
            + ", ".join(f"{name} {core_full(results, name):.0f}" for name in found)
        )
    else:
        results = compare(args, servers)
        lines.append(table([row(r) for r in results], HEADER))
        lines += [f"{r['server']} (round {r['round']}): " + ", ".join(problems(r))
                  for r in results if problems(r)]  # fmt: skip
        lines.append(verdict(results))
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args) | {"json": None},
                                         "results": results}, indent=2, default=str))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
