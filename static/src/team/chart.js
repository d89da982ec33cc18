// The progression chart: one SVG per goal built with DOM APIs (user text only as text
// nodes). A setback (lower than the rating before) is drawn red and labelled. Every
// label stays inside the picture: the left margin fits the longest scale label, the
// first and last dates are anchored to the plot's ends, and dates that would overlap
// are left out (each point still names its date in its tooltip).
const NS = "http://www.w3.org/2000/svg";
const W = 480;
const H = 180;
const TOP = 24;
const BOTTOM = 36;
const RIGHT = 16;
const CHAR_W = 6.6; // width of one character at the chart's 11 px type, generously
const DATE_W = 10 * CHAR_W + 8; // "dd-mm-yyyy" and a gap

function el(tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** dd-mm-yyyy from YYYY-MM-DD. */
export function dmy(iso) {
  const [y, m, d] = String(iso || "").slice(0, 10).split("-");
  return d ? `${d}-${m}-${y}` : "";
}

/** The indexes of the points whose date is written under the axis: first, last, and
 *  those in between that keep a date's width from their neighbours. */
function labelled(xs) {
  const keep = [0];
  const last = xs.length - 1;
  for (let i = 1; i < last; i += 1) {
    if (xs[i] - xs[keep[keep.length - 1]] >= DATE_W && xs[last] - xs[i] >= DATE_W) keep.push(i);
  }
  if (last > 0 && xs[last] - xs[keep[keep.length - 1]] >= DATE_W) keep.push(last);
  else if (last > 0) keep[keep.length - 1] = last; // the newest date matters most
  return new Set(keep);
}

/** An <svg> of one series ({title, points: [{date, value, setback}]}) on scale {low, high, labels}. */
export function progressChart(series, scale, t) {
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img" });
  svg.append(el("title", {}, `${t("team.progress")}: ${series.title}`));
  const scaleText = (v) => {
    const label = (scale.labels || {})[String(v)];
    return label ? `${v} ${label}` : String(v);
  };
  const ends = [scale.low, scale.high];
  const left = Math.min(W / 2, 12 + Math.max(...ends.map((v) => scaleText(v).length)) * CHAR_W);
  const span = scale.high - scale.low || 1;
  const n = series.points.length;
  const plot = W - left - RIGHT;
  const x = (i) => left + (n === 1 ? plot / 2 : (i * plot) / (n - 1));
  const y = (v) => H - BOTTOM - ((v - scale.low) * (H - TOP - BOTTOM)) / span;
  svg.append(el("line", { x1: left, y1: H - BOTTOM, x2: W - RIGHT, y2: H - BOTTOM, class: "axis" }));
  svg.append(el("line", { x1: left, y1: TOP, x2: left, y2: H - BOTTOM, class: "axis" }));
  for (const v of ends) svg.append(el("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" }, scaleText(v)));
  const xs = series.points.map((_, i) => x(i));
  const dated = labelled(xs);
  svg.append(el("polyline", { points: series.points.map((p, i) => `${xs[i]},${y(p.value)}`).join(" "), class: "line" }));
  series.points.forEach((p, i) => {
    const dot = el("circle", { cx: xs[i], cy: y(p.value), r: 5, class: p.setback ? "setback" : "point" });
    dot.append(el("title", {}, `${dmy(p.date)}: ${p.value}${p.setback ? " – " + t("team.setback") : ""}`));
    svg.append(dot);
    if (dated.has(i)) {
      const anchor = n === 1 ? "middle" : i === 0 ? "start" : i === n - 1 ? "end" : "middle";
      const at = anchor === "start" ? Math.max(xs[i] - 8, 2) : anchor === "end" ? Math.min(xs[i] + 8, W - 2) : xs[i];
      svg.append(el("text", { x: at, y: H - 12, "text-anchor": anchor }, dmy(p.date)));
    }
    if (p.setback) {
      const label = "▼ " + t("team.setback");
      const room = W - RIGHT - xs[i] - 7;
      const flip = label.length * CHAR_W > room; // near the right end: write it to the left
      svg.append(el("text", { x: flip ? xs[i] - 7 : xs[i] + 7, y: Math.max(y(p.value) - 6, 12), class: "setback", "text-anchor": flip ? "end" : "start" }, label));
    }
  });
  return svg;
}
