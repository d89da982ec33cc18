// Where a new plan card goes, and cards leaving with their plan item.
// A card is placed in the board's layout: in the lane frame that matches its item (status,
// horizon or household member), beside the card of the goal it serves (a task) or belongs
// to (a sub-goal), after the other goals (a goal); then moved down until it overlaps no
// card, note or text — cards people have moved stay where they are.
import { boardPlan, defaultSize } from "./index.js";

const SPACE = 200; // between cards, as board/templates.py lays them out
const LANE_PAD = 200;
const LANE_TOP = 700;
const SOLID = ["card", "note", "text"];
const PLAN_MAPS = { goal: "goals", action: "actions", participant: "participants", agreement: "agreements" };

const overlaps = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/** The lane frame a plan item belongs in, if the board has one. */
function laneFor(renderer, kind, item) {
  const fields = { goal: ["horizon", "member"], action: ["status", "member"] }[kind] || [];
  for (const { el } of renderer.items.values()) {
    const lane = el.type === "frame" && el.lane;
    if (lane && fields.includes(lane.field) && item[lane.field] === lane.value) return el;
  }
  return null;
}

/** Where to start looking: [x, y] in board units. */
function anchor(renderer, plan, ref, item, w) {
  const cards = renderer.cardOf();
  const lane = item && laneFor(renderer, ref.kind, item);
  const relatedId = ref.kind === "action" ? item?.goal : ref.kind === "goal" ? item?.parent : null;
  const related = relatedId && renderer.items.get(cards.get("goal:" + relatedId))?.box;
  if (lane && related) return [lane.x + LANE_PAD, related[1], lane];
  if (lane) return [lane.x + Math.max(LANE_PAD, (lane.w - w) / 2), lane.y + LANE_TOP, lane];
  if (related && ref.kind === "action") return [related[2] + SPACE, related[1]];
  if (related) return [related[0], related[3] + SPACE];
  if (ref.kind === "goal") {
    const goals = plan.goals.filter((g) => !g.parent && g.id !== ref.id)
      .map((g) => renderer.items.get(cards.get("goal:" + g.id))?.box).filter(Boolean);
    if (goals.length) {
      const last = goals.reduce((a, b) => (b[2] > a[2] ? b : a));
      return [last[2] + SPACE * 2, last[1]];
    }
  }
  const v = renderer.visibleBox();
  return [(v[0] + v[2]) / 2 - w / 2, (v[1] + v[3]) / 2 - 600];
}

/** A new card element for plan item `ref` in its place of the layout (not yet added). */
export function newCard(renderer, ref) {
  // read now: the panel adds the item and its card in one transaction, before observers run
  const plan = boardPlan(renderer.doc);
  const list = { goal: plan.goals, action: plan.actions, participant: plan.participants, agreement: plan.agreements }[ref.kind];
  const item = list?.find((i) => i.id === ref.id);
  const [w, h] = defaultSize(ref, plan);
  const [ax, ay, lane] = anchor(renderer, plan, ref, item, w);
  const solid = [...renderer.items.values()].filter((i) => SOLID.includes(i.el.type)).map((i) => i.box);
  const columns = lane ? 1 : 6;
  for (let col = 0; col < columns; col++) {
    for (let row = 0; row < 400; row++) {
      const x = Math.round(ax + col * (w + SPACE)), y = Math.round(ay + row * SPACE);
      if (!solid.some((b) => overlaps([x - SPACE / 2, y - SPACE / 2, x + w + SPACE / 2, y + h + SPACE / 2], b))) {
        return { type: "card", x, y, w, h, ref };
      }
    }
  }
  return { type: "card", x: Math.round(ax), y: Math.round(ay), w, h, ref };
}

/**
 * Cards follow their plan items out: when a goal, task, person or agreement is deleted
 * (here, by undo, or by anyone else), a writer takes its cards off the board. A change
 * made here is undone together with the item; one made elsewhere is not mine to undo.
 */
export function followPlan(doc, editor, local) {
  const elements = doc.getMap("elements");
  for (const [kind, name] of Object.entries(PLAN_MAPS)) {
    doc.getMap(name).observe((ev) => {
      const gone = [...ev.changes.keys].filter(([, c]) => c.action === "delete").map(([id]) => id)
        .filter((id) => !doc.getMap(name).has(id));
      if (!gone.length) return;
      const cards = [];
      elements.forEach((el, id) => {
        if (el?.type === "card" && el.ref?.kind === kind && gone.includes(el.ref.id)) cards.push(id);
      });
      if (cards.length) {
        queueMicrotask(() => doc.transact(() => cards.forEach((id) => elements.delete(id)), ev.transaction.local ? local : "plan-follow"));
      }
    });
  }
}
