"""The plan as a FHIR R4 Bundle, shaped the way Danish municipalities (KL, dk-core) shape it.

A case system that speaks KL's common care/social model maps this Bundle with
little work: goals carry KL's category codes (the citizen's own goal,
indsatsmål, delmål), sub-goals point to their goal with the standard
goal-relationship extension, and the citizen's authorship of their own words is
recorded in a Provenance. Nothing is invented: no CPR number, no identifiers
Tavle does not know. Resource ids are UUIDs derived from the board and item id,
so exporting the same board twice yields the same ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from board.i18n import t
from board.plan import Action, Goal, Participant, Plan
from plan_export.text import clean, parse_date, short_date

KL_CODES = "http://kl.dk/fhir/common/caresocial/CodeSystem/KLCommonCareSocialCodes"
KL_OWN_GOAL = ("416fe27d-3ccf-4390-8742-8b52a9d8dc78", "FFB borgers mål og ønsker")
KL_GOAL = ("0bb3daef-538d-45dc-b444-abdbcb63f6bc", "FFB indsatsmål")
KL_SUBGOAL = ("6746d4af-145a-4bfd-a672-05c0cf11b53b", "FFB delmål")
GOAL_RELATIONSHIP = "http://hl7.org/fhir/StructureDefinition/goal-relationship"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
PROVENANCE_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SOR = "urn:oid:1.2.208.176.1.1"
CVR = "http://cvr.dk"
MUNICIPALITY = "http://hl7.dk/fhir/core/CodeSystem/dk-core-municipality-codes"
# Tavle's own role vocabulary (board/schema.ROLES); KL's messaging role systems are placeholders.
TAVLE_ROLE = "urn:tavle:fhir:CodeSystem:role"
_NAMESPACE = uuid.UUID("6f1c1b0e-5d0a-4c7e-9a43-1d2f5b7e8a90")
_ACTIVITY_STATUS = {"not_started": "not-started", "in_progress": "in-progress", "done": "completed"}
_PERSON_ROLES = ("relative", "support")  # RelatedPerson; every other non-citizen: Practitioner
_ORG_IDS = {"sor": SOR, "cvr": CVR}


@dataclass
class _Builder:
    """Collects the Bundle's entries; ``key`` names a resource, its UUID follows from it."""

    board_id: str
    lang: str
    org_ids: Mapping[str, Mapping[str, str]]
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def uid(self, key: str) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self.board_id}/{key}"))

    def ref(self, key: str, display: str = "") -> dict[str, str]:
        out = {"reference": f"urn:uuid:{self.uid(key)}"}
        if display:
            out["display"] = display
        return out

    def add(self, key: str, resource: dict[str, Any]) -> dict[str, str]:
        self.entries.setdefault(key, {"id": self.uid(key), **resource})
        return self.ref(key)

    def organisation(self, name: str) -> dict[str, str] | None:
        name = clean(name, 200).strip()
        if not name:
            return None
        ids = self.org_ids.get(name, {})
        identifiers = [
            {"system": system, "value": ids[kind]}
            for kind, system in _ORG_IDS.items()
            if ids.get(kind)
        ]
        resource: dict[str, Any] = {"resourceType": "Organization", "active": True, "name": name}
        if identifiers:
            resource["identifier"] = identifiers
        if ids.get("municipality"):
            resource["type"] = [{"coding": [{"system": MUNICIPALITY, "code": ids["municipality"]}]}]
        return {**self.add(f"org/{name}", resource), "display": name}


def plan_to_fhir(
    plan: Plan,
    *,
    board_id: str,
    created: datetime | None = None,
    status: str = "active",
    lang: str = "da",
    organisation_ids: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """Return the plan as a FHIR R4 ``collection`` Bundle (plain JSON-ready dict).

    ``organisation_ids`` maps an organisation name to optional ``sor``, ``cvr`` and
    ``municipality`` codes entered once per organisation. ``status`` is the CarePlan
    status (``active`` for the live board, ``completed`` for an old version…).
    """
    now = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if organisation_ids is None:  # the board's organisations carry their codes
        organisation_ids = {o.name: {"sor": o.sor, "cvr": o.cvr, "municipality": o.municipality}
                            for o in plan.organisations}
    b = _Builder(board_id, lang, organisation_ids)
    patient = b.add("patient", _patient(plan))
    people = {p.id: _person(b, p, patient) for p in plan.participants}
    care_team = _care_team(b, plan, patient, people)
    goal_refs = _goals(b, plan, patient, people, now)
    coordinator = next((p for p in plan.participants if p.role == "coordinator"), None)
    author = b.organisation(coordinator.organisation) if coordinator else None
    care_plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": status,
        "intent": "plan",
        "subject": patient,
        "period": {"start": _start(plan, now)},
        "created": _instant(now),
        "careTeam": [care_team],
        "goal": goal_refs,
    }
    if title := clean(plan.title, 200).strip():
        care_plan["title"] = title
    if author or coordinator:
        care_plan["author"] = author or people[coordinator.id]  # type: ignore[union-attr]
    if activities := [_activity(b, plan, a, people) for a in plan.actions]:
        care_plan["activity"] = activities
    if notes := [{"text": txt} for a in plan.agreements if (txt := clean(a.text).strip())]:
        care_plan["note"] = notes
    b.add("careplan", care_plan)
    return {
        "resourceType": "Bundle",
        "id": b.uid(f"bundle/{_instant(now)}"),
        "type": "collection",
        "timestamp": _instant(now),
        "entry": [
            {"fullUrl": f"urn:uuid:{res['id']}", "resource": res} for res in b.entries.values()
        ],
    }


def _instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(stamp: str | None) -> str | None:
    """The date part of an ISO timestamp or date, if it is one."""
    day = parse_date(stamp[:10]) if isinstance(stamp, str) else None
    return day.isoformat() if day else None


def _start(plan: Plan, now: datetime) -> str:
    days = [d for item in (*plan.goals, *plan.actions) if (d := _day(item.created))]
    return min(days, default=now.date().isoformat())


def _telecom(p: Participant) -> list[dict[str, str]]:
    out = []
    if phone := clean(p.phone, 200).strip():
        out.append({"system": "phone", "value": phone})
    if email := clean(p.email, 200).strip():
        out.append({"system": "email", "value": email})
    return out


def _patient(plan: Plan) -> dict[str, Any]:
    """The citizen, by name or alias only: Tavle never invents a CPR or other identifier."""
    names = []
    if name := clean(plan.citizen.name, 200).strip():
        names.append({"use": "official", "text": name})
    if alias := clean(plan.citizen.alias, 200).strip():
        names.append({"use": "nickname", "text": alias})
    resource: dict[str, Any] = {"resourceType": "Patient", "active": True}
    if names:
        resource["name"] = names
    citizen = next((p for p in plan.participants if p.role == "citizen"), None)
    if citizen and (telecom := _telecom(citizen)):
        resource["telecom"] = telecom
    return resource


def _person(b: _Builder, p: Participant, patient: dict[str, str]) -> dict[str, str]:
    """The participant as Patient (the citizen), RelatedPerson or Practitioner reference."""
    name = clean(p.name, 200).strip()
    if p.role == "citizen":
        return {**patient, "display": name} if name else patient
    resource: dict[str, Any] = {"active": True, "name": [{"text": name}]}
    if telecom := _telecom(p):
        resource["telecom"] = telecom
    if p.role in _PERSON_ROLES:
        resource |= {
            "resourceType": "RelatedPerson",
            "patient": patient,
            "relationship": [{"text": t(f"role.{p.role}", b.lang)}],
        }
    else:
        resource["resourceType"] = "Practitioner"
    return {**b.add(f"person/{p.id}", resource), "display": name}


def _care_team(
    b: _Builder, plan: Plan, patient: dict[str, str], people: dict[str, dict[str, str]]
) -> dict[str, str]:
    participants = []
    for p in plan.participants:
        roles = [
            {
                "coding": [{"system": TAVLE_ROLE, "code": p.role}],
                "text": t(f"role.{p.role}", b.lang),
            }
        ]
        if p.role in ("coordinator", "professional"):
            roles.append({"text": t(f"export.kl_role.{p.role}", b.lang)})
        entry: dict[str, Any] = {"role": roles, "member": people[p.id]}
        org = b.organisation(p.organisation)
        # FHIR ctm-1: onBehalfOf only for a Practitioner member.
        if org and p.role != "citizen" and p.role not in _PERSON_ROLES:
            entry["onBehalfOf"] = org
        participants.append(entry)
    resource: dict[str, Any] = {
        "resourceType": "CareTeam",
        "status": "active",
        "subject": patient,
    }
    if name := clean(plan.title, 200).strip():
        resource["name"] = name
    if participants:
        resource["participant"] = participants
    return b.add("careteam", resource)


def _lifecycle(goal: Goal) -> str:
    if goal.status in ("completed", "cancelled"):
        return goal.status
    if goal.is_proposal:
        return "proposed"
    return "on-hold" if goal.horizon == "parked" else "active"


def _achievement(plan: Plan, goal: Goal) -> str | None:
    """achieved when completed; else the trend of the citizen's ratings, else task progress."""
    if goal.status == "completed":
        return "achieved"
    if goal.status == "cancelled" or goal.is_proposal:
        return None
    ratings = sorted((r for r in plan.ratings if r.goal == goal.id), key=lambda r: r.date)
    if len(ratings) >= 2:
        last, before = ratings[-1].value, ratings[-2].value
        return "improving" if last > before else "worsening" if last < before else "no-change"
    started = any(a.status != "not_started" for a in plan.actions_for(goal.id))
    return "in-progress" if started else None


def _due(plan: Plan, goal: Goal) -> str | None:
    """The goal's target date: the latest date of its own and its sub-goals' tasks."""
    ids = {goal.id, *(g.id for g in plan.subgoals(goal.id))}
    days = [d.isoformat() for a in plan.actions if a.goal in ids and (d := parse_date(a.due))]
    return max(days, default=None)


def _category(code: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"coding": [{"system": KL_CODES, "code": code[0], "display": code[1]}]}]


def _goals(
    b: _Builder,
    plan: Plan,
    patient: dict[str, str],
    people: dict[str, dict[str, str]],
    now: datetime,
) -> list[dict[str, str]]:
    """Goal resources (own goal first) and one Provenance for the citizen-authored ones."""
    refs: list[dict[str, str]] = []
    authored: list[dict[str, str]] = []
    own_text = clean(plan.own_goal.text).strip()
    if own_text:
        own = {
            "resourceType": "Goal",
            "lifecycleStatus": "active",
            "category": _category(KL_OWN_GOAL),
            "description": {"text": own_text},
            "subject": patient,
            "expressedBy": patient,
        }
        refs.append(b.add("goal/own", own))
        authored.append(refs[-1])
    known = {g.id for g in plan.goals}
    for goal in plan.goals:
        parent = goal.parent if goal.parent in known else None
        resource: dict[str, Any] = {
            "resourceType": "Goal",
            "lifecycleStatus": _lifecycle(goal),
            "category": _category(KL_SUBGOAL if parent else KL_GOAL),
            "description": {"text": clean(goal.title, 200).strip() or "-"},
            "subject": patient,
        }
        if achievement := _achievement(plan, goal):
            code = {"system": GOAL_ACHIEVEMENT, "code": achievement}
            resource["achievementStatus"] = {"coding": [code]}
        if start := _day(goal.created):
            resource["startDate"] = start
        if due := _due(plan, goal):
            resource["target"] = [{"dueDate": due}]
        if goal.proposed_by is None:
            resource["expressedBy"] = patient
        elif goal.proposed_by in people:
            resource["expressedBy"] = people[goal.proposed_by]
        notes = [clean(goal.description).strip(), clean(goal.office, 200).strip()]
        member = next((m for m in plan.members if m.id == goal.member), None)
        if member:  # family plans: whose goal it is (a Goal's subject is the citizen)
            relation = f", {member.relation}" if member.relation else ""
            notes.append(clean(member.name + relation, 200).strip())
        if notes := [{"text": n} for n in notes if n]:
            resource["note"] = notes
        if parent:
            resource["extension"] = [
                {
                    "url": GOAL_RELATIONSHIP,
                    "extension": [
                        {"url": "type", "valueCodeableConcept": {"text": "based-on"}},
                        {"url": "target", "valueReference": b.ref(f"goal/{parent}")},
                    ],
                }
            ]
        refs.append(b.add(f"goal/{goal.id}", resource))
        if goal.proposed_by is None:
            authored.append(refs[-1])
    if authored:
        b.add(
            "provenance/citizen",
            {
                "resourceType": "Provenance",
                "target": authored,
                "recorded": _instant(_parse_instant(plan.own_goal.updated) or now),
                "agent": [
                    {
                        "type": {"coding": [{"system": PROVENANCE_TYPE, "code": "author"}]},
                        "who": patient,
                    }
                ],
            },
        )
    return refs


def _parse_instant(stamp: str | None) -> datetime | None:
    if not isinstance(stamp, str):
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _activity(
    b: _Builder, plan: Plan, action: Action, people: dict[str, dict[str, str]]
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "status": _ACTIVITY_STATUS.get(action.status, "unknown"),
        "description": clean(action.what, 200).strip() or "-",
    }
    reasons = []
    if action.is_proposal:
        reasons.append(t("plan.proposal", b.lang))
    if action.approval != "not_needed":
        reasons.append(t(f"approval.{action.approval}", b.lang))
    if reasons:
        detail["statusReason"] = {"text": " · ".join(reasons)}
    owner = plan.participant(action.owner)
    performers = [people[owner.id]] if owner else []
    if owner and (org := b.organisation(owner.organisation)):
        performers.append(org)
    if performers:
        detail["performer"] = performers
    if parse_date(action.due):
        detail["scheduledPeriod"] = {"end": action.due}
    elif follow_up := short_date(action.follow_up):
        detail["scheduledString"] = t("export.follow_up", b.lang, date=follow_up)
    if office := clean(action.office, 200).strip():
        detail["location"] = {"display": office}
    if action.goal and any(g.id == action.goal for g in plan.goals):
        detail["goal"] = [b.ref(f"goal/{action.goal}")]
    activity: dict[str, Any] = {"detail": detail}
    texts = [clean(action.note).strip()]
    if expected := clean(action.expected_result).strip():
        texts.insert(0, t("export.expected_result", b.lang, text=expected))
    if progress := [{"text": x} for x in texts if x]:
        activity["progress"] = progress
    return activity
