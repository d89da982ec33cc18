"""When to batch the writes to clients: only while this process is busy.

Writing each client at most once per send interval saves the largest part of a
busy server's cost (a socket write per delivery, docs/benchmarks.md) but holds
edits back by up to that interval. That pays only near the event loop's limit; a
quiet server writes every edit at once. The signal is this process's own CPU time
over the last second (``time.process_time``), looked at no more than once a second.
"""

from __future__ import annotations

import time

SAMPLE_SECONDS = 1.0
QUIET_FRACTION = 0.75  # of busy_share


class Pacing:
    """The send interval in force: ``interval`` while busy, else 0.

    Busy from ``busy_share`` of one core; quiet again below three quarters of that,
    since the batching itself lowers the load it reacts to (by up to a third at the
    benchmark's load). ``busy_share`` 0: always batch.
    """

    def __init__(self, interval: float, busy_share: float) -> None:
        self.interval = interval
        self.busy_share = busy_share
        self.gap = interval if busy_share <= 0 else 0.0
        self._sampled: tuple[float, float] | None = None  # (loop time, process CPU time)

    def update(self, now: float) -> None:
        """Re-decide at loop time ``now`` if the last decision is a second old."""
        sampled = self._sampled
        if sampled is not None and now - sampled[0] < SAMPLE_SECONDS:
            return
        cpu = time.process_time()
        self._sampled = (now, cpu)
        if sampled is None:
            return
        share = (cpu - sampled[1]) / (now - sampled[0])
        if share >= self.busy_share:
            self.gap = self.interval
        elif share < self.busy_share * QUIET_FRACTION:
            self.gap = 0.0
