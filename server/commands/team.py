"""``tavle team overview TEAM --format json|text``: a team's case cards from the store.

The same cards as ``GET /api/teams/{team_id}/cases`` and the team board (aliases and
counts, no personal details), read from the stored documents, so an administrator
can check a team's overview without a running server.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from server.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("team", help="the tavlemøde: a team's cases")
    sub = parser.add_subparsers(dest="team_command", required=True)
    overview = sub.add_parser("overview", help="one card per case of the team")
    overview.add_argument("team", metavar="TEAM", help="the team's name")
    overview.add_argument("--format", choices=["json", "text"], default="text")
    overview.set_defaults(func=run)


async def _cards(settings: Settings, team: str) -> list[dict[str, Any]] | None:
    import getpass

    from server.access.accounts import team_by_name
    from server.access.audit import Audit
    from server.commands.export import load_doc
    from server.store import Store
    from server.team import db as teamdb
    from server.team.boards import card_json

    store = Store(settings)
    await store.start()
    try:
        team_id = await store.run(lambda c: team_by_name(c, team))
        if team_id is None:
            return None
        cases = await store.run(lambda c: teamdb.team_cases(c, team_id))
        cards = [card_json(await load_doc(store, case["board_id"]), case) for case in cases]
        await Audit(store).record(
            "team_overview", actor=f"cli:{getpass.getuser()}", detail={"team": team_id}
        )
        return cards
    finally:
        await store.close()


def _line(card: dict[str, Any]) -> str:
    return (
        f"{card['alias']}\t{card['coordinator']}\t{card['next_meeting'] or '-'}\t"
        f"ikke startet {card['not_started']}, i gang {card['in_progress']}, "
        f"færdig {card['done']}, forsinket {card['overdue']}, "
        f"udskudt {card['carried_over']}, afventer {card['awaiting_approval']}"
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    cards = asyncio.run(_cards(Settings.from_env(), args.team))
    if cards is None:
        print(f"tavle team: no team {args.team!r}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps({"team": args.team, "cases": cards}, ensure_ascii=False, indent=2))
    else:
        print("\n".join(_line(card) for card in cards))
    return 0
