"""The tavlemøde board: one live board (kind "team") per team with a card per case.

The server keeps a ``cases`` map in the team board's document (case id → card
JSON). A listener on the rooms recomputes a case's card from its plan when the
case board changes (the boards changed within ``DEBOUNCE_S`` are looked up together)
and writes it with ``rooms.edit``, so every viewer of the team board gets it through Yjs.

Privacy: a card carries the alias, counts and professionals' names and
organisations; never the citizen's or relatives' names and no free text from
the plan (a rating's goal is named by id only).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import Any

from pycrdt import Doc, Map

from board import schema
from board.overview import case_card
from board.read import read_plan
from server.team import db as teamdb
from server.team.layout import element_id, place_new_cards

log = logging.getLogger(__name__)

CASES = "cases"  # top-level map of a team board: case id -> card
DEBOUNCE_S = 0.2
NAMED_ROLES = ("coordinator", "professional")  # whose names a card may show


def card_json(doc: Doc, case: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """The team-board card of one case: figures from its plan, names only of professionals."""
    plan, _problems = read_plan(doc)
    card = case_card(plan, alias=case["alias"], today=today).to_json()
    professionals = {p.name for p in plan.participants if p.role in NAMED_ROLES}
    card["owners"] = [name for name in card["owners"] if name in professionals]
    if card["movement"] is not None:
        del card["movement"]["goal_title"]
    card.update(
        id=case["id"],
        coordinator=case["coordinator"],
        next_meeting=case["next_meeting"] or card["next_meeting"],
    )
    return card


class TeamBoards:
    """Keeps every team board's ``cases`` map in step with the case boards."""

    def __init__(self, store: Any, rooms: Any) -> None:
        self.store = store
        self.rooms = rooms
        self.dirty: set[str] = set()  # case boards changed since the last refresh
        self.timer: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Task] = set()
        rooms.add_listener(self.on_update)

    async def board_of(self, team_id: str, title: str) -> str:
        """The team's board id, creating the board (and filling its cards) on first use."""
        board_id = await self.store.run(lambda c: teamdb.team_board_of(c, team_id))
        if board_id is not None:
            await self.prune(team_id, board_id)
            return board_id
        board_id, _edit, _view = await self.store.create_board(title=title, kind=schema.KIND_TEAM)

        def link(conn: Any) -> str:
            existing = teamdb.team_board_of(conn, team_id)
            if existing is None:
                teamdb.link_team_board(conn, team_id, board_id)
            return existing or board_id

        board_id = await self.store.run(link)
        await self.rooms.edit(board_id, lambda doc: _set_meta(doc, title))
        await self.refresh_team(team_id, board_id)
        return board_id

    async def cards(self, team_id: str) -> list[dict[str, Any]]:
        """Every case card of the team, computed now (the overview API and the CLI)."""
        cases = await self.store.run(lambda c: teamdb.team_cases(c, team_id))
        return [await self._card(case) for case in cases]

    async def current_cards(self, team_id: str, title: str) -> dict[str, dict[str, Any]]:
        """The cards as the team board holds them now (case id -> card): one snapshot,
        not a look at every case board, so listing 70 cases stays cheap."""
        board_id = await self.board_of(team_id, title)
        doc = Doc()
        doc.apply_update(await self.rooms.snapshot(board_id))
        return dict(doc.get(CASES, type=Map).to_py() or {})

    async def prune(self, team_id: str, board_id: str) -> None:
        """Drop the cards of cases that are gone (erased): no alias outlives its case."""
        cases = await self.store.run(lambda c: teamdb.team_cases(c, team_id))
        await self.rooms.edit(board_id, lambda doc: _drop_gone(doc, {c["id"] for c in cases}))

    async def case_erased(self, team_id: str) -> None:
        """Take an erased case's card off its team's board at once."""
        board_id = await self.store.run(lambda c: teamdb.team_board_of(c, team_id))
        if board_id is not None:
            await self.prune(team_id, board_id)

    async def refresh_team(self, team_id: str, board_id: str) -> None:
        cards = await self.cards(team_id)
        await self.rooms.edit(board_id, lambda doc: _put_cards(doc, cards, replace=True))

    async def _card(self, case: dict[str, Any]) -> dict[str, Any]:
        doc = Doc()
        doc.apply_update(await self.rooms.snapshot(case["board_id"]))
        return card_json(doc, case)

    # ---- live: case board changed -> its card on the team board --------------------------------
    def on_update(self, doc_key: str, update: bytes) -> None:
        """Mark a changed board; one lookup per ``DEBOUNCE_S`` serves every board marked.

        A lookup per board would cost a database round trip in a worker thread per
        active board five times a second; batched, sixty busy rooms cost one.
        """
        if ":" in doc_key:
            return  # a restricted section never reaches the team board
        self.dirty.add(doc_key)
        if self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(DEBOUNCE_S, self._start)

    def _start(self) -> None:
        self.timer = None
        boards, self.dirty = list(self.dirty), set()
        task = asyncio.get_running_loop().create_task(self._refresh_cases(boards))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _refresh_cases(self, board_ids: list[str]) -> None:
        try:
            found = await self.store.run(lambda c: teamdb.cases_and_team_boards(c, board_ids))
        except Exception:
            log.exception("team cards of %d boards not updated", len(board_ids))
            return
        for board_id, (case, team_board) in found.items():
            try:
                card = await self._card(case)
                await self.rooms.edit(team_board, lambda doc, card=card: _put_cards(doc, [card]))
            except Exception:
                log.exception("team card of board %s not updated", board_id)

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.dirty.clear()
        for task in self.tasks:
            task.cancel()


def _set_meta(doc: Doc, title: str) -> None:
    meta = doc.get(schema.META, type=Map)
    meta["format"] = schema.FORMAT_VERSION
    meta["kind"] = schema.KIND_TEAM
    meta["title"] = title


def _put_cards(doc: Doc, cards: list[dict[str, Any]], *, replace: bool = False) -> None:
    """Write changed cards only (an unchanged card makes no update); drop gone cases."""
    cases = doc.get(CASES, type=Map)
    if replace:
        _drop_gone(doc, {card["id"] for card in cards})
    for card in cards:
        if cases.get(card["id"]) != card:
            cases[card["id"]] = card
    place_new_cards(doc, cards)


def filter_cards(
    cards: list[dict[str, Any]], *, owner: str = "", organisation: str = "", overdue: bool = False
) -> list[dict[str, Any]]:
    """The cards matching every given filter (owner and organisation match exactly)."""
    return [
        c
        for c in cards
        if (not owner or owner in c["owners"])
        and (not organisation or organisation in c["organisations"])
        and (not overdue or c["overdue"] > 0)
    ]


def _drop_gone(doc: Doc, keep: set[str]) -> None:
    cases = doc.get(CASES, type=Map)
    elements = doc.get(schema.ELEMENTS, type=Map)
    for case_id in [k for k in cases if k not in keep]:
        del cases[case_id]
        if element_id(case_id) in elements:
            del elements[element_id(case_id)]
