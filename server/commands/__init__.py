"""One module per ``tavle`` sub-command, each with ``register(subparsers)``.

``tavle --help`` imports every one of these modules to list the commands, so a
module's top and its ``register`` use only the standard library and light
modules (``server.config``, ``board.schema``, ``board.i18n``): what a command
needs to run (pycrdt, SQLAlchemy, the renderers, uvicorn) it imports when it
runs, in its own function or through :func:`lazy`.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable


def lazy(target: str) -> Callable[[argparse.Namespace], int]:
    """The command function ``"module:function"``, imported only when the command runs."""
    module, name = target.split(":")

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(module), name)(args)

    return run
