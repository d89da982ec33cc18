"""The attack benchmark runs end to end for a second (no timing asserted: speed is for
``make bench``): the healthy pair gets every update, the attackers are closed with
their codes, and the report has its row and its verdict."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_attack_bench_runs_and_reports() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.attack_bench", "--duration", "1", "--rate", "5",
         "--quiet", "0.5"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("| this tree |"))
    assert "| 5 / 5 |" in row and row.endswith("| yes |"), row
    assert "close 4400" in done.stdout  # the bombers were refused
    assert "this tree: target (" in done.stdout
