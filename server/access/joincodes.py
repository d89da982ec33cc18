"""Join codes and join tokens: generation, keyed hashing, and the wrong-code limit.

A code is 8 characters from 31 that cannot be mistaken for each other on a
screen (no 0/O, 1/I/L): about 40 bits. Only an HMAC of the code under the
server's secret is stored, so a copy of the database reveals no live code.
Wrong codes are counted per address; after ``limit`` in ``window`` seconds the
address gets HTTP 429 whatever it sends, which makes guessing useless.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(raw: str) -> str | None:
    """What a person typed → the code (case, spaces and dashes ignored); None if not a code."""
    code = "".join(ch for ch in raw.upper() if ch not in " -\t")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display(code: str) -> str:
    """``ABCD-EFGH``: two halves are easier to read aloud and to type."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def code_hash(secret: bytes, code: str) -> str:
    return hmac.new(secret, b"join:" + code.encode("ascii"), hashlib.sha256).hexdigest()


def new_token() -> tuple[str, str]:
    """A join token and its SHA-256 hash (256 random bits: a plain hash is enough)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def device_token(secret: bytes, device: str, case_id: str, name: str) -> tuple[str, str]:
    """The join token of one device and name on one case: the same every time they join,
    so a rejoin finds the same participant. ``device`` is a random secret only that
    device's browser holds; without the server's secret the token cannot be made."""
    message = f"rejoin:{case_id}:{device}:{name.casefold()}".encode()
    token = hmac.new(secret, message, hashlib.sha256).hexdigest()
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
