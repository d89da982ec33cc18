"""The plan as a FHIR R4 Bundle, shaped the way Danish municipalities (KL, dk-core) shape it.

A case system that speaks KL's common care/social model maps this Bundle with
little work (../docs/fhir.md lists every choice):

- the CarePlan carries KL's profile, category ("Social indsats"), the purpose goal
  ("Formål", Indsatsformål), a description, the period to the expected end and the
  municipality's case number;
- goals carry KL's category codes: the citizen's own goals, an office's goals
  (indsatsmål) and sub-goals (delmål) linked with goal-relationship ``based-on``;
  the office is an Organization reference; a family member's goal has that member
  as its subject; ratings are ``outcomeCode`` with who assessed it and when;
- the care team names KL's roles by the kind of organisation (a school is an
  udfører, not a myndighed); observers are not part of the team;
- each consent is a ``Consent``; the citizen's authorship of their words and their
  approval of a version are ``Provenance`` resources.

Tavle's own fields that FHIR has no element for (horizon, rank, agreed_at …) travel
in one extension per item (:data:`TAVLE_ITEM`), so ``plan_export.fhir_in`` reads the
Bundle back into the same plan. Nothing is invented: no CPR number, no identifier
Tavle does not know. Resource ids are UUIDs derived from the board and item id, so
exporting the same board twice yields the same ids.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from board.i18n import t
from board.plan import Action, Consent, Goal, Member, Organisation, Participant, Plan
from board.read import name_only_id
from plan_export.text import clean, parse_date, short_date

KL = "http://kl.dk/fhir/common/caresocial"
KL_CODES = f"{KL}/CodeSystem/KLCommonCareSocialCodes"
KL_OWN_GOAL = ("416fe27d-3ccf-4390-8742-8b52a9d8dc78", "FFB borgers mål og ønsker")
KL_GOAL = ("0bb3daef-538d-45dc-b444-abdbcb63f6bc", "FFB indsatsmål")
KL_SUBGOAL = ("6746d4af-145a-4bfd-a672-05c0cf11b53b", "FFB delmål")
KL_PURPOSE = ("424827b1-23aa-4848-962b-56ee47def560", "Indsatsformål")
KL_SOCIAL = ("4a297733-4d66-4726-a933-590d55cf91e0", "Social indsats")
CASE_NUMBER = f"{KL}/StructureDefinition/MunicipalityCaseNumber"
INFORMER = f"{KL}/StructureDefinition/MatterOfInterestInformer"
GOAL_RELATIONSHIP = "http://hl7.org/fhir/StructureDefinition/goal-relationship"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
PROVENANCE_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SOR = "urn:oid:1.2.208.176.1.1"
CVR = "http://cvr.dk"
MUNICIPALITY = "http://hl7.dk/fhir/core/CodeSystem/dk-core-municipality-codes"
KOMBIT = "https://kombit.dk/sts/organisation"
# Tavle's own vocabularies and fields; KL's messaging role systems are placeholders.
TAVLE = "https://tavle.example/fhir"
TAVLE_ROLE = "urn:tavle:fhir:CodeSystem:role"
TAVLE_ID = f"{TAVLE}/NamingSystem/item"  # identifier system: the item's id on the board
TAVLE_ITEM = f"{TAVLE}/StructureDefinition/item"  # Tavle's fields without a FHIR element
TAVLE_OFFICE = f"{TAVLE}/StructureDefinition/responsible-organisation"
TAVLE_ACTIVITY = f"{TAVLE}/CodeSystem/activity-type"  # Min Plan's activity types
TAVLE_ORG_KIND = f"{TAVLE}/CodeSystem/organisation-kind"
TAVLE_GOAL_KIND = f"{TAVLE}/CodeSystem/goal-kind"


def profile(name: str) -> dict[str, list[str]]:
    return {"profile": [f"{KL}/StructureDefinition/{name}"]}


_NAMESPACE = uuid.UUID("6f1c1b0e-5d0a-4c7e-9a43-1d2f5b7e8a90")
ACTIVITY_STATUS = {"not_started": "not-started", "in_progress": "in-progress", "done": "completed"}
_PERSON_ROLES = ("relative", "support")  # RelatedPerson (KL: guardian, bisidder)
_TEAM_ROLES = ("coordinator", "professional")  # Practitioner
_ORG_IDS = (("sor", SOR), ("cvr", CVR), ("kombit", KOMBIT))


@dataclass
class Version:
    """An agreed version of the plan (server/team/db.py), exported as it was agreed."""

    number: int
    created: datetime
    state: str  # "agreed" | "awaiting_citizen"
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    superseded: bool = False  # a later version exists


@dataclass
class _Builder:
    """Collects the Bundle's entries; ``key`` names a resource, its UUID follows from it."""

    board_id: str
    lang: str
    plan: Plan
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

    def office(self, item: Participant | Goal | Action) -> Organisation | None:
        """The item's organisation: by reference; a plan built in code may name it only as
        text; a task without either is its owner's organisation's."""
        if item.org is not None:
            return self.plan.organisation(item.org)
        text = item.organisation if isinstance(item, Participant) else item.office
        if name := clean(text, 200).strip():
            return Organisation(name_only_id(name), name)
        owner = self.plan.participant(item.owner) if isinstance(item, Action) else None
        return self.office(owner) if owner else None

    def organisation(self, org: Organisation | None) -> dict[str, str] | None:
        if org is None:
            return None
        name = clean(org.name, 200).strip() or "-"
        identifiers = [{"system": TAVLE_ID, "value": org.id}]
        identifiers += [
            {"system": system, "value": getattr(org, kind)}
            for kind, system in _ORG_IDS
            if getattr(org, kind)
        ]
        kinds = [
            {
                "coding": [{"system": TAVLE_ORG_KIND, "code": org.kind}],
                "text": t(f"org.kind.{org.kind}", self.lang),
            }
        ]
        if org.municipality:
            kinds.append({"coding": [{"system": MUNICIPALITY, "code": org.municipality}]})
        resource: dict[str, Any] = {
            "resourceType": "Organization",
            "identifier": identifiers,
            "active": True,
            "type": kinds,
            "name": name,
        }
        return {**self.add(f"org/{org.id}", resource), "display": name}


def plan_to_fhir(
    plan: Plan,
    *,
    board_id: str,
    created: datetime | None = None,
    lang: str = "da",
    version: Version | None = None,
) -> dict[str, Any]:
    """Return the plan as a FHIR R4 ``collection`` Bundle (plain JSON-ready dict).

    The live board is an ``active`` CarePlan made now; a ``version`` is exported as it
    was agreed: ``completed`` once the citizen confirmed it, ``revoked`` if a later
    version replaced it unconfirmed, else ``draft``, with its own time and a
    Provenance of the citizen's approval.
    """
    now = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    made = version.created.astimezone(UTC).replace(microsecond=0) if version else now
    b = _Builder(board_id, lang, plan)
    patient = b.add("patient", _patient(plan))
    subjects = _members(b, plan, patient)
    people = {p.id: ref for p in plan.participants if (ref := _person(b, p, patient))}
    care_team = _care_team(b, plan, patient, people)
    goal_refs = _goals(b, plan, patient, subjects, people, made)
    coordinator = next((p for p in plan.participants if p.role == "coordinator"), None)
    author = b.organisation(b.office(coordinator)) if coordinator else None
    care_plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "meta": profile("KLCommonCareSocialCarePlan"),
        "identifier": [{"system": TAVLE_ID, "value": board_id}],
        "status": _status(version),
        "intent": "plan",
        "category": _category(KL_SOCIAL),
        "subject": patient,
        "period": {"start": _start(plan, made)},
        "created": _instant(made),
        "careTeam": [care_team],
        "goal": goal_refs,
    }
    if end := parse_date(plan.expected_end):
        care_plan["period"]["end"] = max(end.isoformat(), care_plan["period"]["start"])
    if title := clean(plan.title, 200).strip():
        care_plan["title"] = title
    if description := clean(plan.purpose).strip() or title:
        care_plan["description"] = description
    if author or coordinator:
        care_plan["author"] = author or people.get(coordinator.id)  # type: ignore[union-attr]
    care_plan["extension"] = [_plan_fields(plan)]
    if case_number := clean(plan.case_number, 200).strip():
        identifier: dict[str, Any] = {"use": "usual", "value": case_number}
        if author:
            identifier["assigner"] = author
        care_plan["extension"].append({"url": CASE_NUMBER, "valueIdentifier": identifier})
    if activities := [_activity(b, plan, a, people) for a in plan.actions]:
        care_plan["activity"] = activities
    if notes := [_note(b, a) for a in plan.agreements if clean(a.text).strip()]:
        care_plan["note"] = notes
    plan_ref = b.add("careplan", care_plan)
    for consent in plan.consents:
        _consent(b, consent, patient, now)
    if version is not None and version.confirmed_at is not None:
        _approval(b, version, plan_ref, patient)
    return {
        "resourceType": "Bundle",
        "id": b.uid(f"bundle/{_instant(now)}"),
        "type": "collection",
        "timestamp": _instant(now),
        "entry": [
            {"fullUrl": f"urn:uuid:{res['id']}", "resource": res} for res in b.entries.values()
        ],
    }


def _plan_fields(plan: Plan) -> dict[str, Any]:
    """The plan's own fields FHIR has no element for: next meeting, the citizen's words."""
    meeting = plan.next_meeting
    return _tavle(
        alias=plan.citizen.alias,
        own_goal_updated=plan.own_goal.updated,
        meeting_date=meeting.date,
        meeting_time=meeting.time,
        meeting_place=meeting.place,
        dreams=json.dumps(plan.dreams, ensure_ascii=False) if plan.dreams else None,
        resources=json.dumps(plan.resources, ensure_ascii=False) if plan.resources else None,
        challenges=json.dumps(plan.challenges, ensure_ascii=False) if plan.challenges else None,
    )


def _status(version: Version | None) -> str:
    if version is None:
        return "active"
    if version.state == "agreed":
        return "completed"
    return "revoked" if version.superseded else "draft"


def _instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(stamp: str | None) -> str | None:
    """The date part of an ISO timestamp or date, if it is one."""
    day = parse_date(stamp[:10]) if isinstance(stamp, str) else None
    return day.isoformat() if day else None


def _start(plan: Plan, now: datetime) -> str:
    days = [d for item in (*plan.goals, *plan.actions) if (d := _day(item.created))]
    return min(days, default=now.date().isoformat())


def _parse_instant(stamp: str | None) -> datetime | None:
    if not isinstance(stamp, str):
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _tavle(**values: object) -> dict[str, Any]:
    """The item extension: Tavle's fields that FHIR has no element for (empty ones left out)."""
    parts = []
    for name, value in values.items():
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            parts.append({"url": name, "valueBoolean": value})
        elif isinstance(value, int):
            parts.append({"url": name, "valueInteger": value})
        elif isinstance(value, float):
            parts.append({"url": name, "valueDecimal": value})
        else:
            parts.append({"url": name, "valueString": clean(value, 2000)})
    return {"url": TAVLE_ITEM, "extension": parts}


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


def is_citizen(plan: Plan, member: Member) -> bool:
    """Whether a household member is the citizen the plan is for (by name or alias)."""
    names = {n.strip().casefold() for n in (plan.citizen.name, plan.citizen.alias) if n.strip()}
    return member.name.strip().casefold() in names


def _members(b: _Builder, plan: Plan, patient: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each family member as their own Patient (the citizen stays the plan's Patient), so a
    child's case system can take the child's part; member id -> subject reference."""
    subjects = {}
    for member in plan.members:
        name = clean(member.name, 200).strip() or "-"
        if is_citizen(plan, member):
            subjects[member.id] = {**patient, "display": name}
            citizen = b.entries["patient"]
            citizen["extension"] = [
                _tavle(member=member.id, name=member.name, relation=member.relation)
            ]
            continue
        resource = {
            "resourceType": "Patient",
            "extension": [_tavle(id=member.id, relation=member.relation)],
            "active": True,
            "name": [{"text": name}],
        }
        subjects[member.id] = {**b.add(f"member/{member.id}", resource), "display": name}
    return subjects


def _person(b: _Builder, p: Participant, patient: dict[str, str]) -> dict[str, str] | None:
    """The participant as the Patient (the citizen), a RelatedPerson (a relative or support
    person) or a Practitioner (coordinator, professional); observers are not in the plan."""
    name = clean(p.name, 200).strip() or "-"
    if p.role == "citizen":
        return {**patient, "display": name}
    if p.role not in (*_PERSON_ROLES, *_TEAM_ROLES):
        return None
    resource: dict[str, Any] = {
        "identifier": [{"system": TAVLE_ID, "value": p.id}],
        "active": True,
        "name": [{"text": name}],
    }
    if telecom := _telecom(p):
        resource["telecom"] = telecom
    if p.role in _PERSON_ROLES:
        relation = clean(p.relation, 200).strip() or t(f"role.{p.role}", b.lang)
        resource |= {
            "resourceType": "RelatedPerson",
            "patient": patient,
            "relationship": [{"text": relation}],
        }
    else:
        resource["resourceType"] = "Practitioner"
    extra = _tavle(role=p.role, contact_person=p.contact_person or None, org=p.org)
    resource = {"resourceType": resource.pop("resourceType"), "extension": [extra], **resource}
    return {**b.add(f"person/{p.id}", resource), "display": name}


def kl_role(p: Participant, org: Organisation | None) -> str:
    """KL's role word for a participant: by the kind of their organisation (a school is an
    udfører, not a myndighed), the coordinator's authority coordinates."""
    if p.role in ("citizen", "relative", "support", "observer"):
        return p.role
    kind = org.kind if org else "authority"
    if kind == "provider":
        return "provider"
    if kind == "volunteer":
        return "volunteer"
    return "coordinator" if p.role == "coordinator" else "professional"


def _care_team(
    b: _Builder, plan: Plan, patient: dict[str, str], people: dict[str, dict[str, str]]
) -> dict[str, str]:
    participants = []
    for p in plan.participants:
        if p.id not in people:
            continue
        org = b.office(p) if p.role in _TEAM_ROLES else None
        roles = [
            {
                "coding": [{"system": TAVLE_ROLE, "code": p.role}],
                "text": t(f"role.{p.role}", b.lang),
            },
            {"text": t(f"export.kl_role.{kl_role(p, org)}", b.lang)},
        ]
        entry: dict[str, Any] = {
            "extension": [_tavle(id=p.id, name=p.name if p.role == "citizen" else None)],
            "role": roles,
            "member": people[p.id],
        }
        if org_ref := b.organisation(org):  # FHIR ctm-1: onBehalfOf only for a Practitioner
            entry["onBehalfOf"] = org_ref
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


def _based_on(target: dict[str, str]) -> dict[str, Any]:
    return {
        "url": GOAL_RELATIONSHIP,
        "extension": [
            {"url": "type", "valueCodeableConcept": {"text": "based-on"}},
            {"url": "target", "valueReference": {"reference": target["reference"]}},
        ],
    }


def goal_kind(b: _Builder, goal: Goal) -> tuple[tuple[str, str], str]:
    """KL's category and profile: a sub-goal is a delmål, an office's goal an indsatsmål,
    any other the citizen's own goal."""
    if goal.parent is not None:
        return KL_SUBGOAL, "KLCommonCareSocialGoal"
    if b.office(goal) is not None:
        return KL_GOAL, "KLCommonCareSocialFFBGoal"
    return KL_OWN_GOAL, "KLCommonCareSocialGoal"


def _goals(
    b: _Builder,
    plan: Plan,
    patient: dict[str, str],
    subjects: dict[str, dict[str, str]],
    people: dict[str, dict[str, str]],
    now: datetime,
) -> list[dict[str, str]]:
    """The purpose goal, the own goal, every goal; one Provenance for the citizen's words."""
    refs: list[dict[str, str]] = []
    authored: list[dict[str, str]] = []
    coordinator = next((p for p in plan.participants if p.role == "coordinator"), None)
    if purpose := clean(plan.purpose).strip():
        resource: dict[str, Any] = {
            "resourceType": "Goal",
            "meta": profile("KLCommonCareSocialPurpose"),
            "lifecycleStatus": "active",
            "category": _category(KL_PURPOSE),
            "description": {"text": purpose},
            "subject": patient,
        }
        if coordinator and coordinator.id in people:
            resource["expressedBy"] = people[coordinator.id]
        refs.append(b.add("goal/purpose", resource))
    own_ref = None
    if own_text := clean(plan.own_goal.text).strip():
        own = {
            "resourceType": "Goal",
            "meta": profile("KLCommonCareSocialGoal"),
            "lifecycleStatus": "active",
            "category": _category(KL_OWN_GOAL),
            "description": {"text": own_text},
            "subject": patient,
            "expressedBy": patient,
        }
        own_ref = b.add("goal/own", own)
        refs.append(own_ref)
        authored.append(own_ref)
    known = {g.id for g in plan.goals}
    for goal in plan.goals:
        goal = replace(goal, parent=goal.parent if goal.parent in known else None)
        resource = _goal(b, plan, goal, patient, subjects, people, own_ref)
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


def _goal(
    b: _Builder,
    plan: Plan,
    goal: Goal,
    patient: dict[str, str],
    subjects: dict[str, dict[str, str]],
    people: dict[str, dict[str, str]],
    own_ref: dict[str, str] | None,
) -> dict[str, Any]:
    category, profile_name = goal_kind(b, goal)
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "meta": profile(profile_name),
        "extension": [],
        "identifier": [{"system": TAVLE_ID, "value": goal.id}],
        "lifecycleStatus": _lifecycle(goal),
        "category": _category(category),
        "description": {"text": clean(goal.title, 200).strip() or "-"},
        "subject": subjects.get(goal.member or "", patient),
    }
    if goal.parent is not None:
        resource["extension"].append(_based_on(b.ref(f"goal/{goal.parent}")))
    elif own_ref is not None:  # the citizen's own goal is the guideline of every goal
        resource["extension"].append(_based_on(own_ref))
    if org := b.organisation(b.office(goal)):
        resource["extension"].append({"url": TAVLE_OFFICE, "valueReference": org})
    resource["extension"].append(
        _tavle(
            id=goal.id,
            horizon=goal.horizon,
            rank=float(goal.rank),
            kind=goal.kind,
            status=goal.status,
            proposed_by=goal.proposed_by,
            agreed_at=goal.agreed_at,
            created=goal.created,
            member=goal.member,
        )
    )
    if achievement := _achievement(plan, goal):
        code = {"system": GOAL_ACHIEVEMENT, "code": achievement}
        resource["achievementStatus"] = {"coding": [code]}
    if goal.kind == "job":
        resource["category"][0]["text"] = t("goal_kind.job", b.lang)
    if start := _day(goal.created):
        resource["startDate"] = start
    if due := _due(plan, goal):
        resource["target"] = [{"dueDate": due}]
    proposer = people.get(goal.proposed_by or "")
    if goal.proposed_by is None:
        resource["expressedBy"] = patient
    elif proposer and (
        proposer["reference"] == patient["reference"] or _is_practitioner(b, proposer)
    ):
        resource["expressedBy"] = proposer
    if description := clean(goal.description).strip():
        resource["note"] = [{"text": description}]
    if outcomes := _outcomes(b, plan, goal):
        resource["outcomeCode"] = outcomes
    return resource


def _is_practitioner(b: _Builder, ref: dict[str, str] | None) -> bool:
    """KL lets only a practitioner or the citizen express a goal."""
    if ref is None:
        return False
    found = next((r for r in b.entries.values() if f"urn:uuid:{r['id']}" == ref["reference"]), None)
    return found is not None and found["resourceType"] == "Practitioner"


def _outcomes(b: _Builder, plan: Plan, goal: Goal) -> list[dict[str, Any]]:
    """The citizen's ratings of the goal as KL's assessment: text, who informed it, when."""
    out = []
    for rating in (r for r in plan.ratings if r.goal == goal.id):
        rater = plan.participant(rating.by)
        who = t(f"role.{rater.role if rater else 'citizen'}", b.lang)
        text = t("export.rating", b.lang, value=f"{rating.value:g}", date=short_date(rating.date))
        if note := clean(rating.note).strip():
            text = f"{text}: {note}"
        out.append(
            {
                "extension": [
                    {"url": INFORMER, "valueCodeableConcept": {"text": who}},
                    _tavle(
                        id=rating.id,
                        date=rating.date,
                        value=float(rating.value),
                        by=rating.by,
                        note=rating.note,
                    ),
                ],
                "text": text,
            }
        )
    return out


def _activity(
    b: _Builder, plan: Plan, action: Action, people: dict[str, dict[str, str]]
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "extension": [
            _tavle(
                id=action.id,
                rank=float(action.rank),
                approval=action.approval,
                follow_up=action.follow_up,
                carried_over=action.carried_over or None,
                proposed_by=action.proposed_by,
                agreed_at=action.agreed_at,
                created=action.created,
                member=action.member,
                start=action.start,
                due=action.due,
                note=action.note,
                expected_result=action.expected_result,
            )
        ],
        "status": ACTIVITY_STATUS.get(action.status, "unknown"),
        "description": clean(action.what, 200).strip() or "-",
    }
    if action.activity_type:
        detail["code"] = {
            "coding": [{"system": TAVLE_ACTIVITY, "code": action.activity_type}],
            "text": t(f"activity.{action.activity_type}", b.lang),
        }
    reasons = []
    if action.is_proposal:
        reasons.append(t("plan.proposal", b.lang))
    if action.approval != "not_needed":
        reasons.append(t(f"approval.{action.approval}", b.lang))
    if reasons:
        detail["statusReason"] = {"text": " · ".join(reasons)}
    owner = plan.participant(action.owner)
    performers = [people[owner.id]] if owner and owner.id in people else []
    if org := b.organisation(b.office(action)):
        performers.append(org)
    if performers:
        detail["performer"] = performers
    start, due = parse_date(action.start), parse_date(action.due)
    if start and due and start > due:  # starts after its deadline (e.g. sign up by, start on)
        start = None
    if start or due:
        period = {"start": start.isoformat()} if start else {}
        if due:
            period["end"] = due.isoformat()
        detail["scheduledPeriod"] = period
    elif follow_up := short_date(action.follow_up):
        detail["scheduledString"] = t("export.follow_up", b.lang, date=follow_up)
    if action.goal and any(g.id == action.goal for g in plan.goals):
        detail["goal"] = [b.ref(f"goal/{action.goal}")]
    activity: dict[str, Any] = {"detail": detail}
    texts = [clean(action.note).strip()]
    if expected := clean(action.expected_result).strip():
        texts.insert(0, t("export.expected_result", b.lang, text=expected))
    if progress := [{"text": x} for x in texts if x]:
        activity["progress"] = progress
    return activity


def _note(b: _Builder, agreement: Any) -> dict[str, Any]:
    note: dict[str, Any] = {
        "extension": [
            _tavle(id=agreement.id, follow_up_by=agreement.follow_up_by, date=agreement.date)
        ],
        "text": clean(agreement.text).strip(),
    }
    return note


def _consent(b: _Builder, consent: Consent, patient: dict[str, str], now: datetime) -> None:
    """A consent as KL's draft messaging shapes it: privacy scope, IDSCL, the citizen."""
    org = b.plan.organisation(consent.org)
    in_force = consent.valid(now.date().isoformat())
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "extension": [
            _tavle(
                id=consent.id,
                given_by=consent.given_by,
                scope=consent.scope,
                expires=consent.expires,
                withdrawn_at=consent.withdrawn_at,
            )
        ],
        "identifier": [{"system": TAVLE_ID, "value": consent.id}],
        "status": "active" if in_force else "inactive",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": ACT_CODE, "code": "IDSCL"}]}],
        "patient": patient,
        "performer": [patient],
        "policyRule": {"coding": [{"system": ACT_CODE, "code": "OPTIN"}]},
    }
    if scope := clean(consent.scope).strip():
        resource["category"].append({"text": scope})
    if given := _parse_instant(consent.given_at):
        resource["dateTime"] = _instant(given)
    if org_ref := b.organisation(org):
        resource["organization"] = [org_ref]
    period: dict[str, str] = {}
    if given:
        period["start"] = given.date().isoformat()
    if expires := parse_date(consent.expires):
        period["end"] = expires.isoformat()
    withdrawn = _parse_instant(consent.withdrawn_at)
    if withdrawn and (not expires or withdrawn.date() < expires):
        period["end"] = withdrawn.date().isoformat()
    if "end" in period and "start" in period and period["end"] < period["start"]:
        period["end"] = period["start"]
    if period:
        resource["provision"] = {"type": "permit", "period": period}
    b.add(f"consent/{consent.id}", resource)


def _approval(
    b: _Builder, version: Version, plan_ref: dict[str, str], patient: dict[str, str]
) -> None:
    """The citizen's approval of this version: who, when, which version."""
    assert version.confirmed_at is not None
    who = dict(patient)
    if version.confirmed_by:
        who["display"] = clean(version.confirmed_by, 200)
    b.add(
        f"provenance/version/{version.number}",
        {
            "resourceType": "Provenance",
            "target": [{**plan_ref, "display": t("export.version", b.lang, n=version.number)}],
            "recorded": _instant(version.confirmed_at.astimezone(UTC)),
            "activity": {"text": t("export.approved", b.lang)},
            "agent": [
                {
                    "type": {"coding": [{"system": PROVENANCE_TYPE, "code": "attester"}]},
                    "who": who,
                }
            ],
        },
    )
