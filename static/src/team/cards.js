// Case cards in lanes, with the owner / organisation / overdue filters. A card shows
// only what the server put on it: alias, counts, professionals' names (no plan text).
import { h } from "../access/dom.js";
import { dmy } from "./chart.js";

const LANES = [
  ["stuck", (c) => c.overdue > 0 || c.carried_over > 0],
  ["awaiting", (c) => c.awaiting_approval > 0],
  ["on_track", () => true],
];

function movement(card, t) {
  const m = card.movement;
  if (!m) return null;
  const date = dmy(m.date);
  if (!m.delta) return h("p", {}, t("team.movement_same", { value: m.value, date }));
  const up = m.delta > 0;
  const text = t(up ? "team.movement_up" : "team.movement_down", { delta: Math.abs(m.delta), date });
  return h("p", { class: up ? "up" : "down" }, (up ? "▲ " : "▼ ") + text);
}

function cardView(card, t, onReview) {
  return h(
    "article",
    { class: "case-card", "data-case": card.id },
    h("h3", {}, card.alias),
    h("p", {}, t("team.coordinator", { name: card.coordinator })),
    h("p", {}, card.next_meeting ? t("team.next_meeting", { date: dmy(card.next_meeting) }) : t("team.no_meeting")),
    h("p", { class: "counts" }, t("team.counts", card)),
    h("p", { class: "alerts" }, t("team.alerts", card)),
    movement(card, t),
    h("button", { type: "button", onclick: () => onReview(card) }, t("team.review")),
  );
}

/** Fill a <select> with "Alle" and the values (keeps the current choice). */
export function fillFilter(select, values, t) {
  const chosen = select.value;
  select.replaceChildren(h("option", { value: "" }, t("team.all")), ...values.map((v) => h("option", { value: v }, v)));
  select.value = values.includes(chosen) ? chosen : "";
}

export function matches(card, { owner, organisation, overdue }) {
  return (!owner || card.owners.includes(owner)) &&
    (!organisation || card.organisations.includes(organisation)) &&
    (!overdue || card.overdue > 0);
}

/** Render the cards (sorted by alias) into lanes; each card sits in the first lane it fits. */
export function renderLanes(root, cards, filter, t, onReview) {
  const shown = cards.filter((c) => matches(c, filter)).sort((a, b) => a.alias.localeCompare(b.alias, "da"));
  const lanes = LANES.map(([name]) => h("section", { class: "lane", "data-lane": name }, h("h2", {}, t("team.lane_" + name))));
  for (const card of shown) {
    const i = LANES.findIndex(([, fits]) => fits(card));
    lanes[i].append(cardView(card, t, onReview));
  }
  root.replaceChildren(...lanes);
}
