"""``make bench``: run every benchmark in ``bench/``, one subprocess each, in turn.

A benchmark is a module ``bench/<name>_bench.py`` that prints its own comparison;
the known ones run first in a fixed order, any other found is run after them. They
run one after another (never at the same time) because they measure CPU on a shared
machine; a known one that is not there yet is reported and skipped, one that fails
makes the exit status non-zero.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
KNOWN = ("sync_bench", "render_bench", "export_bench", "board_bench")


def benchmarks() -> list[str]:
    """The known benchmarks in their order, then any other ``*_bench.py`` found."""
    found = sorted(p.stem for p in BENCH.glob("*_bench.py"))
    return [*KNOWN, *(name for name in found if name not in KNOWN)]


def main() -> int:
    failed: list[str] = []
    for name in benchmarks():
        if not (BENCH / f"{name}.py").exists():
            print(f"== {name}: not present, skipped", flush=True)
            continue
        print(f"== {name}", flush=True)
        started = time.monotonic()
        code = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=BENCH.parent).returncode
        print(f"== {name}: exit {code} after {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
