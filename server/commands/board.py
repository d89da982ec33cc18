"""``tavle board …``: board administration from the command line.

Sub-commands live on the ``board`` sub-parser; another module adds its own with
``add_subcommand``-style lines in :func:`register` (e.g. import / export).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from pycrdt import Doc

from server.api.boards import BadBoardRequest, board_seeder, check_request
from server.config import Settings
from server.plan_io import add_plan_commands, store_board


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("board", help="create and manage boards")
    board = parser.add_subparsers(dest="board_command", metavar="ACTION")
    create = board.add_parser("create", help="create a board, print its id and tokens as JSON")
    create.add_argument("--title", required=True, help="the board's title")
    create.add_argument("--template", default="blank", help="template name (default blank)")
    create.set_defaults(func=run_create)
    add_plan_commands(board)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def run_create(args: argparse.Namespace) -> int:
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
