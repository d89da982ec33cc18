"""JSON from outside (a plan file, a request body), parsed so that nothing in it can crash us.

Python's ``json`` alone raises ``RecursionError`` on deep nesting and ``ValueError`` on
integers of 4,300+ digits, and it accepts ``NaN``/``Infinity`` and lone surrogates such
as ``"\\ud800"`` — which pass a JSON Schema and then make pycrdt panic when the text is
stored. :func:`parse_json` turns each into a :class:`BadJson` with a one-line reason;
:func:`bad_value` finds what a parsed value must not hold, for data that came another way.
"""

from __future__ import annotations

import json
import math

MAX_DEPTH = 32  # a plan record nests 4 deep; a FHIR bundle about 10
MAX_NUMBER_DIGITS = 40


class BadJson(ValueError):
    """Input that is not acceptable JSON; ``path`` is a JSON pointer when one is known."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def _refuse_constant(name: str) -> float:
    raise BadJson(f"{name} is not a number JSON allows")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise BadJson(f"a number of {len(text)} digits is too long")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:
        raise BadJson(f"a number of {len(text)} characters is too long")
    value = float(text)
    if not math.isfinite(value):
        raise BadJson(f"{text[:20]} is out of range")
    return value


def parse_json(data: bytes | str) -> object:
    """The value of ``data`` (UTF-8, a byte-order mark allowed); raises :class:`BadJson`."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise BadJson(f"not UTF-8 (byte {err.start})") from None
    elif data.startswith("\ufeff"):
        data = data[1:]
    try:
        value = json.loads(
            data, parse_constant=_refuse_constant, parse_int=_int, parse_float=_float
        )
    except RecursionError:
        raise BadJson(f"nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as err:
        raise BadJson(f"not JSON (line {err.lineno}, column {err.colno})") from None
    problem = bad_value(value)
    if problem is not None:
        path, message = problem
        raise BadJson(message, path)
    return value


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def bad_value(value: object) -> tuple[str, str] | None:
    """``(pointer, reason)`` for the first thing ``value`` must not hold, else None.

    Iterative, so a deep value cannot exhaust the stack: too deep, a non-finite
    number, or a string (key or value) with a lone surrogate.
    """
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return path, f"nested more than {MAX_DEPTH} levels deep"
        if isinstance(item, str):
            if _has_lone_surrogate(item):
                return path, "text holds a lone surrogate (not valid Unicode)"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return path, "must be a finite number"
        elif isinstance(item, dict):
            for key, child in item.items():
                key_path = f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"
                if isinstance(key, str) and _has_lone_surrogate(key):
                    return path, "a key holds a lone surrogate (not valid Unicode)"
                stack.append((child, key_path, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}/{i}", depth + 1) for i, child in enumerate(item))
    return None
