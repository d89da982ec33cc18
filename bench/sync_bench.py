"""Sync benchmark: the same load against ``tavle serve`` and the y-websocket 2.x server.

One invocation starts each server in turn (fresh temporary data directory, nothing
else of ours running in it), creates the rooms (Tavle: one board per room, clients use
its edit token), runs ``bench/loadgen.mjs`` against it, stops it, and prints one row per
server and round plus the ratios Tavle / y-websocket per round and their medians. The
servers never run at the same time: they share the machine's cores with the load
generator. Several rounds in alternating order (A B B A …) because a shared machine's
speed drifts by more, over a minute, than one pair of runs can tell apart.

    .venv/bin/python -m bench.sync_bench --rooms 60 --clients 8 --rate 10 --duration 20
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LOADGEN = ROOT / "bench" / "loadgen.mjs"
YWS_SERVER = ROOT / "node_modules" / "y-websocket" / "bin" / "server.cjs"
TAVLE = "tavle"
YWS = "y-websocket"


@dataclass
class Load:
    rooms: int
    clients: int
    rate: float
    duration: float
    drain: float


@dataclass
class Server:
    """A running server under test: its process, base WebSocket URL and log file."""

    name: str
    proc: subprocess.Popen
    port: int
    data_dir: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(server: Server, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited early: {server_log(server)}")
        try:
            with urllib.request.urlopen(server.http + path, timeout=1) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not start: {server_log(server)}")


def server_log(server: Server) -> str:
    path = server.data_dir / "server.log"
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def prioritised(nice: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` giving the child its own session at niceness ``nice``.

    With the kernel's autogroup scheduling a nice value only ranks processes within one
    session; a session's own nice value (``/proc/self/autogroup``) ranks it against the
    other sessions, i.e. against whatever else runs on this shared machine.
    """
    if not nice:
        return None

    def pre() -> None:
        os.setsid()
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(nice))
        os.nice(nice)

    return pre


@contextmanager
def running(
    name: str, argv: list[str], env: dict[str, str], port: int, nice: int
) -> Iterator[Server]:
    """Start ``argv`` in a fresh temporary directory; stop it (and remove the dir) after."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        data_dir = Path(tmp)
        with open(data_dir / "server.log", "wb") as log:
            proc = subprocess.Popen(
                argv,
                cwd=data_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=prioritised(nice),  # noqa: PLW1509 - no threads in this runner
            )
            server = Server(name, proc, port, data_dir)
            try:
                yield server
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def pinned(argv: list[str], cpus: str | None) -> list[str]:
    """``argv`` run on the CPUs ``cpus`` (taskset's list, e.g. "0"); as is for None.
    taskset execs the command, so the process id stays the server's own."""
    return argv if cpus is None else ["taskset", "-c", cpus, *argv]


@contextmanager
def tavle_server(command: str | None, nice: int, cpus: str | None = None) -> Iterator[Server]:
    """``tavle serve`` (or ``command`` with ``{port}`` filled in) on SQLite in a temp dir."""
    port = free_port()
    if command:
        argv = shlex.split(command.format(port=port))
    else:
        argv = [str(VENV_BIN / "tavle"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv = pinned(argv, cpus)
    with tempfile.TemporaryDirectory(prefix="bench-tavle-data-") as data:
        # open board creation: the rooms are made over POST /api/boards without signing in
        env = {**os.environ, "TAVLE_DATA_DIR": data, "PYTHONPATH": str(ROOT)}
        env["TAVLE_OPEN_BOARDS"] = "1"
        with running(TAVLE, argv, env, port, nice) as server:
            wait_http(server, "/healthz")
            yield server


@contextmanager
def yws_server(nice: int, cpus: str | None = None) -> Iterator[Server]:
    """The y-websocket 2.x reference server (in memory; it accepts any room name)."""
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    env.pop("YPERSISTENCE", None)
    with running(YWS, pinned(["node", str(YWS_SERVER)], cpus), env, port, nice) as server:
        wait_http(server, "/")
        yield server


def create_board(server: Server, title: str) -> dict[str, str]:
    """One Tavle board over ``POST /api/boards``; ``tavle board create`` if that is refused."""
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        server.http + "/api/boards",
        data=json.dumps({"title": title}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310
            return json.loads(r.read())
    except urllib.error.HTTPError:
        env = {**os.environ, "TAVLE_DATA_DIR": str(server.data_dir)}
        out = subprocess.run(
            [str(VENV_BIN / "tavle"), "board", "create", "--title", title],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return json.loads(out)


def room_urls(server: Server, rooms: int) -> list[str]:
    if server.name == TAVLE:
        boards = [create_board(server, f"Bench {i}") for i in range(rooms)]
        return [f"{server.ws}/ws/boards/{b['board_id']}?token={b['edit_token']}" for b in boards]
    return [f"{server.ws}/bench-{i}?token=bench" for i in range(rooms)]


@contextmanager
def profiling(server: Server, path: Path | None, nice: int) -> Iterator[None]:
    """Sample the server with py-spy (collapsed stacks into ``path``) while the body runs."""
    if path is None:
        yield
        return
    spy = shutil.which("py-spy") or str(VENV_BIN / "py-spy")
    argv = [spy, "record", "--rate", "200", "--pid", str(server.proc.pid)]
    proc = subprocess.Popen(
        [*argv, "--format", "raw", "-o", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=prioritised(nice),  # noqa: PLW1509
    )
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
        proc.wait(timeout=30)


def run_generator(
    script: Path, server: Server, config: dict, nice: int, timeout: float, cpus: str | None = None
) -> dict:
    """Run a Node load generator (on ``cpus``) with ``config`` against ``server``; its JSON
    result, with the server's name (and exit status if it died)."""
    config_path = server.data_dir / f"{script.stem}.json"
    config_path.write_text(json.dumps(config))
    done = subprocess.run(
        pinned(["node", str(script), str(config_path)], cpus),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=prioritised(nice),  # noqa: PLW1509 - no threads in this runner
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"load generator failed: {done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["server"] = server.name
    if server.proc.poll() is not None:
        result["serverExited"] = server.proc.returncode
    return result


def run_load(server: Server, load: Load, nice: int, profile: Path | None = None) -> dict:
    """Run the load generator against ``server``; its JSON result plus the server's name."""
    config = {
        "urls": room_urls(server, load.rooms),
        "clients": load.clients,
        "rate": load.rate,
        "duration": load.duration,
        "drain": load.drain,
        "serverPid": server.proc.pid,
        "clockTicks": os.sysconf("SC_CLK_TCK"),
    }
    with profiling(server, profile, nice):
        return run_generator(LOADGEN, server, config, nice, load.duration + load.drain + 180)


def per_thousand(ms: float | None, deliveries: int) -> float | None:
    return None if ms is None or deliveries == 0 else 1000 * ms / deliveries


def row(r: dict) -> list[str]:
    lat = r["latencyMs"]
    pct = 100 * r["delivered"] / r["expected"] if r["expected"] else 0.0
    window_s = r["windowMs"] / 1000
    lg = r["loadgen"]

    def ms(v: float | None) -> str:
        return "-" if v is None else f"{v:.1f}"

    return [
        str(r["round"]),
        r["server"],
        f"{r['delivered']}/{r['expected']} ({pct:.2f}%)",
        ms(lat["p50"]),
        ms(lat["p99"]),
        ms(lat["max"]),
        ms(per_thousand(r["serverCpuMs"], r["delivered"])),
        f"{100 * r['serverCpuMs'] / 1000 / window_s:.0f}%",
        f"{r['serverRssKiB'] / 1024:.0f}",
        f"{ms(per_thousand(lg['cpuMs'], r['delivered']))} ({lg['eventLoopUtilization']:.2f})",
        f"{100 * r['otherCpuMs'] / 1000 / window_s:.0f}%",
    ]


HEADER = [
    "round",
    "server",
    "delivered/expected",
    "p50 ms",
    "p99 ms",
    "max ms",
    "CPU ms/1k deliv.",
    "server CPU",
    "RSS MiB",
    "loadgen ms/1k (ELU)",
    "others' CPU",
]


def table(rows: list[list[str]], header: list[str] = HEADER) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in [header, *rows]
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def problems(r: dict) -> list[str]:
    """What went wrong in a run besides slowness (lost, doubled, misrouted, closed)."""
    out = []
    for key in ("duplicates", "outOfOrder", "foreign", "incompleteUpdates"):
        if r[key]:
            out.append(f"{key}={r[key]}")
    if r["connected"] != r["rooms"] * r["clients"]:
        out.append(f"connected={r['connected']}/{r['rooms'] * r['clients']}")
    if r["closesDuringRun"]:
        out.append(f"closes={r['closesDuringRun']}")
    if "serverExited" in r:
        out.append(f"server exited with {r['serverExited']}")
    return out


RATIO_KEYS = ("CPU/1k", "p50", "p99", "max", "RSS")


def ratios(tavle: dict, yws: dict) -> dict[str, float | None]:
    """Tavle / y-websocket for one round: CPU per 1,000 deliveries, latencies, RSS."""

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if not a or not b else a / b

    t_lat, y_lat = tavle["latencyMs"], yws["latencyMs"]
    return {
        "CPU/1k": ratio(
            per_thousand(tavle["serverCpuMs"], tavle["delivered"]),
            per_thousand(yws["serverCpuMs"], yws["delivered"]),
        ),
        "p50": ratio(t_lat["p50"], y_lat["p50"]),
        "p99": ratio(t_lat["p99"], y_lat["p99"]),
        "max": ratio(t_lat["max"], y_lat["max"]),
        "RSS": ratio(tavle["serverRssKiB"], yws["serverRssKiB"]),
    }


def shown(values: dict[str, float | None]) -> str:
    return ", ".join(
        f"{key} {'-' if values[key] is None else f'{values[key]:.2f}'}" for key in RATIO_KEYS
    )


def verdict(pairs: list[tuple[dict, dict]]) -> str:
    """Per-round ratios, their medians, and the target (issue 2): median CPU/1k and median
    p99 at most y-websocket's, and every Tavle run delivered everything, exactly once."""
    per_round = [ratios(t, y) for t, y in pairs]
    lines = [f"round {t['round']}: {shown(r)}" for (t, _), r in zip(pairs, per_round, strict=True)]
    medians: dict[str, float | None] = {}
    for key in RATIO_KEYS:
        known = [r[key] for r in per_round if r[key] is not None]
        medians[key] = statistics.median(known) if known else None
    cpu, p99 = medians["CPU/1k"], medians["p99"]
    met = (
        cpu is not None
        and p99 is not None
        and cpu <= 1
        and p99 <= 1
        and all(t["delivered"] == t["expected"] and not problems(t) for t, _ in pairs)
    )
    label = "median of " + (f"{len(pairs)} rounds" if len(pairs) > 1 else "1 round")
    lines.append(
        f"Tavle / y-websocket ({label}): {shown(medians)}; target met: {'yes' if met else 'no'}"
    )
    return "\n".join(lines)


def report(results: list[dict], load: Load, load_before: float) -> str:
    lines = [
        f"load: {load.rooms} rooms × {load.clients} clients × {load.rate:g} updates/s "
        f"for {load.duration:g} s (loopback, {os.cpu_count()} cores, "
        f"load average before {load_before:.2f})",
        table([row(r) for r in results]),
    ]
    for r in results:
        if problems(r):
            lines.append(f"{r['server']} (round {r['round']}): " + ", ".join(problems(r)))
    by_round = {(r["round"], r["server"]): r for r in results}
    pairs = [
        (by_round[(k, TAVLE)], by_round[(k, YWS)])
        for k in sorted({r["round"] for r in results})
        if (k, TAVLE) in by_round and (k, YWS) in by_round
    ]
    if pairs:
        lines.append(verdict(pairs))
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rooms", type=int, default=60)
    p.add_argument("--clients", type=int, default=8, help="clients per room")
    p.add_argument("--rate", type=float, default=10, help="updates per second per client")
    p.add_argument("--duration", type=float, default=20, help="seconds of sending")
    p.add_argument("--drain", type=float, default=5, help="max seconds to wait for stragglers")
    p.add_argument(
        "--servers", default=f"{YWS},{TAVLE}", help=f"comma list, run in order ({YWS},{TAVLE})"
    )
    p.add_argument(
        "--tavle-command",
        help="start Tavle with this command instead of `tavle serve` ({port} is filled in)",
    )
    p.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness of the servers and the load generator, each in its own session "
        "(negative needs root): on a shared machine -10 keeps other work from skewing the numbers",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="run the servers in turn this many times, the order reversed every other round "
        "(A B B A …); the ratios are the medians over rounds: the machine's speed drifts",
    )
    p.add_argument("--json", type=Path, help="also write the raw results here")
    p.add_argument(
        "--profile",
        type=Path,
        help="sample Tavle with py-spy during the run, collapsed stacks into this file",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("node") is None or not YWS_SERVER.exists():
        print("sync_bench: needs node and node_modules (make install)", file=sys.stderr)
        return 2
    load = Load(args.rooms, args.clients, args.rate, args.duration, args.drain)
    servers = {
        TAVLE: lambda: tavle_server(args.tavle_command, args.nice),
        YWS: lambda: yws_server(args.nice),
    }
    load_before = os.getloadavg()[0]
    names = [name.strip() for name in args.servers.split(",")]
    results = []
    for n in range(1, args.rounds + 1):
        for name in names if n % 2 else names[::-1]:
            with servers[name]() as server:
                print(
                    f"[sync_bench] round {n}/{args.rounds}, {name}: running {args.duration:g} s …",
                    file=sys.stderr,
                )
                profile = args.profile if name == TAVLE and n == 1 else None
                results.append({"round": n, **run_load(server, load, args.nice, profile)})
    print(report(results, load, load_before))
    if args.json:
        args.json.write_text(json.dumps({"load": vars(load), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
