"""What ``tavle org …`` runs (server/commands/org.py registers it): the list in the
database, and the migration of old boards' free-text offices."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from dataclasses import asdict

from sqlalchemy import select

from server.access.audit import Audit
from server.commands.export import load_doc
from server.config import Settings
from server.orgs.db import OrgError, OrgFields, add_org, edit_org, list_orgs
from server.orgs.link import migrate_board
from server.store import Store
from server.store.models import Board


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
