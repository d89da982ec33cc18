"""The one translation table (``board/strings.json``), for Python callers.

The browser client bundles the same JSON file, so the UI, the sheet, the PDF
and the record labels use one word per idea. Danish is the default.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"


@cache
def table() -> dict[str, dict[str, str]]:
    raw = json.loads((Path(__file__).with_name("strings.json")).read_text(encoding="utf-8"))
    return {key: value for key, value in raw.items() if not key.startswith("_")}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """Translate ``key``; ``{name}`` placeholders are filled from ``params``."""
    entry = table().get(key)
    if entry is None:
        raise KeyError(f"missing translation key: {key}")
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text
