"""``make bench``: run every benchmark in ``bench/``, one subprocess each, in turn.

Each benchmark prints its own comparison. They run one after another (never at the
same time) because they measure CPU on a shared machine; a benchmark that is not
there yet is reported and skipped, one that fails makes the exit status non-zero.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BENCHMARKS = ("sync_bench", "render_bench", "export_bench", "board_bench")


def main() -> int:
    failed: list[str] = []
    for name in BENCHMARKS:
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
