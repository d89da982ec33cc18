"""A CarePlan Bundle back into a plan record: one exported by Tavle, or shaped like KL's.

``tavle board import --format fhir FILE`` brings an office's existing plan into the
next meeting. Standard elements are read first (KL's goal categories, goal-relationship
``based-on``, activity performers, scheduled periods, statuses, Consent, Organization
identifiers); where Tavle's own item extension (``plan_export.fhir.TAVLE_ITEM``) is
present it restores what FHIR has no element for (horizon, rank, agreement…), so a
Tavle Bundle comes back whole: FHIR → board → FHIR keeps every goal, sub-goal link,
task, owner, office, date and status. The result is checked like any plan record
(``plan_export.record.validate_record``) before a board is made from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from board import schema
from board.read import name_only_id
from plan_export import fhir as out
from plan_export.record import RECORD_VERSION, RecordError, validate_record

_ACTIVITY = {fhir: tavle for tavle, fhir in out.ACTIVITY_STATUS.items()}
_LIFECYCLE_DONE = ("completed", "cancelled")


class FhirError(RecordError):
    """A Bundle that cannot be read as a plan; ``path`` points into the Bundle."""


def _ext(element: dict, url: str) -> list[dict]:
    return [e for e in element.get("extension", []) if isinstance(e, dict) and e.get("url") == url]


def tavle_fields(element: dict) -> dict[str, Any]:
    """The values of Tavle's item extension on ``element`` (empty for a foreign Bundle)."""
    values: dict[str, Any] = {}
    for ext in _ext(element, out.TAVLE_ITEM):
        for part in ext.get("extension", []):
            value = next((v for k, v in part.items() if k.startswith("value")), None)
            if isinstance(part.get("url"), str):
                values[part["url"]] = value
    return values


def _text(value: object, limit: int = schema.MAX_TITLE) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _codes(concept: object, system: str) -> list[str]:
    if not isinstance(concept, dict):
        return []
    return [c.get("code") for c in concept.get("coding", []) if c.get("system") == system]


@dataclass
class _Reader:
    bundle: dict
    resources: dict[str, dict] = field(default_factory=dict)  # reference -> resource
    ids: dict[int, str] = field(default_factory=dict)  # id(resource) -> Tavle id
    offices: dict[int, dict] = field(default_factory=dict)  # id(person) -> their Organization
    kinds: dict[str, str] = field(default_factory=dict)  # org id -> kind the team roles say

    def index(self) -> None:
        entries = self.bundle.get("entry")
        if self.bundle.get("resourceType") != "Bundle" or not isinstance(entries, list):
            raise FhirError("/resourceType", "must be a Bundle with entries")
        for n, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                raise FhirError(f"/entry/{n}/resource", "must be a resource")
            if isinstance(entry.get("fullUrl"), str):
                self.resources[entry["fullUrl"]] = resource
            if isinstance(resource.get("id"), str):
                self.resources[f"{resource['resourceType']}/{resource['id']}"] = resource

    def get(self, ref: object) -> dict | None:
        """The resource a Reference points to (``urn:uuid:…``, ``Type/id`` or a full URL)."""
        target = ref.get("reference") if isinstance(ref, dict) else None
        if not isinstance(target, str):
            return None
        found = self.resources.get(target)
        if found is None and "/" in target:
            found = self.resources.get("/".join(target.rsplit("/", 2)[-2:]))
        return found

    def of_type(self, kind: str) -> list[dict]:
        seen: list[dict] = []
        for r in self.resources.values():
            if r["resourceType"] == kind and all(r is not s for s in seen):
                seen.append(r)
        return seen

    def tavle_id(self, resource: dict, prefix: str) -> str:
        """The item's id on the board: Tavle's identifier, else one made from the resource."""
        if id(resource) in self.ids:
            return self.ids[id(resource)]
        found = next(
            (
                i.get("value")
                for i in resource.get("identifier", [])
                if isinstance(i, dict) and i.get("system") == out.TAVLE_ID
            ),
            None,
        ) or tavle_fields(resource).get("id")
        if not isinstance(found, str) or not found:
            found = f"{prefix}-{resource.get('id') or len(self.ids) + 1}"
        self.ids[id(resource)] = found[: schema.MAX_ID]
        return self.ids[id(resource)]


def fhir_to_record(bundle: object) -> dict[str, Any]:
    """The plan record of a CarePlan Bundle; raises :class:`FhirError` (or RecordError)."""
    if not isinstance(bundle, dict):
        raise FhirError("", "must be a JSON object (a FHIR Bundle)")
    r = _Reader(bundle)
    r.index()
    plans = r.of_type("CarePlan")
    if len(plans) != 1:
        raise FhirError("/entry", f"must hold exactly one CarePlan (found {len(plans)})")
    (care_plan,) = plans
    patient = r.get(care_plan.get("subject"))
    if patient is None or patient["resourceType"] != "Patient":
        raise FhirError("/CarePlan/subject", "must refer to the citizen's Patient in the Bundle")
    record: dict[str, Any] = {
        "record_version": RECORD_VERSION,
        "board_id": None,
        "exported_at": None,
    }
    _plan_fields(r, care_plan, patient, record)
    record["organisations"] = [_organisation(r, o) for o in r.of_type("Organization")]
    record["members"] = _members(r, patient)
    citizen = record["citizen"]["name"] or record["citizen"]["alias"] or "-"
    record["participants"] = _participants(r, care_plan, patient, citizen)
    for org in record["organisations"]:
        if org["kind"] == "other" and org["id"] in r.kinds:
            org["kind"] = r.kinds[org["id"]]
    record["goals"], record["ratings"] = _goals(r, care_plan, patient, record)
    record["actions"] = _actions(r, care_plan, patient)
    record["agreements"] = _agreements(care_plan)
    record["consents"] = [_consent(r, c) for c in r.of_type("Consent")]
    record["consents"] = [c for c in record["consents"] if c["org"]]
    validate_record(record)
    return record


def _plan_fields(r: _Reader, care_plan: dict, patient: dict, record: dict) -> None:
    extra = tavle_fields(care_plan)
    names = [n for n in patient.get("name", []) if isinstance(n, dict)]
    official = next((n for n in names if n.get("use") != "nickname"), {})
    full = (
        official.get("text")
        or " ".join([*official.get("given", []), official.get("family", "")]).strip()
    )
    alias = next((n.get("text") for n in names if n.get("use") == "nickname"), "")
    record["title"] = _text(care_plan.get("title"))
    record["citizen"] = {"name": _text(full), "alias": _text(alias or extra.get("alias"))}
    record["own_goal"] = {"text": "", "updated": extra.get("own_goal_updated")}
    for key in ("dreams", "resources", "challenges"):
        try:
            record[key] = json.loads(extra[key]) if key in extra else []
        except (TypeError, ValueError):
            record[key] = []
    record["next_meeting"] = {
        "date": extra.get("meeting_date"),
        "time": extra.get("meeting_time"),
        "place": _text(extra.get("meeting_place")),
    }
    record["purpose"] = ""
    period = care_plan.get("period") if isinstance(care_plan.get("period"), dict) else {}
    record["expected_end"] = period.get("end")
    case = next((e.get("valueIdentifier") for e in _ext(care_plan, out.CASE_NUMBER)), None)
    record["case_number"] = _text(case.get("value")) if isinstance(case, dict) else ""


def _organisation(r: _Reader, org: dict) -> dict[str, Any]:
    ids = {
        i.get("system"): i.get("value") for i in org.get("identifier", []) if isinstance(i, dict)
    }
    kinds = org.get("type", [])
    kind = next((c for t in kinds for c in _codes(t, out.TAVLE_ORG_KIND)), None)
    municipality = next((c for t in kinds for c in _codes(t, out.MUNICIPALITY)), "")
    name = _text(org.get("name")) or "-"
    if out.TAVLE_ID not in ids:
        r.ids[id(org)] = (ids.get(out.SOR) and f"sor-{ids[out.SOR]}") or name_only_id(name)
    return {
        "id": r.tavle_id(org, "org"),
        "name": name,
        "kind": kind if kind in schema.ORG_KINDS else "other",
        "sor": ids.get(out.SOR) or "",
        "cvr": ids.get(out.CVR) or "",
        "municipality": municipality or "",
        "kombit": _text(ids.get(out.KOMBIT)),
    }


def _members(r: _Reader, patient: dict) -> list[dict[str, Any]]:
    members = []
    own = tavle_fields(patient)
    if own.get("member"):
        members.append(
            {
                "id": own["member"],
                "name": _text(own.get("name")) or "-",
                "relation": _text(own.get("relation")),
            }
        )
    for other in r.of_type("Patient"):
        if other is patient:
            continue
        extra = tavle_fields(other)
        name = next((n.get("text") for n in other.get("name", []) if n.get("text")), "-")
        members.append(
            {
                "id": r.tavle_id(other, "m"),
                "name": _text(name),
                "relation": _text(extra.get("relation")),
            }
        )
    return members


def _role(entry: dict, person: dict) -> str:
    """Tavle's role: its own code, else what the resource type and KL's role text say."""
    for role in entry.get("role", []):
        for code in _codes(role, out.TAVLE_ROLE):
            if code in schema.ROLES:
                return code
    if person["resourceType"] == "Patient":
        return "citizen"
    if person["resourceType"] == "RelatedPerson":
        return "relative"
    texts = " ".join(str(role.get("text", "")) for role in entry.get("role", [])).casefold()
    return "coordinator" if "koordinerende" in texts or "coordinating" in texts else "professional"


def _participants(r: _Reader, care_plan: dict, patient: dict, citizen: str) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    seen: set[int] = set()

    def add(person: dict, entry: dict, org: dict | None) -> None:
        if id(person) in seen and person is not patient:
            return
        seen.add(id(person))
        role = _role(entry, person)
        extra = {**tavle_fields(person), **tavle_fields(entry)}
        if person is patient:
            pid = extra.get("id") or "citizen"
            r.ids[id(patient)] = pid
            name = extra.get("name") or citizen
        else:
            pid = r.tavle_id(person, "p")
            name = (
                next(
                    (
                        n.get("text") or " ".join([*n.get("given", []), n.get("family", "")])
                        for n in person.get("name", [])
                    ),
                    "",
                )
                or "-"
            )
        telecom = {
            t.get("system"): t.get("value")
            for t in person.get("telecom", [])
            if isinstance(t, dict)
        }
        relation = ""
        if person["resourceType"] == "RelatedPerson":
            relation = next((x.get("text", "") for x in person.get("relationship", [])), "")
            if relation in (
                "Pårørende",
                "Family member",
                "Bisidder / støtteperson",
                "Support person",
            ):
                relation = ""
        if org is None and extra.get("org"):  # a support person's organisation (no onBehalfOf)
            org = next(
                (o for o in r.of_type("Organization") if r.tavle_id(o, "org") == extra["org"]), None
            )
        if org is not None:
            r.offices[id(person)] = org
            texts = " ".join(str(x.get("text", "")) for x in entry.get("role", [])).casefold()
            if "udfører" in texts or "provider" in texts:
                r.kinds[r.tavle_id(org, "org")] = "provider"
            elif "myndighed" in texts or "authority" in texts:
                r.kinds[r.tavle_id(org, "org")] = "authority"
        people.append(
            {
                "id": pid,
                "name": _text(name).strip() or "-",
                "role": role,
                "organisation": _text(org.get("name")) if org else "",
                "phone": _text(telecom.get("phone")),
                "email": _text(telecom.get("email")),
                "contact_person": extra.get("contact_person") is True,
                "org": r.tavle_id(org, "org") if org else None,
                "relation": _text(relation) if role == "relative" else "",
            }
        )

    for ref in care_plan.get("careTeam", []):
        team = r.get(ref)
        for entry in (team or {}).get("participant", []):
            person = r.get(entry.get("member"))
            if person is not None and person["resourceType"] in (
                "Patient",
                "Practitioner",
                "RelatedPerson",
            ):
                add(person, entry, r.get(entry.get("onBehalfOf")))
    for activity in care_plan.get("activity", []):  # performers outside the care team
        for ref in activity.get("detail", {}).get("performer", []):
            person = r.get(ref)
            if person is not None and person["resourceType"] in ("Practitioner", "RelatedPerson"):
                add(person, {}, None)
    if not any(p["role"] == "citizen" for p in people):
        add(patient, {"role": []}, None)
    return people


def _goals(
    r: _Reader, care_plan: dict, patient: dict, record: dict
) -> tuple[list[dict], list[dict]]:
    goals: list[dict] = []
    ratings: list[dict] = []
    resources = [g for ref in care_plan.get("goal", []) if (g := r.get(ref)) is not None]
    own_done = False
    for rank, goal in enumerate(resources, start=1):
        category = next(
            (c for cat in goal.get("category", []) for c in _codes(cat, out.KL_CODES)), None
        )
        text = _text((goal.get("description") or {}).get("text"), schema.MAX_TEXT)
        extra = tavle_fields(goal)
        if category == out.KL_PURPOSE[0]:
            record["purpose"] = text
            continue
        if category == out.KL_OWN_GOAL[0] and not extra and not own_done:
            record["own_goal"]["text"] = text  # the first own goal without Tavle's id
            own_done = True
            continue
        goals.append((goal, extra, rank, text))  # type: ignore[arg-type]
    items = []
    for goal, extra, rank, text in goals:  # type: ignore[misc]
        gid = r.tavle_id(goal, "g")
        parent = None
        for rel in _ext(goal, out.GOAL_RELATIONSHIP):
            target = next(
                (
                    p.get("valueReference")
                    for p in rel.get("extension", [])
                    if p.get("url") == "target"
                ),
                None,
            )
            found = r.get(target)
            if found is not goal and any(found is g for g, *_ in goals):
                parent = r.tavle_id(found, "g")
        office = next((r.get(e.get("valueReference")) for e in _ext(goal, out.TAVLE_OFFICE)), None)
        subject = r.get(goal.get("subject"))
        expressed = r.get(goal.get("expressedBy"))
        if not extra and office is None and expressed is not None:  # KL: the responsible
            office = r.offices.get(id(expressed))  # professional's organisation owns it
        lifecycle = goal.get("lifecycleStatus")
        proposer, agreed = extra.get("proposed_by"), extra.get("agreed_at")
        if not extra and expressed is not None and expressed is not patient:
            proposer = r.tavle_id(expressed, "p")  # a professional's goal, agreed unless proposed
            agreed = None if lifecycle == "proposed" else care_plan.get("created")
        notes = [n.get("text", "") for n in goal.get("note", []) if isinstance(n, dict)]
        status = extra.get("status") or (lifecycle if lifecycle in _LIFECYCLE_DONE else "active")
        created = extra.get("created") or (
            f"{goal['startDate']}T00:00:00Z" if isinstance(goal.get("startDate"), str) else None
        )
        items.append(
            {
                "id": gid,
                "title": _text(text).strip() or "-",
                "description": _text("\n".join(n for n in notes if n), schema.MAX_TEXT),
                "horizon": extra.get("horizon") or ("parked" if lifecycle == "on-hold" else "now"),
                "rank": extra.get("rank", rank),
                "office": _text(office.get("name")) if office else "",
                "parent": parent,
                "member": extra.get("member")
                if extra
                else (
                    r.ids.get(id(subject))
                    if subject is not None and subject is not patient
                    else None
                ),
                "proposed_by": proposer,
                "agreed_at": agreed,
                "status": status,
                "created": created,
                "org": r.tavle_id(office, "org") if office else None,
                "kind": extra.get("kind") or "goal",
            }
        )
        for outcome in goal.get("outcomeCode", []):
            rating = tavle_fields(outcome)
            if "value" in rating and "date" in rating:
                ratings.append(
                    {
                        "id": rating.get("id") or f"r-{gid}-{len(ratings)}",
                        "goal": gid,
                        "date": rating["date"],
                        "value": rating["value"],
                        "by": rating.get("by"),
                        "note": _text(rating.get("note"), schema.MAX_TEXT),
                    }
                )
    return items, ratings


def _actions(r: _Reader, care_plan: dict, patient: dict) -> list[dict]:
    actions = []
    for rank, activity in enumerate(care_plan.get("activity", []), start=1):
        detail = activity.get("detail")
        if not isinstance(detail, dict):
            continue
        extra = tavle_fields(detail)
        owner = org = None
        for ref in detail.get("performer", []):
            found = r.get(ref)
            if found is None:
                continue
            if found["resourceType"] == "Organization":
                org = found
            elif owner is None:
                owner = found
        period = (
            detail.get("scheduledPeriod") if isinstance(detail.get("scheduledPeriod"), dict) else {}
        )
        goal = next((r.get(g) for g in detail.get("goal", [])), None)
        code = next(iter(_codes(detail.get("code"), out.TAVLE_ACTIVITY)), "")
        texts = [p.get("text", "") for p in activity.get("progress", []) if isinstance(p, dict)]
        actions.append(
            {
                "id": extra.get("id") or f"a{rank}",
                "what": _text(detail.get("description")).strip() or "-",
                "goal": r.ids.get(id(goal)) or None if goal is not None else None,
                "owner": (r.ids.get(id(owner)) or None) if owner is not None else None,
                "office": _text(org.get("name")) if org else "",
                "due": extra.get("due") if extra else period.get("end"),
                "status": _ACTIVITY.get(detail.get("status"), "not_started"),
                "approval": extra.get("approval") or "not_needed",
                "follow_up": extra.get("follow_up"),
                "carried_over": extra.get("carried_over") or 0,
                "note": _text(
                    extra.get("note") if extra else "\n".join(t for t in texts if t),
                    schema.MAX_TEXT,
                ),
                "expected_result": _text(extra.get("expected_result"), schema.MAX_TEXT),
                "member": extra.get("member"),
                "proposed_by": extra.get("proposed_by"),
                "agreed_at": extra.get("agreed_at"),
                "rank": extra.get("rank", rank),
                "created": extra.get("created"),
                "org": r.tavle_id(org, "org") if org else None,
                "activity_type": code if code in schema.ACTIVITY_TYPES else "",
                "start": extra.get("start") if extra else period.get("start"),
            }
        )
    return actions


def _agreements(care_plan: dict) -> list[dict]:
    agreements = []
    for n, note in enumerate(care_plan.get("note", []), start=1):
        text = note.get("text") if isinstance(note, dict) else None
        if not isinstance(text, str) or not text.strip():
            continue
        extra = tavle_fields(note)
        agreements.append(
            {
                "id": extra.get("id") or f"ag{n}",
                "text": text[: schema.MAX_TEXT],
                "follow_up_by": extra.get("follow_up_by"),
                "date": extra.get("date"),
            }
        )
    return agreements


def _consent(r: _Reader, consent: dict) -> dict[str, Any]:
    extra = tavle_fields(consent)
    org = next((r.get(o) for o in consent.get("organization", [])), None)
    period = (consent.get("provision") or {}).get("period") or {}
    withdrawn = extra.get("withdrawn_at")
    if withdrawn is None and consent.get("status") == "inactive" and period.get("end"):
        withdrawn = f"{period['end']}T00:00:00Z"
    return {
        "id": r.tavle_id(consent, "c"),
        "org": r.tavle_id(org, "org") if org else None,
        "given_by": _text(extra.get("given_by")),
        "given_at": consent.get("dateTime"),
        "scope": _text(extra.get("scope"), schema.MAX_TEXT),
        "expires": extra.get("expires") if extra else (None if withdrawn else period.get("end")),
        "withdrawn_at": withdrawn,
    }
