"""Field checkers: turn one untrusted value from a Y document into a clean one.

Reading, the server guard and the writers share these, so "valid" means the same
thing everywhere. A checker returns the clean value or raises :class:`Invalid`;
an ``Invalid`` may carry a ``repaired`` value (e.g. a clipped text) that is safe
to use instead. :func:`clean_item` applies a list of :class:`Field` to one item.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from board import schema

_NO_REPAIR = object()
_ABSENT = object()  # a key the item does not have


class Invalid(ValueError):  # noqa: N818 - reads as "raise Invalid(...)"
    """A value that is wrong; ``repaired`` (if given) is a safe replacement."""

    def __init__(self, reason: str, repaired: object = _NO_REPAIR) -> None:
        super().__init__(reason)
        self.reason = reason
        self.repaired = repaired


Checker = Callable[[object], object]
Extra = Callable[[Any], bool]


def shaped(check: Checker, shape: object, extra: Extra | None = None) -> Checker:
    """Give ``check`` its *shape*: a msgspec type that accepts only values ``check`` takes
    without complaint (``extra``: what the type cannot say, as a predicate). A shape may
    refuse more than the checker does, never less; :func:`item_fits` uses the shapes
    to pre-check a whole item in one compiled pass (the server guard's hot path)."""
    check.shape = shape  # type: ignore[attr-defined]
    check.shape_extra = extra  # type: ignore[attr-defined]
    return check


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def describe(value: object) -> str:
    """A short, safe description of a bad value for a problem message (no user text)."""
    return type(value).__name__


def text(limit: int = schema.MAX_TEXT, *, required: bool = False) -> Checker:
    """A string of at most ``limit`` characters; too long is clipped (a repair)."""

    def check(value: object) -> str:
        if not isinstance(value, str):
            raise Invalid(f"expected text, got {describe(value)}")
        if required and not value.strip():
            raise Invalid("is empty")
        if len(value) > limit:
            raise Invalid(f"longer than {limit} characters, clipped", value[:limit])
        return value

    if required:
        return check  # "not only spaces": left to Python
    return shaped(check, Annotated[str, msgspec.Meta(max_length=limit)])


def ident(value: object) -> str:
    """An id: a non-empty string of at most ``schema.MAX_ID`` characters."""
    if not isinstance(value, str) or not value or len(value) > schema.MAX_ID:
        raise Invalid(f"expected an id (1–{schema.MAX_ID} characters)")
    return value


shaped(ident, Annotated[str, msgspec.Meta(min_length=1, max_length=schema.MAX_ID)])


def optional(check: Checker) -> Checker:
    """``None`` or what ``check`` accepts."""

    def check_optional(value: object) -> object:
        return None if value is None else check(value)

    shape = getattr(check, "shape", None)
    if shape is None:
        return check_optional
    extra = check.shape_extra  # type: ignore[attr-defined]
    return shaped(
        check_optional, shape | None, (lambda v: v is None or extra(v)) if extra else None
    )


def choice(allowed: Sequence[str]) -> Checker:
    def check(value: object) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise Invalid(f"not one of {', '.join(allowed)}")
        return value

    return shaped(check, Literal[tuple(allowed)])


def number(lo: float = -1e12, hi: float = 1e12) -> Checker:
    """A finite number in [lo, hi]; bools are not numbers.

    The bounds are finite, so the range test alone also refuses NaN and infinities
    (every comparison with NaN is false); the guard runs this for every stroke.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("number() needs finite bounds")

    def check(value: object) -> float:
        if type(value) is not float and type(value) is not int:
            raise Invalid(f"expected a number, got {describe(value)}")
        if not lo <= value <= hi:
            raise Invalid(f"outside {lo:g}…{hi:g}")
        return value

    return shaped(check, Annotated[float, msgspec.Meta(ge=lo, le=hi)])


def integer(lo: int = -schema.MAX_COORD, hi: int = schema.MAX_COORD) -> Checker:
    """An integer in [lo, hi]; a float is rounded (Yjs runtimes hand back floats)."""
    as_number = number(lo, hi)

    def check(value: object) -> int:
        return round(as_number(value))  # type: ignore[arg-type]

    return shaped(check, as_number.shape)  # type: ignore[attr-defined]


coord = integer()
size = integer(0, schema.MAX_COORD)


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {describe(value)}")
    return value


shaped(boolean, bool)


def iso_date(value: object) -> str:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise Invalid("expected a date YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise Invalid("not a real date") from None
    return value


def pattern(regex: str) -> Checker:
    """A code: ``""`` or a string matching ``regex`` whole (SOR, CVR, municipality code)."""
    compiled = re.compile(regex)

    def check(value: object) -> str:
        if not isinstance(value, str) or (value and not compiled.fullmatch(value)):
            raise Invalid("does not have the required form")
        return value

    return shaped(check, Annotated[str, msgspec.Meta(pattern=f"^(?:{regex})?\\Z")])


def clock(value: object) -> str:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise Invalid("expected a time HH:MM")
    return value


def timestamp(value: object) -> str:
    """An ISO 8601 timestamp of a real moment (the pattern alone lets 2026-02-30T25:99 by)."""
    if not isinstance(value, str) or not _STAMP.fullmatch(value):
        raise Invalid("expected an ISO timestamp")
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("not a real moment") from None
    return value


def colour(value: object) -> str:
    if not isinstance(value, str) or not _COLOUR.fullmatch(value):
        raise Invalid("expected a colour #rrggbb")
    return value


shaped(colour, Annotated[str, msgspec.Meta(pattern=r"^#[0-9a-fA-F]{6}\Z")])


def text_list(value: object) -> list[str]:
    """A list of short texts (dreams, resources, challenges); bad entries are dropped."""
    if not isinstance(value, list):
        raise Invalid(f"expected a list, got {describe(value)}")
    check = text(schema.MAX_TITLE)
    clean: list[str] = []
    for entry in value[: schema.MAX_LIST]:
        try:
            clean.append(check(entry))
        except Invalid as bad:
            if isinstance(bad.repaired, str):
                clean.append(bad.repaired)
    if clean != value:
        raise Invalid("had entries that were too many, too long or not text; repaired", clean)
    return clean


@dataclass(frozen=True)
class Field:
    """One key of an item: its checker, its default, and whether the item needs it."""

    name: str
    check: Checker
    default: object = None
    required: bool = False


def record(fields: Sequence[Field]) -> Checker:
    """A plain object with these fields (used for small nested objects)."""

    def check(value: object) -> dict:
        clean, problems = clean_item(value, fields, "")
        if clean is None:
            raise Invalid(problems[0].lstrip(".: ") if problems else "invalid")
        if problems or clean != value:
            raise Invalid("; ".join(p.lstrip(".: ") for p in problems) or "repaired", clean)
        return clean

    return check


def keyed(raw: object, key: str, label: str, problems: list[str]) -> object:
    """``raw`` with ``id`` equal to its map key (the key wins: it is what others reference)."""
    if isinstance(raw, dict) and raw.get("id") != key:
        problems.append(f"{label}.id: missing or differs from its key, repaired")
        return {**raw, "id": key}
    return raw


def clean_item(raw: object, fields: Sequence[Field], label: str) -> tuple[dict | None, list[str]]:
    """Check every field of ``raw``: ``(clean item or None if unusable, problems)``.

    A wrong optional field falls back to its repair or its default; a wrong required
    field makes the whole item unusable. Unknown keys are left out of the clean item.
    """
    if not isinstance(raw, dict):
        return None, [f"{label}: not an object ({describe(raw)}), skipped"]
    clean: dict = {}
    problems: list[str] = []
    for f in fields:
        name = f.name
        value = raw.get(name, _ABSENT)
        if value is _ABSENT:
            if f.required:
                return None, [*problems, f"{label}.{name}: missing, item skipped"]
            clean[name] = f.default
            continue
        try:
            clean[name] = f.check(value)
        except Invalid as bad:
            if bad.repaired is not _NO_REPAIR:
                clean[name] = bad.repaired
                problems.append(f"{label}.{name}: {bad.reason}")
            elif f.required:
                return None, [*problems, f"{label}.{name}: {bad.reason}, item skipped"]
            else:
                clean[name] = f.default
                problems.append(f"{label}.{name}: {bad.reason}, set to default")
    return clean, problems


def item_fits(fields: Sequence[Field], name: str) -> Callable[[dict], bool] | None:
    """A compiled pre-check for items of ``fields``, or None if some field has no shape.

    It says True only for an item that has every field (none missing, none unknown)
    and whose every value fits its field's shape, i.e. an item :func:`clean_item`
    would take whole, with no problem. False means "look closer", not "wrong".
    """
    if any(getattr(f.check, "shape", None) is None for f in fields):
        return None
    struct = msgspec.defstruct(
        name,
        [(f"f{i}", f.check.shape) for i, f in enumerate(fields)],  # type: ignore[attr-defined]
        rename={f"f{i}": f.name for i, f in enumerate(fields)},
        forbid_unknown_fields=True,
    )
    extras = [(f.name, f.check.shape_extra) for f in fields if f.check.shape_extra]  # type: ignore[attr-defined]

    def fits(raw: dict) -> bool:
        try:
            msgspec.convert(raw, struct)
        except msgspec.ValidationError:
            return False
        return all(extra(raw[key]) for key, extra in extras)

    return fits
