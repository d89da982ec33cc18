// A stroke while it is drawn: it travels to the others in Yjs awareness (never in the
// document, which gets the finished stroke once, on lift). Its points go delta-encoded as
// zigzag varints in base64, about 4 characters a point, because the server bounds one
// awareness state (TAVLE_MAX_AWARENESS_BYTES, 8 KiB): past LIVE_MAX_BYTES the drawn part
// is committed as a stroke and the rest goes on live from its last point (no gap).
import { newId } from "./edit.js";
import { unzigzag, zigzag } from "./ink.js";
import { MAX_STROKE_POINTS } from "../ui/limits.js";

export const LIVE_MAX_BYTES = 3000; // packed points; ~4 KB of base64 in the awareness JSON
const MAX_WIRE_CHARS = 8192;
const TOOLS = ["pen", "highlighter"];

function varintLength(z) {
  let n = 1;
  while (z > 127) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

/** Flat integer [x, y, p, …] as base64 of zigzag-varint deltas from the previous value. */
export function packPoints(points) {
  const bytes = [];
  let prev = [0, 0, 0];
  points.forEach((v, i) => {
    let z = zigzag(v - prev[i % 3]);
    prev[i % 3] = v;
    while (z > 127) {
      bytes.push((z % 128) | 128);
      z = Math.floor(z / 128);
    }
    bytes.push(z);
  });
  return btoa(String.fromCharCode(...bytes));
}

/** The inverse of packPoints; null for anything that is not a whole list of points. */
export function unpackPoints(text) {
  let raw;
  try {
    raw = atob(text);
  } catch {
    return null;
  }
  const out = [], prev = [0, 0, 0];
  let z = 0, scale = 1;
  for (let i = 0; i < raw.length; i++) {
    const b = raw.charCodeAt(i);
    z += (b & 127) * scale;
    if (b & 128) {
      scale *= 128;
      if (scale > 2 ** 35) return null;
      continue;
    }
    const k = out.length % 3;
    prev[k] += unzigzag(z);
    out.push(prev[k]);
    z = 0;
    scale = 1;
  }
  return scale === 1 && out.length % 3 === 0 ? out : null;
}

export class LiveStroke {
  /** style: {tool, color, width} of the stroke element; the first point x, y, pressure. */
  constructor(style, x, y, p) {
    this.id = newId(); // the committed element gets this id, so the others drop the preview
    this.style = style;
    this.points = [];
    this.bytes = 0;
    this.add(x, y, p);
  }

  get length() {
    return this.points.length / 3;
  }

  /** Append a point unless it is within 2 units of the last; whether it was added. */
  add(x, y, p) {
    const q = this.points, n = q.length;
    if (n && Math.abs(q[n - 3] - x) + Math.abs(q[n - 2] - y) < 2) return false;
    const last = n ? q.slice(n - 3) : [0, 0, 0];
    this.bytes += varintLength(zigzag(x - last[0])) + varintLength(zigzag(y - last[1])) + varintLength(zigzag(p - last[2]));
    q.push(x, y, p);
    return true;
  }

  /** Too long to go on in awareness: commit it and go on with rest(). */
  get full() {
    return this.bytes > LIVE_MAX_BYTES || this.length >= MAX_STROKE_POINTS;
  }

  /** The continuation of a committed part: a new stroke from this one's last point. */
  rest() {
    const q = this.points, n = q.length;
    return new LiveStroke(this.style, q[n - 3], q[n - 2], q[n - 1]);
  }

  /** What the renderer draws (the shape of a stroke element, not stored). */
  drawable() {
    return { type: "stroke", ...this.style, id: this.id, points: this.points };
  }

  /** The awareness field `live`. */
  wire() {
    return { id: this.id, ...this.style, pts: packPoints(this.points) };
  }
}

/** A peer's awareness field `live` as something to draw; null if it is not a valid one. */
export function fromWire(w) {
  if (!w || typeof w !== "object" || typeof w.id !== "string" || w.id.length > 64) return null;
  if (!TOOLS.includes(w.tool) || typeof w.color !== "string" || !/^#[0-9a-fA-F]{6}$/.test(w.color)) return null;
  if (!Number.isFinite(w.width) || w.width <= 0 || w.width > 10000) return null;
  if (typeof w.pts !== "string" || w.pts.length > MAX_WIRE_CHARS) return null;
  const points = unpackPoints(w.pts);
  if (!points || points.length < 6) return null;
  return { type: "stroke", id: w.id, tool: w.tool, color: w.color, width: w.width, points };
}
