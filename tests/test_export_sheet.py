"""The citizen's sheet: what the citizen chose, in plain Danish, readable in the PNG and the PDF."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from board.plan import Member, Plan
from plan_export.sheet import SheetOptions, build_sheet, sheet_pdf, sheet_png
from tests.export_samples import hostile_plan, sample_plan

TODAY = date(2026, 11, 23)


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4 portrait
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.1)
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader  # wrapped lines joined: compare words in order


def test_content_in_plain_danish() -> None:
    sheet = build_sheet(sample_plan(), today=TODAY)
    assert sheet.heading == "Din plan" and sheet.name == "Sofie"
    assert sheet.made == "Lavet 23-11-2026"
    assert sheet.own_goal == "Jeg vil have mit eget sted at bo – og en hund 🐕"
    # agreed goal g1 with its step; g3 is an unagreed proposal, marked; parked g4 last
    assert [g.title for g in sheet.goals] == [
        "Få et fast job",
        "Flytte til Odense",
        "Tage kørekort",
    ]
    assert sheet.goals[0].steps == ["Få lavet tænder"]
    assert sheet.goals[0].detail == "Om 3 måneder · Jobcenter"
    assert sheet.goals[1].detail == "Forslag · Senere"
    assert sheet.goals[2].detail == "Sat på pause"
    assert (
        build_sheet(sample_plan(), SheetOptions(include_proposals=False), today=TODAY)
        .goals[1]
        .title
        == "Tage kørekort"
    )  # the citizen may leave the suggestions out
    plan = sample_plan()
    plan.members = [Member(id="m1", name="Emil", relation="søn (14 år)")]
    plan.goals[0].member = "m1"
    family = build_sheet(plan, today=TODAY)
    assert family.goals[0].detail == "Emil · Om 3 måneder · Jobcenter"
    tasks = {task.what: task for task in sheet.tasks}
    assert tasks["Finde praktikplads"].when == "Forslag · Ikke startet"  # not agreed yet
    first = sheet.tasks[0]
    assert (first.what, first.who, first.when) == (
        "Søge om enkeltydelse til tandlæge",
        "Mette Jensen, Ydelseskontoret",
        "I gang · Senest mandag 7. december",
    )
    assert tasks["Ringe til tandlægen"].who == "Dig"
    assert tasks["Skrive CV"].when == "Klaret" and tasks["Skrive CV"].done
    contact = sheet.contacts[0]
    assert (contact.label, contact.name, contact.phone) == (
        "Din kontaktperson",
        "Mette Jensen",
        "72 32 00 01",
    )
    assert [c.name for c in sheet.contacts] == ["Mette Jensen", "Ali Khan", "Hanne Hansen"]
    assert sheet.next_meeting == "mandag 7. december kl. 10.00"
    assert sheet.next_place == "Jobcentret, lokale 2"


def test_the_citizen_chooses() -> None:
    plan = sample_plan()
    plan.participants[2].contact_person = True  # the agreed contact is not the coordinator
    options = SheetOptions(goals=frozenset({"g4"}), sections=("goals", "tasks", "contacts"))
    sheet = build_sheet(plan, options, today=TODAY)
    assert sheet.own_goal == "" and sheet.next_meeting == ""
    assert [g.title for g in sheet.goals] == ["Tage kørekort"]
    assert sheet.tasks == []  # every task belongs to a goal that was not chosen
    assert sheet.contacts[0].name == "Ali Khan"
    assert sheet.contacts[0].label == "Din kontaktperson"
    with_proposals = build_sheet(plan, SheetOptions(include_proposals=True), today=TODAY)
    assert "Flytte til Odense" in [g.title for g in with_proposals.goals]
    assert "Finde praktikplads" in [t.what for t in with_proposals.tasks]
    plan.goals[0].status = "cancelled"
    assert "Få et fast job" not in [g.title for g in build_sheet(plan, today=TODAY).goals]


def test_english() -> None:
    sheet = build_sheet(sample_plan(), SheetOptions(lang="en"), today=TODAY)
    assert sheet.heading == "Your plan"
    assert sheet.tasks[0].when == "In progress · By Monday 7 December"
    assert sheet.contacts[0].label == "Your contact person"
    assert sheet.next_meeting == "Monday 7 December 10:00"
    text, _ = pdf_text(sheet_pdf(sheet))
    assert "Who does what – and when" in text and "Your contacts" in text


def test_pdf_text_reads_back() -> None:
    text, reader = pdf_text(sheet_pdf(build_sheet(sample_plan(), today=TODAY)))
    expected = [
        "Din plan",
        "Mit mål",
        "„Jeg vil have mit eget sted at bo – og en hund □“",  # no glyph: a visible □
        "Vejen dertil",
        "Få et fast job",
        "– Få lavet tænder",
        "Hvem gør hvad – og hvornår",
        "Søge om enkeltydelse til tandlæge",
        "Mette Jensen, Ydelseskontoret",
        "I gang · Senest mandag 7. december",
        "Aftaler",
        "Vi mødes igen om 14 dage",
        "Næste møde",
        "mandag 7. december kl. 10.00",
        "Jobcentret, lokale 2",
        "Dine kontakter",
        "Din kontaktperson",
        "Telefon 72 32 00 01",
    ]
    positions = [text.find(line) for line in expected]
    assert -1 not in positions, [e for e, p in zip(expected, positions, strict=True) if p < 0]
    assert positions == sorted(positions)  # in reading order
    assert "Forslag · Senere" in text and "Forslag · Ikke startet" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert all("DejaVu" in name for name in fonts)  # the shipped TTF, embedded


def test_png_is_phone_portrait_and_readable() -> None:
    data = sheet_png(build_sheet(sample_plan(), today=TODAY))
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB" and image.width == 1080 and image.height > image.width
    assert image.getpixel((5, 5)) == (255, 255, 255)
    # the title is large type: its ink spans at least ~55 px in height
    top = image.crop((0, 0, 1080, 160)).convert("L")
    box = ImageChops.invert(top).getbbox()
    assert box and box[3] - box[1] >= 55
    # the accent bar of the citizen's own goal is there, in the calm green
    colours = {c for _, c in image.getcolors(1 << 20)}
    assert (0x2A, 0x7F, 0x76) in colours and (0xEE, 0xF3, 0xF7) in colours


def test_empty_plan_still_makes_a_sheet() -> None:
    sheet = build_sheet(Plan(), today=TODAY)
    Image.open(io.BytesIO(sheet_png(sheet))).verify()
    text, _ = pdf_text(sheet_pdf(sheet))
    assert "Din plan" in text and "Mit mål" not in text


def test_hostile_text_cannot_break_the_sheet() -> None:
    plan = hostile_plan()
    sheet = build_sheet(plan, SheetOptions(include_proposals=True), today=TODAY)
    png = sheet_png(sheet)
    Image.open(io.BytesIO(png)).verify()
    image = Image.open(io.BytesIO(png))
    assert image.width == 1080 and image.height < 20_000  # long texts were cut, not drawn whole
    data = sheet_pdf(sheet)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text, reader = pdf_text(data)
    assert "<script>alert('x')</script>" in text
    assert "%PDF-1.4" in text  # drawn as text, not taken as structure
    assert "\u202e" not in text and "\x1b" not in text
    assert "…" in text  # the 5,000-character text ends in an ellipsis
    assert len(reader.pages) < 20
    assert sheet.next_meeting == ""  # a malformed date and time are left out, not guessed
