"""``tavle board …``: board administration from the command line.

Sub-commands live on the ``board`` sub-parser: ``create`` here, ``import`` and
``export`` of plan records in :mod:`server.plan_io` (imported when they run).
"""

from __future__ import annotations

import argparse

from board.i18n import DEFAULT_LANGUAGE, LANGUAGES
from board.schema import TEMPLATE_NAMES
from server.commands import lazy


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("board", help="create and manage boards")
    board = parser.add_subparsers(dest="board_command", metavar="ACTION")
    create = board.add_parser("create", help="create a board, print its id and tokens as JSON")
    create.add_argument("--title", required=True, help="the board's title")
    create.add_argument("--template", default="blank", help="template name (default blank)")
    create.set_defaults(func=run_create)
    imp = board.add_parser(
        "import", help="create a board from a plan record (JSON) or a FHIR CarePlan Bundle"
    )
    imp.add_argument("file", help="plan record or FHIR Bundle (JSON), or - for standard input")
    imp.add_argument(
        "--format",
        choices=["json", "fhir"],
        default="json",
        help="json: a plan record (default); fhir: a CarePlan Bundle (Tavle's or shaped like KL's)",
    )
    imp.add_argument("--title", default="", help="board title (default: the plan's title)")
    imp.add_argument(
        "--template",
        default="vejen",
        choices=list(TEMPLATE_NAMES),
        help="lay the plan out with this template (default vejen)",
    )
    imp.add_argument(
        "--lang",
        default=DEFAULT_LANGUAGE,
        choices=list(LANGUAGES),
        help="language of the template's texts (default da)",
    )
    imp.set_defaults(func=lazy("server.plan_io:run_import"))
    exp = board.add_parser("export", help="print a board's plan record")
    exp.add_argument("board_id", metavar="BOARD")
    exp.add_argument("--format", choices=["json"], default="json")
    exp.set_defaults(func=lazy("server.plan_io:run_export"))
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def run_create(args: argparse.Namespace) -> int:
    import asyncio
    import json
    import sys

    from pycrdt import Doc

    from server.api.boards import BadBoardRequest, board_seeder, check_request
    from server.config import Settings
    from server.plan_io import store_board

    try:
        title, template = check_request(args.title, args.template)
    except BadBoardRequest as err:
        print(f"tavle board create: {err}", file=sys.stderr)
        return 2
    doc = Doc()
    board_seeder(title, template)(doc)
    created = asyncio.run(store_board(Settings.from_env(), title, template, doc))
    print(json.dumps(created))
    return 0
