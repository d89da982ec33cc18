"""Case cards for the team board and "siden sidst" between two plan versions."""

from __future__ import annotations

from datetime import date

from board.changes import since_last
from board.overview import case_card
from board.plan import Action, Citizen, Goal, NextMeeting, Participant, Plan, Rating


def make_plan() -> Plan:
    return Plan(
        title="Familien Hansen",
        citizen=Citizen(name="Mette Hansen", alias="M.H."),
        next_meeting=NextMeeting(date="2026-12-07"),
        participants=[
            Participant("p1", "Lone Berg", role="coordinator", organisation="Jobcenter"),
            Participant("p2", "Ali Khan", organisation="Misbrugscenter"),
        ],
        goals=[Goal("g1", "Få et job"), Goal("g2", "Få lavet tænder", parent="g1")],
        actions=[
            Action("a1", "Ring til tandlægen", goal="g2", owner="p2", due="2026-11-01"),
            Action(
                "a2",
                "Søg enkeltydelse",
                goal="g1",
                owner="p1",
                status="in_progress",
                approval="awaiting",
                carried_over=2,
            ),
            Action(
                "a3", "Møde hver 14. dag", goal="g1", owner="p1", status="done", due="2026-10-01"
            ),
        ],
        ratings=[
            Rating("r1", "g1", "2026-09-01", 4),
            Rating("r2", "g1", "2026-11-01", 3),
            Rating("r3", "g2", "2026-10-01", 6),
        ],
    )


def test_case_card_counts_and_hides_the_name() -> None:
    card = case_card(make_plan(), today=date(2026, 11, 23))
    assert card.alias == "M.H."
    assert "Mette" not in str(card.to_json())
    assert (card.not_started, card.in_progress, card.done) == (1, 1, 1)
    assert card.overdue == 1  # a1 is past due; a3 is done, so not overdue
    assert card.carried_over == 1
    assert card.awaiting_approval == 1
    assert card.coordinator == "Lone Berg"
    assert card.organisations == ["Jobcenter", "Misbrugscenter"]
    assert card.to_json()["movement"] == {
        "goal": "g1",
        "goal_title": "Få et job",
        "date": "2026-11-01",
        "value": 3,
        "previous": 4,
        "delta": -1,
    }


def test_empty_plan_has_an_empty_card() -> None:
    card = case_card(Plan(title="Ny sag"))
    assert card.alias == "Ny sag"
    assert card.movement is None
    assert card.to_json()["overdue"] == 0


def test_since_last_names_every_kind_of_change() -> None:
    before = make_plan()
    after = make_plan()
    after.goals.append(Goal("g3", "Egen bolig"))
    after.goals = [g for g in after.goals if g.id != "g2"]
    after.actions[0].status = "done"
    after.actions[1].carried_over = 3
    after.actions.append(Action("a4", "Skriv til boligselskabet"))
    changes = since_last(before, after)
    assert changes.new_goals == ["Egen bolig"]
    assert changes.removed_goals == ["Få lavet tænder"]
    assert changes.new_actions == ["Skriv til boligselskabet"]
    assert [(c.action, c.before, c.after) for c in changes.status_changes] == [
        ("a1", "not_started", "done")
    ]
    assert [(c.action, c.times) for c in changes.carried_over] == [("a2", 3)]
    assert not changes.empty
    assert since_last(before, make_plan()).empty
