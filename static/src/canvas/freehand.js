// Stroke outlines with perfect-freehand. The board stores input points and pressure
// (0–1000); these options are the ones an exporter must use (Python port: perfect-freehand
// `get_stroke` with the same values) so every picture of a board draws the same shape.
import { getStroke } from "perfect-freehand";

export const FREEHAND = { thinning: 0.6, smoothing: 0.5, streamline: 0.5, simulatePressure: false, last: true };
export const HIGHLIGHTER_ALPHA = 0.4;

/** Outline polygon of a stroke element, in board units. */
export function strokeOutline(el) {
  const p = el.points, pts = [];
  for (let i = 0; i + 2 < p.length; i += 3) pts.push([p[i], p[i + 1], p[i + 2] / 1000]);
  const thinning = el.tool === "highlighter" ? 0 : FREEHAND.thinning;
  return getStroke(pts, { ...FREEHAND, thinning, size: el.width });
}

/** A fillable Path2D for a stroke (smoothed with quadratic curves through mid-points). */
export function strokePath(el) {
  const o = strokeOutline(el);
  const path = new Path2D();
  if (o.length < 2) return path;
  path.moveTo(o[0][0], o[0][1]);
  for (let i = 1; i < o.length; i++) {
    const [x0, y0] = o[i - 1], [x1, y1] = o[i];
    path.quadraticCurveTo(x0, y0, (x0 + x1) / 2, (y0 + y1) / 2);
  }
  path.closePath();
  return path;
}
