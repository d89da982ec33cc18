"""Progression: the citizen's own rating of each goal over time, on the municipality's scale.

The scale (name, lowest, highest, labels of the ends) is a setting
(``TAVLE_PROGRESS_SCALE``); ratings live in the board's ``progress`` map. A
series per goal, oldest first, is what the client's chart and the exports draw;
a setback (a lower rating than the one before) is marked, never hidden.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace

from board import schema
from board.fields import Checker, Field, Invalid, number
from board.plan import Plan
from board.read import ITEM_FIELDS


class ScaleError(ValueError):
    """The configured scale cannot be read."""


@dataclass(frozen=True)
class Scale:
    name: str = "Hvordan går det?"
    low: int = 1
    high: int = 10
    labels: dict[str, str] = field(default_factory=dict)  # e.g. {"1": "Skidt", "10": "Godt"}

    def to_json(self) -> dict:
        return asdict(self)


def parse_scale(text: str) -> Scale:
    """``""`` is the default 1–10; else JSON ``{"name", "low", "high", "labels"}``."""
    if not text.strip():
        return Scale()
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ScaleError(f"TAVLE_PROGRESS_SCALE is not JSON: {err}") from err
    if not isinstance(data, dict):
        raise ScaleError("TAVLE_PROGRESS_SCALE must be a JSON object")
    labels = data.get("labels", {})
    if not isinstance(labels, dict):
        raise ScaleError('TAVLE_PROGRESS_SCALE: labels must be an object {"1": "…"}')
    scale = Scale(
        name=str(data.get("name", Scale.name)),
        low=data.get("low", 1),
        high=data.get("high", 10),
        labels={str(k): str(v) for k, v in labels.items()},
    )
    if not (isinstance(scale.low, int) and isinstance(scale.high, int) and scale.low < scale.high):
        raise ScaleError("TAVLE_PROGRESS_SCALE: low and high must be whole numbers, low < high")
    return scale


def on_scale(scale: Scale) -> Checker:
    """A rating the server accepts from a client: a whole number from ``low`` to ``high``
    (a Yjs runtime may hand ``7`` back as ``7.0``; that is left as it is)."""
    in_range = number(scale.low, scale.high)

    def check(value: object) -> float:
        rating = in_range(value)
        if not float(rating).is_integer():
            raise Invalid("not a whole number")
        return rating

    return check


def rating_fields(scale: Scale) -> tuple[Field, ...]:
    """The fields of a ``progress`` entry as the server's guard checks a client's: the
    reader's (which take any number: an old rating stays readable when the scale changes),
    with ``value`` on ``scale``."""
    return tuple(
        replace(f, check=on_scale(scale)) if f.name == "value" else f
        for f in ITEM_FIELDS[schema.PROGRESS]
    )


@dataclass
class Point:
    date: str
    value: float
    setback: bool  # lower than the rating before


@dataclass
class Series:
    goal: str
    title: str
    points: list[Point]


def series(plan: Plan) -> list[Series]:
    """One series per rated goal (in the plan's goal order), points oldest first."""
    by_goal: dict[str, list] = {}
    for rating in sorted(plan.ratings, key=lambda r: r.date):
        by_goal.setdefault(rating.goal, []).append(rating)
    out = []
    for goal in plan.goals:
        ratings = by_goal.get(goal.id)
        if not ratings:
            continue
        points = [
            Point(r.date, r.value, i > 0 and r.value < ratings[i - 1].value)
            for i, r in enumerate(ratings)
        ]
        out.append(Series(goal.id, goal.title, points))
    return out


def series_json(plan: Plan) -> list[dict]:
    return [asdict(s) for s in series(plan)]
