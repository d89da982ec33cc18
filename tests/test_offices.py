"""Organisations as data and each office's part of the plan (issue 16, steps 1–2).

In process: old boards' free-text offices read as organisations, a relative's
relation never is one, the per-office cut of the example family plan. For real:
``tavle org`` and ``tavle export --office`` subprocesses, and the HTTP export with
consent recorded on the case page, against a running ``tavle serve``.
"""

from __future__ import annotations

import asyncio
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pycrdt import Doc, Map
from pypdf import PdfReader

from board import schema
from board.read import read_plan
from plan_export.formats import ExportError, ExportOptions, NoConsent, export_doc
from server.plan_io import board_from_record
from tests.conftest import ServerProcess
from tests.export_samples import EXAMPLE, example_record
from tests.test_access_support import Api, coordinator, make_user, new_case
from tests.test_export_fhir import validate
from tests.yclient import connected

# the goals of the offices other than the Jobcenter, and the tasks only they have
NOT_FOR_JOBCENTER = (
    "Ro på pengene",
    "Få overblik over regningerne",
    "Emil kommer i skole hver dag",
    "fodbold med klassen",
    "Liva går til en fritidsaktivitet",
    "Søge om hjælp til tandlæge",
    "Holde møde med Emil",
    "Tage kørekort",
    "Gæld til SKAT",
)
FOR_JOBCENTER = ("Få et arbejde i et køkken", "Tage hygiejnebevis", "Prøve en praktik i en kantine")


def old_record() -> dict:
    """The example as a record from before organisations: offices as free text."""
    record = example_record()
    for key in ("organisations", "consents"):
        record.pop(key)
    for p in record["participants"]:
        p.pop("org"), p.pop("relation")
        if p["id"] == "p-karen":
            p["organisation"] = "Sofies mor"
    for item in (*record["goals"], *record["actions"]):
        item.pop("org")
    return record


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_an_old_board_reads_its_offices_as_organisations_and_a_relation_is_none() -> None:
    _title, doc = board_from_record(old_record())
    plan, problems = read_plan(doc)
    assert problems == []
    names = {o.name for o in plan.organisations}
    assert names == {
        "Familieafdelingen",
        "Jobcenter",
        "Ydelseskontoret",
        "Grønnevang Skole",
        "Frivilligcenteret",
    }
    assert "Sofies mor" not in names
    karen = plan.participant("p-karen")
    assert karen and karen.org is None and karen.relation == "Sofies mor" and not karen.organisation
    jonas = plan.participant("p-jonas")
    job = plan.organisation(jonas.org if jonas else None)
    assert job and job.name == "Jobcenter"
    goal = next(g for g in plan.goals if g.id == "g-job")
    assert goal.org == job.id  # the goal's "Jobcenter" and Jonas' are one organisation
    # the import wrote the references into the document (not only read them so)
    stored = doc.get(schema.GOALS, type=Map)["g-job"]
    assert stored["org"] == job.id


def test_a_relatives_relation_typed_as_organisation_is_never_an_organisation() -> None:
    doc = Doc()
    doc.get(schema.PARTICIPANTS, type=Map)["p1"] = {
        "id": "p1",
        "name": "Karen",
        "role": "relative",
        "organisation": "Sofies mor",
    }
    plan, _ = read_plan(doc)
    assert plan.organisations == [] and plan.participants[0].relation == "Sofies mor"


@pytest.mark.parametrize("fmt", ["json", "fhir", "pdf"])
def test_the_jobcenters_part_lacks_every_other_offices_goal(fmt: str) -> None:
    _title, doc = board_from_record(example_record())
    data = export_doc(doc, fmt, board_id="b1", options=ExportOptions(office="Jobcenter")).data
    text = pdf_text(data) if fmt == "pdf" else data.decode()
    for words in NOT_FOR_JOBCENTER:
        assert words not in text, words
        assert words.encode() not in data
    for words in FOR_JOBCENTER:
        assert words in text
    if fmt == "json":
        record = json.loads(data)
        assert record["office"] == "org-job"
        assert [c["org"] for c in record["consents"]] == ["org-job"]
        assert {p["id"] for p in record["participants"]} == {"p-sofie", "p-mette", "p-jonas"}
        assert record["dreams"] == record["challenges"] == [] and record["ratings"] == []
    if fmt == "fhir":
        validate(json.loads(data))


def test_the_schools_part_has_emils_goal_and_not_sofies_job() -> None:
    _title, doc = board_from_record(example_record())
    data = export_doc(doc, "json", board_id="b1", options=ExportOptions(office="org-skole")).data
    record = json.loads(data)
    assert [g["id"] for g in record["goals"]] == ["g-skole"]
    assert {a["id"] for a in record["actions"]} == {"a-laerer", "a-hente"}  # Karen's too
    assert [r["id"] for r in record["ratings"]] == ["r2"]
    assert "Få et arbejde".encode() not in data and b"hygiejnebevis" not in data


def test_without_consent_the_office_gets_nothing() -> None:
    _title, doc = board_from_record(example_record())
    with pytest.raises(NoConsent, match="Frivilligcenteret kan ikke få sin del"):  # withdrawn
        export_doc(doc, "json", board_id="b", options=ExportOptions(office="Frivilligcenteret"))
    with pytest.raises(NoConsent):  # the coordinator's own office has no consent in the example
        export_doc(doc, "fhir", board_id="b", options=ExportOptions(office="Familieafdelingen"))
    with pytest.raises(ExportError, match="findes ikke"):
        export_doc(doc, "json", board_id="b", options=ExportOptions(office="Politiet"))
    with pytest.raises(ExportError, match="not png"):
        export_doc(doc, "png", board_id="b", options=ExportOptions(office="Jobcenter"))


def test_org_commands_and_migrating_an_old_board(server: ServerProcess, tmp_path: Path) -> None:
    server.stop()
    added = json.loads(
        server.cli(
            "org", "add", "Jobcenter", "--kind", "authority", "--cvr", "29189366", "--sor", "123456"
        ).stdout
    )
    assert added["id"].startswith("org-") and added["cvr"] == "29189366"
    bad = server.cli("org", "add", "Skolen", "--cvr", "123", check=False)
    assert bad.returncode == 2 and "8 digits" in bad.stderr
    twice = server.cli("org", "add", "jobcenter", check=False)
    assert twice.returncode == 2 and "already" in twice.stderr
    edited = json.loads(server.cli("org", "edit", "JOBCENTER", "--municipality", "0219").stdout)
    assert edited["municipality"] == "0219" and edited["id"] == added["id"]
    listed = [json.loads(line) for line in server.cli("org", "list").stdout.splitlines()]
    assert listed == [edited]

    old = tmp_path / "old.json"
    old.write_text(json.dumps(old_record()), encoding="utf-8")
    board_id = json.loads(server.cli("board", "import", str(old)).stdout)["board_id"]
    out = server.cli("org", "migrate", board_id).stdout
    assert out.startswith(board_id) and " 0 items" not in out
    record = json.loads(server.cli("board", "export", board_id).stdout)
    job = next(o for o in record["organisations"] if o["name"] == "Jobcenter")
    assert job == edited  # the list's organisation, with its codes, replaced the name-only one
    assert next(g for g in record["goals"] if g["id"] == "g-job")["org"] == added["id"]
    fhir = server.cli("export", board_id, "--format", "fhir", "-o", "-").stdout
    assert '"value": "29189366"' in fhir and "urn:oid:1.2.208.176.1.1" in fhir


def test_cli_export_for_an_office(server: ServerProcess, tmp_path: Path) -> None:
    server.stop()
    board_id = json.loads(server.cli("board", "import", str(EXAMPLE)).stdout)["board_id"]
    out = tmp_path / "job.json"
    done = server.cli(
        "export", board_id, "--format", "json", "--office", "Jobcenter", "-o", str(out)
    )
    assert done.returncode == 0
    assert b"Emil kommer" not in out.read_bytes() and b"hygiejnebevis" in out.read_bytes()
    refused = server.cli(
        "export",
        board_id,
        "--format",
        "pdf",
        "--office",
        "Frivilligcenteret",
        "-o",
        str(tmp_path / "x.pdf"),
        check=False,
    )
    assert refused.returncode == 2 and "samtykke" in refused.stderr
    assert not (tmp_path / "x.pdf").exists()
    whole = server.cli("export", board_id, "--format", "json", "-o", "-").stdout
    assert "Emil kommer" in whole  # the operator's full export stays


def example_case(server: ServerProcess, api: Api) -> dict:
    """A new case of Team Nord whose board holds the example family plan without its
    consents (they come from the case page), written by the coordinator ``api``."""
    from board.write import write_plan
    from plan_export.record import record_to_plan

    case = new_case(api, alias="Sofie")
    token = api.get(f"/api/cases/{case['id']}/board-link").json()["url"].split("#token=")[1]
    record = example_record()
    record["consents"] = []

    async def write_example() -> None:
        client = await connected(server.ws, case["board_id"], token)
        await client.edit(lambda doc: write_plan(doc, record_to_plan(record)))
        await asyncio.sleep(0.3)
        await client.close()

    with ThreadPoolExecutor(1) as thread:  # its own event loop, beside Playwright's too
        thread.submit(asyncio.run, write_example()).result()
    return case


def test_http_per_office_export_with_consent_from_the_case_page(server: ServerProcess) -> None:
    api = coordinator(server)
    make_user(server, "jonas", "Jobcenter", "Team Nord", name="Jonas Holm")
    case = example_case(server, api)
    url = f"/api/boards/{case['board_id']}/export"
    jonas = Api(server)
    assert jonas.login("jonas").status_code == 200
    assert jonas.get(url).status_code == 403  # no consent for the Jobcenter: no access at all
    # typed by hand on the case page: another case and spacing than the account's "Jobcenter"
    consent = {"org": " jobcenter", "given_by": "Sofie Jensen"}
    assert api.post(f"/api/cases/{case['id']}/consents", consent).status_code == 201
    listed = jonas.get(url).json()
    assert listed["offices"] == [{"id": "org-job", "name": "Jobcenter"}]
    # the board link of Jonas's session acts as Jonas, whoever's cookie comes along
    link = jonas.get(f"/api/cases/{case['id']}/board-link").json()["url"]
    as_jonas = api.get(url, token=link.split("#token=")[1]).json()
    assert as_jonas["offices"] == listed["offices"] and "json" not in as_jonas["formats"]
    whole = jonas.get(f"{url}?format=json")
    assert whole.status_code == 403 and "koordinatoren" in whole.json()["error"]
    for office in ("org-ydelse", "Ydelseskontoret", "org-nowhere"):  # not theirs: refused
        other = jonas.get(f"{url}?format=json&office={office}")
        assert other.status_code == 403, office
    for fmt, office in (("json", "org-job"), ("fhir", "org-job"), ("fhir", "JOBCENTER")):
        # by id, as the export menu sends it; by name, as older links do
        part = jonas.get(f"{url}?format={fmt}&office={office}")
        assert part.status_code == 200, part.text
        assert "Emil kommer" not in part.text and "Tage hygiejnebevis" in part.text
        if fmt == "json":
            assert part.json()["office"] == "org-job"
    refused = api.get(f"{url}?format=json&office=Ydelseskontoret")  # the coordinator, no consent
    assert refused.status_code == 403 and "samtykke" in refused.json()["error"]
    assert "Emil kommer" in api.get(f"{url}?format=json").text  # the coordinator's whole plan


def test_cli_export_for_an_office_with_consent_from_the_case_page(
    server: ServerProcess, tmp_path: Path
) -> None:
    """``tavle export --office`` reads the case's consent rows: given counts, withdrawn not."""
    api = coordinator(server)
    case = example_case(server, api)
    consents = f"/api/cases/{case['id']}/consents"
    assert api.post(consents, {"org": "Jobcenter", "given_by": "Sofie Jensen"}).status_code == 201
    given = api.post(consents, {"org": "Ydelseskontoret", "given_by": "Sofie Jensen"})
    assert api.post(f"{consents}/{given.json()['id']}/withdraw").status_code == 200
    server.stop()
    out = tmp_path / "job.json"
    done = server.cli(
        "export", case["board_id"], "--format", "json", "--office", "Jobcenter", "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert b"Emil kommer" not in out.read_bytes() and b"hygiejnebevis" in out.read_bytes()
    withdrawn = ["--office", "Ydelseskontoret", "-o", str(tmp_path / "y.json")]
    refused = server.cli("export", case["board_id"], "--format", "json", *withdrawn, check=False)
    assert refused.returncode == 2 and "samtykke" in refused.stderr
