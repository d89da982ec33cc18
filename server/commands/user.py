"""``tavle user create USERNAME --name … --org … [--team …]``: a professional's account.

The password is read from standard input (one line, for scripts) or asked for
twice at a terminal; it is never an argument, so it stays out of shell
history, process lists and logs.
"""

from __future__ import annotations

import argparse
import json
import sys

from server.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("user", help="manage professionals' accounts")
    user = parser.add_subparsers(dest="user_command", metavar="ACTION")
    create = user.add_parser(
        "create", help="create an account; the password is read from stdin or asked for"
    )
    create.add_argument("username", help="sign-in name (lowercase a-z 0-9 . _ -)")
    create.add_argument("--name", required=True, help="display name, e.g. 'Mette Hansen'")
    create.add_argument("--org", required=True, help="organisation, e.g. 'Jobcenter'")
    create.add_argument(
        "--team", action="append", default=[], help="team to join (repeatable; made if new)"
    )
    create.set_defaults(func=run_create)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def read_password() -> str:
    """One line from a pipe, or asked twice (hidden) at a terminal."""
    import getpass

    from server.access.accounts import AccountError

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Adgangskode / password: ")
    if getpass.getpass("Igen / again: ") != first:
        raise AccountError("the two passwords differ")
    return first


async def _create(settings: Settings, args: argparse.Namespace, password: str) -> dict[str, str]:
    from server.access.accounts import create_user
    from server.store import Store

    store = Store(settings)
    await store.start()
    try:
        account = await store.run(
            lambda c: create_user(c, args.username, password, args.name, args.org, args.team)
        )
    finally:
        await store.close()
    return account.public()


def run_create(args: argparse.Namespace) -> int:
    import asyncio

    from server.access.accounts import AccountError
    from server.access.passwords import WeakPassword

    try:
        password = read_password()
        created = asyncio.run(_create(Settings.from_env(), args, password))
    except (AccountError, WeakPassword) as err:
        print(f"tavle user create: {err}", file=sys.stderr)
        return 2
    print(json.dumps(created))
    return 0
