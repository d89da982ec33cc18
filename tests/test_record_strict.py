"""Record strictness (issue 16, step 7): real dates and moments, and the same unsafe
characters removed from every format."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from board.fields import Invalid, iso_date, timestamp
from plan_export.formats import ExportOptions, export_doc
from plan_export.record import RecordError, validate_record
from server.plan_io import board_from_record
from tests.export_samples import example_record

SNEAKY = "Få\u202e et\x07 arbejde\u2066 i\ufeff et køkken\x1b"


@pytest.mark.parametrize(
    "stamp",
    ["2026-02-30T10:00:00Z", "2026-11-23T25:00:00Z", "2026-13-01T00:00Z", "2026-11-23T10:61Z"],
)
def test_a_timestamp_must_be_a_real_moment(stamp: str) -> None:
    with pytest.raises(Invalid):
        timestamp(stamp)
    record = example_record()
    record["goals"][0]["created"] = stamp
    with pytest.raises(RecordError) as caught:
        validate_record(record)
    assert caught.value.path == "/goals/0/created"


def test_a_date_must_be_a_real_date() -> None:
    assert timestamp("2026-11-23T09:30:00+01:00") and iso_date("2028-02-29")
    with pytest.raises(Invalid):
        iso_date("2027-02-29")
    record = example_record()
    record["actions"][0]["due"] = "2026-02-30"
    with pytest.raises(RecordError, match="/actions/0/due"):
        validate_record(record)


def test_unsafe_characters_are_removed_the_same_way_in_every_format() -> None:
    record = example_record()
    record["goals"][0]["title"] = SNEAKY
    record["own_goal"]["text"] = "\u202eJeg vil\x00 have et arbejde"
    _title, doc = board_from_record(record)
    outputs = {
        fmt: export_doc(doc, fmt, board_id="b", options=ExportOptions()).data
        for fmt in ("json", "fhir", "pdf")
    }
    plain = "Få et arbejde i et køkken"
    for fmt, data in outputs.items():
        text = (
            data.decode()
            if fmt != "pdf"
            else " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        )
        for bad in ("\u202e", "\x07", "\u2066", "\ufeff", "\x1b", "\x00"):
            assert bad not in text, (fmt, bad)
        if fmt != "pdf":
            assert all(esc not in text for esc in ("\\u202e", "\\u0007", "\\u001b"))
        assert plain in " ".join(text.split()), fmt
    record_out = json.loads(outputs["json"])
    assert record_out["goals"][0]["title"] == plain
    assert record_out["own_goal"]["text"] == "Jeg vil have et arbejde"


def test_a_title_of_only_unsafe_characters_exports_as_a_dash() -> None:
    record = example_record()
    record["goals"][0]["title"] = "\u202e\x07"
    _title, doc = board_from_record(record)
    out = json.loads(export_doc(doc, "json", board_id="b", options=ExportOptions()).data)
    assert out["goals"][0]["title"] == "-"


def test_only_the_server_writes_consents_and_only_professionals_change_organisations() -> None:
    from pycrdt import Doc, Map

    from board.limits import Guard

    doc = Doc()
    orgs = doc.get("organisations", type=Map)
    guard = Guard(doc)
    orgs["o1"] = {
        "id": "o1",
        "name": "Jobcenter",
        "kind": "authority",
        "sor": "",
        "cvr": "",
        "municipality": "",
        "kombit": "",
    }
    assert guard.after_update("citizen") == []  # adding one is fine (a new person's workplace)
    orgs["o1"] = {**orgs["o1"], "cvr": "12345678"}
    problems = guard.after_update("citizen")
    assert problems and problems[0].startswith("role: ") and orgs["o1"]["cvr"] == ""
    orgs["o1"] = {**orgs["o1"], "cvr": "29188335"}
    assert guard.after_update("professional") == [] and orgs["o1"]["cvr"] == "29188335"
    consent = {
        "id": "c1",
        "org": "o1",
        "given_by": "",
        "given_at": None,
        "scope": "",
        "expires": None,
        "withdrawn_at": None,
    }
    doc.get("consents", type=Map)["c1"] = consent
    problems = guard.after_update("coordinator")
    assert problems[0].startswith("role: ") and "c1" not in doc.get("consents", type=Map)
