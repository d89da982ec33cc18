"""Fuzz: a few thousand hostile frames over many connections; the server stays up, lean
and on time for everyone else.

A separate process (``tests/fuzzer.py``, seeded) sends random bytes, truncated varints,
huge length prefixes, the bombs of issue 13, valid frames with corrupt updates, good
updates, awareness that is oversized, corrupt or for other ids, text frames and state
vectors, over 8 connections with edit and view tokens of one board, reconnecting
whenever the server closes one; each frame is followed by a query-awareness whose answer
shows it was handled. Meanwhile a pair in another room sends and receives 20
updates a second, each within 100 ms (see SLOW_SHARE for the machine's own noise).
Bounded: 2,500 frames, well under a minute.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

from bench.attack_bench import healthy_pair, percentile
from bench.attacks import memory_mb
from tests.fuzzer import fuzz_process
from tests.test_bad_input import still_alive
from tests.yclient import create_board, running_server

FRAMES = 2500
SEED = 13
DELAY_MS = 100.0
# The shared 2-core machine this was written on delays a quiet pair too: with nothing
# else on the server, at load average 30, 9 of 700 updates took 103-213 ms, and once a
# fuzz run saw one 650-ms hold-up. So: at most 5 % of the updates over DELAY_MS, none
# over STALL_MS. The old server failed far beyond that: each of the ~100 bombs (state
# vector, client count, object) held its event loop for 0.3-0.7 s; deep nesting killed it.
SLOW_SHARE = 0.05
STALL_MS = 1000.0
RSS_GROWTH_MB = 100.0
SLOTS = 8


@contextlib.contextmanager
def ranked_above_other_sessions(nice: int = -10) -> Iterator[None]:
    """Rank this session (this process, the server it started, the fuzzer) above the other
    sessions of a shared machine while the 100-ms bound is measured, as ``--nice`` does in
    the benchmarks: the bound is about the server's event loop, and another session's
    test run should not decide it. Needs root (or CAP_SYS_NICE); else a no-op."""
    autogroup = Path("/proc/self/autogroup")
    try:
        before = autogroup.read_text().split("nice")[1].strip()
        autogroup.write_text(str(nice))
    except (OSError, IndexError):
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            autogroup.write_text(before)


async def test_fuzzed_frames_leave_the_server_up_lean_and_on_time(tmp_path) -> None:
    with running_server(tmp_path) as srv:
        assert srv.proc is not None
        pid = srv.proc.pid
        target, healthy, other = (create_board(srv.http) for _ in range(3))
        room = f"{srv.ws}/ws/boards/{target['board_id']}?token="
        urls = [room + target["edit_token" if i % 2 else "view_token"] for i in range(SLOTS)]
        rss_before = memory_mb(pid)
        spawn = multiprocessing.get_context("spawn")
        receive, send = spawn.Pipe(duplex=False)
        fuzzer = spawn.Process(target=fuzz_process, args=(urls, FRAMES, SEED, send))
        with ranked_above_other_sessions():
            fuzzer.start()
            pair = await healthy_pair(srv.ws, healthy, 20, 60, stop=lambda: not fuzzer.is_alive())
            fuzzer.join(30)
        tally = receive.recv() if receive.poll(5) else {}
        log = srv.log()
        assert srv.proc.poll() is None, log[-3000:]
        assert tally.get("frames") == FRAMES, tally
        assert "Traceback" not in log, log[log.index("Traceback") - 500 :][:3000]
        assert pair["lost"] == 0 and pair["sent"] >= 20, pair
        delays = pair["delays"]
        slow = [round(d) for d in delays if d > DELAY_MS]
        p50, p99 = percentile(delays, 50), percentile(delays, 99)
        print(f"fuzz: {tally}; pair p50 {p50:.1f} ms, p99 {p99:.1f} ms, slow: {slow}")
        assert len(slow) <= SLOW_SHARE * pair["sent"], f"{len(slow)} of {pair['sent']}: {slow}"
        assert max(delays) < STALL_MS, f"an update took {max(delays):.0f} ms"
        assert memory_mb(pid) - rss_before < RSS_GROWTH_MB
        assert memory_mb(pid, "VmHWM") - rss_before < 2 * RSS_GROWTH_MB
        await still_alive(srv, target, other, "alive")
