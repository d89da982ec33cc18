"""Bring old boards onto organisations: free-text offices become references.

``board.read`` already reads an old board's free text as a name-only organisation;
:func:`migrate_board` writes that into the document for good, and where the
municipality's list has an organisation of that name (any case), the board gets a
copy of it (with its SOR / CVR codes) instead of the name-only one.
"""

from __future__ import annotations

from dataclasses import asdict, replace

from pycrdt import Doc, Map

from board import schema
from board.plan import Organisation
from board.read import read_plan
from board.write import write_plan


def migrate_board(doc: Doc, known: list[Organisation]) -> int:
    """Write the board's organisation references; returns how many items changed."""
    before = {name: doc.get(name, type=Map).to_py() for name in _MAPS}
    plan, _problems = read_plan(doc)
    by_name = {o.name.casefold(): o for o in known}
    renamed: dict[str, str] = {}
    for i, org in enumerate(plan.organisations):
        found = by_name.get(org.name.strip().casefold())
        if found is not None and org.id != found.id and not (org.sor or org.cvr):
            renamed[org.id] = found.id
            plan.organisations[i] = replace(found)
    for item in (*plan.participants, *plan.goals, *plan.actions):
        if item.org in renamed:
            item.org = renamed[item.org]
    with doc.transaction(origin="server"):
        orgs = doc.get(schema.ORGANISATIONS, type=Map)
        for old in renamed:
            if old in orgs:
                del orgs[old]
        write_plan(doc, plan)
    after = {name: doc.get(name, type=Map).to_py() for name in _MAPS}
    return sum(
        1 for name in _MAPS for key, value in after[name].items() if before[name].get(key) != value
    )


_MAPS = (schema.ORGANISATIONS, schema.PARTICIPANTS, schema.GOALS, schema.ACTIONS)


def org_json(org: Organisation) -> dict[str, str]:
    return asdict(org)
