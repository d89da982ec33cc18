"""``tavle org add|list|edit|migrate``: the municipality's list of organisations.

Participants, goals and tasks on a board refer to an organisation by id; the list
is where the organisation picker and this command take them from. ``migrate``
brings old boards' free-text offices onto organisations (server.orgs.link); run it
while the server is stopped (a running server sees the change when the board is
next loaded).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from dataclasses import asdict

from sqlalchemy import select

from board import schema
from server.access.audit import Audit
from server.commands.export import load_doc
from server.config import Settings
from server.orgs.db import OrgError, OrgFields, add_org, edit_org, list_orgs
from server.orgs.link import migrate_board
from server.store import Store
from server.store.models import Board


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
    add.set_defaults(func=run_add)
    lst = org.add_parser("list", help="every organisation as JSON lines")
    lst.set_defaults(func=run_list)
    edit = org.add_parser("edit", help="change an organisation (ORG: id or name)")
    edit.add_argument("org", metavar="ORG")
    edit.add_argument("--name")
    _fields(edit, adding=False)
    edit.set_defaults(func=run_edit)
    mig = org.add_parser("migrate", help="turn boards' free-text offices into organisations")
    mig.add_argument("boards", nargs="*", metavar="BOARD", help="default: every case board")
    mig.set_defaults(func=run_migrate)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


async def _with_store(fn):  # type: ignore[no-untyped-def]
    store = Store(Settings.from_env())
    await store.start()
    try:
        return await fn(store)
    finally:
        await store.close()


def _as_fields(args: argparse.Namespace) -> OrgFields:
    return OrgFields(
        name=getattr(args, "name", None),
        kind=args.kind,
        sor=args.sor,
        cvr=args.cvr,
        municipality=args.municipality,
        kombit=args.kombit,
    )


async def _audited(store: Store, event: str, detail: dict) -> None:
    await Audit(store).record(event, actor=f"cli:{getpass.getuser()}", detail=detail)


def run_add(args: argparse.Namespace) -> int:
    async def work(store: Store) -> dict:
        org = await store.run(lambda c: add_org(c, _as_fields(args)))
        await _audited(store, "org_added", {"org": org.id})
        return asdict(org)

    try:
        print(json.dumps(asyncio.run(_with_store(work)), ensure_ascii=False))
    except OrgError as err:
        print(f"tavle org add: {err}", file=sys.stderr)
        return 2
    return 0


def run_list(args: argparse.Namespace) -> int:
    orgs = asyncio.run(_with_store(lambda store: store.run(list_orgs)))
    for org in orgs:
        print(json.dumps(asdict(org), ensure_ascii=False))
    return 0


def run_edit(args: argparse.Namespace) -> int:
    async def work(store: Store) -> dict:
        org = await store.run(lambda c: edit_org(c, args.org, _as_fields(args)))
        await _audited(store, "org_changed", {"org": org.id})
        return asdict(org)

    try:
        print(json.dumps(asyncio.run(_with_store(work)), ensure_ascii=False))
    except OrgError as err:
        print(f"tavle org edit: {err}", file=sys.stderr)
        return 2
    except LookupError:
        print(f"tavle org edit: no organisation {args.org!r}", file=sys.stderr)
        return 1
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    async def work(store: Store) -> list[tuple[str, int]]:
        known = await store.run(list_orgs)
        ids = args.boards or await store.run(
            lambda c: list(c.execute(select(Board.id).where(Board.kind == "case")).scalars())
        )
        done = []
        for board_id in ids:
            doc = await load_doc(store, board_id)
            state = doc.get_state()
            changed = migrate_board(doc, known)
            if changed:
                store.append(board_id, doc.get_update(state))
            done.append((board_id, changed))
        await _audited(store, "org_migrate", {"boards": len(done)})
        return done

    try:
        done = asyncio.run(_with_store(work))
    except LookupError as err:
        print(f"tavle org migrate: no board {err}", file=sys.stderr)
        return 1
    for board_id, changed in done:
        print(f"{board_id}\t{changed} items changed")
    return 0
