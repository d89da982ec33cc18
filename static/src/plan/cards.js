// A new goal or action also appears as a card on the canvas. The canvas draws the card's
// text from the plan maps (ref {kind, id}), so panel and canvas stay live both ways.
import { newId } from "./model.js";

const CARD_W = 2200; // board units (tenths of a CSS pixel)
const CARD_H = 1200;
const GAP = 200;

function box(el) {
  if (!el || typeof el !== "object") return null;
  const { x, y, w, h } = el;
  if (![x, y, w, h].every((v) => typeof v === "number" && Number.isFinite(v))) return null;
  return { x: Math.min(x, x + w), y: Math.min(y, y + h), w: Math.abs(w), h: Math.abs(h) };
}

const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** A free spot for a card: the first grid cell from `origin` that overlaps no boxed element. */
export function freeSpot(elements, origin = { x: 0, y: 0 }) {
  const boxes = [];
  elements.forEach((el) => {
    const b = box(el);
    if (b) boxes.push(b);
  });
  const ox = Math.round(origin.x);
  const oy = Math.round(origin.y);
  for (let row = 0; row < 200; row += 1) {
    for (let col = 0; col < 6; col += 1) {
      const cell = { x: ox + col * (CARD_W + GAP), y: oy + row * (CARD_H + GAP), w: CARD_W, h: CARD_H };
      if (!boxes.some((b) => overlaps(cell, b))) return { x: cell.x, y: cell.y };
    }
  }
  return { x: ox, y: oy };
}

function viewportOrigin(canvas) {
  try {
    const v = canvas?.viewport?.(); // [x0, y0, x1, y1] or {x, y, …}
    const [x, y] = Array.isArray(v) ? v : [v?.x, v?.y];
    if (Number.isFinite(x) && Number.isFinite(y)) return { x: x + GAP, y: y + GAP };
  } catch {
    /* the canvas has no viewport yet: start at the board's origin */
  }
  return { x: 0, y: 0 };
}

/** Put a card for plan item `ref` on the canvas: through the canvas (in its place of the layout) when it offers addCard. */
export function placeCard(ctx, ref) {
  if (typeof ctx.canvas?.addCard === "function") {
    ctx.canvas.addCard(ref); // the canvas knows the board's layout
    return;
  }
  const elements = ctx.doc.getMap("elements");
  const spot = freeSpot(elements, viewportOrigin(ctx.canvas));
  let z = 0;
  elements.forEach((el) => {
    if (el && typeof el.z === "number" && el.z > z) z = el.z;
  });
  const id = newId();
  elements.set(id, {
    id, type: "card", z: z + 1, author: ctx.user?.name || "", created: Date.now(),
    x: spot.x, y: spot.y, w: CARD_W, h: CARD_H, ref,
  });
}

/** The element id of a card showing plan item (kind, id), or null. */
function cardOf(doc, kind, id) {
  let found = null;
  doc.getMap("elements").forEach((el, key) => {
    if (el?.type === "card" && el.ref?.kind === kind && (el.ref?.id ?? null) === id) found = key;
  });
  return found;
}

export const hasCard = (doc, kind, id) => cardOf(doc, kind, id) !== null;

/** Show the plan item's card on the canvas (putting one there first if it has none). */
export function focusCard(ctx, kind, id) {
  if (!cardOf(ctx.doc, kind, id) && ctx.canWrite) placeCard(ctx, { kind, id });
  const cardId = cardOf(ctx.doc, kind, id);
  if (cardId && typeof ctx.canvas?.focusElement === "function") ctx.canvas.focusElement(cardId);
  return Boolean(cardId);
}
