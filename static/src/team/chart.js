// The progression chart: one SVG per goal built with DOM APIs (user text only as text
// nodes). A setback (lower than the rating before) is drawn red and labelled.
const NS = "http://www.w3.org/2000/svg";
const W = 480;
const H = 180;
const PAD = 32;

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

/** An <svg> of one series ({title, points: [{date, value, setback}]}) on scale {low, high, labels}. */
export function progressChart(series, scale, t) {
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img" });
  svg.append(el("title", {}, `${t("team.progress")}: ${series.title}`));
  const span = scale.high - scale.low || 1;
  const n = series.points.length;
  const x = (i) => PAD + (n === 1 ? (W - 2 * PAD) / 2 : (i * (W - 2 * PAD)) / (n - 1));
  const y = (v) => H - PAD - ((v - scale.low) * (H - 2 * PAD)) / span;
  svg.append(el("line", { x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, class: "axis" }));
  svg.append(el("line", { x1: PAD, y1: PAD, x2: PAD, y2: H - PAD, class: "axis" }));
  for (const v of [scale.low, scale.high]) {
    const label = (scale.labels || {})[String(v)];
    svg.append(el("text", { x: 2, y: y(v) + 4 }, label ? `${v} ${label}` : String(v)));
  }
  const coords = series.points.map((p, i) => `${x(i)},${y(p.value)}`).join(" ");
  svg.append(el("polyline", { points: coords, class: "line" }));
  series.points.forEach((p, i) => {
    const dot = el("circle", { cx: x(i), cy: y(p.value), r: 5, class: p.setback ? "setback" : "point" });
    dot.append(el("title", {}, `${dmy(p.date)}: ${p.value}${p.setback ? " – " + t("team.setback") : ""}`));
    svg.append(dot);
    svg.append(el("text", { x: x(i) - 24, y: H - 12 }, dmy(p.date)));
    if (p.setback) svg.append(el("text", { x: x(i) + 7, y: y(p.value) - 6, class: "setback" }, "▼ " + t("team.setback")));
  });
  return svg;
}
