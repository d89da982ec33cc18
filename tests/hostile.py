"""Helpers for the hostile-client tests: the server's memory and the frames of the attacks."""

from __future__ import annotations

from pycrdt import write_var_uint

from tests.conftest import ServerProcess


def memory_mb(srv: ServerProcess, field: str = "VmRSS") -> float:
    """The server process's resident memory (``VmRSS``) or its peak (``VmHWM``) in MB."""
    assert srv.proc is not None
    with open(f"/proc/{srv.proc.pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} in /proc/{srv.proc.pid}/status")


def sync_frame(sub: int, payload: bytes) -> bytes:
    """A sync frame (0 SyncStep1, 1 SyncStep2, 2 Update) around ``payload``."""
    return bytes([0, sub]) + write_var_uint(len(payload)) + payload


def string(text: str) -> bytes:
    raw = text.encode()
    return write_var_uint(len(raw)) + raw


def any_item(content: bytes) -> bytes:
    """An update with one struct of client 7 setting map ``m`` key ``k`` to Any ``content``."""
    return b"\x01\x01\x07\x00\x28\x01" + string("m") + string("k") + b"\x01" + content + b"\x00"


HUGE = 2**28
STATE_VECTOR_BOMB = sync_frame(0, write_var_uint(HUGE))  # 8 bytes: 0.5 GB in pycrdt
CLIENT_COUNT_BOMB = sync_frame(1, write_var_uint(HUGE))  # an update claiming 2**28 clients
OBJECT_BOMB = sync_frame(2, any_item(b"\x76" + write_var_uint(HUGE // 2)))
DEEP_NESTING = sync_frame(1, any_item(b"\x75\x01" * 60_000 + b"\x7e"))  # 120 KB
