"""The one rule for characters that never leave Tavle in an export.

Control characters (other than tab and newline), bidi embeddings, overrides and
isolates (they can make a text read as something else), the BOM and code points
XML 1.0 forbids are removed, and text is NFC-normalised (so "ø" typed as o plus a
combining stroke is one character). The plan record (JSON), FHIR, the pictures and
the sheet all apply this, so every format carries the same words.
"""

from __future__ import annotations

import re
import unicodedata

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff\ufffe\uffff]"
)


def safe_text(text: str) -> str:
    """``text`` NFC-normalised, line breaks as ``\\n``, without the unsafe characters."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    return UNSAFE.sub("", text).replace("\r", "\n")


def safe_value(value: object, keep: frozenset[str] = frozenset()) -> object:
    """Every text inside plain JSON data made safe, except the values of the keys in
    ``keep`` (ids and references: two ids must never become one)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {k: v if k in keep else safe_value(v, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [safe_value(v, keep) for v in value]
    return value
