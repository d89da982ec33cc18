"""Board model costs: the guard per client update, and defensive reading of a big board.

Compares the guard's work after each update with the cost of applying that update
in pycrdt (what the room pays anyway), and the defensive reader with a plain
``to_py()`` of the same maps. Prints one row per measurement.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path

from pycrdt import Doc, Map

from board import ink, schema
from board.limits import Guard
from board.read import read_elements, read_plan
from board.write import write_plan
from plan_export.record import record_to_plan

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "familieplan.json"


def stroke(i: int, rng: random.Random, fmt: int = 1) -> dict:
    """A stroke of 32 points, stored as board format ``fmt`` says (2: its ``ink``)."""
    x, y = rng.randrange(0, 100_000), rng.randrange(0, 60_000)
    points = [v for k in range(32) for v in (x + 30 * k, y + rng.randrange(-40, 40), 500)]
    element = {
        "id": f"s{i}",
        "type": "stroke",
        "z": i,
        "author": "Mette",
        "created": 1_700_000_000_000,
        "points": points,
        "color": "#1d3557",
        "width": 30,
        "tool": "pen",
    }
    return ink.stored(element) if fmt == 2 else element


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Best-of-3 mean seconds per call."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - started) / repeat)
    return best


def main() -> None:
    for fmt in (1, 2):
        measure(fmt)


def measure(fmt: int) -> None:
    rng = random.Random(7)
    board = Doc()
    write_plan(board, record_to_plan(json.loads(EXAMPLE.read_text(encoding="utf-8"))))
    elements = board.get(schema.ELEMENTS, type=Map)
    with board.transaction():
        for i in range(10_000):
            elements[f"s{i}"] = stroke(i, rng, fmt)
    guard = Guard(board)
    updates = []
    for i in range(10_000, 10_200):
        source = Doc()
        source.get(schema.ELEMENTS, type=Map)[f"s{i}"] = stroke(i, rng, fmt)
        updates.append(source.get_update())
    apply_only = Doc()
    apply_only.apply_update(board.get_update())
    pending = iter(updates)
    baseline = iter(updates)
    t_apply = timed(lambda: apply_only.apply_update(next(baseline)), 60)

    def apply_and_guard() -> None:
        board.apply_update(next(pending))
        assert guard.after_update("professional") == []

    t_guard = timed(apply_and_guard, 60)
    t_idle = timed(lambda: guard.after_update("professional"), 10_000)
    t_read_el = timed(lambda: read_elements(board), 1)
    t_to_py = timed(lambda: board.get(schema.ELEMENTS, type=Map).to_py(), 1)
    t_read_plan = timed(lambda: read_plan(board), 20)
    print(
        f"board model, format {fmt} (10,000 strokes of 32 points + the example family plan, "
        f"{len(board.get_update()):,} bytes)"
    )
    print(f"  apply one stroke update, pycrdt only       {t_apply * 1e6:9.0f} µs")
    print(f"  apply one stroke update + guard            {t_guard * 1e6:9.0f} µs")
    print(f"  guard with nothing changed                 {t_idle * 1e6:9.1f} µs")
    print(f"  read_elements (defensive), whole board     {t_read_el * 1e3:9.0f} ms")
    print(f"  plain to_py() of the elements map          {t_to_py * 1e3:9.0f} ms")
    print(f"  read_plan of the family plan               {t_read_plan * 1e3:9.2f} ms")


if __name__ == "__main__":
    main()
