// The plain list view: the whole plan as headings, lists and description lists —
// nothing to operate, everything readable by a screen reader and by keyboard.
import { h } from "./dom.js";
import { showDate } from "./dates.js";
import { HORIZONS, STATUSES } from "./model.js";
import {
  actionFacts, agreementState, goalKind, goalState, meetingText, memberName, personName, quoted,
} from "./words.js";

function facts(pairs) {
  return h("dl", { class: "plan-facts" }, pairs.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })]));
}

function goalItem(t, plan, goal) {
  const subs = plan.goals.filter((g) => g.parent === goal.id);
  const state = [goalState(t, goal), agreementState(t, plan, goal)].filter(Boolean).join(", ");
  const actions = plan.actions.filter((a) => a.goal === goal.id);
  return h("li", {},
    h("strong", { text: goal.title }),
    state ? h("span", { class: "plan-badge", text: ` (${state})` }) : null,
    goal.description ? h("p", { text: goal.description }) : null,
    goalKind(t, goal) ? h("p", { text: goalKind(t, goal) }) : null,
    goal.office ? h("p", { text: `${t("plan.where")}: ${goal.office}` }) : null,
    goal.member ? h("p", { text: `${t("plan.member")}: ${memberName(plan, goal.member)}` }) : null,
    subs.length ? [h("p", { text: `${t("plan.subgoal")}:` }), h("ul", {}, subs.map((s) => goalItem(t, plan, s)))] : null,
    actions.length ? h("p", { text: t("plan.task_count", { n: actions.length }) }) : null);
}

function actionItem(t, plan, action) {
  const state = agreementState(t, plan, action);
  return h("li", {},
    h("strong", { text: action.what }),
    state ? h("span", { class: "plan-badge", text: ` (${state})` }) : null,
    facts(actionFacts(t, plan, action)));
}

function block(id, title, ...content) {
  return h("section", { "aria-labelledby": id }, h("h2", { id, text: title }), ...content);
}

const none = (t) => h("p", { text: t("plan.empty") });

/** The list view's content for one reading of the plan. */
export function renderList(ctx, plan) {
  const t = ctx.t;
  const top = plan.goals.filter((g) => !g.parent);
  return [
    block("plan-l-own", t("plan.own_goal"),
      plan.ownGoal ? h("blockquote", {}, h("p", { text: quoted(t, plan.ownGoal) })) : h("p", { text: t("plan.own_goal_empty") })),
    ["dreams", "resources", "challenges"].map((key) => (plan[key].length
      ? block(`plan-l-${key}`, t(`plan.${key}`), h("ul", {}, plan[key].map((x) => h("li", { text: x }))))
      : null)),
    block("plan-l-goals", t("plan.goals"),
      top.length ? HORIZONS.map((hz) => {
        const list = top.filter((g) => g.horizon === hz);
        return list.length ? [h("h3", { text: t(`horizon.${hz}`) }), h("ul", {}, list.map((g) => goalItem(t, plan, g)))] : null;
      }) : none(t)),
    block("plan-l-actions", t("plan.actions"),
      plan.actions.length ? STATUSES.map((st) => {
        const list = plan.actions.filter((a) => a.status === st);
        return list.length ? [h("h3", { text: t(`status.${st}`) }), h("ul", {}, list.map((a) => actionItem(t, plan, a)))] : null;
      }) : none(t)),
    block("plan-l-network", t("plan.network"),
      plan.participants.length ? h("ul", {}, plan.participants.map((p) => h("li", {},
        h("strong", { text: p.name }), " ", [t(`role.${p.role}`), p.organisation, p.phone].filter(Boolean).join(" · ")))) : none(t)),
    plan.members.length ? block("plan-l-members", t("plan.members"),
      h("ul", {}, plan.members.map((m) => h("li", { text: memberName(plan, m.id) })))) : null,
    block("plan-l-agreements", t("plan.agreements"),
      plan.agreements.length ? h("ul", {}, plan.agreements.map((a) => h("li", {}, h("span", { text: a.text }),
        facts([
          [t("plan.follow_up_by"), personName(t, plan, a.follow_up_by)],
          [t("plan.date"), showDate(a.date)],
        ].filter(([, v]) => v))))) : none(t)),
    block("plan-l-meeting", t("plan.next_meeting"),
      h("p", { text: meetingText(t, ctx.lang, plan.nextMeeting) || t("plan.not_set") })),
  ];
}
