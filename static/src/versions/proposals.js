// The citizen's list before the plan is approved: every proposal (goal, step, task) on
// one list with "Enig" on each, and after the list "Enig i det hele" (never instead of it).
// Agreeing sets agreed_at in the board document; the server lets only the citizen do that.
import { h } from "../access/dom.js";
import { agree, isProposal, readPlan } from "../plan/model.js";

/** The proposals of the plan, goals (and steps) before tasks, as {map, item, label}. */
function proposals(doc, t) {
  const plan = readPlan(doc);
  const goals = plan.goals.filter(isProposal).map((g) => ({
    map: "goals", item: g, label: t(g.parent ? "plan.subgoal" : "plan.goal") + ": " + g.title,
  }));
  const actions = plan.actions.filter(isProposal).map((a) => ({
    map: "actions", item: a, label: t("plan.action") + ": " + a.what,
  }));
  return [...goals, ...actions];
}

/** The list as a <div> (empty list: one plain line that nothing waits for the citizen). */
export function proposalList(doc, t) {
  const open = proposals(doc, t);
  if (!open.length) return h("div", { class: "proposals" }, h("p", {}, t("agree.none")));
  const all = () => doc.transact(() => open.forEach((p) => agree(doc, p.map, p.item.id)));
  return h("div", { class: "proposals" },
    h("h3", {}, t("agree.list_title", { n: open.length })),
    h("ul", {}, open.map((p) =>
      h("li", { "data-id": p.item.id },
        h("span", { class: "proposal-text" }, p.label),
        h("button", {
          type: "button", class: "agree-one", "aria-label": t("plan.agree_to", { title: p.label }),
          onclick: () => agree(doc, p.map, p.item.id),
        }, t("plan.agree"))))),
    h("button", { type: "button", id: "agree-all", class: "agree-main", onclick: all }, t("agree.all")),
  );
}
