"""A team with many cases, as a real municipality has them (no tests here): used by the
page tests (/cases and /team with 70 cases) and by scripts/pages_screenshot.py.

Every case is made through the HTTP API and its plan written over a real WebSocket with
the coordinator's board link, so the team board's cards are computed by the server.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import asdict
from datetime import date, timedelta

from pycrdt import Doc, Map

from board.plan import Action, Participant
from tests.conftest import ServerProcess
from tests.test_access_support import Api, new_case
from tests.yclient import YClient

SURNAMES = [
    "Hansen",
    "Jensen",
    "Nielsen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Østergaard",
    "Ahmed",
    "Yilmaz",
    "Kowalski",
    "Holm",
    "Schmidt",
    "Lund",
    "Bach",
    "Frederiksen",
    "Ali",
    "Knudsen",
    "Mikkelsen",
    "Vestergaard",
    "Berg",
    "Dahl",
]
TASKS = [
    "Søg tre job",
    "Ring til lægen",
    "Lav budget",
    "Start på kursus",
    "Møde med skolen",
    "Praktik i Netto",
    "Svar på brev fra Udbetaling Danmark",
    "Gåtur hver dag",
]


def aliases(n: int) -> list[str]:
    """n distinct aliases: "Familien Hansen", "Hansen 2", … (Danish order is the server's)."""
    names = [f"Familien {s}" for s in SURNAMES] + [f"{s} (enlig)" for s in SURNAMES]
    return names[:n] if n <= len(names) else names + [f"Sag {i}" for i in range(len(names), n)]


def plan_of(i: int, today: date) -> dict[str, dict]:
    """A plan with a few tasks; every fifth case has something overdue, some wait for an
    approval, some were carried over twice: the mix a tavlemøde talks about."""
    rnd = random.Random(i)
    owner = Participant("p1", "Jonas Jobcenter", role="professional", organisation="Jobcenter")
    actions = {}
    for k in range(rnd.randint(0, 7)):
        status = rnd.choice(["not_started", "not_started", "in_progress", "done"])
        due = today + timedelta(days=rnd.randint(3, 60))
        if k == 0 and i % 5 == 0:
            due, status = today - timedelta(days=4), "in_progress"
        action = Action(f"a{k}", rnd.choice(TASKS), owner="p1", due=due.isoformat(), status=status)
        if k == 1 and i % 7 == 0:
            action.approval = "awaiting"
        if k == 2 and i % 9 == 0:
            action.carried_over = 2
        actions[action.id] = asdict(action)
    return {"participants": {"p1": asdict(owner)}, "actions": actions}


async def _write_plans(server: ServerProcess, links: list[tuple[str, str]], today: date) -> None:
    async def one(i: int, board_id: str, token: str) -> None:
        client = await YClient(server.ws, board_id, token).connect()
        try:
            await asyncio.wait_for(client.synced.wait(), 15)
            plan = plan_of(i, today)

            def fill(doc: Doc) -> None:
                for name, items in plan.items():
                    target = doc.get(name, type=Map)
                    for key, value in items.items():
                        target[key] = value

            await client.edit(fill)
        finally:
            await client.close()

    for start in range(0, len(links), 10):  # ten at a time: a busy 2-core machine
        await asyncio.gather(
            *(one(start + j, b, t) for j, (b, t) in enumerate(links[start : start + 10]))
        )


def seed_cases(server: ServerProcess, api: Api, n: int = 70, team: str = "Team Nord") -> list[dict]:
    """n cases of ``team`` coordinated by ``api``'s user, each with a plan; some with a meeting."""
    today = date.today()
    cases = [new_case(api, alias, team) for alias in aliases(n)]
    links = []
    for i, case in enumerate(cases):
        url = api.get(f"/api/cases/{case['id']}/board-link").json()["url"]
        links.append((case["board_id"], url.split("#token=")[1]))
        if i % 3 == 0:
            day = today + timedelta(days=1 + i % 20)
            body = {
                "kind": "netvaerksmoede",
                "date": day.isoformat(),
                "time": "10:00",
                "minutes": 90,
            }
            assert api.post(f"/api/cases/{case['id']}/meetings", body).status_code == 201
        case["alias"] = aliases(n)[i]
    asyncio.run(_write_plans(server, links, today))
    return cases
