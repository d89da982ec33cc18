"""One board document in, one export out: the formats the CLI and the HTTP route share.

No I/O here: callers load the document (from the store or a live room), check
the caller's role with :func:`allowed`, and write or send the bytes. The renderers
are imported when first used: every ``tavle`` command imports this module to
build its parser, and fpdf2, aggdraw and the FHIR code are not needed for that.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pycrdt import Doc

    from board.plan import Organisation, Plan
    from plan_export.fhir import Version
    from plan_export.sheet import SheetOptions

# format -> (media type, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/json", "json"),
    "fhir": ("application/fhir+json", "fhir.json"),
    "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
    "pdf": ("application/pdf", "pdf"),
    "sheet-png": ("image/png", "sheet.png"),
}
# Who may take what out of the meeting. Records (json, fhir) are for the case systems of
# the professionals; the citizen takes their sheet and the picture of their board home.
# Relatives, support persons and observers follow the meeting live but take no copies.
ROLE_FORMATS: dict[str, frozenset[str]] = {
    "coordinator": frozenset(FORMATS),
    "professional": frozenset(FORMATS),
    "citizen": frozenset({"pdf", "sheet-png", "png", "svg"}),
}


class ExportError(ValueError):
    """A request for an export that cannot be made; the message is safe to show."""


class NoConsent(ExportError):
    """A per-office export the citizen has not consented to (the message names the office)."""


# formats that can be cut to one office's part (a picture shows the whole board)
OFFICE_FORMATS = ("json", "fhir", "pdf", "sheet-png")


def allowed(role: str, fmt: str) -> bool:
    return fmt in ROLE_FORMATS.get(role, frozenset())


@dataclass
class ExportOptions:
    frame: str | None = None  # png/svg: only this frame
    scale: float = 1.0  # png/svg: × CSS pixels
    lang: str = "da"
    sheet: SheetOptions | None = None  # pdf/sheet-png; None: the defaults
    office: str | None = None  # json/fhir/pdf/sheet-png: only this organisation's part (id or name)
    consents: tuple[dict, ...] = ()  # consents recorded for the case (server.orgs.consents)
    version: Version | None = None  # fhir: an agreed version, exported as it was agreed


@dataclass
class Export:
    data: bytes
    media_type: str
    extension: str
    problems: list[str]  # what the reader skipped or repaired in the document


def sheet_options(
    goals: str | None = None,
    sections: str | None = None,
    proposals: bool = True,
    lang: str = "da",
) -> SheetOptions:
    """Sheet options from comma-separated goal ids and section names (CLI and query string)."""
    from plan_export.sheet import SECTIONS, SheetOptions

    chosen = tuple(s.strip() for s in sections.split(",") if s.strip()) if sections else SECTIONS
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise ExportError(f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
    ids = frozenset(g.strip() for g in goals.split(",") if g.strip()) if goals else None
    return SheetOptions(goals=ids, sections=chosen, include_proposals=proposals, lang=lang)


def export_doc(doc: Doc, fmt: str, *, board_id: str, options: ExportOptions) -> Export:
    """Render ``doc`` (a board's main document) as ``fmt``; raises ExportError for bad options."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if options.lang not in ("da", "en"):
        raise ExportError("language must be da or en")
    from board.read import read_elements, read_plan
    from plan_export.image import MAX_SCALE
    from plan_export.office import merge_consents

    if not (math.isfinite(options.scale) and 0 < options.scale <= MAX_SCALE):
        raise ExportError(f"scale must be more than 0 and at most {MAX_SCALE}")
    plan, problems = read_plan(doc)
    now = datetime.now(UTC).replace(microsecond=0)
    merge_consents(plan, list(options.consents))
    office = None
    if options.office is not None:
        plan, office = _office(plan, fmt, options, now)
    if fmt == "json":
        from plan_export.record import plan_to_record

        record = plan_to_record(plan, board_id=board_id, exported_at=_stamp(now))
        if office is not None:
            record["office"] = office.id
        data = json.dumps(record, ensure_ascii=False, indent=2).encode()
    elif fmt == "fhir":
        from plan_export.fhir import plan_to_fhir

        bundle = plan_to_fhir(
            plan, board_id=board_id, created=now, lang=options.lang, version=options.version
        )
        data = json.dumps(bundle, ensure_ascii=False, indent=2).encode()
    elif fmt in ("png", "svg"):
        elements, more = read_elements(doc)
        data = _picture(elements, plan, fmt, options)
        problems += more
    else:
        from plan_export.sheet import SheetOptions, build_sheet, sheet_pdf, sheet_png

        choice = options.sheet or SheetOptions(lang=options.lang)
        if office is not None:
            choice = replace(choice, office=office.name)
        sheet = build_sheet(plan, choice, today=now.date())
        data = sheet_pdf(sheet) if fmt == "pdf" else sheet_png(sheet)
    media_type, extension = FORMATS[fmt]
    return Export(data, media_type, extension, problems)


def _office(
    plan: Plan, fmt: str, options: ExportOptions, now: datetime
) -> tuple[Plan, Organisation]:
    """The office's part of ``plan``; refused without the citizen's consent for it."""
    from board.i18n import t
    from plan_export.office import OfficeError, consent_for, find_office, office_part

    if fmt not in OFFICE_FORMATS:
        raise ExportError(f"--office works with {', '.join(OFFICE_FORMATS)}, not {fmt}")
    try:
        org = find_office(plan, options.office or "")
    except OfficeError:
        raise ExportError(t("export.unknown_office", options.lang)) from None
    if consent_for(plan, org, now.date()) is None:
        raise NoConsent(t("export.no_consent", options.lang, org=org.name))
    return office_part(plan, org.id), org


def _picture(elements: list[dict], plan: Plan, fmt: str, options: ExportOptions) -> bytes:
    from plan_export.image import UnknownFrame, render_png, render_svg

    try:
        if fmt == "png":
            return render_png(
                elements, plan, frame=options.frame, scale=options.scale, lang=options.lang
            )
        return render_svg(
            elements, plan, frame=options.frame, scale=options.scale, lang=options.lang
        ).encode()
    except UnknownFrame:
        raise ExportError(f"no frame {options.frame!r} on this board") from None


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
