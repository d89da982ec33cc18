"""The sync benchmark runs end to end at a tiny load against both servers.

No timing is asserted (speed is for ``make bench``): only that the runner starts both
servers, every update reaches every other client of its room exactly once, and the
report has one row per server plus the ratios.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.node


def test_sync_bench_tiny_load_delivers_everything(node: str, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.sync_bench", "--rooms", "2", "--clients", "2",
         "--rate", "5", "--duration", "2", "--drain", "10", "--rounds", "2",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=150,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())["results"]
    # the order is reversed in the second round: a drift of the machine's speed hits both
    assert [(r["round"], r["server"]) for r in results] == [
        (1, "y-websocket"), (1, "tavle"), (2, "tavle"), (2, "y-websocket"),
    ]  # fmt: skip
    for r in results:
        name = r["server"]
        assert r["connected"] == 4, (name, r)
        assert r["sent"] == 4 * 10, (name, r)  # 2 s × 5/s from each of 4 clients
        assert r["expected"] == r["sent"], (name, r)  # one other client per room
        assert r["delivered"] == r["expected"], (name, r)
        assert r["incompleteUpdates"] == r["duplicates"] == r["foreign"] == 0, (name, r)
        assert r["closesDuringRun"] == {}, (name, r)
    rows = [line.split("|")[1:3] for line in done.stdout.splitlines() if line.startswith("| ")]
    assert [(k.strip(), name.strip()) for k, name in rows[1:]] == [
        ("1", "y-websocket"), ("1", "tavle"), ("2", "tavle"), ("2", "y-websocket"),
    ]  # fmt: skip
    assert "round 1: CPU/1k" in done.stdout and "round 2: CPU/1k" in done.stdout
    assert "Tavle / y-websocket (median of 2 rounds): CPU/1k" in done.stdout


def test_meeting_bench_tiny_meetings_deliver_everything(node: str, tmp_path: Path) -> None:
    """Both modes of the meeting benchmark at a tiny load: compare (one round of each
    server) and capacity (pinned, one step); every update and awareness state arrives
    exactly once, the late joiners (npm WebsocketProvider) sync with nothing missing."""
    common = ["--clients", "4", "--duration", "3", "--drain", "10", "--join-every", "2"]
    runs = {}
    for mode, extra in {
        "compare": ["--meetings", "2", "--rounds", "1"],
        "capacity": ["--capacity", "--start", "1", "--max-meetings", "1", "--retries", "0"],
    }.items():
        out = tmp_path / f"{mode}.json"
        done = subprocess.run(
            [sys.executable, "-m", "bench.meeting_bench", *common, *extra, "--json", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=150,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        runs[mode] = (done.stdout, json.loads(out.read_text())["results"])
    for mode, (stdout, results) in runs.items():
        assert sorted(r["server"] for r in results) == ["tavle", "y-websocket"], mode
        for r in results:
            what = (mode, r["server"], r)
            assert r["connected"] == r["meetings"] * 4, what
            for kind in ("updates", "awareness"):
                k = r[kind]
                assert k["sent"] > 0 and k["expected"] == k["sent"] * 3, what
                assert k["delivered"] == k["expected"] and k["incomplete"] == 0, what
                assert k["duplicates"] == k["foreign"] == k["outOfOrder"] == 0, what
            assert r["joins"]["count"] >= 1 and r["joins"]["synced"] == r["joins"]["count"], what
            assert r["joins"]["missing"] == 0, what
            assert r["closesDuringRun"] == {}, what
        assert "| round | server" in stdout
    assert "Tavle / y-websocket (median of 1 rounds): CPU/1k" in runs["compare"][0]
    assert re.search(r"meetings per core: y-websocket \d+, tavle \d+", runs["capacity"][0])
    assert re.search(r"fill one core .*: y-websocket \d+, tavle \d+", runs["capacity"][0])
