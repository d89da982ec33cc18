// The plan panel: the citizen's own goal, goals in horizon lanes, actions in status
// lanes, network, agreements and next meeting — editable, re-drawn from the document.
import { h, select } from "./dom.js";
import { showDate } from "./dates.js";
import * as model from "./model.js";
import { draggable } from "./drag.js";
import { focusCard } from "./cards.js";
import * as forms from "./forms.js";
import {
  actionFacts, agreementState, goalKind, goalState, meetingText, memberName, personName, quoted, vocab,
} from "./words.js";

/** A button that keeps its focus across re-draws (matched by its `key`). */
function button(key, label, onClick, attrs = {}) {
  return h("button", { type: "button", class: "plan-btn", data: { focus: key }, on: { click: onClick }, ...attrs, text: label });
}

/** "Ret" for one item, named after it for screen readers ("Ret: Få et job"); only for writers. */
function editButton(ctx, key, title, onClick) {
  if (!ctx.canWrite) return null;
  return button(key, ctx.t("plan.edit"), onClick, { "aria-label": ctx.t("plan.edit_item", { title }) });
}

function section(id, title, ...content) {
  return h("section", { class: "plan-section", "aria-labelledby": id },
    h("h2", { id, text: title }), ...content);
}

/** Badge + "Enig" button (citizen only) for goals and actions that are proposals. */
function proposalBits(ctx, plan, mapName, item, label) {
  const t = ctx.t;
  const state = agreementState(t, plan, item);
  const out = [];
  if (state) {
    const proposal = model.isProposal(item);
    out.push(h("span", { class: proposal ? "plan-badge plan-badge-proposal" : "plan-badge plan-badge-agreed", text: state }));
    if (proposal && ctx.role === "citizen" && ctx.canWrite) {
      out.push(button(`${item.id}:agree`, t("plan.agree"), () => model.agree(ctx.doc, mapName, item.id), {
        class: "plan-btn plan-btn-agree",
        "aria-label": t("plan.agree_to", { title: label }),
      }));
    }
  }
  return out;
}

function grip(ctx) {
  return h("span", { class: "plan-grip", title: ctx.t("plan.drag"), "aria-hidden": "true", text: "⠿" });
}

/**
 * The keyboard alternative to dragging: move one place up or down among the goals shown
 * (`shown`); `laneOf(plan)` gives the whole list they belong to.
 */
function moveButtons(ctx, shown, item, label, laneOf) {
  const t = ctx.t;
  const ids = shown.map((x) => x.id);
  const i = ids.indexOf(item.id);
  const move = (index) => model.placeAmong(ctx.doc, "goals", laneOf(model.readPlan(ctx.doc)), ids, item.id, index);
  return [
    button(`${item.id}:up`, t("plan.move_up"), () => move(i - 1), {
      "aria-label": t("plan.move_up_item", { title: label }), disabled: i <= 0,
    }),
    button(`${item.id}:down`, t("plan.move_down"), () => move(i + 1), {
      "aria-label": t("plan.move_down_item", { title: label }), disabled: i >= ids.length - 1,
    }),
  ];
}

function showOnBoard(ctx, kind, item, label) {
  if (typeof ctx.canvas?.focusElement !== "function") return null;
  return button(`${item.id}:show`, ctx.t("plan.show_on_board"), () => focusCard(ctx, kind, item.id), {
    "aria-label": ctx.t("plan.show_on_board_item", { title: label }),
  });
}

function goalCard(ctx, plan, goal, siblings) {
  const t = ctx.t;
  const write = ctx.canWrite;
  const subs = plan.goals.filter((g) => g.parent === goal.id);
  const li = h("li", { class: "plan-card plan-goal", data: { id: goal.id } },
    h("div", { class: "plan-card-head" },
      write ? grip(ctx) : null,
      h("strong", { class: "plan-card-title", text: goal.title }),
      goalState(t, goal) ? h("span", { class: "plan-badge plan-badge-agreed", text: goalState(t, goal) }) : null,
      ...proposalBits(ctx, plan, "goals", goal, goal.title)),
    goal.description ? h("p", { class: "plan-card-text", text: goal.description }) : null,
    goalKind(t, goal) ? h("p", { class: "plan-card-text", text: goalKind(t, goal) }) : null,
    goal.office ? h("p", { class: "plan-card-text", text: `${t("plan.where")}: ${goal.office}` }) : null,
    goal.member ? h("p", { class: "plan-card-text", text: `${t("plan.member")}: ${memberName(plan, goal.member)}` }) : null,
    write ? h("div", { class: "plan-card-tools" },
      goal.parent ? null : h("label", { class: "plan-inline-field" },
        h("span", { text: t("plan.horizon") }),
        select(vocab(t, "horizon", model.HORIZONS), goal.horizon, {
          data: { focus: `${goal.id}:horizon` },
          on: { change: (e) => {
            const lane = plan.goals.filter((g) => !g.parent && g.horizon === e.target.value);
            model.placeItem(ctx.doc, "goals", lane, goal.id, lane.length, { horizon: e.target.value });
          } },
        })),
      ...moveButtons(ctx, siblings, goal, goal.title, (p) => p.goals.filter((g) =>
        (goal.parent ? g.parent === goal.parent : !g.parent && g.horizon === goal.horizon))),
      editButton(ctx, `${goal.id}:edit`, goal.title, () => forms.goalForm(ctx, plan, goal)),
      goal.parent ? null : button(`${goal.id}:sub`, t("plan.add_subgoal"), () => forms.goalForm(ctx, plan, null, goal.id), {
        "aria-label": t("plan.add_subgoal_to", { title: goal.title }),
      }),
      showOnBoard(ctx, "goal", goal, goal.title)) : null,
    subs.length ? h("ol", { class: "plan-subgoals", "aria-label": t("plan.subgoals_of", { title: goal.title }) },
      subs.map((s) => goalCard(ctx, plan, s, subs))) : null);
  if (write && !goal.parent) {
    draggable(li.querySelector(".plan-grip"), li, {
      lane: ".plan-lane[data-field=horizon]",
      item: ".plan-goal:not(.plan-subgoals .plan-goal)",
      onDrop: (lane, index, ids) => {
        const list = model.readPlan(ctx.doc).goals.filter((g) => !g.parent && g.horizon === lane.value);
        model.placeAmong(ctx.doc, "goals", list, ids, goal.id, index, { horizon: lane.value });
      },
    });
  }
  return li;
}

function actionCard(ctx, plan, action) {
  const t = ctx.t;
  const write = ctx.canWrite;
  const status = t(`status.${action.status}`);
  const facts = actionFacts(t, plan, action).filter(([label]) => label !== t("plan.status"));
  const li = h("li", { class: `plan-card plan-action plan-status-${action.status}`, data: { id: action.id } },
    h("div", { class: "plan-card-head" },
      write ? grip(ctx) : null,
      h("strong", { class: "plan-card-title", text: action.what }),
      ...proposalBits(ctx, plan, "actions", action, action.what)),
    h("dl", { class: "plan-facts" }, facts.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])),
    h("div", { class: "plan-card-tools" },
      write
        ? button(`${action.id}:status`, status, () => model.patchItem(ctx.doc, "actions", action.id, {
          status: model.nextStatus(action.status),
        }), {
          class: "plan-btn plan-status-btn",
          "aria-label": t("plan.status_tap", { status, title: action.what }),
        })
        : null,
      editButton(ctx, `${action.id}:edit`, action.what, () => forms.actionForm(ctx, plan, action)),
      showOnBoard(ctx, "action", action, action.what)));
  if (write) {
    draggable(li.querySelector(".plan-grip"), li, {
      lane: ".plan-lane[data-field=status]",
      item: ".plan-action",
      onDrop: (lane, index, ids) => {
        const list = model.readPlan(ctx.doc).actions.filter((a) => a.status === lane.value);
        model.placeAmong(ctx.doc, "actions", list, ids, action.id, index, { status: lane.value });
      },
    });
  }
  return li;
}

function lane(ctx, fieldName, value, title, cards) {
  const headId = `plan-lane-${fieldName}-${value}`;
  return h("div", { class: "plan-lane", data: { field: fieldName, value }, role: "group", "aria-labelledby": headId },
    h("h3", { id: headId, text: `${title} (${cards.length})` }),
    cards.length ? h("ol", { class: "plan-cards" }, cards) : h("p", { class: "plan-empty", text: ctx.t("plan.empty") }));
}

function ownGoalSection(ctx, plan) {
  const t = ctx.t;
  return section("plan-h-own", t("plan.own_goal"),
    plan.ownGoal
      ? h("blockquote", { class: "plan-own-goal" }, h("p", { text: quoted(t, plan.ownGoal) }))
      : h("p", { class: "plan-empty", text: t("plan.own_goal_empty") }),
    // "Skriv mit mål" names itself; a bare "Ret" is named after what it edits.
    ctx.canWrite ? button("own:edit", t(plan.ownGoal ? "plan.edit" : "plan.write_own_goal"), () => forms.ownGoalForm(ctx, plan),
      plan.ownGoal ? { "aria-label": t("plan.edit_item", { title: t("plan.own_goal") }) } : {}) : null);
}

/** Family plans: show one household member's goals and tasks, or everyone's. */
function memberFilter(ctx, plan) {
  if (!plan.members.length) return null;
  const t = ctx.t;
  const options = [["", t("plan.everyone")], ...plan.members.map((m) => [m.id, m.name])];
  return h("label", { class: "plan-inline-field plan-filter" },
    h("span", { text: t("plan.show_for") }),
    select(options, ctx.memberFilter, {
      data: { focus: "member-filter" },
      on: { change: (e) => { ctx.memberFilter = e.target.value; ctx.redraw(); } },
    }));
}

/** Whether an item shows under the member filter (items of the whole family always do). */
const shown = (ctx, item) => !ctx.memberFilter || !item.member || item.member === ctx.memberFilter;

function goalsSection(ctx, plan) {
  const t = ctx.t;
  const top = plan.goals.filter((g) => !g.parent && shown(ctx, g));
  return section("plan-h-goals", t("plan.goals"),
    ctx.canWrite
      ? button("goal:add", t("plan.add_goal"), () => forms.goalForm(ctx, plan, null), { class: "plan-btn plan-btn-primary" })
      : null,
    h("div", { class: "plan-lanes" }, model.HORIZONS.map((hz) => {
      const list = top.filter((g) => g.horizon === hz);
      return lane(ctx, "horizon", hz, t(`horizon.${hz}`), list.map((g) => goalCard(ctx, plan, g, list)));
    })));
}

function actionsSection(ctx, plan) {
  const t = ctx.t;
  return section("plan-h-actions", t("plan.actions"),
    ctx.canWrite
      ? button("action:add", t("plan.add_action"), () => forms.actionForm(ctx, plan, null), { class: "plan-btn plan-btn-primary" })
      : null,
    h("div", { class: "plan-lanes" }, model.STATUSES.map((st) =>
      lane(ctx, "status", st, t(`status.${st}`), plan.actions
        .filter((a) => a.status === st && shown(ctx, a))
        .map((a) => actionCard(ctx, plan, a))))));
}

function networkSection(ctx, plan) {
  const t = ctx.t;
  return section("plan-h-network", t("plan.network"),
    plan.participants.length
      ? h("ul", { class: "plan-people" }, plan.participants.map((p) =>
        h("li", { data: { id: p.id } }, h("strong", { text: p.name }), " ",
          [t(`role.${p.role}`), p.organisation, p.phone].filter(Boolean).join(" · "),
          " ", editButton(ctx, `${p.id}:edit`, p.name, () => forms.participantForm(ctx, p)))))
      : h("p", { class: "plan-empty", text: t("plan.empty") }),
    ctx.canWrite ? button("person:add", t("plan.add_participant"), () => forms.participantForm(ctx)) : null);
}

function agreementsSection(ctx, plan) {
  const t = ctx.t;
  return section("plan-h-agreements", t("plan.agreements"),
    plan.agreements.length
      ? h("ul", { class: "plan-agreements" }, plan.agreements.map((a) => h("li", { data: { id: a.id } },
        h("span", { text: a.text }),
        a.follow_up_by
          ? h("span", { class: "plan-meta", text: ` ${t("plan.follow_up_by")}: ${personName(t, plan, a.follow_up_by)}` })
          : null,
        a.date ? h("span", { class: "plan-meta", text: ` ${showDate(a.date)}` }) : null,
        " ", editButton(ctx, `${a.id}:edit`, a.text, () => forms.agreementForm(ctx, plan, a)))))
      : h("p", { class: "plan-empty", text: t("plan.empty") }),
    ctx.canWrite ? button("agreement:add", t("plan.add_agreement"), () => forms.agreementForm(ctx, plan)) : null);
}

function meetingSection(ctx, plan) {
  const t = ctx.t;
  return section("plan-h-meeting", t("plan.next_meeting"),
    h("p", { class: "plan-meeting", text: meetingText(t, ctx.lang, plan.nextMeeting) || t("plan.not_set") }),
    editButton(ctx, "meeting:edit", t("plan.next_meeting"), () => forms.meetingForm(ctx, plan)));
}

/** The whole panel for one reading of the plan. */
export function renderPanel(ctx, plan) {
  return [
    memberFilter(ctx, plan),
    ownGoalSection(ctx, plan),
    goalsSection(ctx, plan),
    actionsSection(ctx, plan),
    networkSection(ctx, plan),
    agreementsSection(ctx, plan),
    meetingSection(ctx, plan),
  ];
}
