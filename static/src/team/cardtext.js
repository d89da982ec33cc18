// The text of a case card on the team board's canvas: alias and figures only (the
// server's card JSON in the `cases` map carries no plan text and no citizen's name).
import table from "../../../board/strings.json";

/** Lines for the canvas (the board's language is Danish; the /team page is bilingual). */
export function caseCardText(card) {
  if (!card) return "";
  const fill = (key) => table[key].da.replace(/\{(\w+)\}/g, (m, k) => (k in card ? String(card[k]) : m));
  return [card.alias, fill("team.counts"), fill("team.alerts")].join("\n");
}
