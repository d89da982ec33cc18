"""The typed plan: what a board holds besides ink, as plain dataclasses.

Built by ``board.read.read_plan`` from a Y document (defensively) and by the
plan-record importer; read by the exporters. No I/O, no pycrdt here.
Field names equal the keys inside the Y document (docs/board-format.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Citizen:
    name: str = ""  # may be empty: an alias is enough
    alias: str = ""


@dataclass
class OwnGoal:
    """The citizen's own goal or dream, in their own words — quoted, never rewritten."""

    text: str = ""
    updated: str | None = None  # ISO timestamp


@dataclass
class NextMeeting:
    date: str | None = None  # YYYY-MM-DD
    time: str | None = None  # HH:MM
    place: str = ""


@dataclass
class Organisation:
    """The board's copy of an organisation of the municipality's list (``tavle org``).

    Items refer to it by ``id``; the codes let a receiving case system find it.
    An organisation known only by a name (an old board's free text) has no codes.
    """

    id: str
    name: str
    kind: str = "other"  # schema.ORG_KINDS
    sor: str = ""  # SOR code (sundhedsvæsenets organisationsregister)
    cvr: str = ""  # CVR number, 8 digits
    municipality: str = ""  # municipality code, e.g. "0219"
    kombit: str = ""  # KOMBIT STS organisation uuid


def same_org_name(a: str, b: str) -> bool:
    """Whether two texts name the same organisation: spaces trimmed and collapsed, any case.

    The one rule for every such match: a consent's organisation against an account's,
    an office given by name (an export, ``tavle org edit``) against the list's.
    """
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass
class Consent:
    """The citizen's consent that one organisation may see (and receive) the plan."""

    id: str
    org: str  # organisation id
    given_by: str = ""  # who consented (the citizen, a custody holder…)
    given_at: str | None = None  # ISO timestamp
    scope: str = ""  # what it covers, in words
    expires: str | None = None  # YYYY-MM-DD, last day it is valid
    withdrawn_at: str | None = None  # ISO timestamp; withdrawn from then on

    def valid(self, today: str) -> bool:
        """In force on ``today`` (YYYY-MM-DD): not withdrawn and not expired."""
        return self.withdrawn_at is None and (self.expires is None or self.expires >= today)


@dataclass
class Participant:
    id: str
    name: str
    role: str = "professional"  # one of schema.ROLES
    organisation: str = ""  # the organisation's name (old boards: free text); see ``org``
    phone: str = ""
    email: str = ""
    contact_person: bool = False  # the one agreed contact for the citizen
    org: str | None = None  # organisation id; never set for the citizen or a relative
    relation: str = ""  # a relative's relation to the citizen, e.g. "Sofies mor"


@dataclass
class Member:
    """A household member in a family plan: goals and actions may belong to one."""

    id: str
    name: str
    relation: str = ""  # e.g. "mor", "søn (14 år)"


@dataclass
class Goal:
    """A goal of the plan; with ``parent`` set it is a sub-goal (delmål)."""

    id: str
    title: str
    description: str = ""
    horizon: str = "now"  # schema.HORIZONS
    rank: float = 0.0  # lower first
    office: str = ""  # the organisation's name (old boards: free text); see ``org``
    parent: str | None = None  # goal id for a sub-goal
    member: str | None = None  # household member id
    proposed_by: str | None = None  # participant id of a professional; None: the citizen's own
    agreed_at: str | None = None  # ISO timestamp when the citizen tapped "Enig"
    status: str = "active"  # active | completed | cancelled
    created: str | None = None
    org: str | None = None  # organisation id of the office whose goal it is
    kind: str = "goal"  # schema.GOAL_KINDS: "job" is a beskæftigelsesmål (Min Plan)

    @property
    def is_proposal(self) -> bool:
        return self.proposed_by is not None and self.agreed_at is None


@dataclass
class Action:
    """A task with one owner and a date ("who has the ball")."""

    id: str
    what: str
    goal: str | None = None  # goal or sub-goal id
    owner: str | None = None  # participant id
    office: str = ""  # the organisation's name (old boards: free text); see ``org``
    due: str | None = None  # YYYY-MM-DD
    status: str = "not_started"  # schema.STATUSES
    approval: str = "not_needed"  # schema.APPROVALS
    follow_up: str | None = None  # YYYY-MM-DD
    carried_over: int = 0  # times moved on to a next meeting
    note: str = ""
    expected_result: str = ""
    member: str | None = None
    proposed_by: str | None = None
    agreed_at: str | None = None
    rank: float = 0.0
    created: str | None = None
    org: str | None = None  # organisation id of the office that does it
    activity_type: str = ""  # schema.ACTIVITY_TYPES (Min Plan's activity types); "": none
    start: str | None = None  # YYYY-MM-DD, when it starts

    @property
    def is_proposal(self) -> bool:
        return self.proposed_by is not None and self.agreed_at is None


@dataclass
class Agreement:
    id: str
    text: str
    follow_up_by: str | None = None  # participant id
    date: str | None = None  # YYYY-MM-DD


@dataclass
class Rating:
    """The citizen's own rating of one goal at one meeting (progression)."""

    id: str
    goal: str
    date: str  # YYYY-MM-DD
    value: float
    by: str | None = None  # participant id
    note: str = ""


@dataclass
class Plan:
    """The citizen's ONE plan as it stands on the board."""

    title: str = ""
    citizen: Citizen = field(default_factory=Citizen)
    own_goal: OwnGoal = field(default_factory=OwnGoal)
    dreams: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)
    next_meeting: NextMeeting = field(default_factory=NextMeeting)
    purpose: str = ""  # "Formål": why the municipality works with the citizen (§141(3))
    expected_end: str | None = None  # YYYY-MM-DD, the plan's expected end (§141(3))
    case_number: str = ""  # the municipality's case number (sagsnummer), optional
    organisations: list[Organisation] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)  # goals and sub-goals, by rank
    actions: list[Action] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)

    def participant(self, pid: str | None) -> Participant | None:
        return next((p for p in self.participants if p.id == pid), None)

    def organisation(self, oid: str | None) -> Organisation | None:
        return next((o for o in self.organisations if o.id == oid), None)

    def office_of(self, item: Participant | Goal | Action) -> Organisation | None:
        """The organisation an item belongs to: its own ``org``; a task without one, its owner's."""
        if item.org is not None:
            return self.organisation(item.org)
        if isinstance(item, Action):
            owner = self.participant(item.owner)
            return self.organisation(owner.org) if owner else None
        return None

    def top_goals(self) -> list[Goal]:
        return [g for g in self.goals if g.parent is None]

    def subgoals(self, goal_id: str) -> list[Goal]:
        return [g for g in self.goals if g.parent == goal_id]

    def actions_for(self, goal_id: str | None) -> list[Action]:
        return [a for a in self.actions if a.goal == goal_id]


# list name (as in a Plan and the plan record) -> item class
ITEM_CLASSES: dict[str, type] = {
    "organisations": Organisation,
    "consents": Consent,
    "participants": Participant,
    "members": Member,
    "goals": Goal,
    "actions": Action,
    "agreements": Agreement,
    "ratings": Rating,
}


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """A :class:`Plan` from checked plain data shaped like the plan record (lists of
    item dicts, kept in their order); the one place that maps such data onto the classes."""
    lists = {name: [cls(**i) for i in data.get(name, [])] for name, cls in ITEM_CLASSES.items()}
    return Plan(
        title=data.get("title", ""),
        citizen=Citizen(**data["citizen"]),
        own_goal=OwnGoal(**data["own_goal"]),
        dreams=list(data.get("dreams", [])),
        resources=list(data.get("resources", [])),
        challenges=list(data.get("challenges", [])),
        next_meeting=NextMeeting(**data.get("next_meeting", {})),
        purpose=data.get("purpose", ""),
        expected_end=data.get("expected_end"),
        case_number=data.get("case_number", ""),
        **lists,
    )
