// Plan cards on the canvas: one module per kind (like tldraw's shape utils) turns a plan
// item into content; layout.js places it with the sizes of board/cards.json, exactly as
// plan_export/cards/ does for the picture, so the screen and the picture never disagree.
import { readPlan } from "../../plan/model.js";
import { currentLang, makeT } from "../../i18n.js";
import { LINE_HEIGHT, SPEC, fontOf, kindSpec, plainText } from "./spec.js";
import { content as emptyContent, height, layout } from "./layout.js";
import * as ownGoal from "./owngoal.js";
import * as goal from "./goal.js";
import * as action from "./action.js";
import * as participant from "./participant.js";
import * as agreement from "./agreement.js";
import * as caseCard from "./casecard.js";

export { fontsReady } from "./spec.js";
const KINDS = { own_goal: ownGoal, goal, action, participant, agreement, case: caseCard };
const t = makeT(currentLang());

/** The plan as the cards read it (plus a team board's cases). */
export const boardPlan = (doc) => ({ ...readPlan(doc), cases: doc.getMap("cases") });

/** What the card of `ref` shows; an empty card of its kind when the item is gone. */
export function cardContent(ref, plan) {
  const made = KINDS[ref?.kind]?.content(plan, ref.id ?? null, t);
  return made || emptyContent(SPEC.kinds[ref?.kind] ? ref.kind : "goal", "", []);
}

/** The words a card shows, one part a line (its badges' words, title, details). */
export function cardWords(ref, plan) {
  return cardContent(ref, plan).blocks.flatMap((b) => (b.pills.length ? b.pills.map((p) => p.text) : [b.text])).join("\n");
}

/** [w, h] of a card element: tall enough for all its text. */
export function cardSize(el, plan) {
  return [el.w, height(cardContent(el.ref, plan), el.w, el.h)];
}

/** [w, h] a new card of `ref` gets: its kind's width, as tall as its text. */
export function defaultSize(ref, plan) {
  const c = cardContent(ref, plan), w = kindSpec(c.kind).width;
  return [w, height(c, w, 0)];
}

/** Draw a card at `scale` screen px per board unit; `item.card` caches its layout. */
export function drawCard(ctx, item, plan, scale) {
  const { el, box } = item;
  const c = cardContent(el.ref, plan), spec = kindSpec(c.kind);
  const w = box[2] - box[0], h = box[3] - box[1];
  const lod = spec.detail * scale >= SPEC.min_screen_px ? 0 : SPEC.min_screen_px / scale; // its sizes
  const key = JSON.stringify(c) + "|" + w + "|" + h + "|" + lod;
  if (item.cardKey !== key) {
    item.cardSteps = layout(c, w, h, scale);
    item.cardKey = key;
  }
  ctx.fillStyle = spec.fill;
  ctx.fillRect(el.x, el.y, w, h);
  ctx.strokeStyle = spec.border;
  ctx.lineWidth = SPEC.border;
  ctx.strokeRect(el.x, el.y, w, h);
  plainText(ctx);
  for (const s of item.cardSteps) {
    ctx.fillStyle = s.fill;
    if (s.what === "rect") {
      ctx.fillRect(el.x + s.x, el.y + s.y, s.w, s.h);
      continue;
    }
    ctx.font = fontOf(s.size, s.bold);
    s.lines.forEach((line, i) => ctx.fillText(line, el.x + s.x, el.y + s.y + i * s.size * LINE_HEIGHT));
  }
}

/**
 * [from card id, to card id] for each tie of the plan shown on the board: a sub-goal to its
 * goal, a task to the goal it serves (plan_export/image.py relations() draws the same).
 * `first` maps "kind:id" to the first card of that item.
 */
export function relations(first, plan) {
  const ties = [
    ...plan.goals.filter((g) => g.parent).map((g) => ["goal", g.id, g.parent]),
    ...plan.actions.filter((a) => a.goal).map((a) => ["action", a.id, a.goal]),
  ];
  const out = [];
  for (const [kind, id, target] of ties) {
    const a = first.get(kind + ":" + id), b = first.get("goal:" + target);
    if (a && b) out.push([a, b]);
  }
  return out;
}

export const RELATION = SPEC.relation;
