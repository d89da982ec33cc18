"""The FHIR Bundle: every resource validates with fhir.resources R4B, and says the right things."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime

import pytest

from board.plan import Member, Organisation, Plan
from plan_export.fhir import GOAL_RELATIONSHIP, KL_CODES, SOR, TAVLE_ROLE, plan_to_fhir
from tests.export_samples import OWN_GOAL, hostile_plan, sample_plan

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
OWN, GOAL, SUB = (
    "416fe27d-3ccf-4390-8742-8b52a9d8dc78",
    "0bb3daef-538d-45dc-b444-abdbcb63f6bc",
    "6746d4af-145a-4bfd-a672-05c0cf11b53b",
)


# fhir.resources checks structure and types but not required value sets: check those here.
CODES = {
    ("Goal", "lifecycleStatus"): {"proposed", "active", "on-hold", "completed", "cancelled"},
    ("CarePlan", "status"): {"draft", "active", "on-hold", "revoked", "completed", "unknown"},
    ("CarePlan", "intent"): {"plan"},
    ("CareTeam", "status"): {"proposed", "active", "suspended", "inactive"},
}
ACTIVITY = {"not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled"}


def validate(bundle: dict) -> None:
    """Validate the Bundle and each resource with its own R4B model, after a JSON round trip."""
    bundle = json.loads(json.dumps(bundle))
    importlib.import_module("fhir.resources.R4B.bundle").Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        kind = entry["resource"]["resourceType"]
        module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
        getattr(module, kind).model_validate(entry["resource"])
        for (rtype, key), allowed in CODES.items():
            if kind == rtype:
                assert entry["resource"][key] in allowed
        for activity in entry["resource"].get("activity", []) if kind == "CarePlan" else []:
            assert activity["detail"]["status"] in ACTIVITY
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"


def by_type(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def resolve(bundle: dict, ref: dict) -> dict:
    url = ref["reference"]
    return next(e["resource"] for e in bundle["entry"] if e["fullUrl"] == url)


@pytest.fixture
def bundle() -> dict:
    plan = sample_plan()
    plan.organisations = [
        Organisation("o-hk", "Hillerød Kommune", "authority", sor="123456789", municipality="0219")
    ]
    plan.participants[1].org = "o-hk"
    b = plan_to_fhir(plan, board_id="b1", created=NOW)
    validate(b)
    return b


def test_careplan_content(bundle: dict) -> None:
    (plan,) = by_type(bundle, "CarePlan")
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["created"] == "2026-11-23T10:00:00Z"
    assert plan["period"]["start"] == "2026-11-23"
    assert resolve(bundle, plan["subject"])["resourceType"] == "Patient"
    assert resolve(bundle, plan["author"])["name"] == "Hillerød Kommune"
    assert resolve(bundle, plan["careTeam"][0])["resourceType"] == "CareTeam"
    goals = [resolve(bundle, r) for r in plan["goal"]]
    assert goals[0]["description"]["text"] == OWN_GOAL
    assert len(goals) == 5
    first = plan["activity"][0]["detail"]
    assert first["description"] == "Søge om enkeltydelse til tandlæge"
    assert first["status"] == "in-progress"
    assert first["scheduledPeriod"] == {"end": "2026-12-07"}
    assert first["statusReason"]["text"] == "Venter på svar"
    performers = [resolve(bundle, r) for r in first["performer"]]
    assert [p["resourceType"] for p in performers] == ["Practitioner", "Organization"]
    assert performers[1]["name"] == "Ydelseskontoret"  # the task's office, not its owner's
    assert performers[0]["name"][0]["text"] == "Mette Jensen"
    assert resolve(bundle, first["goal"][0])["description"]["text"] == "Få lavet tænder"
    statuses = [a["detail"]["status"] for a in plan["activity"]]
    assert statuses == ["in-progress", "not-started", "not-started", "completed"]
    assert plan["activity"][2]["detail"]["statusReason"]["text"] == "Forslag"
    citizen_task = plan["activity"][1]["detail"]["performer"][0]
    assert resolve(bundle, citizen_task)["resourceType"] == "Patient"
    assert [n["text"] for n in plan["note"]] == ["Vi mødes igen om 14 dage"]
    assert "progress" not in plan["activity"][1]
    assert plan["activity"][3]["progress"] == [
        {"text": "Forventet resultat: Et CV, der kan sendes"},
        {"text": "Hanne hjælper"},
    ]


def test_goals_follow_kl(bundle: dict) -> None:
    goals = {g["description"]["text"]: g for g in by_type(bundle, "Goal")}
    own = goals[OWN_GOAL]
    assert own["category"][0]["coding"][0] == {
        "system": KL_CODES,
        "code": OWN,
        "display": "FFB borgers mål og ønsker",
    }
    assert resolve(bundle, own["expressedBy"])["resourceType"] == "Patient"
    job, teeth = goals["Få et fast job"], goals["Få lavet tænder"]
    assert job["category"][0]["coding"][0]["code"] == GOAL
    assert job["lifecycleStatus"] == "active"  # proposed but agreed
    assert job["achievementStatus"]["coding"][0]["code"] == "improving"  # ratings 3 -> 5
    assert job["target"] == [{"dueDate": "2026-12-14"}]  # latest task of goal and sub-goals
    assert job["startDate"] == "2026-11-23"
    assert resolve(bundle, job["expressedBy"])["name"][0]["text"] == "Ali Khan"
    assert {"text": "Arbejde i et køkken, 25 timer om ugen"} in job["note"]
    assert teeth["category"][0]["coding"][0]["code"] == SUB
    (rel,) = [e for e in teeth["extension"] if e["url"] == GOAL_RELATIONSHIP]
    assert rel["url"] == GOAL_RELATIONSHIP
    parts = {e["url"]: e for e in rel["extension"]}
    assert parts["type"]["valueCodeableConcept"]["text"] == "based-on"
    assert resolve(bundle, parts["target"]["valueReference"]) is job
    assert goals["Flytte til Odense"]["lifecycleStatus"] == "proposed"
    assert goals["Tage kørekort"]["lifecycleStatus"] == "on-hold"


def test_provenance_names_the_citizen_as_author(bundle: dict) -> None:
    (prov,) = by_type(bundle, "Provenance")
    targets = [resolve(bundle, r)["description"]["text"] for r in prov["target"]]
    assert OWN_GOAL in targets and "Få lavet tænder" in targets
    assert "Få et fast job" not in targets  # a professional's proposal
    assert prov["recorded"] == "2026-11-23T09:30:00Z"
    assert prov["agent"][0]["type"]["coding"][0]["code"] == "author"
    assert resolve(bundle, prov["agent"][0]["who"])["resourceType"] == "Patient"


def test_care_team_and_people(bundle: dict) -> None:
    (team,) = by_type(bundle, "CareTeam")
    members = {resolve(bundle, p["member"])["resourceType"]: p for p in team["participant"]}
    assert set(members) == {"Patient", "Practitioner", "RelatedPerson"}
    roles = {p["role"][0]["coding"][0]["code"]: p for p in team["participant"]}
    assert roles.keys() == {"citizen", "coordinator", "professional", "relative"}
    coordinator = roles["coordinator"]
    assert coordinator["role"][0]["coding"][0]["system"] == TAVLE_ROLE
    assert coordinator["role"][0]["text"] == "Koordinerende sagsbehandler"
    assert coordinator["role"][1]["text"] == "Koordinerende myndighed"
    org = resolve(bundle, coordinator["onBehalfOf"])
    assert {"system": SOR, "value": "123456789"} in org["identifier"]
    assert "onBehalfOf" not in roles["relative"]
    orgs = sorted(o["name"] for o in by_type(bundle, "Organization"))
    assert orgs == ["Hillerød Kommune", "Jobcenter", "Jobcenter Hillerød", "Ydelseskontoret"]
    (patient,) = by_type(bundle, "Patient")
    assert "identifier" not in patient  # never an invented CPR
    assert patient["name"] == [
        {"use": "official", "text": "Sofie Hansen"},
        {"use": "nickname", "text": "Sofie"},
    ]
    (relative,) = by_type(bundle, "RelatedPerson")
    assert relative["relationship"][0]["text"] == "Pårørende"
    assert relative["telecom"] == [{"system": "phone", "value": "30 40 50 60"}]


def test_family_member_is_the_subject_of_their_goal() -> None:
    plan = sample_plan()
    plan.members = [Member(id="m1", name="Emil", relation="søn (14 år)")]
    plan.goals[1].member = "m1"
    b = plan_to_fhir(plan, board_id="b1", created=NOW)
    validate(b)
    teeth = next(g for g in by_type(b, "Goal") if g["description"]["text"] == "Få lavet tænder")
    emil = resolve(b, teeth["subject"])
    assert emil["resourceType"] == "Patient" and emil["name"] == [{"text": "Emil"}]
    assert teeth["subject"]["reference"] != by_type(b, "CarePlan")[0]["subject"]["reference"]


def test_ids_are_stable_between_exports() -> None:
    one = plan_to_fhir(sample_plan(), board_id="b1", created=NOW)
    two = plan_to_fhir(sample_plan(), board_id="b1", created=NOW)
    other = plan_to_fhir(sample_plan(), board_id="b2", created=NOW)
    assert one == two
    assert {e["fullUrl"] for e in one["entry"]}.isdisjoint(e["fullUrl"] for e in other["entry"])


def test_english_labels() -> None:
    b = plan_to_fhir(sample_plan(), board_id="b1", created=NOW, lang="en")
    validate(b)
    (team,) = by_type(b, "CareTeam")
    assert team["participant"][1]["role"][0]["text"] == "Coordinating caseworker"


def test_empty_plan_is_a_valid_bundle() -> None:
    b = plan_to_fhir(Plan(), board_id="empty", created=NOW)
    validate(b)
    assert {e["resource"]["resourceType"] for e in b["entry"]} == {
        "Patient",
        "CareTeam",
        "CarePlan",
    }


def test_hostile_text_stays_valid() -> None:
    b = plan_to_fhir(hostile_plan(), board_id="b1", created=NOW)
    validate(b)
    text = json.dumps(b, ensure_ascii=False)
    assert "\u202e" not in text and "\x00" not in text and "\x1b" not in text
    assert "<script>alert('x')</script>" in text  # JSON carries text as data, unchanged
    own = next(g for g in by_type(b, "Goal") if g["category"][0]["coding"][0]["code"] == OWN)
    assert len(own["description"]["text"]) == 2000
