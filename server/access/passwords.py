"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).

An unknown user name costs the same time as a wrong password (a dummy hash is
verified), so sign-in answers do not reveal which user names exist.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 1024

_hasher = PasswordHasher()


@cache
def _dummy() -> str:
    """A hash to verify against for unknown users; made on first use (hashing takes ~0.1 s,
    which every ``tavle`` command would otherwise pay at import)."""
    return _hasher.hash("not a password of anyone")


class WeakPassword(ValueError):
    """A password that is refused when set; the message is safe to show."""


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; ``stored_hash=None`` (no such user) is always False."""
    try:
        _hasher.verify(stored_hash or _dummy(), password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None
