"""The ``tavle`` command: one dispatcher, each sub-command in ``server/commands/``.

A command module exposes ``register(subparsers)``; it adds its parser and sets
``func`` (``func(args) -> int``) as the default. Adding a command never touches
another command's module.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import pkgutil
import re
import sys

from server import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tavle", description="Tavle: the citizen's one plan on a shared board."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


BOARD_ID = re.compile(r"-[A-Za-z0-9_-]{15}")  # secrets.token_urlsafe(12) that begins with "-"


def _actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Every option string of ``parser`` and its sub-parsers, with its action."""
    found: dict[str, argparse.Action] = {}
    for action in parser._actions:
        found.update(dict.fromkeys(action.option_strings, action))
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.update(_actions(sub))
    return found


def dash_ids_last(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``argv`` with board ids that begin with ``-`` moved behind ``--``.

    argparse reads ``-AbC…`` as an unknown option; after ``--`` it is the positional
    BOARD it is (each command takes at most one positional).
    """
    options = _actions(parser)
    kept: list[str] = []
    moved: list[str] = []
    for token in argv:
        previous = options.get(kept[-1].split("=")[0]) if kept else None
        takes_value = previous is not None and previous.nargs != 0 and "=" not in kept[-1]
        if "--" in kept or takes_value or not BOARD_ID.fullmatch(token) or token in options:
            kept.append(token)
        else:
            moved.append(token)
    return kept + ["--", *moved] if moved and "--" not in kept else kept + moved


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(dash_ids_last(sys.argv[1:] if argv is None else argv, parser))
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    finally:
        # The process ends with its command (``tavle`` and ``python -m server.cli`` both
        # exit with main's answer). Frozen, the objects the command left (SQLAlchemy's,
        # pycrdt's, Pillow's) are skipped by the collector's passes at interpreter exit,
        # which cost ``tavle export`` ~60 ms of its ~0.4 s. Exit still runs the atexit
        # handlers and flushes the files; only garbage still in a reference cycle is not
        # finalised (every command closes its store and files itself).
        gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
