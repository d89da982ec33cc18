// Card layout: a kind's content (pills and text blocks) placed inside the card's width.
// The same steps, order and arithmetic as plan_export/cards/layout.py (tests/test_cards.py
// compares the sizes). Semantic zoom: where the smallest detail text would be under
// min_screen_px CSS pixels, the card shows only its title, in a font large enough to read,
// under its mark as a badge with its word ("? Forslag") when the whole title still fits;
// ended with "…" when the title does not fit the box (a visible cut, never a silent one).
import { GAP, LINE_HEIGHT, PAD, SPEC, kindSpec, measure } from "./spec.js";

const SPACES = /[ \t]+/g;
const ELLIPSIS = "…";

export const pill = (spec, text) => ({ icon: spec.icon, text, fill: spec.fill, ink: spec.ink });
export const block = (text, role = "detail", bold = false) => ({ text, role, bold, pills: [] });
export const pills = (list) => ({ text: "", role: "detail", bold: false, pills: list });
export const content = (kind, title, blocks, mark = null) => ({ kind, title, blocks, mark });

/** How many leading code points of `chars` fit in `width` (at least one). */
function fit(chars, width, m) {
  let lo = 1, hi = chars.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (m(chars.slice(0, mid).join("")) <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Greedy wrap as plan_export/text.py wrap(): long words split, "…" when over maxLines. */
export function wrap(text, width, m, maxLines = 0) {
  const lines = [];
  for (const paragraph of String(text).normalize("NFC").split("\n")) {
    let line = "";
    for (const w of paragraph.replace(SPACES, " ").split(" ")) {
      const candidate = line ? `${line} ${w}` : w;
      if (m(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      let chars = [...w];
      while (chars.length && m(chars.join("")) > width) {
        const cut = fit(chars, width, m);
        lines.push(chars.slice(0, cut).join(""));
        chars = chars.slice(cut);
      }
      line = chars.join("");
    }
    lines.push(line);
    if (maxLines && lines.length > maxLines) break;
  }
  if (maxLines && lines.length > maxLines) {
    lines.length = maxLines;
    let last = [...lines[maxLines - 1]];
    while (last.length && m(last.join("") + ELLIPSIS) > width) last = last.slice(0, -1);
    lines[maxLines - 1] = last.join("").trimEnd() + ELLIPSIS;
  }
  return lines;
}

function placePills(out, list, y, inner, size) {
  const [padX, padY] = SPEC.pill_pad;
  const m = measure(size, true);
  let x = 0, row = 0;
  for (const p of list) {
    const lines = wrap(`${p.icon} ${p.text}`, inner - 2 * padX, m);
    const w = Math.max(...lines.map(m)) + 2 * padX;
    const h = lines.length * size * LINE_HEIGHT + 2 * padY;
    if (x > 0 && x + w > inner) {
      y += row + GAP;
      x = 0;
      row = 0;
    }
    out.push({ what: "rect", x: PAD + x, y, w, h, fill: p.fill });
    out.push({ what: "text", x: PAD + x + padX, y: y + padY, fill: p.ink, lines, size, bold: true });
    x += w + SPEC.pill_gap;
    row = Math.max(row, h);
  }
  return y + row + GAP;
}

function detail(c, width) {
  const spec = kindSpec(c.kind), inner = width - 2 * PAD, out = [];
  let y = PAD + (c.mark ? SPEC.stripe : 0);
  for (const b of c.blocks) {
    if (b.pills.length) {
      y = placePills(out, b.pills, y, inner, spec.detail);
      continue;
    }
    const size = spec[b.role];
    const lines = wrap(b.text, inner, measure(size, b.bold));
    out.push({ what: "text", x: PAD, y, fill: SPEC.ink, lines, size, bold: b.bold });
    y += lines.length * size * LINE_HEIGHT + GAP;
  }
  return [y - GAP + PAD, out];
}

const titleBold = (c) => c.blocks.some((b) => b.role === "title" && b.bold); // as the title is set

/** Zoomed out: the mark as a badge (at `badge` size), then the title at `size`; [bottom, steps]. */
function far(c, width, size, badge) {
  const m = measure(size, titleBold(c)), inner = width - 2 * PAD, out = [];
  let y = PAD + (c.mark ? SPEC.stripe : 0);
  if (c.mark) y = placePills(out, [c.mark], y, inner, badge);
  const lines = wrap(c.title, inner, m);
  out.push({ what: "text", x: PAD, y, fill: SPEC.ink, lines, size, bold: titleBold(c) });
  return [y + lines.length * size * LINE_HEIGHT + PAD, out];
}

/**
 * The card's height: all its details fit, its mark and whole title fit zoomed out (at
 * `zoomed_out` × its title size), and never less than the element's own.
 */
export function height(c, width, minHeight) {
  const spec = kindSpec(c.kind), zoomed = spec.title * SPEC.zoomed_out;
  return Math.ceil(Math.max(minHeight, spec.min_height, detail(c, width)[0], far(c, width, zoomed, zoomed)[0]));
}

/** What to draw at `scale` screen pixels per board unit, in a box width × boxH. */
export function layout(c, width, boxH, scale) {
  const spec = kindSpec(c.kind), out = [];
  if (c.mark) out.push({ what: "rect", x: 0, y: 0, w: width, h: SPEC.stripe, fill: c.mark.fill });
  if (spec.detail * scale >= SPEC.min_screen_px) return out.concat(detail(c, width)[1]);
  const size = Math.max(spec.title, SPEC.min_screen_px / scale);
  const [bottom, steps] = far(c, width, size, SPEC.min_screen_px / scale);
  if (bottom <= boxH) return out.concat(steps);
  // too far out for the box: the title alone, as much as fits, ended with "…"
  const top = PAD + (c.mark ? SPEC.stripe : 0), room = Math.floor((boxH - top - PAD) / (size * LINE_HEIGHT));
  if (room < 1) return out;
  out.push({ what: "text", x: PAD, y: top, fill: SPEC.ink, lines: wrap(c.title, width - 2 * PAD, measure(size, titleBold(c)), room), size, bold: titleBold(c) });
  return out;
}
