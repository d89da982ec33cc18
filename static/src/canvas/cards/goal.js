// A goal or sub-goal (delmål): its state as a badge, title, when, where, and what it serves.
import { isProposal } from "../../plan/model.js";
import { SPEC } from "./spec.js";
import { block, content as make, pill, pills } from "./layout.js";
import { fact, officeOf } from "./words.js";

/** Nået / Stoppet / Sat på pause, then Forslag or Aftalt. */
export function badges(goal, t) {
  const out = [];
  let state = { completed: "reached", cancelled: "stopped" }[goal.status];
  if (!state && goal.horizon === "parked") state = "parked";
  if (state) out.push(pill(SPEC.badges[state], t(SPEC.badges[state].label)));
  const agreement = isProposal(goal) ? "proposal" : "agreed";
  out.push(pill(SPEC.badges[agreement], t(SPEC.badges[agreement].label)));
  return out;
}

export function content(plan, id, t) {
  const goal = plan.goals.find((g) => g.id === id);
  if (!goal) return null;
  const marks = badges(goal, t);
  const blocks = [pills(marks), block(goal.title, "title", true)];
  const parent = plan.goals.find((g) => g.id === goal.parent);
  if (parent) blocks.push(block(t("card.subgoal_of", { title: parent.title })));
  if (goal.horizon !== "parked") blocks.push(block(fact(t, "plan.horizon", t(`horizon.${goal.horizon}`))));
  const office = officeOf(goal);
  if (office) blocks.push(block(fact(t, "plan.where", office)));
  return make(parent ? "subgoal" : "goal", goal.title, blocks, marks[0]);
}
