"""The ``tavle`` command: one dispatcher, each sub-command in ``server/commands/``.

A command module exposes ``register(subparsers)``; it adds its parser and sets
``func`` (``func(args) -> int``) as the default. Adding a command never touches
another command's module.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
