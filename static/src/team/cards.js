// Case cards in lanes, with filter chips (overdue, waiting, no meeting) and the
// owner / organisation filters. A card shows only what the server put on it: alias,
// counts, professionals' names (no plan text). Compact, so 70 cases fit a 1080p screen:
// the alias is the button that opens the review, the task counts are one small bar.
import { h } from "../access/dom.js";
import { dmy } from "./chart.js";

const LANES = [
  ["stuck", (c) => c.overdue > 0 || c.carried_over > 0],
  ["awaiting", (c) => c.awaiting_approval > 0],
  ["on_track", () => true],
];
const STATUSES = ["not_started", "in_progress", "done"];

/** The chips: each narrows the cards to those with something to talk about. */
export const CHIPS = {
  overdue: (c) => c.overdue > 0,
  awaiting: (c) => c.awaiting_approval > 0,
  no_meeting: (c) => !c.next_meeting,
};

function movement(card, t) {
  const m = card.movement;
  if (!m) return null;
  const date = dmy(m.date);
  if (!m.delta) return h("span", { class: "move" }, t("team.movement_same", { value: m.value, date }));
  const up = m.delta > 0;
  const text = t(up ? "team.movement_up" : "team.movement_down", { delta: Math.abs(m.delta), date });
  return h("span", { class: "move " + (up ? "up" : "down") }, (up ? "▲ " : "▼ ") + text);
}

/** The task counts as one bar of three parts, the numbers inside; the words for screen readers. */
function countsBar(card, t) {
  const bar = h("span", { class: "taskbar", "aria-hidden": "true" });
  for (const status of STATUSES) {
    const n = Number(card[status]) || 0;
    if (!n) continue;
    const part = h("span", { class: "part " + status }, String(n));
    part.style.flexGrow = String(n); // CSSOM, allowed under the page's CSP
    bar.append(part);
  }
  return [bar, h("span", { class: "counts visually-hidden" }, t("team.counts", card))];
}

function badges(card, t) {
  const items = [
    card.overdue > 0 ? h("span", { class: "badge bad" }, t("team.badge_overdue", { n: card.overdue })) : null,
    card.carried_over > 0 ? h("span", { class: "badge" }, t("team.badge_carried", { n: card.carried_over })) : null,
    card.awaiting_approval > 0 ? h("span", { class: "badge" }, t("team.badge_awaiting", { n: card.awaiting_approval })) : null,
    movement(card, t),
  ].filter(Boolean);
  return items.length ? h("p", { class: "alerts" }, items) : null;
}

function cardView(card, t, onReview) {
  return h("li", {}, h(
    "article",
    { class: "case-card", "data-case": card.id },
    h("h4", {}, h("button", { type: "button", class: "open-review", title: t("team.review_case", { alias: card.alias }), onclick: () => onReview(card) }, card.alias)),
    h("p", { class: "line" }, ...countsBar(card, t)),
    h("p", { class: "who", title: t("team.coordinator", { name: card.coordinator }) },
      h("span", { class: "meeting" }, card.next_meeting ? t("team.meeting_short", { date: dmy(card.next_meeting) }) : t("team.no_meeting")),
      " · ", h("span", { class: "visually-hidden" }, t("team.coordinator", { name: "" })), card.coordinator),
    badges(card, t),
  ));
}

/** Fill a <select> with "Alle" and the values (keeps the current choice). */
export function fillFilter(select, values, t) {
  const chosen = select.value;
  select.replaceChildren(h("option", { value: "" }, t("team.all")), ...values.map((v) => h("option", { value: v }, v)));
  select.value = values.includes(chosen) ? chosen : "";
}

export function matches(card, { owner, organisation, chips }) {
  return (!owner || card.owners.includes(owner)) &&
    (!organisation || card.organisations.includes(organisation)) &&
    chips.every((name) => CHIPS[name](card));
}

/** Render the cards (sorted by alias) into lanes; each card sits in the first lane it fits. */
export function renderLanes(root, cards, filter, t, onReview) {
  const shown = cards.filter((c) => matches(c, filter)).sort((a, b) => a.alias.localeCompare(b.alias, "da"));
  const lists = LANES.map(() => h("ul", { class: "cards" }));
  for (const card of shown) {
    const i = LANES.findIndex(([, fits]) => fits(card));
    lists[i].append(cardView(card, t, onReview));
  }
  root.replaceChildren(...LANES.map(([name], i) => h("section", { class: "lane", "data-lane": name, "aria-labelledby": "lane-" + name },
    h("h3", { id: "lane-" + name }, `${t("team.lane_" + name)} (${lists[i].children.length})`),
    lists[i].children.length ? lists[i] : h("p", { class: "empty" }, t("team.lane_empty")))));
  return shown.length;
}
