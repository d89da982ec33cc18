"""The card description shared with the browser (``board/cards.json``) and text measuring.

Words are measured by the font's advance widths (no kerning, no ligatures), which the
canvas matches with ``fontKerning = "none"`` and ``textRendering = "optimizeSpeed"``:
both sides break lines at the same places, so a card is the same size on the screen
and in the picture.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from plan_export.text import FONT_BOLD, FONT_REGULAR, font_advances

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "board" / "cards.json").read_text(encoding="utf-8")
)
LINE_HEIGHT: float = SPEC["line_height"]
PAD: int = SPEC["pad"]
GAP: int = SPEC["gap"]
MIN_SCREEN_PX: float = SPEC["min_screen_px"]


@cache
def _advances(bold: bool) -> tuple[dict[int, int], int, int]:
    widths, upm = font_advances(FONT_BOLD if bold else FONT_REGULAR)
    return widths, upm, widths.get(ord(SPEC["font"]["missing"]), upm // 2)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` at ``size`` (same unit as size) by advance widths."""
    widths, upm, missing = _advances(bold)
    return sum(widths.get(ord(c), missing) for c in text) * size / upm


class Measure:
    """A font-like object for :func:`plan_export.text.wrap` (it asks ``getlength``)."""

    def __init__(self, size: float, bold: bool) -> None:
        self.size, self.bold = size, bold

    def getlength(self, text: str) -> float:
        return text_width(text, self.size, self.bold)


def kind_spec(kind: str) -> dict[str, Any]:
    return SPEC["kinds"].get(kind) or SPEC["kinds"]["goal"]
