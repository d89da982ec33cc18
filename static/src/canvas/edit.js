// Every change the canvas makes to the board document, each in one local transaction
// (origin LOCAL, which the undo manager tracks) so a person undoes only their own work.
import { hit, segDist } from "./geometry.js";
import { readable, stored } from "./ink.js";

export const LOCAL = { name: "tavle-local" };
const PLAN_MAP = { goal: "goals", action: "actions", participant: "participants", agreement: "agreements" };
// which plan field a lane may set, per card kind
const LANE_FIELDS = { goal: ["horizon", "member"], action: ["status", "member"] };

export const newId = () => crypto.randomUUID().replace(/-/g, "").slice(0, 16);

/**
 * The stored fields of a new stroke: style {tool, color, width}, flat integer points
 * [x, y, pressure, …]. Every stroke the canvas makes is made here: its points, colour,
 * width and tool go into the document as one `ink` byte string (format 2, ink.js).
 */
export function strokeElement(style, points) {
  return stored({ type: "stroke", tool: style.tool, color: style.color, width: style.width, points });
}

/** A copy of an element moved by (dx, dy) board units. */
export function translated(el, dx, dy) {
  dx = Math.round(dx);
  dy = Math.round(dy);
  if (el.type === "stroke") return { ...el, points: el.points.map((v, i) => (i % 3 === 0 ? v + dx : i % 3 === 1 ? v + dy : v)) };
  if (el.type === "connector") return el;
  return { ...el, x: el.x + dx, y: el.y + dy };
}

/** A copy of an element scaled about (ax, ay) by (sx, sy). */
export function scaled(el, ax, ay, sx, sy) {
  const X = (v) => Math.round(ax + (v - ax) * sx), Y = (v) => Math.round(ay + (v - ay) * sy);
  if (el.type === "stroke") return { ...el, points: el.points.map((v, i) => (i % 3 === 0 ? X(v) : i % 3 === 1 ? Y(v) : v)) };
  if (el.type === "connector") return el;
  if (el.type === "text") return { ...el, x: X(el.x), y: Y(el.y), size: Math.max(40, Math.round(el.size * sy)) };
  return { ...el, x: X(el.x), y: Y(el.y), w: Math.round(el.w * sx), h: Math.round(el.h * sy) };
}

export class Editor {
  constructor(doc, renderer, user) {
    this.doc = doc;
    this.renderer = renderer;
    this.user = user;
    this.elements = doc.getMap("elements");
  }

  transact(fn) {
    return this.doc.transact(fn, LOCAL);
  }

  /** An element as the canvas works on it (a stroke with its points), or undefined. */
  get(id) {
    return readable(this.elements.get(id)) ?? undefined;
  }

  /** Store an element; a stroke's points go in as its ink (ink.js stored). */
  put(id, el) {
    this.elements.set(id, stored(el));
  }

  zRange() {
    let lo = 0, hi = 0;
    for (const { el } of this.renderer.items.values()) {
      if (el.z < lo) lo = el.z;
      if (el.z > hi) hi = el.z;
    }
    return [lo, hi];
  }

  /** Add elements (fields of their type); returns the new ids. */
  add(...els) {
    return this.addAs(els.map(() => newId()), els);
  }

  /** Add elements under the given ids (a stroke keeps the id its live preview had). */
  addAs(ids, els) {
    let z = this.zRange()[1];
    this.transact(() => {
      els.forEach((el, i) => {
        this.put(ids[i], { ...el, id: ids[i], z: el.z ?? ++z, author: this.user.name, created: Date.now() });
      });
    });
    return ids;
  }

  /** Set whole new values for existing elements: map of id -> element. */
  replace(values) {
    this.transact(() => {
      for (const [id, el] of values) if (this.elements.has(id)) this.put(id, el);
    });
  }

  patch(id, fields) {
    const el = this.get(id);
    if (el) this.replace([[id, { ...el, ...fields }]]);
  }

  remove(ids) {
    this.transact(() => {
      for (const id of ids) this.elements.delete(id);
      // connectors whose ends are gone go too
      this.elements.forEach((el, id) => {
        if (el?.type === "connector" && (ids.includes(el.from) || ids.includes(el.to))) this.elements.delete(id);
      });
    });
  }

  duplicate(ids) {
    const copies = ids.map((id) => this.get(id)).filter((el) => el && el.type !== "connector");
    return this.add(...copies.map((el) => ({ ...translated(el, 300, 300), z: undefined })));
  }

  toFront(ids) {
    let z = this.zRange()[1];
    this.replace(this.sorted(ids).map((id) => [id, { ...this.elements.get(id), z: ++z }]));
  }

  toBack(ids) {
    let z = this.zRange()[0];
    this.replace(this.sorted(ids).reverse().map((id) => [id, { ...this.elements.get(id), z: --z }]));
  }

  sorted(ids) {
    return ids.filter((id) => this.elements.has(id)).sort((a, b) => this.renderer.order(a, b));
  }

  /**
   * Erase at (x, y) with radius r. Whole: remove strokes and shapes that are hit.
   * Partial: cut the points within r out of strokes, keeping the rest as new strokes.
   */
  erase(x, y, r, partial) {
    const box = [x - r, y - r, x + r, y + r];
    const hits = this.renderer.idsIn(box).filter((id) => {
      const { el, box: b } = this.renderer.items.get(id);
      return el.type !== "frame" && el.type !== "card" && hit(el, b, x, y, r);
    });
    if (!hits.length) return;
    this.transact(() => {
      for (const id of hits) {
        const el = this.get(id);
        if (!el) continue;
        if (!partial) {
          this.elements.delete(id);
          continue;
        }
        if (el.type !== "stroke") continue;
        const parts = cutStroke(el.points, x, y, r + el.width / 2);
        if (parts.length === 1 && parts[0].length === el.points.length) continue;
        this.elements.delete(id);
        for (const part of parts) {
          const nid = newId();
          this.put(nid, { ...el, points: part, id: nid });
        }
      }
    });
  }

  /** The lane frame (id) a card lies in that would set a field of its plan item, or null. */
  laneOf(id) {
    const card = this.elements.get(id), box = this.renderer.items.get(id)?.box;
    if (card?.type !== "card" || !card.ref || !box) return null;
    const cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
    return this.renderer.idsIn([cx, cy, cx, cy]).find((f) => {
      const frame = this.elements.get(f);
      return frame?.type === "frame" && frame.lane && (LANE_FIELDS[card.ref.kind] || []).includes(frame.lane.field);
    }) ?? null;
  }

  /** A card dropped into a frame with a lane sets that field of its plan item. */
  dropCards(ids) {
    for (const id of ids) {
      const laneId = this.laneOf(id);
      if (!laneId) continue;
      const { ref } = this.elements.get(id), { lane } = this.elements.get(laneId);
      const plan = this.doc.getMap(PLAN_MAP[ref.kind]), item = plan.get(ref.id);
      if (item && item[lane.field] !== lane.value) {
        this.transact(() => plan.set(ref.id, { ...item, [lane.field]: lane.value }));
      }
    }
  }
}

/** Split a flat [x, y, p, …] list into the runs that lie farther than r from (x, y). */
export function cutStroke(points, x, y, r) {
  const runs = [];
  let run = [];
  const n = points.length / 3;
  for (let i = 0; i < n; i++) {
    const px = points[i * 3], py = points[i * 3 + 1];
    const prevCut = i > 0 && segDist(x, y, points[i * 3 - 3], points[i * 3 - 2], px, py) <= r && Math.hypot(px - x, py - y) > r && Math.hypot(points[i * 3 - 3] - x, points[i * 3 - 2] - y) > r;
    if (Math.hypot(px - x, py - y) <= r || prevCut) {
      if (run.length >= 6) runs.push(run);
      run = [];
      if (Math.hypot(px - x, py - y) <= r) continue;
    }
    run.push(px, py, points[i * 3 + 2]);
  }
  if (run.length >= 6) runs.push(run);
  return runs;
}
