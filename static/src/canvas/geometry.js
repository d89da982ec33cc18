// Boxes, hit tests and a grid index over board elements, all in board units
// (tenths of a CSS pixel). The renderer culls with the grid; the tools pick with it.

export const NOTE_FILLS = {
  yellow: "#fff3a3", pink: "#ffc9de", blue: "#c7e3ff", green: "#c9f2c7",
  orange: "#ffd8a8", purple: "#e2d1ff", white: "#ffffff",
};

/** Axis-aligned box [x0, y0, x1, y1] of an element; null for connectors (drawn from their ends). */
export function bounds(el) {
  switch (el.type) {
    case "stroke": {
      const p = el.points || [];
      if (p.length < 3) return null;
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let i = 0; i < p.length; i += 3) {
        if (p[i] < x0) x0 = p[i];
        if (p[i] > x1) x1 = p[i];
        if (p[i + 1] < y0) y0 = p[i + 1];
        if (p[i + 1] > y1) y1 = p[i + 1];
      }
      const r = (el.width || 10) / 2 + 2;
      return [x0 - r, y0 - r, x1 + r, y1 + r];
    }
    case "shape": {
      const r = (el.width || 10) / 2 + (el.shape === "arrow" ? el.width * 3 + 60 : 0);
      return [Math.min(el.x, el.x + el.w) - r, Math.min(el.y, el.y + el.h) - r,
        Math.max(el.x, el.x + el.w) + r, Math.max(el.y, el.y + el.h) + r];
    }
    case "text": {
      const lines = String(el.text || " ").split("\n");
      const size = el.size || 200;
      const longest = Math.max(1, ...lines.map((l) => l.length));
      return [el.x, el.y, el.x + longest * size * 0.6, el.y + lines.length * size * 1.25];
    }
    case "note": case "frame": case "card":
      return [el.x, el.y, el.x + el.w, el.y + el.h];
    default:
      return null;
  }
}

export const intersects = (a, b) => a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
export const contains = (b, x, y) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];

/** Distance from point (px, py) to segment (ax, ay)-(bx, by). */
export function segDist(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Does the point hit the element (with a tolerance in board units)? */
export function hit(el, box, x, y, tol) {
  if (!box) return false;
  const grown = [box[0] - tol, box[1] - tol, box[2] + tol, box[3] + tol];
  if (!contains(grown, x, y)) return false;
  if (el.type === "stroke") {
    const p = el.points, r = el.width / 2 + tol;
    if (p.length === 3) return Math.hypot(x - p[0], y - p[1]) <= r;
    for (let i = 3; i < p.length; i += 3) {
      if (segDist(x, y, p[i - 3], p[i - 2], p[i], p[i + 1]) <= r) return true;
    }
    return false;
  }
  if (el.type === "shape" && (el.shape === "line" || el.shape === "arrow")) {
    return segDist(x, y, el.x, el.y, el.x + el.w, el.y + el.h) <= el.width / 2 + tol;
  }
  if (el.type === "frame") {
    // a frame is picked by its border or title bar, so what lies inside stays reachable
    const edge = tol + 40;
    return y - box[1] < 400 || x - box[0] < edge || box[2] - x < edge || box[3] - y < edge;
  }
  return true;
}

/** Where the line from a box's centre towards (tx, ty) leaves the box. */
export function boxEdgePoint(box, tx, ty) {
  const cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
  const dx = tx - cx, dy = ty - cy;
  if (!dx && !dy) return [cx, cy];
  const hw = (box[2] - box[0]) / 2, hh = (box[3] - box[1]) / 2;
  const s = Math.min(dx ? hw / Math.abs(dx) : Infinity, dy ? hh / Math.abs(dy) : Infinity);
  return [cx + dx * Math.min(s, 1), cy + dy * Math.min(s, 1)];
}

/** Uniform grid of element ids by box: cheap inserts, and a query touches only nearby cells. */
export class Grid {
  constructor(cell = 4096) {
    this.cell = cell;
    this.cells = new Map();
    this.where = new Map();
  }

  keys(box) {
    const c = this.cell, out = [];
    const x0 = Math.floor(box[0] / c), x1 = Math.floor(box[2] / c);
    const y0 = Math.floor(box[1] / c), y1 = Math.floor(box[3] / c);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 4096) return ["huge"];
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push(x + ":" + y);
    return out;
  }

  insert(id, box) {
    this.remove(id);
    const keys = this.keys(box);
    for (const k of keys) {
      let set = this.cells.get(k);
      if (!set) this.cells.set(k, (set = new Set()));
      set.add(id);
    }
    this.where.set(id, keys);
  }

  remove(id) {
    for (const k of this.where.get(id) || []) this.cells.get(k)?.delete(id);
    this.where.delete(id);
  }

  query(box) {
    const out = new Set(this.cells.get("huge") || []);
    const keys = this.keys(box);
    if (keys[0] === "huge") return new Set(this.where.keys());
    for (const k of keys) for (const id of this.cells.get(k) || []) out.add(id);
    return out;
  }
}
