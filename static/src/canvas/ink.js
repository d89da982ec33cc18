// Format 2 strokes: a stroke's points, colour, width and tool packed in one byte string,
// `ink` (a Uint8Array in the document), the points delta-coded as integers: ~51 bytes for a
// stroke of 32 points instead of ~350 as a list of numbers. The layout is
// docs/board-format.md "Format 2 strokes"; board/ink.py is the server's twin (change both).
// The canvas works on readable elements (format 1's keys: points, color, width, tool):
// readable() on the way in from the document, stored() on the way back.
import { MAX_STROKE_POINTS } from "../ui/limits.js";

const TOOLS = ["pen", "highlighter"];
const MAX_COORD = 10_000_000;
const MAX_WIDTH = 10_000;
const COMMON = ["id", "type", "z", "author", "created"];

export const zigzag = (v) => (v >= 0 ? 2 * v : -2 * v - 1);
export const unzigzag = (z) => (z % 2 ? -(z + 1) / 2 : z / 2);

function uvarint(out, n) {
  while (n > 127) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** One channel: its first value, then its residuals (first or second differences) with runs of zeros as [0, count]. */
function channel(values, second) {
  const out = [];
  uvarint(out, zigzag(values[0]));
  let zeros = 0, step = 0;
  for (let i = 1; i < values.length; i++) {
    const d = values[i] - values[i - 1];
    const r = second ? d - step : d;
    step = d;
    if (r === 0) {
      zeros++;
      continue;
    }
    if (zeros) {
      out.push(0);
      uvarint(out, zeros);
      zeros = 0;
    }
    uvarint(out, zigzag(r));
  }
  if (zeros) {
    out.push(0);
    uvarint(out, zeros);
  }
  return out;
}

/** The ink of a stroke: integer points [x, y, p, …], "#rrggbb", width, tool. */
export function packInk(points, color, width, tool) {
  const n = Math.floor(points.length / 3);
  const rgb = parseInt(color.slice(1, 7), 16);
  const out = [0, (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255];
  let flags = Math.max(0, TOOLS.indexOf(tool));
  uvarint(out, width);
  uvarint(out, n);
  if (n) {
    [1, 2, 4].forEach((bit, c) => {
      const values = [];
      for (let i = c; i < 3 * n; i += 3) values.push(points[i]);
      const first = channel(values, false), second = channel(values, true);
      if (second.length < first.length) flags |= bit << 1;
      out.push(...(second.length < first.length ? second : first));
    });
  }
  out[0] = flags;
  return Uint8Array.from(out);
}

/** {points, color, width, tool} of ink, or null for bytes that are not ink. */
export function unpackInk(ink) {
  if (!(ink instanceof Uint8Array) || ink.length < 6 || ink.length > 16 + 12 * MAX_STROKE_POINTS || ink[0] & 0xf0) return null;
  let pos = 4;
  const next = () => {
    let value = 0, scale = 1;
    for (let k = 0; k < 5; k++) {
      if (pos >= ink.length) throw new RangeError("short");
      const b = ink[pos++];
      value += (b & 127) * scale;
      if (b < 128) return value;
      scale *= 128;
    }
    throw new RangeError("long");
  };
  try {
    const width = next(), n = next();
    if (width < 1 || width > MAX_WIDTH || n > MAX_STROKE_POINTS) return null;
    const points = new Array(3 * n);
    for (let c = 0; c < 3 && n; c++) {
      const second = ink[0] & (2 << c);
      let value = unzigzag(next()), step = 0, i = 1;
      points[c] = value;
      while (i < n) {
        const t = next();
        let run = 1, r = 0;
        if (t) r = unzigzag(t);
        else if ((run = next()) < 1 || i + run > n) return null;
        for (let k = 0; k < run; k++, i++) {
          step = second ? step + r : r;
          value += step;
          if (Math.abs(value) > MAX_COORD) return null;
          points[3 * i + c] = value;
        }
      }
      if (Math.abs(points[c]) > MAX_COORD) return null;
    }
    if (pos !== ink.length) return null;
    const color = "#" + [ink[1], ink[2], ink[3]].map((b) => b.toString(16).padStart(2, "0")).join("");
    return { points, color, width, tool: TOOLS[ink[0] & 1] };
  } catch {
    return null;
  }
}

/** An element as the canvas reads it: a format 2 stroke with its points (null: unreadable ink). */
export function readable(el) {
  if (!el || el.type !== "stroke" || el.ink === undefined) return el;
  const unpacked = unpackInk(el.ink);
  if (!unpacked) return null;
  const out = { ...unpacked };
  for (const key of COMMON) if (key in el) out[key] = el[key];
  return out;
}

/** An element as the document stores it: a stroke's points, colour, width and tool as ink. */
export function stored(el) {
  if (!el || el.type !== "stroke" || !Array.isArray(el.points)) return el;
  const out = { ink: packInk(el.points, el.color, el.width, el.tool) };
  for (const key of COMMON) if (key in el) out[key] = el[key];
  return out;
}
