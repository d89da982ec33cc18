"""Who may do what on a case: one pure function from the case's access facts to a Grant.

The same function answers a new connection (``authorize``) and re-evaluates
every open one after a change (``rooms.regrant``), so a role change, a revoked
token or withdrawn consent has the same effect on both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from board.plan import same_org_name
from server.access.grants import Grant
from server.access.times import aware

# The write right of each role; relatives and support persons get what the coordinator sets.
WRITES = {
    "coordinator": True,
    "professional": True,
    "citizen": True,
    "relative": True,
    "support": True,
    "observer": False,
}
ROLE_CHOICE = frozenset({"relative", "support"})  # roles whose write right is a choice
SEES_ALL_SECTIONS = frozenset({"coordinator", "citizen"})
MANAGES_SHARING = frozenset({"coordinator", "citizen"})  # sections, their viewers, consent


@dataclass(frozen=True)
class Person:
    """A participant row: a joiner with a token, or an account placed on the case."""

    id: str
    name: str
    role: str
    can_write: bool
    scopes: frozenset[str]
    user_id: str | None
    token_expires: datetime | None
    has_token: bool


@dataclass(frozen=True)
class ConsentFact:
    org: str
    expires: datetime | None
    withdrawn: bool

    def valid(self, now: datetime) -> bool:
        return not self.withdrawn and (self.expires is None or aware(self.expires) > now)


@dataclass(frozen=True)
class CaseFacts:
    """Everything the policy needs about one case, read in one transaction."""

    case_id: str
    board_id: str
    coordinator_id: str
    team_users: frozenset[str]
    orgs: dict[str, str]  # user id -> organisation, for team members and placed accounts
    names: dict[str, str]  # user id -> display name
    people: dict[str, Person]
    consents: tuple[ConsentFact, ...]
    sections: frozenset[str]

    def consented(self, org: str, now: datetime) -> bool:
        """A valid consent names ``org`` (board.plan.same_org_name: any case or spacing)."""
        return any(same_org_name(c.org, org) and c.valid(now) for c in self.consents)

    def person_of_user(self, user_id: str) -> Person | None:
        return next((p for p in self.people.values() if p.user_id == user_id), None)


def write_right(role: str, requested: bool | None) -> bool:
    """The write right of ``role``: fixed by the role, or the coordinator's choice."""
    if role in ROLE_CHOICE and requested is not None:
        return requested
    return WRITES[role]


def _grant(
    facts: CaseFacts,
    role: str,
    can_write: bool,
    name: str,
    subject: str,
    scopes: frozenset[str],
    org: str = "",
) -> Grant:
    visible = facts.sections if role in SEES_ALL_SECTIONS else scopes & facts.sections
    return Grant(facts.board_id, role, can_write, name, subject, visible, org=org)


def grant_for_user(facts: CaseFacts, user_id: str, now: datetime) -> Grant | None:
    """A professional's account: the coordinator, a team member, or a placed account.

    A professional (anyone but the coordinator) needs valid consent for their organisation.
    """
    subject = f"user:{user_id}"
    name = facts.names.get(user_id, "")
    org = facts.orgs.get(user_id)
    if user_id == facts.coordinator_id:
        return _grant(facts, "coordinator", True, name, subject, facts.sections, org or "")
    person = facts.person_of_user(user_id)
    if person is None and user_id not in facts.team_users:
        return None
    if org is None or not facts.consented(org, now):
        return None
    if person is None:
        return _grant(facts, "professional", True, name, subject, frozenset(), org)
    return _grant(facts, person.role, person.can_write, name, subject, person.scopes, org)


def missing_consent(facts: CaseFacts, user_id: str, now: datetime) -> str | None:
    """The organisation whose consent a colleague on the case lacks, when that is why
    :func:`grant_for_user` refuses them (so the refusal can say what to do); else None."""
    if user_id == facts.coordinator_id:
        return None
    if facts.person_of_user(user_id) is None and user_id not in facts.team_users:
        return None
    org = facts.orgs.get(user_id)
    return org if org is not None and not facts.consented(org, now) else None


def grant_for_person(facts: CaseFacts, person_id: str, now: datetime) -> Grant | None:
    """A joiner's token grant; None once the token is revoked or expired."""
    person = facts.people.get(person_id)
    if person is None or not person.has_token:
        return None
    if person.token_expires is not None and aware(person.token_expires) <= now:
        return None
    subject = f"participant:{person.id}"
    return _grant(facts, person.role, person.can_write, person.name, subject, person.scopes)


def resolve(facts: CaseFacts | None, current: Grant, now: datetime) -> Grant | None:
    """The grant a connection holding ``current`` has now (None: it must be closed)."""
    kind, _, ident = current.subject.partition(":")
    if kind == "token":  # a board's own edit/view token: unchanged while the board exists
        fresh: Grant | None = current
    elif facts is None:
        fresh = None
    elif kind == "user":
        fresh = grant_for_user(facts, ident, now)
    elif kind == "participant":
        fresh = grant_for_person(facts, ident, now)
    else:
        fresh = None
    if fresh is None:
        return None
    if current.section is not None:
        if current.section not in fresh.scopes:
            return None
        fresh = replace(fresh, section=current.section)
    return fresh
