// The plan inside the board's Y document: read it defensively, write whole items.
// Layout (docs/board-format.md): top-level Y.Maps, ONE plain object per item keyed by id,
// replaced on change. Field names are those of board/plan.py.
import { nowStamp, storeDate } from "./dates.js";

export const HORIZONS = ["now", "next", "later", "parked"];
export const STATUSES = ["not_started", "in_progress", "done"];
export const APPROVALS = ["not_needed", "awaiting", "approved", "refused"];
export const GOAL_STATUSES = ["active", "completed", "cancelled"];
export const ROLES = ["citizen", "relative", "coordinator", "professional", "support", "observer"];
export const GOAL_KINDS = ["goal", "job"];
// Min Plan's activity types (board/schema.py ACTIVITY_TYPES); "" is none
export const ACTIVITY_TYPES = ["", "conversation", "guidance", "internship", "wage_subsidy", "education", "mentor", "job_search", "treatment", "other"];
export const ORG_KINDS = ["authority", "provider", "volunteer", "other"];
export const NO_ORGANISATION = ["citizen", "relative"]; // roles that never belong to an organisation
const MAP_NAMES = ["plan", "goals", "actions", "participants", "agreements", "members", "elements", "organisations"];

/** The shared maps of one board document. */
export function maps(doc) {
  return Object.fromEntries(MAP_NAMES.map((name) => [name, doc.getMap(name)]));
}

/** A random id for a new item. */
export function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return Array.from({ length: 16 }, () => Math.floor(Math.random() * 36).toString(36)).join("");
}

const str = (v) => (typeof v === "string" ? v : "");
const ref = (v) => (typeof v === "string" && v ? v : null);
const num = (v, d = 0) => (typeof v === "number" && Number.isFinite(v) ? v : d);
const oneOf = (v, list) => (list.includes(v) ? v : list[0]);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function items(map, required, normalise) {
  const out = [];
  map.forEach((value, key) => {
    if (isObject(value) && typeof value[required] === "string" && value[required]) {
      out.push(normalise({ ...value, id: key }));
    }
  });
  return out;
}

/** A sub-goal whose parent is missing, or whose parents go round in a circle, becomes a goal. */
function breakParents(goals) {
  const byId = new Map(goals.map((g) => [g.id, g]));
  for (const g of goals) {
    const seen = new Set([g.id]);
    for (let p = byId.get(g.parent); p; p = byId.get(p.parent)) {
      if (seen.has(p.id)) {
        g.parent = null;
        break;
      }
      seen.add(p.id);
    }
    if (g.parent && !byId.has(g.parent)) g.parent = null;
  }
}

const byRank = (a, b) => a.rank - b.rank || a.created.localeCompare(b.created) || a.id.localeCompare(b.id);

/**
 * The name of an item's organisation: its `org` reference when the board knows it, else the
 * old free text (`office`, or a participant's `organisation`). The one place that says it
 * (board/plan.py `Plan.office_of` is the same rule in Python).
 */
export function officeName(orgs, item) {
  const org = item.org ? orgs.find((o) => o.id === item.org) : null;
  return org ? org.name : str(item.office ?? item.organisation);
}

/** Everything the panel and the list view show, read defensively (bad items skipped). */
export function readPlan(doc) {
  const m = maps(doc);
  const organisations = items(m.organisations, "name", (o) => ({
    ...o,
    kind: ORG_KINDS.includes(o.kind) ? o.kind : "other",
  })).sort((a, b) => a.name.localeCompare(b.name, "da"));
  const goals = items(m.goals, "title", (g) => ({
    ...g,
    title: g.title,
    description: str(g.description),
    horizon: oneOf(g.horizon, HORIZONS),
    rank: num(g.rank),
    office: officeName(organisations, g),
    org: ref(g.org),
    kind: oneOf(g.kind, GOAL_KINDS),
    parent: ref(g.parent),
    status: oneOf(g.status, GOAL_STATUSES),
    proposed_by: ref(g.proposed_by),
    agreed_at: ref(g.agreed_at),
    created: str(g.created),
  })).sort(byRank);
  breakParents(goals);
  const actions = items(m.actions, "what", (a) => ({
    ...a,
    goal: ref(a.goal),
    owner: ref(a.owner),
    office: officeName(organisations, a),
    org: ref(a.org),
    activity_type: oneOf(a.activity_type, ACTIVITY_TYPES),
    start: storeDate(a.start),
    due: storeDate(a.due),
    status: oneOf(a.status, STATUSES),
    approval: oneOf(a.approval, APPROVALS),
    follow_up: storeDate(a.follow_up),
    carried_over: Math.max(0, Math.round(num(a.carried_over))),
    note: str(a.note),
    proposed_by: ref(a.proposed_by),
    agreed_at: ref(a.agreed_at),
    rank: num(a.rank),
    created: str(a.created),
  })).sort(byRank);
  const participants = items(m.participants, "name", (p) => ({
    ...p,
    role: oneOf(p.role, ["professional", ...ROLES]),
    organisation: NO_ORGANISATION.includes(p.role) ? "" : officeName(organisations, p),
    org: NO_ORGANISATION.includes(p.role) ? null : ref(p.org),
    relation: str(p.relation) || (p.role === "relative" ? str(p.organisation) : ""),
    phone: str(p.phone),
  })).sort((a, b) => a.name.localeCompare(b.name, "da"));
  const members = items(m.members, "name", (x) => ({ ...x, relation: str(x.relation) }));
  const memberIds = new Set(members.map((x) => x.id));
  for (const item of [...goals, ...actions]) item.member = memberIds.has(item.member) ? item.member : null;
  const agreements = items(m.agreements, "text", (a) => ({
    ...a,
    follow_up_by: ref(a.follow_up_by),
    date: storeDate(a.date),
  }));
  const texts = (key) => {
    const v = m.plan.get(key);
    return Array.isArray(v) ? v.filter((x) => typeof x === "string" && x) : [];
  };
  const ownGoal = m.plan.get("own_goal");
  const meeting = m.plan.get("next_meeting");
  const citizen = m.plan.get("citizen");
  return {
    ownGoal: isObject(ownGoal) ? str(ownGoal.text) : "",
    citizen: isObject(citizen) ? str(citizen.alias) || str(citizen.name) : "",
    dreams: texts("dreams"),
    resources: texts("resources"),
    challenges: texts("challenges"),
    nextMeeting: isObject(meeting)
      ? { date: storeDate(meeting.date), time: str(meeting.time), place: str(meeting.place) }
      : { date: null, time: "", place: "" },
    goals,
    actions,
    participants,
    members,
    agreements,
    organisations,
  };
}

/**
 * Whether two texts name the same organisation: spaces trimmed and collapsed, any case
 * (board/plan.py `same_org_name` is the same rule in Python).
 */
export function sameOrgName(a, b) {
  const key = (s) => String(s ?? "").split(/\s+/).filter(Boolean).join(" ").toLocaleLowerCase("da");
  return key(a) === key(b);
}

/** Put a copy of an organisation of the municipality's list on the board (by its id). */
export function useOrganisation(doc, org) {
  const map = doc.getMap("organisations");
  const copy = { id: org.id, name: org.name, kind: org.kind || "other", sor: org.sor || "", cvr: org.cvr || "", municipality: org.municipality || "", kombit: org.kombit || "" };
  const old = map.get(org.id);
  if (!isObject(old) || JSON.stringify(old) !== JSON.stringify(copy)) map.set(org.id, copy);
  return org.id;
}

/** A proposal: made by a professional and not yet agreed by the citizen. */
export const isProposal = (item) => Boolean(item.proposed_by) && !item.agreed_at;

/** Who proposes when this user creates an item: null for the citizen, else their participant. */
export function proposer(plan, role, user) {
  if (role === "citizen") return null;
  const name = (user?.name || "").trim().toLowerCase();
  const me = name && plan.participants.find((p) => p.name.trim().toLowerCase() === name);
  if (me) return me.id;
  return name && name !== "?" ? user.name.trim() : ROLES.includes(role) ? role : "professional";
}

/** Replace one item with its old value plus `patch` (one plain object per item). */
export function patchItem(doc, mapName, id, patch) {
  const map = doc.getMap(mapName);
  const old = map.get(id);
  if (!isObject(old)) return;
  map.set(id, { ...old, ...patch });
}

export function addGoal(doc, fields, proposedBy) {
  const id = newId();
  const goals = doc.getMap("goals");
  const siblings = readPlan(doc).goals.filter((g) => g.parent === (fields.parent ?? null) && g.horizon === (fields.horizon || "now"));
  goals.set(id, {
    id,
    title: fields.title,
    description: fields.description || "",
    horizon: fields.horizon || "now",
    rank: siblings.length ? siblings[siblings.length - 1].rank + 1 : 1,
    office: fields.office || "",
    parent: fields.parent ?? null,
    member: fields.member ?? null,
    proposed_by: proposedBy,
    agreed_at: null,
    status: "active",
    created: nowStamp(),
    org: fields.org ?? null,
    kind: GOAL_KINDS.includes(fields.kind) ? fields.kind : "goal",
  });
  return id;
}

export function addAction(doc, fields, proposedBy) {
  const id = newId();
  const actions = readPlan(doc).actions;
  doc.getMap("actions").set(id, {
    id,
    what: fields.what,
    goal: fields.goal ?? null,
    owner: fields.owner ?? null,
    office: fields.office || "",
    due: storeDate(fields.due),
    status: fields.status || "not_started",
    approval: fields.approval || "not_needed",
    follow_up: storeDate(fields.follow_up),
    carried_over: fields.carried_over || 0,
    note: fields.note || "",
    expected_result: "",
    member: fields.member ?? null,
    proposed_by: proposedBy,
    agreed_at: null,
    rank: actions.length ? actions[actions.length - 1].rank + 1 : 1,
    created: nowStamp(),
    org: fields.org ?? null,
    activity_type: ACTIVITY_TYPES.includes(fields.activity_type) ? fields.activity_type : "",
    start: storeDate(fields.start),
  });
  return id;
}

export function addParticipant(doc, fields) {
  const id = newId();
  doc.getMap("participants").set(id, {
    id,
    name: fields.name,
    role: fields.role || "professional",
    organisation: fields.organisation || "",
    phone: fields.phone || "",
    email: "",
    contact_person: false,
    org: fields.org ?? null,
    relation: fields.relation || "",
  });
  return id;
}

export function addAgreement(doc, fields) {
  const id = newId();
  doc.getMap("agreements").set(id, {
    id,
    text: fields.text,
    follow_up_by: fields.follow_up_by ?? null,
    date: storeDate(fields.date),
  });
  return id;
}

/** The citizen agrees to a proposal ("Enig"): sets agreed_at (the server allows only the citizen). */
export function agree(doc, mapName, id) {
  patchItem(doc, mapName, id, { agreed_at: nowStamp() });
}

/** The next status when tapping: Ikke startet -> I gang -> Klaret -> Ikke startet. */
export const nextStatus = (status) => STATUSES[(STATUSES.indexOf(status) + 1) % STATUSES.length];

/**
 * Put `id` at position `index` of the ordered list `siblings` (which may or may not hold it),
 * setting `extra` fields on it; rewrites ranks 1..n of the list in one transaction.
 */
export function placeItem(doc, mapName, siblings, id, index, extra = {}) {
  const order = siblings.map((s) => s.id).filter((sid) => sid !== id);
  order.splice(Math.max(0, Math.min(index, order.length)), 0, id);
  doc.transact(() => {
    order.forEach((sid, i) => {
      const old = doc.getMap(mapName).get(sid);
      const patch = sid === id ? { ...extra, rank: i + 1 } : { rank: i + 1 };
      if (isObject(old) && (old.rank !== i + 1 || sid === id)) patchItem(doc, mapName, sid, patch);
    });
  });
}

/**
 * Like placeItem, when only some of the list is shown (a member filter): put `id` at
 * `index` among the shown others `shownIds`, keeping the hidden ones where they are.
 */
export function placeAmong(doc, mapName, list, shownIds, id, index, extra = {}) {
  const shown = shownIds.filter((x) => x !== id);
  const order = list.filter((x) => x.id !== id);
  const at = (sid) => order.findIndex((x) => x.id === sid);
  let target = order.length;
  if (index < shown.length) target = at(shown[Math.max(0, index)]);
  else if (shown.length) target = at(shown[shown.length - 1]) + 1;
  placeItem(doc, mapName, list, id, target, extra);
}

export function setOwnGoal(doc, text) {
  doc.getMap("plan").set("own_goal", { text, updated: nowStamp() });
}

export function setNextMeeting(doc, meeting) {
  doc.getMap("plan").set("next_meeting", {
    date: storeDate(meeting.date),
    time: /^\d{2}:\d{2}$/.test(meeting.time || "") ? meeting.time : null,
    place: meeting.place || "",
  });
}
