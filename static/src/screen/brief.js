// The plan in brief beside the board on the shared screen, large enough to read across
// the room: the citizen's own goal (quoted, never rewritten), the goals of "Nu" and
// "Om 3 måneder", and who does what next. Live: re-read from the board document on
// every change; user text only ever set as text.
import { h } from "../access/dom.js";
import { readPlan, isProposal } from "../plan/model.js";
import { personName, quoted } from "../plan/words.js";
import { showDate } from "../plan/dates.js";

const NEXT_TASKS = 5;

function goalItems(t, plan, horizon) {
  const goals = plan.goals.filter((g) => !g.parent && g.status === "active" && g.horizon === horizon);
  if (!goals.length) return h("p", { class: "brief-empty" }, t("plan.empty"));
  return h("ul", {}, goals.map((g) => h("li", { "data-id": g.id },
    g.title, isProposal(g) ? h("span", { class: "brief-badge" }, t("plan.proposal")) : null)));
}

/** Open tasks, the soonest date first (no date last): "Mette: Ring til lægen – senest 07-12-2026". */
function nextTasks(t, plan) {
  const open = plan.actions.filter((a) => a.status !== "done");
  open.sort((a, b) => (a.due || "9999").localeCompare(b.due || "9999") || a.rank - b.rank);
  if (!open.length) return h("p", { class: "brief-empty" }, t("plan.empty"));
  return h("ul", {}, open.slice(0, NEXT_TASKS).map((a) => h("li", { "data-id": a.id },
    h("strong", {}, (personName(t, plan, a.owner) || t("plan.nobody")) + ": "), a.what,
    a.due ? [" – ", h("span", { class: "when" }, t("brief.by", { date: showDate(a.due) }))] : null,
    isProposal(a) ? h("span", { class: "brief-badge" }, t("plan.proposal")) : null)));
}

/** Fill `root` and keep it up to date with the board document. */
export function mountBrief(root, { doc, t }) {
  const render = () => {
    const plan = readPlan(doc);
    root.replaceChildren(
      h("h2", { id: "brief-h" }, t("brief.title")),
      h("h3", {}, t("plan.own_goal")),
      plan.ownGoal ? h("p", { class: "brief-own" }, quoted(t, plan.ownGoal)) : h("p", { class: "brief-empty" }, t("plan.own_goal_empty")),
      h("h3", {}, t("horizon.now")), goalItems(t, plan, "now"),
      h("h3", {}, t("horizon.next")), goalItems(t, plan, "next"),
      h("h3", {}, t("brief.who_next")), nextTasks(t, plan),
    );
  };
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      render();
    }, 30); // a timer, not a frame: a screen in the background still keeps up
  };
  for (const name of ["plan", "goals", "actions", "participants"]) doc.getMap(name).observe(schedule);
  render();
}
