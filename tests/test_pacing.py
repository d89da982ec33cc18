"""The send interval follows the process CPU use (server/sync/pacing.py), with real CPU time."""

from __future__ import annotations

import time

from server.sync.pacing import Pacing


def burn(seconds: float) -> None:
    """Use ``seconds`` of this process's CPU time."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_batching_starts_when_busy_and_stops_only_well_below() -> None:
    pacing = Pacing(interval=0.033, busy_share=0.10)
    assert pacing.gap == 0.0  # a new server writes at once
    pacing.update(0.0)
    burn(1.5)
    pacing.update(0.5)  # under a second since the last look: not re-decided
    assert pacing.gap == 0.0
    pacing.update(10.0)  # ≥ 15 % of a core over those 10 s
    assert pacing.gap == 0.033
    burn(0.85)
    pacing.update(20.0)  # 8.5 %: under the start, above three quarters of it
    assert pacing.gap == 0.033
    pacing.update(30.0)  # next to nothing
    assert pacing.gap == 0.0


def test_a_zero_share_always_batches() -> None:
    pacing = Pacing(interval=0.05, busy_share=0)
    assert pacing.gap == 0.05
    pacing.update(0.0)
    pacing.update(100.0)
    assert pacing.gap == 0.05
