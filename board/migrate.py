"""Old boards brought to the current format when a room loads them.

Format 1 → 2 (docs/board-format.md): every format 1 stroke is rewritten with its
``ink`` in one transaction, and ``meta.format`` set to 2. What readers see does not
change: a stroke is written as the reader read it (its points rounded, a wrong
field at its default), and an element no reader can use is left as it was.
"""

from __future__ import annotations

from pycrdt import Doc, Map

from board import schema
from board.elements import clean_element
from board.ink import stored

ORIGIN = "server"  # a server edit: the guard trusts it; the room logs and publishes it


def needs_upgrade(doc: Doc) -> bool:
    """A board of an older format that has drawing elements (a new, empty doc has none)."""
    fmt = doc.get(schema.META, type=Map).get("format")
    old = not isinstance(fmt, int | float) or fmt < schema.FORMAT_VERSION
    return old and len(doc.get(schema.ELEMENTS, type=Map)) > 0


def upgrade(doc: Doc) -> bytes:
    """Rewrite a format 1 board as format 2; the update that did it (b"" if nothing to do)."""
    if not needs_upgrade(doc):
        return b""
    elements = doc.get(schema.ELEMENTS, type=Map)
    rewritten = {}
    for key, raw in elements.items():
        if isinstance(raw, dict) and raw.get("type") == "stroke" and "ink" not in raw:
            clean, _problems = clean_element(key, raw)
            if clean is not None:
                rewritten[key] = stored(clean)
    before = doc.get_state()
    with doc.transaction(origin=ORIGIN):
        for key, value in rewritten.items():
            elements[key] = value
        doc.get(schema.META, type=Map)["format"] = schema.FORMAT_VERSION
    return doc.get_update(before)
