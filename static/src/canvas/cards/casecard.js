// A case on the team board: alias and figures, from the server's `cases` map (no plan text).
import { caseCardText } from "../../team/cardtext.js";
import { block, content as make } from "./layout.js";

export function content(plan, id) {
  const card = plan.cases?.get(id);
  if (!card) return null;
  const [alias, ...facts] = caseCardText(card).split("\n");
  return make("case", alias, [block(alias, "title", true), ...facts.map((f) => block(f))]);
}
