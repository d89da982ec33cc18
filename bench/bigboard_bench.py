"""The big board: cold and warm join, memory over load/unload cycles, encoded size.

The board is 10,000 pen strokes of 32 points (``bench/bigboard.mjs seed``, made with
the npm ``yjs`` as a browser makes it). In ONE invocation, one server at a time: the
old server (a commit before this work, ``--old``, unpacked with ``git archive`` into a
temporary folder), this tree, and the y-websocket 2.x reference server with its LevelDB
store (``YPERSISTENCE``; it unloads a document when its last client leaves):

1. a fresh data folder; the board stored as its one update (format 1, as every board
   drawn before format 2 is; on this tree and the reference also the same board drawn
   in format 2);
2. the server (Tavle with ``TAVLE_ROOM_UNLOAD_SECONDS=1``); its RSS when idle;
3. ``--cycles`` cold joins, each by a new client process (``bigboard.mjs client``: the
   unmodified npm provider, as a new browser tab: its code not yet warmed up): the time
   from creating the provider until it is synced and holds all 10,000 strokes, the
   server's CPU over the join, its RSS just after, and again once the room has unloaded
   (flush, compaction) and the server is idle;
4. ``--cycles`` cold joins by ONE client process, one after another (the first is a new
   client's, the rest run on warmed-up code, as a page that has joined a board before);
5. ``--warm`` warm joins while another client holds the room open, both ways;
6. in Chromium (Tavle only, each tree's own client bundle), the board opened from its
   link, cold: from ``page.goto`` to the first frame drawn after the page is synced with
   all 10,000 strokes in its canvas cache (``--no-browser`` leaves it out);
7. the floor no server can go under: a new Node process applying the board to a Y.Doc
   with an ``update`` listener, as every provider's doc has (``bigboard.mjs apply``).

Run: ``.venv/bin/python -m bench.bigboard_bench [--old a92bd05] [--cycles 10]
[--servers old,this,reference]``.
Targets (issue 17): cold ≤ 150 ms, warm ≤ 100 ms, RSS after unload within 30 MB of
before the first load and not growing, idle ≤ 80 MB, encoded board ≤ 1.5 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.sync_bench import YWS_SERVER
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, free_port

ROOT = Path(__file__).resolve().parent.parent
NODE_SCRIPT = ROOT / "bench" / "bigboard.mjs"
SEED = """
import asyncio, json, sys
from pathlib import Path
from pycrdt import Doc
from server.config import Settings
from server.plan_io import store_board
doc = Doc()
doc.apply_update(Path(sys.argv[1]).read_bytes())
print(json.dumps(asyncio.run(store_board(Settings.from_env(), "Stor tavle", "blank", doc))))
"""


# Where a cold join's server time goes, in-process, in each tree: the same steps as
# Room.load and the first client's SyncStep2 (best of 5 after a warm-up).
SPLIT = """
import asyncio, json, sys, time
from pathlib import Path
from pycrdt import Doc
from board.limits import Guard
from server.config import Settings
from server.store import Store
from server.sync.protocol import sync_step2_frame
try:
    from board.migrate import upgrade
except ImportError:
    upgrade = None

async def main(board_id):
    store = Store(Settings.from_env())
    await store.start()
    best = {}
    for _ in range(6):
        t = {}
        t0 = time.perf_counter(); updates = await store.load(board_id)
        t["read from the store"] = time.perf_counter() - t0
        doc = Doc()
        t0 = time.perf_counter()
        with doc.transaction(origin="store"):
            for u in updates:
                doc.apply_update(u)
        t["apply into the pycrdt doc"] = time.perf_counter() - t0
        t0 = time.perf_counter(); pending = upgrade(doc) if upgrade else b""
        t["format upgrade check"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        full = updates[0] if upgrade and len(updates) == 1 and not pending else doc.get_update()
        frame = sync_step2_frame(full)
        t["whole-doc update and SyncStep2 frame"] = time.perf_counter() - t0
        t0 = time.perf_counter(); guard = Guard(doc); guard.close()
        t["guard set-up"] = time.perf_counter() - t0
        t0 = time.perf_counter(); doc.get_state()
        t["state vector (SyncStep1)"] = time.perf_counter() - t0
        for k, v in t.items():
            best[k] = min(best.get(k, 1e9), v * 1000)
    await store.close()
    print(json.dumps({"rows": len(updates), "bytes": len(frame), "ms": best}))

asyncio.run(main(sys.argv[1]))
"""


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_ms(pid: int) -> float:
    """The process's user + system CPU time so far (all threads), in ms."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def others_load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


N_STROKES = 10_000


class Client:
    """One ``bigboard.mjs client`` process: a y-websocket provider per join, on demand."""

    def __init__(self, ws_base: str, board: dict) -> None:
        cmd = [
            "node",
            str(NODE_SCRIPT),
            "client",
            ws_base,
            board["board_id"],
            board["edit_token"],
            str(N_STROKES),
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True
        )

    def ask(self, line: str = "join") -> dict:
        """``join`` (synced, then gone), ``hold`` (stays) or ``release``: its JSON answer."""
        self.proc.stdin.write(line + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        answer = json.loads(self.proc.stdout.readline())  # type: ignore[union-attr]
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(timeout=30)


def new_client_join(ws_base: str, board: dict) -> dict:
    """A join by a new client process (cold code, as a new browser tab)."""
    client = Client(ws_base, board)
    try:
        return client.ask()
    finally:
        client.close()


class Served:
    """A server process on a free port: started, waited for over HTTP, stopped."""

    browser = False
    health = "/"

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def command(self) -> tuple[list[str], Path, dict[str, str]]:
        raise NotImplementedError

    def start(self) -> None:
        argv, cwd, env = self.command()
        self.proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_http(self.port, self.health)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def split(self, board: dict) -> dict | None:
        """The in-process split of a cold join, where the server has one."""
        return None


class TavleServer(Served):
    """``tavle serve`` of one source tree with its own data folder."""

    browser = True
    health = "/healthz"

    def __init__(self, tree: Path, data: Path) -> None:
        super().__init__()
        self.tree = tree
        self.ws_base = f"ws://127.0.0.1:{self.port}/ws/boards"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(tree),
            "TAVLE_DATA_DIR": str(data),
            "TAVLE_ROOM_UNLOAD_SECONDS": "1",
            "TAVLE_LOG_LEVEL": "WARNING",
        }

    def command(self) -> tuple[list[str], Path, dict[str, str]]:
        return (
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)],
            self.tree,
            self.env,
        )

    def python(self, script: str, arg: str) -> dict:
        out = subprocess.run(
            [sys.executable, "-c", script, arg],
            cwd=self.tree,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout)

    def split(self, board: dict) -> dict | None:
        return self.python(SPLIT, board["board_id"])

    def seed(self, label: str, update_file: Path) -> dict:
        return self.python(SEED, str(update_file))


class ReferenceServer(Served):
    """The y-websocket 2.x reference server, persisting to LevelDB (``YPERSISTENCE``)."""

    def __init__(self, data: Path) -> None:
        super().__init__()
        self.ws_base = f"ws://127.0.0.1:{self.port}"
        self.store = data / "leveldb"

    def command(self) -> tuple[list[str], Path, dict[str, str]]:
        env = {"HOST": "127.0.0.1", "PORT": str(self.port), "YPERSISTENCE": str(self.store)}
        return ["node", str(YWS_SERVER)], ROOT, {**os.environ, **env}

    def seed(self, label: str, update_file: Path) -> dict:
        room = "bigboard-" + "".join(c for c in label if c.isalnum())
        subprocess.run(
            ["node", str(NODE_SCRIPT), "seedldb", str(self.store), room, str(update_file)],
            cwd=ROOT,
            check=True,
        )
        return {"board_id": room, "edit_token": ""}


def wait_http(port: int, path: str) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


SHOWN = (
    "() => window.__tavle && window.__tavle.ready && window.__tavle.renderer.items.size >= 10000"
)
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def first_render_ms(server: TavleServer, board: dict) -> float:
    """Chromium: the board's link opened → the first frame with every stroke drawn."""
    from playwright.sync_api import sync_playwright

    url = f"http://127.0.0.1:{server.port}/board/{board['board_id']}#token={board['edit_token']}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(SHOWN, timeout=180_000, polling=20)
        page.evaluate(NEXT_FRAME)
        elapsed = (time.perf_counter() - started) * 1000
        browser.close()
    return elapsed


def unpack_commit(ref: str, dest: Path) -> Path:
    """The source tree of commit ``ref`` in ``dest`` (``git archive``: no worktree made)."""
    dest.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def cold_cycle(pid: int, join: Callable[[], dict], settle: float) -> dict:
    """One join of the unloaded room, then wait until it has unloaded again."""
    before = cpu_ms(pid)
    joined = join()
    cpu = cpu_ms(pid) - before
    loaded = rss_mib(pid)
    time.sleep(settle)  # unload after 1 s, then flush and compaction
    return {
        **joined,
        "cpu_ms": cpu,
        "loaded_mib": loaded,
        "unloaded_mib": rss_mib(pid),
        "load_avg": others_load(),
    }


def run_server(
    name: str,
    server: Served,
    boards: dict[str, Path],
    args: argparse.Namespace,
) -> dict:
    stored = {label: server.seed(label, path) for label, path in boards.items()}
    server.start()
    try:
        time.sleep(2)
        pid = server.proc.pid  # type: ignore[union-attr]
        result: dict = {"tree": name, "idle_mib": rss_mib(pid), "boards": {}}
        for label, board in stored.items():
            before_mib = rss_mib(pid)  # the mark memory should come back to
            cycles = [
                cold_cycle(pid, lambda b=board: new_client_join(server.ws_base, b), args.settle)
                for _ in range(args.cycles)
            ]
            same = Client(server.ws_base, board)  # one client process, joining again and again
            reused = [cold_cycle(pid, same.ask, args.settle) for _ in range(args.cycles)]
            holder = Client(server.ws_base, board)
            holder.ask("hold")
            warm, warm_cpu, warm_reused = [], [], []
            for _ in range(args.warm):
                before = cpu_ms(pid)
                warm.append(new_client_join(server.ws_base, board)["ms"])
                warm_cpu.append(cpu_ms(pid) - before)
                warm_reused.append(same.ask()["ms"])
            holder.close()
            same.close()
            time.sleep(args.settle)
            shown = (
                first_render_ms(server, board)  # type: ignore[arg-type]
                if args.browser and server.browser
                else float("nan")
            )
            time.sleep(args.settle)
            result["boards"][label] = {
                "cycles": cycles,
                "reused": reused,
                "warm_ms": warm,
                "warm_reused_ms": warm_reused,
                "before_mib": before_mib,
                "warm_cpu_ms": warm_cpu,
                "browser_ms": shown,
                "split": server.split(board),
            }
        result["end_mib"] = rss_mib(pid)
        return result
    finally:
        server.stop()


def report_split(results: list[dict], floors: dict[str, dict]) -> None:
    print(
        "\nwhere a cold join's time goes (in-process, best of 5 after a warm-up; the stored "
        "board as the last cold join left it):"
    )
    rows = [
        (res["tree"], label, board)
        for res in results
        for label, board in res["boards"].items()
        if board["split"]
    ]
    steps = list(rows[0][2]["split"]["ms"])
    print("| step | " + " | ".join(f"{tree}, {label}" for tree, label, _ in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for step in steps:
        cells = [f"{board['split']['ms'].get(step, float('nan')):.1f}" for _, _, board in rows]
        print(f"| server: {step} ms | " + " | ".join(cells) + " |")
    print(
        "| server: store rows read | "
        + " | ".join(str(board["split"]["rows"]) for _, _, board in rows)
        + " |"
    )
    print(
        "\nthe client's floor: a new Node process applies the board to a Y.Doc with an "
        "update listener (median of 5; bare: without the listener):"
    )
    for label, floor in floors.items():
        print(f"  {label}: {floor['ms']:.0f} ms (bare {floor['bare_ms']:.0f} ms)")


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"


def report(results: list[dict]) -> None:
    print(
        "\ncold join by a new client (provider created → synced with the whole board), "
        "RSS just after and after the unload:"
    )
    print(
        "| server | board | cycle | cold ms | sync event ms | server CPU ms | synced bytes "
        "| RSS loaded MiB | RSS unloaded MiB | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for res in results:
        for label, board in res["boards"].items():
            for i, c in enumerate(board["cycles"], 1):
                print(
                    f"| {res['tree']} | {label} | {i} | {c['ms']:.0f} | {c['sync_ms']:.0f} | "
                    f"{c['cpu_ms']:.0f} | {c['bytes']:,} | "
                    f"{c['loaded_mib']:.0f} | {c['unloaded_mib']:.0f} | {c['load_avg']} |"
                )
    print(
        "\nsummary (ms: median (min–max); 'new client': a new process per join, as a new "
        "browser tab; 'warmed-up client': joins 2… of one process):"
    )
    print(
        "| server | board | idle MiB | cold, new client | cold, warmed-up client "
        "| server CPU ms per cold join | warm, new client | warm, warmed-up client "
        "| server CPU ms per warm join | RSS before → unloaded first → last MiB "
        "| synced MB | Chromium link → first full render ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for res in results:
        for label, board in res["boards"].items():
            cold = [c["ms"] for c in board["cycles"]]
            reused = [c["ms"] for c in board["reused"][1:] or board["reused"]]
            unloaded = [c["unloaded_mib"] for c in board["cycles"] + board["reused"]]
            cpu = statistics.median(c["cpu_ms"] for c in board["cycles"][1:] or board["cycles"])
            print(
                f"| {res['tree']} | {label} | {res['idle_mib']:.0f} | {spread(cold)} | "
                f"{spread(reused)} | {cpu:.0f} | {spread(board['warm_ms'])} | "
                f"{spread(board['warm_reused_ms'])} | "
                f"{statistics.median(board['warm_cpu_ms']):.0f} | "
                f"{board['before_mib']:.0f} → {unloaded[0]:.0f} → {unloaded[-1]:.0f} | "
                f"{board['cycles'][-1]['bytes'] / 1e6:.2f} | {board['browser_ms']:.0f} |"
            )


def client_floor(update_file: Path) -> dict:
    runs = [
        json.loads(
            subprocess.run(
                ["node", str(NODE_SCRIPT), "apply", str(update_file)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(5)
    ]
    return {key: statistics.median(r[key] for r in runs) for key in ("ms", "bare_ms")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", default="a92bd05", help="commit of the old server (a92bd05)")
    parser.add_argument(
        "--servers",
        default="old,this,reference",
        help="which to run, in order (old,this,reference)",
    )
    parser.add_argument(
        "--cycles", type=int, default=10, help="cold loads per board, for each kind of client (10)"
    )
    parser.add_argument("--warm", type=int, default=5, help="warm joins per board (5)")
    parser.add_argument(
        "--settle",
        type=float,
        default=4.0,
        help="seconds after a client left: unload (1 s), flush, compaction (4)",
    )
    parser.add_argument(
        "--no-browser",
        dest="browser",
        action="store_false",
        help="leave out the Chromium measurement",
    )
    parser.add_argument("--json", help="write the raw results to this file")
    args = parser.parse_args()
    servers = args.servers.split(",")
    with tempfile.TemporaryDirectory(prefix="tavle-bigboard-src-") as tmp:
        work = Path(tmp)
        files = {fmt: work / f"format{fmt}.bin" for fmt in (1, 2)}
        for fmt, path in files.items():
            made = subprocess.run(
                ["node", str(NODE_SCRIPT), "seed", str(path), str(fmt)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            print(
                f"board of 10,000 strokes, format {fmt}: "
                f"{json.loads(made.stdout)['bytes']:,} bytes encoded"
            )
        floors = {f"format {fmt}": client_floor(path) for fmt, path in files.items()}
        old = work / "old"
        if "old" in servers:
            unpack_commit(args.old, old)
            (old / "node_modules").symlink_to(ROOT / "node_modules")
        for tree in (old, ROOT):  # each server serves its own client bundle
            if tree.exists() and args.browser:
                subprocess.run(
                    ["node", "static/build.mjs"], cwd=tree, check=True, stdout=subprocess.DEVNULL
                )
        runs = {
            "old": lambda data: run_server(
                f"old {args.old}", TavleServer(old, data), {"format 1": files[1]}, args
            ),
            "this": lambda data: run_server(
                "this tree",
                TavleServer(ROOT, data),
                {"format 1 (upgraded on its first load)": files[1], "format 2": files[2]},
                args,
            ),
            "reference": lambda data: run_server(
                "y-websocket 2.x + LevelDB", ReferenceServer(data), {"format 2": files[2]}, args
            ),
        }
        results = []
        for name in servers:
            with tempfile.TemporaryDirectory(prefix="tavle-bigboard-") as data:
                results.append(runs[name](Path(data)))
    report(results)
    report_split(results, floors)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
