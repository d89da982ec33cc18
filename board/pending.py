"""What of an update a doc has not integrated: pycrdt's pending structs and deletions.

pycrdt (like Yjs) keeps the structs of an update whose dependencies it lacks, and
deletions of items it lacks, *pending*: they count in neither ``get_state()`` nor
``get_update()`` (TECH_NOTES). A room must know when that happens, because a later
update that fills the gap integrates them too, and its own bytes then say less than
what the doc changed. :func:`leftover` answers it in Rust, from the doc's state
vector (everything below a client's clock there is integrated; a pending struct
never counts):

- structs: ``get_update(update, state)`` keeps exactly the structs at or above the
  state's clocks, i.e. the ones not integrated;
- deletions: a deleted range is applied only once its items are there; a probe
  update of one GC struct per client, at the last deleted clock, survives
  ``get_update(probe, state)`` exactly when the state is short of it.
"""

from __future__ import annotations

from pycrdt import get_update, write_var_uint


def read_varuint(data: bytes, pos: int) -> tuple[int, int]:
    """One lib0 varuint at ``pos``: (value, position after it)."""
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def deletion_ends(delete_set: bytes, pos: int = 0) -> dict[int, int]:
    """Per client, the clock just past the last item a delete set deletes."""
    ends: dict[int, int] = {}
    clients, pos = read_varuint(delete_set, pos)
    for _ in range(clients):
        client, pos = read_varuint(delete_set, pos)
        ranges, pos = read_varuint(delete_set, pos)
        end = 0
        for _ in range(ranges):
            clock, pos = read_varuint(delete_set, pos)
            length, pos = read_varuint(delete_set, pos)
            end = max(end, clock + length)
        ends[client] = end
    return ends


def reaches(state: bytes, ends: dict[int, int]) -> bool:
    """Whether a doc with state vector ``state`` has every item below ``ends``."""
    wanted = [(client, end) for client, end in ends.items() if end > 0]
    if not wanted:
        return True
    probe = [write_var_uint(len(wanted))]
    for client, end in wanted:  # one struct per client: GC (info 0) of length 1 at end - 1
        probe += [b"\x01", write_var_uint(client), write_var_uint(end - 1), b"\x00\x01"]
    probe.append(b"\x00")  # no delete set
    return get_update(b"".join(probe), state)[:1] == b"\x00"


def leftover(update: bytes, state: bytes) -> bytes | None:
    """What of ``update`` a doc with state vector ``state`` holds pending (structs it
    could not integrate and the delete set, as an update), or None: all integrated."""
    rest = get_update(update, state)
    if rest[:1] != b"\x00":
        return rest
    return None if reaches(state, deletion_ends(rest, 1)) else rest
