"""``tavle board import`` / ``tavle board export``: plan records in and out of the store.

Their parsers are in :mod:`server.commands.board`; this module is imported when they run.

Import reads a plan record, or a FHIR CarePlan Bundle (``--format fhir``,
plan_export.fhir_in) turned into one; it checks the whole record (schema and
references) and builds the board document in memory BEFORE anything is created,
so a bad file creates nothing.
The new board is written through the Store (create the board row, append the
document as its first update); a running server loads it from there. Export
reads the board's document from the store and prints the checked plan record.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from pycrdt import Doc

from board.i18n import DEFAULT_LANGUAGE
from board.read import read_plan
from board.schema import MAX_TITLE
from board.templates import apply_template
from board.write import now_stamp, write_meta, write_plan
from plan_export.record import RecordError, plan_to_record, record_to_plan
from plan_export.untrusted import BadJson, parse_json
from server.api.boards import create_board
from server.commands.export import NoBoard, load_doc
from server.config import Settings
from server.store import Store


class PlanIOError(Exception):
    """A refusal with a message for the person at the terminal."""


def board_from_record(
    data: object, *, title: str = "", template: str = "vejen", lang: str = DEFAULT_LANGUAGE
) -> tuple[str, Doc]:
    """``(title, document)`` for a plan record; raises RecordError naming the wrong field."""
    plan = record_to_plan(data)
    title = (title or plan.title or plan.citizen.alias or plan.citizen.name or "Plan").strip()
    doc = Doc()
    write_meta(doc, title=title[:MAX_TITLE], template=template, language=lang)
    write_plan(doc, plan)
    write_plan(doc, read_plan(doc)[0])  # free-text offices become organisations (board.read)
    apply_template(doc, template, lang)
    return title[:MAX_TITLE], doc


def read_json(file: str) -> object:
    """The JSON value in ``file`` (``-``: standard input), parsed as untrusted input."""
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as err:
        raise PlanIOError(f"{file}: cannot read the file ({type(err).__name__})") from None
    try:
        return parse_json(data)
    except BadJson as err:
        raise PlanIOError(f"{file}: {err}") from None


async def store_board(settings: Settings, title: str, template: str, doc: Doc) -> dict:
    """Create the board row and append ``doc`` as its first update; the board's id and tokens."""
    store = Store(settings)
    await store.start()
    try:
        created = await create_board(store, title, template)
        store.append(created["board_id"], doc.get_update())
    finally:
        await store.close()
    return created


async def export_record(settings: Settings, board_id: str) -> tuple[dict, list[str]]:
    """The plan record of a stored board and the problems met reading it."""
    store = Store(settings)
    await store.start()
    try:
        doc = await load_doc(store, board_id)
    except NoBoard:
        raise PlanIOError(f"no board {board_id!r}") from None
    finally:
        await store.close()
    plan, problems = read_plan(doc)
    return plan_to_record(plan, board_id=board_id, exported_at=now_stamp()), problems


def run_import(args: argparse.Namespace) -> int:
    try:
        data = read_json(args.file)
        if getattr(args, "format", "json") == "fhir":
            from plan_export.fhir_in import fhir_to_record

            data = fhir_to_record(data)
        title, doc = board_from_record(
            data, title=args.title, template=args.template, lang=args.lang
        )
    except (PlanIOError, RecordError) as err:
        print(f"tavle board import: refused, nothing was created: {err}", file=sys.stderr)
        return 2
    created = asyncio.run(store_board(Settings.from_env(), title, args.template, doc))
    print(json.dumps(created))
    return 0


def run_export(args: argparse.Namespace) -> int:
    try:
        record, problems = asyncio.run(export_record(Settings.from_env(), args.board_id))
    except PlanIOError as err:
        print(f"tavle board export: {err}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"tavle board export: skipped: {problem}", file=sys.stderr)
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0
