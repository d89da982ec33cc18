// An agreement: its words, who follows up, and the date.
import { block, content as make } from "./layout.js";
import { fact, personName, showDate } from "./words.js";

export function content(plan, id, t) {
  const agreement = plan.agreements.find((a) => a.id === id);
  if (!agreement) return null;
  const blocks = [block(agreement.text, "title")];
  const who = personName(t, plan, agreement.follow_up_by);
  if (who) blocks.push(block(fact(t, "card.follow_up_by", who)));
  const day = showDate(agreement.date);
  if (day) blocks.push(block(fact(t, "plan.date", day)));
  return make("agreement", agreement.text, blocks);
}
