"""The citizen's sheet is complete (issue 16, step 6), checked page by page in the PDF:
page count, the plan's name and page number on each page, the contact person, the
agreements, each task's status, suggestions marked, the own goal whole, years."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from pypdf import PdfReader

from plan_export.office import office_part
from plan_export.record import record_to_plan
from plan_export.sheet import SheetOptions, build_sheet, sheet_pdf
from tests.export_samples import example_record

TODAY = date(2026, 11, 23)


def pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_the_family_plan_fits_two_pages_each_named_and_numbered() -> None:
    plan = record_to_plan(example_record())
    found = pages(sheet_pdf(build_sheet(plan, today=TODAY)))
    assert len(found) == 2
    for number, text in enumerate(found, start=1):
        assert text.endswith(f"Familien Jensens plan Side {number} af 2")
    first, second = found
    assert first.startswith("Din plan Sofie · Lavet 23-11-2026 Mit mål")
    whole = " ".join(found)
    assert "Din kontaktperson Mette Larsen Familieafdelingen Telefon 72 30 11 00" in whole
    assert "Aftaler • Mette er Sofies kontaktperson." in whole
    for status in ("I gang · Senest tirsdag 1. december", "Ikke startet", "Klaret"):
        assert status in whole
    assert "Liva går til en fritidsaktivitet Forslag · Liva" in whole  # not agreed: marked
    assert "Forslag · Ikke startet · Senest søndag 10. januar 2027" in whole  # the year shown
    assert "Senest mandag 7. december kl." not in whole and "7. december 2026" not in whole


def test_a_long_own_goal_is_printed_whole() -> None:
    plan = record_to_plan(example_record())
    words = " ".join(f"ord{i}" for i in range(280))  # 1,849 characters (the limit: 2,000)
    plan.own_goal = replace(plan.own_goal, text=words)
    found = pages(sheet_pdf(build_sheet(plan, today=TODAY)))
    whole = " ".join(found)
    assert "…" not in whole and "ord0 " in whole and "ord279“" in whole
    assert len(found) <= 3


def test_the_per_office_sheet_says_whom_it_is_for() -> None:
    plan = office_part(record_to_plan(example_record()), "org-job")
    found = pages(sheet_pdf(build_sheet(plan, SheetOptions(office="Jobcenter"), today=TODAY)))
    assert len(found) == 1
    assert found[0].startswith("Din plan Sofie · Til Jobcenter · Lavet 23-11-2026")
    assert "Emil" not in found[0] and "Tage hygiejnebevis" in found[0]
    assert found[0].endswith("Side 1 af 1")
