"""Give memory back to the system once a big board has been dropped.

A room's document lives in pycrdt's (Rust) heap and its load in a worker thread's
malloc arena; freed, those pages stay with the process unless malloc is asked to
return them, so each cold load of a big board used to leave ~50 MB behind
(docs/benchmarks.md, "The big board"). After a room unloads, the cyclic collector
runs (a room and its connections refer to each other) and glibc's ``malloc_trim``
returns the free pages of every arena. Elsewhere than glibc only the collection runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc


def _glibc_trim() -> object | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc.malloc_trim if libc is not None else None  # glibc only
    except (OSError, AttributeError):
        return None


_TRIM = _glibc_trim()


def give_back() -> None:
    """Collect garbage cycles, then return the free heap pages to the system."""
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)  # type: ignore[operator]
