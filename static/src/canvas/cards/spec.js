// The card description shared with the picture export (board/cards.json), the card font
// (the exporter's DejaVu Sans, loaded from /static/dist/fonts/) and text measuring by
// advance widths — no kerning, no ligatures — as plan_export/cards/spec.py measures.
import SPEC from "../../../../board/cards.json";

export { SPEC };
export const LINE_HEIGHT = SPEC.line_height;
export const PAD = SPEC.pad;
export const GAP = SPEC.gap;
const FAMILY = SPEC.font.family;

export const kindSpec = (kind) => SPEC.kinds[kind] || SPEC.kinds.goal;
export const fontOf = (size, bold) => `${bold ? "bold " : ""}${size}px "${FAMILY}", system-ui, sans-serif`;

/** Prepare a 2D context to draw or measure card text the way the exporter measures it. */
export function plainText(ctx) {
  ctx.fontKerning = "none";
  ctx.textRendering = "optimizeSpeed";
  ctx.textBaseline = "top";
}

let measurer = null;
/** measure(text) in board units for one font size and weight. */
export function measure(size, bold) {
  if (!measurer) {
    measurer = document.createElement("canvas").getContext("2d");
    plainText(measurer);
  }
  return (text) => {
    measurer.font = fontOf(size, bold);
    return measurer.measureText(text).width;
  };
}

/** Load the card font once; resolves when it can be used (or failed: the fallback is used). */
export const fontsReady = (() => {
  if (typeof FontFace !== "function" || typeof document === "undefined") return Promise.resolve(false);
  const faces = [["regular", "normal"], ["bold", "bold"]].map(([file, weight]) =>
    new FontFace(FAMILY, `url(/static/dist/fonts/${SPEC.font[file]})`, { weight }));
  return Promise.all(faces.map((f) => f.load().then(() => document.fonts.add(f))))
    .then(() => true, () => false);
})();
