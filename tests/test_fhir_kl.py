"""The FHIR Bundle of the example family plan, point by point against KL's profiles
(issue 16, step 3; ../shared/FHIR_DK.md). Every Bundle validates with fhir.resources R4B."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from board.plan import Participant, Plan
from plan_export.fhir import (
    CASE_NUMBER,
    GOAL_RELATIONSHIP,
    INFORMER,
    KL,
    KL_CODES,
    SOR,
    TAVLE_OFFICE,
    Version,
    plan_to_fhir,
)
from plan_export.record import record_to_plan
from tests.export_samples import example_record
from tests.test_export_fhir import by_type, resolve, validate

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PURPOSE, OWN, GOAL, SUB = (
    "424827b1-23aa-4848-962b-56ee47def560",
    "416fe27d-3ccf-4390-8742-8b52a9d8dc78",
    "0bb3daef-538d-45dc-b444-abdbcb63f6bc",
    "6746d4af-145a-4bfd-a672-05c0cf11b53b",
)


def example() -> Plan:
    return record_to_plan(example_record())


def export(plan: Plan, **extra: object) -> dict:
    bundle = plan_to_fhir(plan, board_id="b1", created=NOW, **extra)  # type: ignore[arg-type]
    validate(bundle)
    return bundle


@pytest.fixture(scope="module")
def bundle() -> dict:
    return export(example())


def care_plan(bundle: dict) -> dict:
    (found,) = by_type(bundle, "CarePlan")
    return found


def goal(bundle: dict, text: str) -> dict:
    return next(g for g in by_type(bundle, "Goal") if g["description"]["text"] == text)


def agent_code(provenance: dict) -> str:
    return provenance["agent"][0]["type"]["coding"][0]["code"]


def code(resource: dict) -> str:
    return resource["category"][0]["coding"][0]["code"]


def test_careplan_category_and_profile(bundle: dict) -> None:
    plan = care_plan(bundle)
    assert plan["meta"]["profile"] == [f"{KL}/StructureDefinition/KLCommonCareSocialCarePlan"]
    assert plan["category"][0]["coding"][0] == {
        "system": KL_CODES,
        "code": "4a297733-4d66-4726-a933-590d55cf91e0",
        "display": "Social indsats",
    }


def test_careplan_has_exactly_one_purpose_goal_first(bundle: dict) -> None:
    goals = [resolve(bundle, r) for r in care_plan(bundle)["goal"]]
    purposes = [g for g in goals if code(g) == PURPOSE]
    assert len(purposes) == 1 and goals[0] is purposes[0]
    assert purposes[0]["description"]["text"] == example().purpose
    assert purposes[0]["meta"]["profile"] == [f"{KL}/StructureDefinition/KLCommonCareSocialPurpose"]
    assert purposes[0]["category"][0]["coding"][0]["display"] == "Indsatsformål"


def test_careplan_description_and_period_to_the_expected_end(bundle: dict) -> None:
    plan = care_plan(bundle)
    assert plan["description"] == example().purpose
    assert plan["period"] == {"start": "2026-11-23", "end": "2027-06-30"}
    assert plan["created"] == "2026-11-24T10:00:00Z" and plan["status"] == "active"


def test_careplan_case_number_extension(bundle: dict) -> None:
    (ext,) = [e for e in care_plan(bundle)["extension"] if e["url"] == CASE_NUMBER]
    identifier = ext["valueIdentifier"]
    assert identifier["use"] == "usual" and identifier["value"] == "27.12.04-G01-1234-26"
    assert resolve(bundle, identifier["assigner"])["name"] == "Familieafdelingen"
    without = replace(example(), case_number="")
    assert all(e["url"] != CASE_NUMBER for e in care_plan(export(without))["extension"])


def test_a_consent_per_organisation(bundle: dict) -> None:
    consents = {
        resolve(bundle, c["organization"][0])["name"]: c for c in by_type(bundle, "Consent")
    }
    assert set(consents) == {
        "Jobcenter",
        "Ydelseskontoret",
        "Grønnevang Skole",
        "Frivilligcenteret",
    }
    job = consents["Jobcenter"]
    assert job["status"] == "active"
    assert job["scope"]["coding"][0]["code"] == "patient-privacy"
    assert job["category"][0]["coding"][0]["code"] == "IDSCL"
    assert job["dateTime"] == "2026-11-23T09:05:00Z"
    assert job["provision"]["period"] == {"start": "2026-11-23", "end": "2027-06-30"}
    patient = care_plan(bundle)["subject"]["reference"]
    assert job["patient"]["reference"] == patient and job["performer"][0]["reference"] == patient
    withdrawn = consents["Frivilligcenteret"]
    assert withdrawn["status"] == "inactive"
    assert withdrawn["provision"]["period"]["end"] == "2026-11-30"


def test_a_version_is_completed_with_the_citizens_approval_as_provenance() -> None:
    agreed = Version(
        3,
        datetime(2026, 11, 23, 10, 5, tzinfo=UTC),
        "agreed",
        "Sofie Jensen",
        datetime(2026, 11, 23, 10, 9, tzinfo=UTC),
    )
    b = export(example(), version=agreed)
    plan = care_plan(b)
    assert plan["status"] == "completed" and plan["created"] == "2026-11-23T10:05:00Z"
    (approval,) = [p for p in by_type(b, "Provenance") if agent_code(p) == "attester"]
    assert approval["recorded"] == "2026-11-23T10:09:00Z"
    assert resolve(b, approval["target"][0]) is plan
    assert approval["target"][0]["display"] == "Version 3 af planen"
    assert approval["agent"][0]["who"]["display"] == "Sofie Jensen"
    unconfirmed = Version(
        2, datetime(2026, 11, 20, tzinfo=UTC), "awaiting_citizen", superseded=True
    )
    b = export(example(), version=unconfirmed)
    assert care_plan(b)["status"] == "revoked"
    assert all(agent_code(p) == "author" for p in by_type(b, "Provenance"))


def test_goal_kinds_by_kl_codes(bundle: dict) -> None:
    plan = example()
    own = goal(bundle, plan.own_goal.text)
    assert code(own) == OWN and resolve(bundle, own["expressedBy"])["resourceType"] == "Patient"
    assert code(goal(bundle, "Få et arbejde i et køkken")) == GOAL  # the Jobcenter's
    assert code(goal(bundle, "Tage hygiejnebevis")) == SUB
    assert code(goal(bundle, "Tage kørekort")) == OWN  # no office: the citizen's own goal
    job = goal(bundle, "Få et arbejde i et køkken")
    assert job["meta"]["profile"] == [f"{KL}/StructureDefinition/KLCommonCareSocialFFBGoal"]
    assert job["category"][0]["text"] == "Mål om arbejde"  # a beskæftigelsesmål (Min Plan)
    links = {e["url"]: e for e in job["extension"]}
    target = {x["url"]: x for x in links[GOAL_RELATIONSHIP]["extension"]}["target"]
    assert resolve(bundle, target["valueReference"]) is own  # based on the citizen's own goal
    course = goal(bundle, "Tage hygiejnebevis")
    (rel,) = [e for e in course["extension"] if e["url"] == GOAL_RELATIONSHIP]
    sub = {x["url"]: x for x in rel["extension"]}
    assert sub["type"]["valueCodeableConcept"]["text"] == "based-on"
    assert resolve(bundle, sub["target"]["valueReference"]) is job


def test_expressed_by_only_a_practitioner_or_the_citizen() -> None:
    plan = example()
    plan.goals[0] = replace(plan.goals[0], proposed_by="p-karen", agreed_at=None)  # a relative
    b = export(plan)
    for g in by_type(b, "Goal"):
        if "expressedBy" in g:
            assert resolve(b, g["expressedBy"])["resourceType"] in ("Practitioner", "Patient")
    assert "expressedBy" not in goal(b, "Få et arbejde i et køkken")
    swim = goal(b, "Liva går til en fritidsaktivitet")  # proposed by the coordinator
    assert resolve(b, swim["expressedBy"])["name"] == [{"text": "Mette Larsen"}]


def test_the_office_is_an_organization_reference(bundle: dict) -> None:
    job = goal(bundle, "Få et arbejde i et køkken")
    (office,) = [e for e in job["extension"] if e["url"] == TAVLE_OFFICE]
    org = resolve(bundle, office["valueReference"])
    assert org["resourceType"] == "Organization" and org["name"] == "Jobcenter"
    assert {"system": "http://cvr.dk", "value": "29189366"} in org["identifier"]
    assert "note" not in job or all(n["text"] != "Jobcenter" for n in job["note"])
    school = next(o for o in by_type(bundle, "Organization") if o["name"] == "Grønnevang Skole")
    assert {"system": SOR, "value": "1234561000016008"} in school["identifier"]
    task = next(
        a["detail"]
        for a in care_plan(bundle)["activity"]
        if a["detail"]["description"].startswith("Holde møde med Emil")
    )
    assert resolve(bundle, task["performer"][1]) is school
    assert "location" not in task
    names = [o["name"] for o in by_type(bundle, "Organization")]
    assert "Sofies mor" not in names and len(names) == len(set(names))


def test_family_members_are_their_own_subjects(bundle: dict) -> None:
    citizen = care_plan(bundle)["subject"]["reference"]
    emil = resolve(bundle, goal(bundle, "Emil kommer i skole hver dag")["subject"])
    assert emil["resourceType"] == "Patient" and emil["name"] == [{"text": "Emil"}]
    assert goal(bundle, "Emil kommer i skole hver dag")["subject"]["reference"] != citizen
    liva = goal(bundle, "Liva går til en fritidsaktivitet")["subject"]
    assert resolve(bundle, liva)["name"] == [{"text": "Liva"}]
    assert goal(bundle, "Ro på pengene")["subject"]["reference"] == citizen  # Sofie is the citizen
    assert len(by_type(bundle, "Patient")) == 3


def test_ratings_are_outcome_codes_with_assessor_and_date(bundle: dict) -> None:
    (outcome,) = goal(bundle, "Ro på pengene")["outcomeCode"]
    assert outcome["text"] == "Vurdering 3 den 23-11-2026: Det fylder meget lige nu."
    informer = next(e for e in outcome["extension"] if e["url"] == INFORMER)
    assert informer["valueCodeableConcept"]["text"] == "Borger"


def test_care_team_roles_fit_the_kind_of_organisation(bundle: dict) -> None:
    (team,) = by_type(bundle, "CareTeam")
    roles = {p["member"]["display"]: p["role"][1]["text"] for p in team["participant"]}
    assert roles["Mette Larsen"] == "Koordinerende myndighed"
    assert roles["Jonas Holm"] == "Samarbejdende myndighed"
    assert roles["Aisha Nasser"] == "Udfører"  # the school is an udfører, not a myndighed
    assert roles["Karen Jensen"] == "Pårørende" and roles["Lise Bak"] == "Bisidder"
    karen = next(
        r for r in by_type(bundle, "RelatedPerson") if r["name"] == [{"text": "Karen Jensen"}]
    )
    assert karen["relationship"] == [{"text": "Sofies mor"}]


def test_observers_are_not_practitioners() -> None:
    plan = example()
    plan.participants.append(Participant("p-obs", "Ole Observatør", role="observer"))
    b = export(plan)
    names = [r["name"][0]["text"] for r in by_type(b, "Practitioner")]
    assert "Ole Observatør" not in names
    assert "Ole Observatør" not in str(b)
