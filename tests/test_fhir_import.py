"""FHIR in (issue 16, step 4): a CarePlan Bundle becomes a board, and back out unchanged.

Two Bundles: Tavle's own export of the example family plan, and a hand-written one in
KL's shape that Tavle did not produce (docs/examples/kl-careplan.json).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from board.read import read_plan
from plan_export.fhir import plan_to_fhir
from plan_export.fhir_in import FhirError, fhir_to_record
from plan_export.record import plan_to_record
from server.plan_io import board_from_record
from tests.conftest import ServerProcess
from tests.export_samples import example_record
from tests.test_export_fhir import by_type, validate

KL_BUNDLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "kl-careplan.json"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def through_a_board(record: dict) -> tuple[dict, dict]:
    """``(plan record, FHIR Bundle)`` of the board made from ``record``."""
    _title, doc = board_from_record(record)
    plan, problems = read_plan(doc)
    assert problems == []
    bundle = plan_to_fhir(plan, board_id="b1", created=NOW)
    validate(bundle)
    return plan_to_record(plan), json.loads(json.dumps(bundle))


def test_tavles_own_bundle_comes_back_whole() -> None:
    record, bundle = through_a_board(example_record())
    again, bundle_again = through_a_board(fhir_to_record(bundle))
    assert again == record  # every goal, link, task, owner, office, date, status, consent …
    assert bundle_again == bundle  # FHIR -> board -> FHIR: the same Bundle


def test_a_kl_shaped_bundle_becomes_a_plan() -> None:
    kl = json.loads(KL_BUNDLE.read_text(encoding="utf-8"))
    Bundle.model_validate(kl)  # a valid R4B Bundle (its own full URLs, not urn:uuid)
    record = fhir_to_record(kl)
    assert record["citizen"]["name"] == "Jens Madsen" and record["case_number"] == "G-2026-0815"
    assert record["purpose"].startswith("At Jens bliver stoffri")
    assert record["own_goal"]["text"].startswith("Jeg vil gerne kunne passe et arbejde")
    assert record["expected_end"] == "2027-03-31"
    orgs = {o["id"]: o for o in record["organisations"]}
    goals = {g["title"]: g for g in record["goals"]}
    stoffri, tuesday = goals["Stoffri i tre måneder"], goals["Møde op til behandling hver tirsdag"]
    assert tuesday["parent"] == stoffri["id"]  # the delmål's based-on
    assert orgs[stoffri["org"]]["name"] == "Misbrugscentret"  # the responsible professional's
    assert orgs[stoffri["org"]]["kind"] == "provider"  # the care team calls it an udfører
    assert orgs[stoffri["org"]]["sor"] == "480311000016002"
    assert tuesday["proposed_by"] and tuesday["agreed_at"] is None  # still proposed
    assert goals["Afprøve en praktik på et lager"]["status"] == "completed"
    people = {p["id"]: p for p in record["participants"]}
    tasks = {a["what"]: a for a in record["actions"]}
    treatment = tasks["Ambulant behandling tirsdag og torsdag"]
    assert people[treatment["owner"]]["name"] == "Omar Nielsen"
    assert orgs[treatment["org"]]["name"] == "Misbrugscentret"
    assert (treatment["start"], treatment["due"], treatment["status"]) == (
        "2026-10-06",
        "2026-12-31",
        "in_progress",
    )
    assert treatment["goal"] == tuesday["id"]
    sleep = tasks["Tale med lægen om søvn"]
    assert people[sleep["owner"]]["role"] == "citizen" and sleep["status"] == "done"
    coordinator = next(p for p in people.values() if p["role"] == "coordinator")
    assert coordinator["name"] == "Birte Holm" and coordinator["phone"] == "48 36 00 00"
    (consent,) = record["consents"]
    assert orgs[consent["org"]]["name"] == "Misbrugscentret" and consent["expires"] == "2027-03-31"


def test_a_kl_shaped_bundle_round_trips_without_loss() -> None:
    first, bundle = through_a_board(fhir_to_record(json.loads(KL_BUNDLE.read_text("utf-8"))))
    second, bundle_again = through_a_board(fhir_to_record(bundle))
    assert second == first and bundle_again == bundle
    goals = {g["description"]["text"]: g for g in by_type(bundle, "Goal")}
    assert goals["Møde op til behandling hver tirsdag"]["lifecycleStatus"] == "proposed"


@pytest.mark.parametrize(
    ("bundle", "where"),
    [
        ([], ""),
        ({"resourceType": "Patient"}, "/resourceType"),
        ({"resourceType": "Bundle", "entry": [{"resource": 3}]}, "/entry/0/resource"),
        ({"resourceType": "Bundle", "entry": []}, "/entry"),
    ],
)
def test_a_bundle_that_is_no_plan_is_refused_naming_where(bundle: object, where: str) -> None:
    with pytest.raises(FhirError) as caught:
        fhir_to_record(bundle)
    assert caught.value.path == where


def test_cli_imports_a_fhir_bundle(server: ServerProcess, tmp_path: Path) -> None:
    server.stop()
    made = json.loads(server.cli("board", "import", "--format", "fhir", str(KL_BUNDLE)).stdout)
    fhir = json.loads(server.cli("export", made["board_id"], "--format", "fhir", "-o", "-").stdout)
    validate(fhir)
    texts = {g["description"]["text"] for g in by_type(fhir, "Goal")}
    assert "Møde op til behandling hver tirsdag" in texts
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"resourceType": "Bundle", "entry": []}), encoding="utf-8")
    refused = server.cli("board", "import", "--format", "fhir", str(bad), check=False)
    assert refused.returncode == 2 and "exactly one CarePlan" in refused.stderr
