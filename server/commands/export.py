"""``tavle export BOARD --format F -o FILE``: a board from the store as a file.

Reads the board's main document from the store (never a restricted section),
renders it with :mod:`plan_export.formats`, writes the file atomically (a failed
export leaves an existing file as it was) and records the export in the audit log.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from plan_export.formats import FORMATS, Export, ExportError, ExportOptions, sheet_options
from server.config import Settings

if TYPE_CHECKING:  # imported when the command runs (server/commands/__init__.py)
    from pycrdt import Doc

    from server.store import Store

SHEET_FORMATS = ("pdf", "sheet-png")


class NoBoard(LookupError):
    """The board id is not in the store."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write a board as plan record, FHIR, picture or the citizen's sheet",
        description="Formats: json (plan record), fhir (FHIR R4 Bundle), png/svg (the board "
        "or one frame), pdf (the citizen's sheet, A4), sheet-png (the sheet for a phone).",
    )
    parser.add_argument("board_id", metavar="BOARD")
    parser.add_argument("--format", required=True, choices=list(FORMATS))
    parser.add_argument("-o", "--output", required=True, help="file to write, - for stdout")
    parser.add_argument("--frame", help="png/svg: only the frame with this id")
    parser.add_argument("--scale", type=float, default=1.0, help="png/svg: size factor (1)")
    parser.add_argument("--lang", choices=["da", "en"], default="da")
    parser.add_argument("--goals", help="sheet: only these goal ids (comma-separated)")
    parser.add_argument("--sections", help="sheet: sections to include (comma-separated)")
    parser.add_argument(
        "--no-proposals",
        dest="proposals",
        action="store_false",
        help="sheet: leave out suggestions not agreed yet (by default shown as 'Forslag')",
    )
    parser.add_argument("--proposals", action="store_true", default=True, help=argparse.SUPPRESS)
    parser.add_argument(
        "--office",
        metavar="ORG",
        help="json/fhir/pdf/sheet-png: only this organisation's part (id or name); "
        "refused unless the citizen has consented for it",
    )
    parser.set_defaults(func=run)


async def load_doc(store: Store, board_id: str) -> Doc:
    """The board's main document, replayed from the store's snapshot and update log."""
    from pycrdt import Doc

    if await store.get_board(board_id) is None:
        raise NoBoard(board_id)
    doc = Doc()
    with doc.transaction():
        for update in await store.load(board_id):
            doc.apply_update(update)
    return doc


async def _export(settings: Settings, args: argparse.Namespace, options: ExportOptions) -> Export:
    import getpass
    from dataclasses import replace

    from plan_export.formats import export_doc
    from server.access.audit import Audit
    from server.store import Store

    store = Store(settings)
    await store.start()
    try:
        doc = await load_doc(store, args.board_id)
        if options.office is not None:
            from server.orgs.consents import recorded_consents

            options = replace(options, consents=await store.run(recorded_consents(args.board_id)))
        result = export_doc(doc, args.format, board_id=args.board_id, options=options)
        detail = {"format": args.format, "via": "cli"}
        if options.office is not None:
            detail["office"] = options.office
        await Audit(store).record(
            "export", board_id=args.board_id, actor=f"cli:{getpass.getuser()}", detail=detail
        )
    finally:
        await store.close()
    return result


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    import asyncio

    wants_sheet = args.format in SHEET_FORMATS or args.goals or args.sections
    try:
        options = ExportOptions(
            frame=args.frame,
            scale=args.scale,
            lang=args.lang,
            sheet=sheet_options(args.goals, args.sections, args.proposals, args.lang)
            if wants_sheet
            else None,
            office=args.office,
        )
        result = asyncio.run(_export(Settings.from_env(), args, options))
    except ExportError as err:
        print(f"tavle export: {err}", file=sys.stderr)
        return 2
    except NoBoard:
        print(f"tavle export: no board {args.board_id!r}", file=sys.stderr)
        return 1
    for problem in result.problems:
        print(f"tavle export: skipped: {problem}", file=sys.stderr)
    if args.output == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        return 0
    try:
        write_atomically(Path(args.output), result.data)
    except OSError as err:
        print(f"tavle export: cannot write {args.output}: {err.strerror}", file=sys.stderr)
        return 1
    print(f"tavle export: wrote {args.output} ({len(result.data)} bytes)", file=sys.stderr)
    return 0
