"""Pure parts of the tavlemøde: the rating scale setting, progression series, case review,
the privacy filter of a card, the first placement of cards in lanes."""

from __future__ import annotations

from datetime import date

import pytest
from pycrdt import Doc, Map

from board.plan import Action, Citizen, Goal, Participant, Plan, Rating
from board.progress import Scale, ScaleError, parse_scale, series
from board.review import case_review
from board.write import write_plan
from server.team.boards import card_json, filter_cards
from server.team.layout import place_new_cards


def test_scale_default_and_configured() -> None:
    assert parse_scale("") == Scale()
    scale = parse_scale('{"name": "Trivsel", "low": 0, "high": 5, "labels": {"0": "Svært"}}')
    assert (scale.name, scale.low, scale.high, scale.labels) == ("Trivsel", 0, 5, {"0": "Svært"})


@pytest.mark.parametrize(
    "bad", ["{", "[1]", '{"low": 5, "high": 5}', '{"low": "a"}', '{"labels": 3}']
)
def test_a_bad_scale_is_refused_with_a_clear_message(bad: str) -> None:
    with pytest.raises(ScaleError, match="TAVLE_PROGRESS_SCALE"):
        parse_scale(bad)


def test_series_marks_setbacks_and_skips_unrated_goals() -> None:
    plan = Plan(
        goals=[Goal("g1", "Bolig"), Goal("g2", "Job")],
        ratings=[
            Rating("r3", "g1", "2026-03-01", 6),
            Rating("r1", "g1", "2026-01-01", 5),
            Rating("r2", "g1", "2026-02-01", 3),
        ],
    )
    [only] = series(plan)
    assert only.goal == "g1"
    assert [(p.value, p.setback) for p in only.points] == [(5, False), (3, True), (6, False)]


def test_review_now_next_and_barriers() -> None:
    plan = Plan(
        challenges=["Gæld"],
        actions=[
            Action("a1", "Ring", status="done"),
            Action("a2", "Søg", status="in_progress", due="2026-01-10"),
            Action("a3", "Mød", due="2026-01-01", approval="refused", carried_over=2),
            Action("a4", "Forslag", proposed_by="p1"),
        ],
    )
    review = case_review(plan, today=date(2026, 1, 5))
    assert [a["id"] for a in review["now"]["done"]] == ["a1"]
    assert [a["id"] for a in review["next"]] == ["a3", "a2"]  # by due date; no proposals
    barriers = review["barriers"]
    assert barriers["challenges"] == ["Gæld"]
    assert [a["id"] for a in barriers["overdue"]] == ["a3"]
    assert [a["id"] for a in barriers["refused"]] == ["a3"]
    assert [a["id"] for a in barriers["carried_over"]] == ["a3"]


def test_card_carries_no_citizen_relative_or_plan_text() -> None:
    doc = Doc()
    write_plan(
        doc,
        Plan(
            citizen=Citizen(name="Anna Borger", alias="A"),
            participants=[
                Participant("p1", "Pia Pro", role="professional", organisation="Skolen"),
                Participant("p2", "Rita Relativ", role="relative"),
            ],
            goals=[Goal("g1", "Hemmeligt mål")],
            actions=[Action("a1", "x", owner="p1"), Action("a2", "y", owner="p2")],
            ratings=[Rating("r1", "g1", "2026-01-01", 4)],
        ),
    )
    case = {"id": "c1", "alias": "Sag A", "coordinator": "Karen", "next_meeting": None}
    card = card_json(doc, case)
    text = repr(card)
    for secret in ("Anna Borger", "Rita Relativ", "Hemmeligt mål"):
        assert secret not in text
    assert card["owners"] == ["Pia Pro"] and card["organisations"] == ["Skolen"]
    assert card["alias"] == "Sag A" and card["movement"]["goal"] == "g1"
    assert filter_cards([card], organisation="Skolen") == [card]
    assert filter_cards([card], owner="Rita Relativ") == []


def test_cards_are_placed_once_without_overlap_and_frames_grow() -> None:
    doc = Doc()
    base = {"overdue": 0, "carried_over": 0, "awaiting_approval": 0}
    cards = [{**base, "id": f"c{i}"} for i in range(9)] + [{**base, "id": "late", "overdue": 2}]
    place_new_cards(doc, cards)
    elements = doc.get("elements", type=Map)
    moved = {**elements["case-c0"], "x": 90000, "y": 90000}
    elements["case-c0"] = moved  # moved by hand: the server leaves it there
    place_new_cards(doc, cards + [{**base, "id": "new"}])
    placed = [e for e in elements.values() if e["type"] == "card"]
    assert len(placed) == 11 and elements["case-c0"] == moved
    assert len({(e["x"], e["y"]) for e in placed}) == 11
    on_track = elements["lane-on-track"]
    inside = [e for e in placed if on_track["x"] <= e["x"] < on_track["x"] + on_track["w"]]
    assert all(e["y"] + e["h"] <= on_track["y"] + on_track["h"] for e in inside)
    stuck = elements["lane-stuck"]
    assert stuck["x"] <= elements["case-late"]["x"] < stuck["x"] + stuck["w"]


def test_the_sheet_shows_the_progression_with_setbacks_named() -> None:
    from plan_export.sheet import SheetOptions, build_sheet, sheet_pdf
    from tests.test_export_sheet import pdf_text

    plan = Plan(
        goals=[Goal("g1", "Egen bolig"), Goal("g2", "Fravalgt mål")],
        ratings=[
            Rating("r1", "g1", "2026-01-05", 7),
            Rating("r2", "g1", "2026-02-05", 4),
            Rating("r3", "g2", "2026-02-05", 4),
        ],
    )
    sheet = build_sheet(plan, SheetOptions(goals=frozenset({"g1"})), today=date(2026, 2, 6))
    assert [s.title for s in sheet.progress] == ["Egen bolig"]  # the citizen's choice holds
    text, _reader = pdf_text(sheet_pdf(sheet))
    assert "Udvikling" in text and "(tilbagegang)" in text
    assert text.find("Udvikling") < text.find("(tilbagegang)")
