"""The command line's start-up: ``tavle --help`` and a PNG export of the example board.

In ONE invocation, for the old tree (``--old``, unpacked with ``git archive``) and this
tree, each as a whole process the way a person runs it (``python -m server.cli`` with
that tree on ``PYTHONPATH``), in alternating order, ``--runs`` times: ``tavle --help``,
and ``tavle export BOARD --format png`` of the example plan
(``docs/examples/familieplan.json`` imported with the ``vejen`` template into a fresh
SQLite store of that tree). Prints the median and the fastest wall time of each and
the median CPU time (user + system: what a busy machine disturbs least), and the load
average before and after.

Both trees run with Python's bytecode cache, as a person's second ``tavle`` does: one
cache folder in the bench's temporary folder (``PYTHONPYCACHEPREFIX``), filled by a
warm-up run of each tree, whatever ``PYTHONDONTWRITEBYTECODE`` the caller has set
(without the cache every run compiles the tree's own modules: ~40 ms more here).

Run: ``.venv/bin/python -m bench.cli_bench [--old a92bd05] [--runs 9]``.
Targets (issue 17): ``tavle --help`` ≤ 150 ms, the export ≤ 600 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bigboard_bench import ROOT, others_load, unpack_commit

EXAMPLE = Path("docs") / "examples" / "familieplan.json"  # each tree's own copy


def timed(cmd: list[str], tree: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall ms and CPU ms (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        cmd, cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", default="a92bd05", help="commit of the old tree (a92bd05)")
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (9)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tavle-cli-bench-") as tmp:
        work = Path(tmp)
        trees = {f"old {args.old}": unpack_commit(args.old, work / "old"), "this tree": ROOT}
        commands: dict[str, dict[str, list[str]]] = {}
        envs: dict[str, dict[str, str]] = {}
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        load_before = others_load()
        for name, tree in trees.items():
            data = work / f"data-{len(envs)}"
            envs[name] = {**cached, "PYTHONPATH": str(tree), "TAVLE_DATA_DIR": str(data)}
            tavle = [sys.executable, "-m", "server.cli"]
            made = subprocess.run(
                [*tavle, "board", "import", str(tree / EXAMPLE), "--template", "vejen"],
                cwd=tree,
                env=envs[name],
                capture_output=True,
                text=True,
                check=True,
            )
            board = json.loads(made.stdout)["board_id"]
            out = str(work / f"{board}.png")
            commands[name] = {
                "tavle --help": [*tavle, "--help"],
                "tavle export BOARD --format png": [
                    *tavle,
                    "export",
                    board,
                    "--format",
                    "png",
                    "-o",
                    out,
                ],
            }
            timed(commands[name]["tavle export BOARD --format png"], tree, envs[name])  # warm-up
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for run in range(args.runs):
            order = list(trees) if run % 2 == 0 else list(reversed(trees))
            for name in order:
                for label, cmd in commands[name].items():
                    times.setdefault((name, label), []).append(timed(cmd, trees[name], envs[name]))
    print(
        f"load average (1 min) before: {load_before}, at the end: {others_load()} "
        f"({os.cpu_count()} cores)"
    )
    print("| command | tree | wall ms median | wall ms fastest | CPU ms median |")
    print("|---|---|---|---|---|")
    for (name, label), values in sorted(times.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(
            f"| {label} | {name} | {statistics.median(walls):.0f} | {min(walls):.0f} | "
            f"{statistics.median(cpus):.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
