"""Exports delivered for real: ``tavle export`` subprocesses and HTTP against ``tavle serve``."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
from PIL import Image
from pycrdt import Doc, Map
from pypdf import PdfReader

from board import schema
from board.write import write_plan
from plan_export.formats import (
    ROLE_FORMATS,
    ExportError,
    ExportOptions,
    allowed,
    export_doc,
    sheet_options,
)
from plan_export.record import validate_record
from tests.conftest import ServerProcess
from tests.export_samples import EXAMPLE, example_record, sample_plan
from tests.test_access_support import coordinator, join, join_code, new_case, open_meeting
from tests.test_export_fhir import validate
from tests.yclient import connected

OWN_GOAL = example_record()["own_goal"]["text"]


def pdf_words(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def check_output(fmt: str, data: bytes) -> None:
    """Open the output like its reader would, and look for the plan in it."""
    if fmt == "json":
        record = json.loads(data)
        validate_record(record)
        assert record["own_goal"]["text"] == OWN_GOAL
    elif fmt == "fhir":
        bundle = json.loads(data)
        validate(bundle)
        goals = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal"]
        assert OWN_GOAL in [g["description"]["text"] for g in goals]
    elif fmt in ("png", "sheet-png"):
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.mode == "RGB"
        if fmt == "sheet-png":
            assert image.width == 1080 and image.height > 1080
        else:  # the cards, not a blank picture: their fills, borders, badges and words
            assert image.width > 1000 and len(image.getcolors(1 << 20) or []) > 50
    elif fmt == "svg":
        root = ET.fromstring(data)  # noqa: S314 - our own output
        lines = " ".join(t.strip() for t in root.itertext() if t.strip())
        assert f"»{' '.join(OWN_GOAL.split())}«" in lines  # whole, in the citizen's words
        for owner in (
            "Jonas Holm",
            "Peter Dahl",
            "Sofie Jensen",
            "Lise Bak",
            "Aisha Nasser",
            "Karen Jensen",
            "Mette Larsen",
        ):
            assert f"Hvem: {owner}" in lines
    else:
        assert " ".join(OWN_GOAL.split()) in pdf_words(data)


def audit_events(server: ServerProcess, board_id: str) -> list[tuple[str, str, str]]:
    with sqlite3.connect(server.data_dir / "tavle.db") as db:
        rows = db.execute(
            "select event, actor, detail from audit_log where board_id = ? and event = 'export'"
            " order by id",
            (board_id,),
        ).fetchall()
    return [(e, a, d) for e, a, d in rows]


@pytest.fixture
def board(server: ServerProcess) -> dict:
    done = server.cli("board", "import", str(EXAMPLE))  # laid out on the road (vejen)
    return json.loads(done.stdout)


@pytest.mark.timeout(300)  # a few `tavle` processes: slow only on a crowded machine
def test_cli_writes_each_format(server: ServerProcess, board: dict, tmp_path: Path) -> None:
    formats = ("json", "fhir", "png", "svg", "pdf")  # sheet-png: over HTTP below
    for fmt in formats:
        out = tmp_path / f"plan.{fmt}"
        done = server.cli("export", board["board_id"], "--format", fmt, "-o", str(out))
        assert f"wrote {out}" in done.stderr
        check_output(fmt, out.read_bytes())
    events = audit_events(server, board["board_id"])
    assert tuple(json.loads(d)["format"] for _, _, d in events) == formats
    assert all(actor.startswith("cli:") for _, actor, _ in events)


@pytest.mark.timeout(300)
def test_cli_refusals_keep_the_file(server: ServerProcess, board: dict, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "sheet.pdf"
    out.write_bytes(b"keep me")
    bid = board["board_id"]
    bad_frame = server.cli(
        "export", bid, "--format", "png", "--frame", "nope", "-o", str(out), check=False
    )
    assert bad_frame.returncode == 2 and "no frame 'nope'" in bad_frame.stderr
    bad_section = server.cli(
        "export", bid, "--format", "pdf", "--sections", "diary", "-o", str(out), check=False
    )
    assert bad_section.returncode == 2 and "unknown section 'diary'" in bad_section.stderr
    missing = server.cli("export", "no-such-board", "--format", "pdf", "-o", str(out), check=False)
    assert missing.returncode == 1 and "no board 'no-such-board'" in missing.stderr
    assert out.read_bytes() == b"keep me"  # a refused export leaves the file alone
    assert list(folder.iterdir()) == [out]  # and no temporary file behind
    assert audit_events(server, bid) == []  # nothing left the store


def get(server: ServerProcess, board_id: str, token: str, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(
        f"{server.http}/api/boards/{board_id}/export", params=params, headers=headers, timeout=30
    )


def test_http_export_roles_errors_and_audit(server: ServerProcess, board: dict) -> None:
    bid, edit, view = board["board_id"], board["edit_token"], board["view_token"]
    for fmt in ("fhir", "svg", "sheet-png", "pdf"):
        response = get(server, bid, edit, format=fmt)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        check_output(fmt, response.content)
    assert (
        get(server, bid, edit, format="fhir")
        .headers["content-type"]
        .startswith("application/fhir+json")
    )
    english = get(server, bid, edit, format="pdf", lang="en", sections="tasks,next_meeting")
    words = pdf_words(english.content)
    assert "Who does what – and when" in words and "Next meeting" in words
    assert "What I want" not in words and " ".join(OWN_GOAL.split()) not in words
    offered = get(server, bid, edit).json()  # no format: what may this caller download?
    assert offered["formats"] == ["json", "fhir", "png", "svg", "pdf", "sheet-png"]
    assert offered["sections"][0] == "own_goal"
    assert get(server, bid, view).json()["formats"] == []
    refused = get(server, bid, view, format="pdf")  # the view token is an observer
    assert refused.status_code == 403
    assert refused.json()["error"] == "Du kan ikke hente den del af planen."
    assert get(server, bid, "", format="pdf").status_code == 401
    assert get(server, bid, "wrong", format="pdf").status_code == 401
    assert get(server, "nosuchboard", edit, format="pdf").status_code in (401, 404)
    assert get(server, bid, edit, format="docx").status_code == 400
    assert get(server, bid, edit, format="png", frame="nope").status_code == 400
    assert get(server, bid, edit, format="png", scale="big").status_code == 400
    assert get(server, bid, edit, format="png", scale="100").status_code == 400
    events = audit_events(server, bid)
    formats = [json.loads(d)["format"] for _, _, d in events]
    assert formats == ["fhir", "svg", "sheet-png", "pdf", "fhir", "pdf"]
    assert {json.loads(d)["role"] for _, _, d in events} == {"coordinator"}
    assert edit not in server.log() and view not in server.log()


def test_http_exports_the_live_board(server: ServerProcess, board: dict) -> None:
    bid, edit = board["board_id"], board["edit_token"]
    words = "Nu vil jeg også have en cykel"

    async def change_goal() -> None:
        client = await connected(server.ws, bid, edit)
        await client.edit(
            lambda doc: doc.get(schema.PLAN, type=Map).__setitem__(
                "own_goal", {"text": words, "updated": "2026-11-23T10:00:00Z"}
            )
        )
        await asyncio.sleep(0.3)  # the server applies it; the export reads the room
        response = await asyncio.to_thread(get, server, bid, edit, format="sheet-png")
        assert response.status_code == 200
        pdf = await asyncio.to_thread(get, server, bid, edit, format="pdf")
        assert words in pdf_words(pdf.content)
        await client.close()

    asyncio.run(change_goal())


def test_role_table() -> None:
    assert allowed("coordinator", "fhir") and allowed("professional", "json")
    assert allowed("citizen", "pdf") and allowed("citizen", "sheet-png")
    assert not allowed("citizen", "fhir") and not allowed("citizen", "json")
    for role in ("relative", "support", "observer", "nobody"):
        assert role not in ROLE_FORMATS and not allowed(role, "pdf")


def goal(gid: str, title: str) -> dict:
    return {
        "id": gid,
        "title": title,
        "description": "",
        "horizon": "now",
        "rank": 0,
        "office": "",
        "parent": None,
        "member": None,
        "proposed_by": None,
        "agreed_at": None,
        "status": "active",
        "created": None,
    }


def test_citizen_takes_the_sheet_home_without_restricted_parts(server: ServerProcess) -> None:
    api = coordinator(server)
    case = new_case(api, alias="Sofie")
    board_id = case["board_id"]
    section = api.post(f"/api/cases/{case['id']}/sections", {"title": "Mors afsnit"}).json()
    meeting = open_meeting(api, case["id"])
    joined = join(server, join_code(api, meeting, role="citizen"), "Sofie")
    assert joined.status_code == 200, joined.text
    token = joined.json()["token"]

    async def write_goals() -> None:
        for room, g in (
            (board_id, goal("g1", "Få en cykel")),
            (section["room"], goal("g2", "HEMMELIG-afsnit")),
        ):
            client = await connected(server.ws, room, token)
            await client.edit(
                lambda doc, g=g: doc.get(schema.GOALS, type=Map).__setitem__(g["id"], g)
            )
            await asyncio.sleep(0.2)
            await client.close()

        reader = await connected(server.ws, section["room"], token)  # it is really there
        assert "g2" in reader.doc.get(schema.GOALS, type=Map)
        await reader.close()

    asyncio.run(write_goals())
    sheet = get(server, board_id, token, format="pdf")
    assert sheet.status_code == 200, sheet.text
    words = pdf_words(sheet.content)
    assert "Din plan" in words and "Få en cykel" in words
    assert "HEMMELIG" not in words  # a restricted section is never part of an export
    assert get(server, board_id, token, format="fhir").status_code == 403
    assert get(server, board_id, token).json()["formats"] == ["png", "svg", "pdf", "sheet-png"]
    professional = api.get(f"/api/boards/{board_id}/export?format=fhir")
    assert professional.status_code == 200  # the coordinator's session
    assert "Få en cykel" in professional.text and "HEMMELIG" not in professional.text
    roles = [json.loads(d)["role"] for _, _, d in audit_events(server, board_id)]
    assert roles == ["citizen", "coordinator"]


def test_export_doc_reads_any_document() -> None:
    """In process: the same entry point both deliveries use, on a messy document."""
    doc = Doc()
    write_plan(doc, sample_plan())
    elements = doc.get(schema.ELEMENTS, type=Map)
    elements["ok"] = {
        "id": "ok",
        "type": "stroke",
        "z": 1,
        "author": "",
        "created": 0,
        "points": [0, 0, 500, 900, 0, 500],
        "color": "#ff0000",
        "width": 40,
        "tool": "pen",
    }
    elements["junk"] = "not an element"
    elements["odd"] = {"id": "odd", "type": "hologram"}
    png = export_doc(doc, "png", board_id="b1", options=ExportOptions(scale=2))
    assert png.media_type == "image/png" and len(png.problems) == 2
    assert Image.open(io.BytesIO(png.data)).size == (2 * (90 + 4 + 40), 2 * (4 + 40))
    fhir = export_doc(doc, "fhir", board_id="b1", options=ExportOptions(lang="en"))
    validate(json.loads(fhir.data))
    sheet = export_doc(doc, "pdf", board_id="b1", options=ExportOptions(lang="en"))
    assert "Your plan" in pdf_words(sheet.data)
    for fmt, options, message in (
        ("docx", ExportOptions(), "unknown format"),
        ("png", ExportOptions(scale=0), "scale must be"),
        ("png", ExportOptions(scale=float("nan")), "scale must be"),
        ("svg", ExportOptions(frame="ok"), "no frame 'ok'"),
        ("pdf", ExportOptions(lang="de"), "language must be"),
    ):
        with pytest.raises(ExportError, match=message):
            export_doc(doc, fmt, board_id="b1", options=options)
    with pytest.raises(ExportError, match="unknown section"):
        sheet_options(sections="tasks,diary")
    assert sheet_options("g1, g2", "tasks", True, "en").goals == frozenset({"g1", "g2"})
