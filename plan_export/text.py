"""Text shared by every exporter: cleaning, the shipped font, wrapping, Danish dates.

User text reaches PNG, SVG, PDF and FHIR alike, so it is cleaned once here: NFC
(so "ø" typed as o + combining stroke is one glyph), no control characters (they
are invalid in XML and break PDF text), no bidi overrides (they can make a text
read as something else), and a length cap. Words are measured with the same
TTF that draws them, so wrapping is identical in the PNG and the SVG.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from board.i18n import t
from board.safetext import safe_text

if TYPE_CHECKING:  # the font libraries are imported when a picture is drawn (a server that
    from PIL import ImageFont  # only writes records and FHIR stays ~10 MB smaller)

FONT_DIR = Path(__file__).with_name("fonts")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

_SPACES = re.compile(r"[ \t]+")
ELLIPSIS = "…"


def clean(text: object, limit: int = 2000) -> str:
    """Return ``text`` as safe, NFC-normalised text of at most ``limit`` characters."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = safe_text(text)
    if len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return text


@cache
def font_advances(path: Path) -> tuple[dict[int, int], int]:
    """Every character the font at ``path`` has, with its advance width in font units,
    and the font's units per em (its ``cmap`` and ``hmtx`` tables).

    The glyphs are given numbered names instead of their own: reading those (the
    ``post`` table and fontTools' Adobe glyph list) cost ~10 ms a font in a one-off
    export, and nothing here needs them.
    """
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
    hmtx = font["hmtx"]
    widths = {code: hmtx[name][0] for code, name in font.getBestCmap().items()}
    return widths, font["head"].unitsPerEm


_LATIN_1 = re.compile("[\n\x20-\x7e\xa0-\xff]*")  # every one of these is in both fonts
MISSING = "□"  # drawn for a character the shipped font lacks (an emoji): seen, never dropped


def drawable(text: str, bold: bool = False) -> str:
    """Replace each character the shipped font has no glyph for by a visible □.

    A grapheme built of several such characters (an emoji family joined by U+200D, a flag,
    an emoji with a skin tone or variation selector) becomes one □. Text of Latin-1
    letters only (most Danish text) needs no look-up in the font's character map, whose
    reading costs ~25 ms of a one-off export with fontTools' import (tests/test_export_image.py
    checks that both fonts have every one of them).
    """
    if _LATIN_1.fullmatch(text):
        return text
    chars = font_advances(FONT_BOLD if bold else FONT_REGULAR)[0]
    if all(ord(c) in chars or c == "\n" for c in text):
        return text
    out: list[str] = []
    glued = flag = False  # the last □ continues (after a ZWJ); a flag's first half was seen
    for c in text:
        if c in _JOINERS or (unicodedata.category(c) == "Mn" and out and out[-1] == MISSING):
            glued = c == "\u200d" and bool(out) and out[-1] == MISSING  # no ink of their own
            continue
        regional = _REGIONAL <= ord(c) <= _REGIONAL + 25
        if ord(c) in chars or c == "\n":
            out.append(c)
        elif glued or (regional and flag):
            pass  # the rest of the grapheme just shown as □
        else:
            out.append(MISSING)
        flag = regional and not flag
        glued = False
    return "".join(out)


_JOINERS = frozenset("\u200d\ufe0e\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
_REGIONAL = 0x1F1E6  # regional indicators: a pair is one flag


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The shipped DejaVu font at ``size`` pixels (cached: loading costs ~1 ms)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), max(1, size))


def wrap(text: str, width: float, fnt: ImageFont.FreeTypeFont, max_lines: int = 0) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels.

    Words longer than a line are split by character; with ``max_lines`` the last
    line ends in an ellipsis when text was left out.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in _SPACES.sub(" ", paragraph).split(" "):
            candidate = f"{line} {word}" if line else word
            if fnt.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while word and fnt.getlength(word) > width:
                cut = _fit(word, width, fnt)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
        if max_lines and len(lines) > max_lines:
            break
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and fnt.getlength(last + ELLIPSIS) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + ELLIPSIS
    return lines


def _fit(word: str, width: float, fnt: ImageFont.FreeTypeFont) -> int:
    """How many leading characters of ``word`` fit in ``width`` (at least one)."""
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fnt.getlength(word[:mid]) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def parse_date(value: object) -> date | None:
    """A ``YYYY-MM-DD`` string as a date; anything else is None."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def short_date(value: object) -> str:
    """dd-mm-yyyy, the way dates are shown in Tavle; "" for no or a bad date."""
    day = parse_date(value)
    return day.strftime("%d-%m-%Y") if day else ""


def long_date(value: object, lang: str = "da", today: date | None = None) -> str:
    """ "mandag 7. december" (da) / "Monday 7 December" (en); with the year when it is not
    ``today``'s year ("fredag 15. januar 2027"); "" for no or a bad date."""
    day = parse_date(value)
    if day is None:
        return ""
    weekday = t("date.weekdays", lang).split(",")[day.weekday()]
    month = t("date.months", lang).split(",")[day.month - 1]
    text = t("date.long", lang, weekday=weekday, day=day.day, month=month)
    return f"{text} {day.year}" if today is not None and day.year != today.year else text


def clock(value: object, lang: str = "da") -> str:
    """ "kl. 10.00" (da) / "10:00" (en) from "HH:MM"; "" when missing or malformed."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-2]\d:[0-5]\d", value):
        return ""
    return t("date.clock", lang, hh=value[:2], mm=value[3:])
