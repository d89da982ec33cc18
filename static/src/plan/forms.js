// The editing dialogs of the plan panel: goal, sub-goal, action (with inline new
// participant), participant, agreement, the citizen's own goal and the next meeting.
// Native <dialog>: focus stays inside, Escape closes, focus returns to the opener.
import { h, field, select, uid } from "./dom.js";
import { showDate } from "./dates.js";
import { vocab } from "./words.js";
import * as model from "./model.js";
import { hasCard, placeCard } from "./cards.js";

const NEW_PERSON = "__new__";
const HERE = "__here__:"; // an owner chosen among the people on the board now
const NEW_ORG = "__new_org__";

// The municipality's list of organisations (GET /api/organisations, for a signed-in
// professional); fetched once per page, empty for anyone else.
let municipalityOrgs = null;
async function loadMunicipalityOrgs() {
  if (municipalityOrgs) return municipalityOrgs;
  try {
    const res = await fetch("/api/organisations", { credentials: "same-origin", headers: { Accept: "application/json" } });
    municipalityOrgs = res.ok ? (await res.json()).organisations || [] : [];
  } catch {
    municipalityOrgs = [];
  }
  return municipalityOrgs;
}

/**
 * The organisation picker: the board's organisations, the municipality's list, or a new
 * one by name. Items refer to an organisation by id (docs/board-format.md).
 */
function orgField(ctx, plan, value, prefix = "", label = "plan.where") {
  const t = ctx.t;
  const options = [["", t("org.none")], ...plan.organisations.map((o) => [o.id, o.name])];
  const picker = select([...options, [NEW_ORG, t("org.add")]], value, { name: `${prefix}org` });
  const name = text(`${prefix}org_name`, "");
  const named = h("div", { class: "plan-new-org", hidden: true }, field(t("org.new_name"), name));
  picker.addEventListener("change", () => {
    named.hidden = picker.value !== NEW_ORG;
    name.required = picker.value === NEW_ORG;
  });
  loadMunicipalityOrgs().then((list) => {
    const known = new Set(plan.organisations.map((o) => o.id));
    for (const o of list.filter((x) => !known.has(x.id))) {
      picker.insertBefore(h("option", { value: o.id, text: o.name }), picker.lastChild);
    }
  });
  return [field(t(label), picker), named];
}

/** The organisation chosen in an orgField: ``{org, name}`` (a listed one is copied onto the board). */
function chosenOrg(ctx, plan, v, prefix = "") {
  const picked = v[`${prefix}org`];
  if (!picked) return { org: null, name: "" };
  if (picked === NEW_ORG) return orgNamed(ctx, plan, v[`${prefix}org_name`]);
  const onBoard = plan.organisations.find((o) => o.id === picked);
  if (onBoard) return { org: onBoard.id, name: onBoard.name };
  const listed = (municipalityOrgs || []).find((o) => o.id === picked);
  if (!listed) return { org: null, name: "" };
  model.useOrganisation(ctx.doc, listed);
  return { org: listed.id, name: listed.name };
}

/**
 * The organisation called `name` as ``{org, name}``: the board's own of that name
 * (model.sameOrgName), else the municipality's list's (copied onto the board with its
 * codes), else a new one on the board; nothing for no name.
 */
function orgNamed(ctx, plan, name) {
  if (!name) return { org: null, name: "" };
  const onBoard = plan.organisations.find((o) => model.sameOrgName(o.name, name));
  if (onBoard) return { org: onBoard.id, name: onBoard.name };
  const listed = (municipalityOrgs || []).find((o) => model.sameOrgName(o.name, name));
  const org = listed || { id: `org-${model.newId()}`, name, kind: "other" };
  return { org: model.useOrganisation(ctx.doc, org), name: org.name };
}

/** Open a modal form; `onSave(values)` runs on submit (values: name -> string). */
function openForm(ctx, title, controls, onSave) {
  const t = ctx.t;
  const headingId = uid("dlg");
  const form = h("form", { method: "dialog", class: "plan-form" });
  const dialog = h(
    "dialog",
    { class: "plan-dialog", "aria-labelledby": headingId },
    form,
  );
  const cancel = h("button", { type: "button", class: "plan-btn", text: t("plan.cancel") });
  form.append(
    h("h2", { id: headingId, text: title }),
    ...controls,
    h("div", { class: "plan-form-buttons" },
      h("button", { type: "submit", class: "plan-btn plan-btn-primary", text: t("plan.save") }),
      cancel),
  );
  cancel.addEventListener("click", () => dialog.close());
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const values = {};
    for (const el of form.elements) if (el.name) values[el.name] = el.value.trim();
    ctx.doc.transact(() => onSave(values));
    dialog.close();
  });
  dialog.addEventListener("close", () => dialog.remove());
  // keys typed in the form are the form's: the board's shortcuts (Delete, arrows, +) stay out
  dialog.addEventListener("keydown", (e) => e.stopPropagation());
  (ctx.root.ownerDocument || document).body.append(dialog);
  dialog.showModal();
  return dialog;
}

function text(name, value, attrs = {}) {
  return h("input", { type: "text", name, value: value ?? "", maxlength: 200, autocomplete: "off", ...attrs });
}

function area(name, value, maxlength = 2000) {
  return h("textarea", { name, maxlength, rows: 3, props: { value: value ?? "" } });
}

/** A native date picker with the chosen date repeated as dd-mm-yyyy beside it. */
function dateField(ctx, label, name, value) {
  const input = h("input", { type: "date", name, value: value ?? "" });
  const hint = h("span", { class: "plan-hint", "aria-live": "polite" });
  const update = () => {
    hint.textContent = input.value ? ctx.t("plan.date_chosen", { date: showDate(input.value) }) : "";
  };
  input.addEventListener("input", update);
  input.addEventListener("change", update);
  update();
  return field(label, input, hint);
}

function goalOptions(t, plan) {
  return [["", t("plan.no_goal")], ...plan.goals.map((g) => [g.id, g.title])];
}

/** The household member select of a family plan (nothing when the plan has no members). */
function memberField(t, plan, value) {
  if (!plan.members.length) return null;
  const options = [["", t("plan.whole_family")], ...plan.members.map((m) => [m.id, m.name])];
  return field(t("plan.member"), select(options, value, { name: "member" }));
}

function peopleOptions(t, plan) {
  return [["", t("plan.nobody")], ...plan.participants.map((p) => [p.id, p.name])];
}

/**
 * The people on the board now (awareness: name and role of each device) who are not yet in
 * the plan's network, as {name, role, org}: the citizen in the room can own a task without
 * being typed in again as a "new person" (who would then be a professional on her own
 * sheet). `org` is what a signed-in professional's own page publishes: the organisation the
 * server has for their account (boardpage.js); never for the citizen or a relative.
 */
function peopleHere(ctx, plan) {
  const key = (name) => String(name || "").trim().toLocaleLowerCase("da");
  const known = new Set(plan.participants.map((p) => key(p.name)));
  const found = new Map();
  for (const { user } of ctx.awareness?.getStates().values() ?? []) {
    const name = String(user?.name || "").trim();
    if (!name || known.has(key(name)) || !model.ROLES.includes(user.role) || user.role === "observer") continue;
    const org = model.NO_ORGANISATION.includes(user.role) ? "" : String(user.org || "").trim().slice(0, 200);
    found.set(key(name), { name, role: user.role, org });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name, "da"));
}

/** Name, role, organisation (or a relative's relation) and phone of a participant
 * (`prefix` for the inline new person). */
function personFields(ctx, plan, prefix = "", person = null) {
  const t = ctx.t;
  return [
    field(t("plan.name"), text(`${prefix}name`, person?.name, { required: !prefix })),
    field(t("plan.role"), select(vocab(t, "role", model.ROLES), person?.role || "professional", { name: `${prefix}role` })),
    ...orgField(ctx, plan, person?.org, prefix, "plan.organisation"),
    field(t("plan.relation"), text(`${prefix}relation`, person?.relation)),
    field(t("plan.phone"), text(`${prefix}phone`, person?.phone, { type: "tel" })),
  ];
}

/** The participant fields of a saved person form (a relative never has an organisation). */
function personValues(ctx, plan, v, prefix = "") {
  const role = v[`${prefix}role`] || "professional";
  const { org, name } = ["citizen", "relative"].includes(role) ? { org: null, name: "" } : chosenOrg(ctx, plan, v, prefix);
  return {
    name: v[`${prefix}name`], role, org, organisation: name,
    relation: role === "relative" ? v[`${prefix}relation`] || "" : "", phone: v[`${prefix}phone`],
  };
}

/** Add (goal = null) or edit a goal; `parent` makes it a sub-goal. */
export function goalForm(ctx, plan, goal, parent = null) {
  const t = ctx.t;
  const isSub = Boolean(goal ? goal.parent : parent);
  const title = goal ? t("plan.edit_item", { title: goal.title }) : t(isSub ? "plan.add_subgoal" : "plan.add_goal");
  const controls = [
    field(t("plan.goal_title"), text("title", goal?.title, { required: true })),
    field(t("plan.description"), area("description", goal?.description)),
    field(t("plan.horizon"), select(vocab(t, "horizon", model.HORIZONS), goal?.horizon || "now", { name: "horizon" })),
    goal ? field(t("plan.goal_status"), select(vocab(t, "plan.goal_state", model.GOAL_STATUSES), goal.status, { name: "status" })) : null,
    field(t("plan.goal_kind"), select(vocab(t, "goal_kind", model.GOAL_KINDS), goal?.kind || "goal", { name: "kind" })),
    ...orgField(ctx, plan, goal?.org),
    memberField(t, plan, goal ? goal.member : null),
  ].filter(Boolean);
  openForm(ctx, title, controls, (v) => {
    if (!v.title) return;
    const { org, name: office } = chosenOrg(ctx, plan, v);
    v = { ...v, org, office };
    if (goal) {
      if (v.horizon !== goal.horizon) {
        const lane = plan.goals.filter((g) => g.parent === goal.parent && g.horizon === v.horizon);
        model.placeItem(ctx.doc, "goals", lane, goal.id, lane.length, { horizon: v.horizon });
      }
      model.patchItem(ctx.doc, "goals", goal.id, {
        title: v.title, description: v.description, office: v.office, org: v.org,
        member: v.member || null, status: v.status, kind: v.kind,
      });
    } else {
      const id = model.addGoal(ctx.doc, { ...v, parent, member: v.member || null }, model.proposer(plan, ctx.role, ctx.user));
      placeCard(ctx, { kind: "goal", id });
    }
  });
}

/** Add (action = null) or edit an action, with an inline new participant as owner. */
export function actionForm(ctx, plan, action, goalId = null) {
  const t = ctx.t;
  const here = peopleHere(ctx, plan);
  const owner = select([
    ...peopleOptions(t, plan),
    ...here.map((p, i) => [HERE + i, t("plan.person_here", { name: p.name, role: t(`role.${p.role}`) })]),
    [NEW_PERSON, t("plan.new_person")],
  ], action?.owner, { name: "owner" });
  const newPerson = h("fieldset", { class: "plan-new-person", hidden: true },
    h("legend", { text: t("plan.new_person_legend") }), ...personFields(ctx, plan, "p_"));
  owner.addEventListener("change", () => {
    newPerson.hidden = owner.value !== NEW_PERSON;
    newPerson.querySelector("input").required = owner.value === NEW_PERSON;
  });
  const carried = h("input", { type: "number", name: "carried_over", min: 0, step: 1, value: action?.carried_over ?? 0 });
  const controls = [
    field(t("plan.what"), text("what", action?.what, { required: true })),
    field(t("plan.goal"), select(goalOptions(t, plan), action ? action.goal : goalId, { name: "goal" })),
    field(t("plan.who"), owner),
    newPerson,
    dateField(ctx, t("plan.by"), "due", action?.due),
    dateField(ctx, t("plan.start"), "start", action?.start),
    field(t("plan.activity_type"), select(model.ACTIVITY_TYPES.map((a) => [a, t(a ? `activity.${a}` : "activity.none")]), action?.activity_type || "", { name: "activity_type" })),
    field(t("plan.status"), select(vocab(t, "status", model.STATUSES), action?.status || "not_started", { name: "status" })),
    field(t("plan.approval"), select(vocab(t, "approval", model.APPROVALS), action?.approval || "not_needed", { name: "approval" })),
    dateField(ctx, t("plan.follow_up"), "follow_up", action?.follow_up),
    field(t("plan.carried_over_label"), carried),
    ...orgField(ctx, plan, action?.org),
    field(t("plan.note"), area("note", action?.note)),
    memberField(t, plan, action ? action.member : null),
  ].filter(Boolean);
  const title = action ? t("plan.edit_item", { title: action.what }) : t("plan.add_action");
  openForm(ctx, title, controls, (v) => {
    if (!v.what) return;
    let ownerId = v.owner || null;
    if (ownerId === NEW_PERSON) {
      ownerId = v.p_name ? model.addParticipant(ctx.doc, personValues(ctx, plan, v, "p_")) : null;
    } else if (ownerId?.startsWith(HERE)) {
      const { name, role, org } = here[Number(ownerId.slice(HERE.length))];
      const work = orgNamed(ctx, plan, org); // their organisation, in the plan's list
      ownerId = model.addParticipant(ctx.doc, { name, role, org: work.org, organisation: work.name });
    }
    const { org, name: office } = chosenOrg(ctx, plan, v);
    const fields = {
      what: v.what, goal: v.goal || null, owner: ownerId, due: v.due || null, status: v.status,
      approval: v.approval, follow_up: v.follow_up || null, office, org, note: v.note,
      activity_type: v.activity_type || "", start: v.start || null,
      carried_over: Math.max(0, Math.round(Number(v.carried_over) || 0)),
      member: v.member || null,
    };
    if (action) {
      model.patchItem(ctx.doc, "actions", action.id, fields);
    } else {
      const id = model.addAction(ctx.doc, fields, model.proposer(plan, ctx.role, ctx.user));
      placeCard(ctx, { kind: "action", id });
    }
  });
}

/** Add (person = null) or edit a participant of the network. */
export function participantForm(ctx, person = null) {
  const t = ctx.t;
  const plan = model.readPlan(ctx.doc);
  const title = person ? t("plan.edit_item", { title: person.name }) : t("plan.add_participant");
  openForm(ctx, title, personFields(ctx, plan, "", person), (v) => {
    if (!v.name) return;
    const fields = personValues(ctx, plan, v);
    if (person) model.patchItem(ctx.doc, "participants", person.id, fields);
    else model.addParticipant(ctx.doc, fields);
  });
}

/** Add (agreement = null) or edit an agreement and who follows it up. */
export function agreementForm(ctx, plan, agreement = null) {
  const t = ctx.t;
  const controls = [
    field(t("plan.agreement_text"), area("text", agreement?.text)),
    field(t("plan.follow_up_by"), select(peopleOptions(t, plan), agreement?.follow_up_by, { name: "follow_up_by" })),
    dateField(ctx, t("plan.date"), "date", agreement?.date),
  ];
  controls[0].querySelector("textarea").required = true;
  const title = agreement ? t("plan.edit_item", { title: t("plan.agreement_text") }) : t("plan.add_agreement");
  openForm(ctx, title, controls, (v) => {
    if (!v.text) return;
    const fields = { text: v.text, follow_up_by: v.follow_up_by || null, date: v.date || null };
    if (agreement) model.patchItem(ctx.doc, "agreements", agreement.id, fields);
    else model.addAgreement(ctx.doc, fields);
  });
}

export function ownGoalForm(ctx, plan) {
  const t = ctx.t;
  const controls = [
    h("p", { class: "plan-hint", text: t("plan.own_goal_hint") }),
    field(t("plan.own_goal"), area("text", plan.ownGoal)),
  ];
  openForm(ctx, t("plan.own_goal"), controls, (v) => {
    model.setOwnGoal(ctx.doc, v.text);
    if (v.text && !hasCard(ctx.doc, "own_goal", null)) placeCard(ctx, { kind: "own_goal", id: null });
  });
}

export function meetingForm(ctx, plan) {
  const t = ctx.t;
  const m = plan.nextMeeting;
  const controls = [
    dateField(ctx, t("plan.date"), "date", m.date),
    field(t("plan.time"), h("input", { type: "time", name: "time", value: m.time || "" })),
    field(t("plan.place"), text("place", m.place)),
  ];
  openForm(ctx, t("plan.next_meeting"), controls, (v) => model.setNextMeeting(ctx.doc, v));
}
