// A task: what, Hvem, Hvor, Senest, its status as a magnet colour with its word, approval.
import { isProposal } from "../../plan/model.js";
import { SPEC } from "./spec.js";
import { block, content as make, pill, pills } from "./layout.js";
import { fact, officeOf, personName, showDate } from "./words.js";

export function content(plan, id, t) {
  const action = plan.actions.find((a) => a.id === id);
  if (!action) return null;
  const status = SPEC.status[action.status];
  const marks = [pill(status, t(status.label))];
  const approval = SPEC.approval[action.approval];
  if (approval) marks.push(pill(approval, t(approval.label)));
  if (isProposal(action)) marks.push(pill(SPEC.badges.proposal, t("plan.proposal")));
  const owner = personName(t, plan, action.owner) || t("plan.nobody");
  const blocks = [pills(marks), block(action.what, "title", true), block(fact(t, "plan.who", owner))];
  const office = officeOf(action);
  if (office) blocks.push(block(fact(t, "plan.where", office)));
  const due = showDate(action.due);
  if (due) blocks.push(block(fact(t, "plan.by", due)));
  return make("action", action.what, blocks, marks[0]);
}
