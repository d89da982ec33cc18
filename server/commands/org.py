"""``tavle org add|list|edit|migrate``: the municipality's list of organisations.

Participants, goals and tasks on a board refer to an organisation by id; the list
is where the organisation picker and this command take them from. ``migrate``
brings old boards' free-text offices onto organisations (server.orgs.link); run it
while the server is stopped (a running server sees the change when the board is
next loaded). The commands run in server/orgs/cli.py.
"""

from __future__ import annotations

import argparse

from board import schema
from server.commands import lazy


def _fields(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    parser.add_argument(
        "--kind",
        choices=list(schema.ORG_KINDS),
        default="other" if adding else None,
        help="authority (myndighed), provider (udfører), volunteer, other",
    )
    parser.add_argument("--sor", help="SOR code (digits)")
    parser.add_argument("--cvr", help="CVR number (8 digits)")
    parser.add_argument("--municipality", help="municipality code, e.g. 0219")
    parser.add_argument("--kombit", help="KOMBIT STS organisation id, urn:uuid:…")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("org", help="the municipality's list of organisations")
    org = parser.add_subparsers(dest="org_command", metavar="ACTION")
    add = org.add_parser("add", help="add an organisation; prints it as JSON")
    add.add_argument("name")
    _fields(add, adding=True)
    add.set_defaults(func=lazy("server.orgs.cli:run_add"))
    lst = org.add_parser("list", help="every organisation as JSON lines")
    lst.set_defaults(func=lazy("server.orgs.cli:run_list"))
    edit = org.add_parser("edit", help="change an organisation (ORG: id or name)")
    edit.add_argument("org", metavar="ORG")
    edit.add_argument("--name")
    _fields(edit, adding=False)
    edit.set_defaults(func=lazy("server.orgs.cli:run_edit"))
    mig = org.add_parser("migrate", help="turn boards' free-text offices into organisations")
    mig.add_argument("boards", nargs="*", metavar="BOARD", help="default: every case board")
    mig.set_defaults(func=lazy("server.orgs.cli:run_migrate"))
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)
