"""Plans and boards the tests share: the example family plan (docs/examples), one
ordinary family-free plan, and hostile text."""

from __future__ import annotations

import json
from pathlib import Path

from pycrdt import Doc

from board.plan import (
    Action,
    Agreement,
    Citizen,
    Goal,
    NextMeeting,
    OwnGoal,
    Participant,
    Plan,
    Rating,
)
from board.write import write_plan
from plan_export.record import record_to_plan

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "familieplan.json"


def example_record() -> dict:
    """The example family plan record (docs/examples/familieplan.json), freshly parsed."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


# what the example's dental-bill task card says, in the browser and in the picture
TAND_TASK = {
    "◐ I gang",
    "… Venter på svar",
    "Hvem: Peter Dahl",
    "Hvor: Ydelseskontoret",
    "Senest: 01-12-2026",
}


def example_doc() -> Doc:
    """A board document holding the example family plan."""
    doc = Doc()
    write_plan(doc, record_to_plan(example_record()))
    return doc


OWN_GOAL = "Jeg vil have mit eget sted at bo – og en hund 🐕"

HOSTILE = [
    "<script>alert('x')</script>",
    "%PDF-1.4\n%%EOF\nendobj trailer",
    "\u202egnp.exe\u202c æøå",
    "x" * 5000,
    "emoji 😀👨‍👩‍👧 done",
    "ctrl \x00\x01\x07\x1b[31m red \x7f\x9b end",
    "]]> & \" ' <![CDATA[ ",
]


def sample_plan() -> Plan:
    """Sofie's plan: own goal, two goals (one proposal), a sub-goal, tasks, network."""
    return Plan(
        title="Sofies plan",
        citizen=Citizen(name="Sofie Hansen", alias="Sofie"),
        own_goal=OwnGoal(text=OWN_GOAL, updated="2026-11-23T09:30:00Z"),
        next_meeting=NextMeeting(date="2026-12-07", time="10:00", place="Jobcentret, lokale 2"),
        participants=[
            Participant(id="p0", name="Sofie Hansen", role="citizen", phone="20 30 40 50"),
            Participant(
                id="p1",
                name="Mette Jensen",
                role="coordinator",
                organisation="Hillerød Kommune",
                phone="72 32 00 01",
                email="mette@example.dk",
            ),
            Participant(
                id="p2",
                name="Ali Khan",
                role="professional",
                organisation="Jobcenter Hillerød",
                phone="72 32 00 02",
            ),
            Participant(id="p3", name="Hanne Hansen", role="relative", phone="30 40 50 60"),
        ],
        goals=[
            Goal(
                id="g1",
                title="Få et fast job",
                description="Arbejde i et køkken, 25 timer om ugen",
                horizon="next",
                office="Jobcenter",
                proposed_by="p2",
                agreed_at="2026-11-23T09:40:00Z",
                created="2026-11-23T09:31:00Z",
                rank=1,
            ),
            Goal(id="g2", title="Få lavet tænder", horizon="now", parent="g1", rank=2),
            Goal(id="g3", title="Flytte til Odense", horizon="later", proposed_by="p1", rank=3),
            Goal(id="g4", title="Tage kørekort", horizon="parked", rank=4),
        ],
        actions=[
            Action(
                id="a1",
                what="Søge om enkeltydelse til tandlæge",
                goal="g2",
                owner="p1",
                office="Ydelseskontoret",
                due="2026-12-07",
                status="in_progress",
                approval="awaiting",
                created="2026-11-23T09:40:00Z",
            ),
            Action(id="a2", what="Ringe til tandlægen", goal="g2", owner="p0", due="2026-12-14"),
            Action(id="a3", what="Finde praktikplads", goal="g1", owner="p2", proposed_by="p2"),
            Action(
                id="a4",
                what="Skrive CV",
                goal="g1",
                owner="p3",
                status="done",
                expected_result="Et CV, der kan sendes",
                note="Hanne hjælper",
            ),
        ],
        agreements=[Agreement(id="ag1", text="Vi mødes igen om 14 dage", follow_up_by="p1")],
        ratings=[
            Rating(id="r1", goal="g1", date="2026-11-01", value=3),
            Rating(id="r2", goal="g1", date="2026-11-23", value=5),
        ],
    )


def hostile_plan() -> Plan:
    """The sample plan with every free text replaced by hostile strings."""
    plan = sample_plan()
    n = len(HOSTILE)
    plan.title = HOSTILE[0]
    plan.citizen = Citizen(name=HOSTILE[2], alias=HOSTILE[4])
    plan.own_goal = OwnGoal(text=HOSTILE[3])
    plan.next_meeting = NextMeeting(date="2026-13-45", time="99:99", place=HOSTILE[1])
    for i, p in enumerate(plan.participants):
        p.name, p.organisation, p.phone = HOSTILE[i % n], HOSTILE[(i + 1) % n], HOSTILE[5]
    for i, g in enumerate(plan.goals):
        g.title, g.description, g.office = HOSTILE[i % n], HOSTILE[(i + 3) % n], HOSTILE[6]
        g.agreed_at = "2026-11-23T09:40:00Z"
    for i, a in enumerate(plan.actions):
        a.what, a.note, a.office = HOSTILE[(i + 2) % n], HOSTILE[i % n], HOSTILE[(i + 5) % n]
    plan.agreements[0].text = "".join(HOSTILE)
    return plan
