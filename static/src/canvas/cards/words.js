// Plan items in the words a card shows (plan_export/cards/words.py says the same).
import { showDate } from "../../plan/dates.js";
import { personName } from "../../plan/words.js";

/**
 * Where an item belongs ("Hvor"): the ONE place on the canvas that reads an office. Items
 * refer to an organisation by `org`; writers keep its name in `office` / `organisation`
 * (docs/board-format.md), and a relative's text is a relation, never an office.
 */
export const officeOf = (item) =>
  item?.role === "relative" ? "" : item?.office || item?.organisation || "";

export const fact = (t, labelKey, value) => t("card.fact", { label: t(labelKey), value });
export { personName, showDate };
