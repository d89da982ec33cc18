"""The sync benchmark runs end to end at a tiny load against both servers.

No timing is asserted (speed is for ``make bench``): only that the runner starts both
servers, every update reaches every other client of its room exactly once, and the
report has one row per server plus the ratios.
"""

from __future__ import annotations

import json
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
         "--rate", "5", "--duration", "2", "--drain", "10", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = {r["server"]: r for r in json.loads(out.read_text())["results"]}
    assert set(results) == {"tavle", "y-websocket"}
    for name, r in results.items():
        assert r["connected"] == 4, (name, r)
        assert r["sent"] == 4 * 10, (name, r)  # 2 s × 5/s from each of 4 clients
        assert r["expected"] == r["sent"], (name, r)  # one other client per room
        assert r["delivered"] == r["expected"], (name, r)
        assert r["incompleteUpdates"] == r["duplicates"] == r["foreign"] == 0, (name, r)
        assert r["closesDuringRun"] == {}, (name, r)
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in rows] == ["server", "y-websocket", "tavle"]
    assert "Tavle / y-websocket: CPU/1k" in done.stdout
