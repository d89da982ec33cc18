// "Udvikling" on the board page: the citizen's own rating of each goal today, on the
// municipality's scale, written to the board's `progress` map (optional, never blocking),
// and the chart of the movement so far (setbacks shown plainly).
import { h } from "../access/dom.js";
import { progressChart } from "../team/chart.js";

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The series of one goal from the `progress` map, oldest first, setbacks marked. */
function seriesOf(doc, goal) {
  const ratings = [...doc.getMap("progress").values()].filter((r) => r.goal === goal.id);
  ratings.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const points = ratings.map((r, i) => ({ date: r.date, value: r.value, setback: i > 0 && r.value < ratings[i - 1].value }));
  return { goal: goal.id, title: goal.title, points };
}

/** The scale as one button per step (the labels of the ends under their numbers); a wide
 * scale (more than 11 steps) as a labelled slider with a save button. */
function scaleControl(goal, scale, t, current, save) {
  const steps = scale.high - scale.low + 1;
  const label = (n) => scale.labels?.[String(n)] || "";
  if (steps <= 11) {
    const buttons = Array.from({ length: steps }, (_, i) => {
      const n = scale.low + i;
      const name = label(n) ? `${n} – ${label(n)}` : String(n);
      return h("button", {
        type: "button", class: "rate-step", "data-value": n, "aria-pressed": String(current === n),
        "aria-label": t("progress.rate_value", { goal: goal.title, value: name }), onclick: () => save(n),
      }, h("span", {}, String(n)), label(n) ? h("small", {}, label(n)) : null);
    });
    return h("div", { class: "rate-steps", role: "group", "aria-label": t("progress.rate", { goal: goal.title }) }, buttons);
  }
  const id = `rate-${goal.id}`;
  const input = h("input", { id, type: "range", min: scale.low, max: scale.high, step: 1, value: current ?? scale.low });
  return h("div", { class: "rate-slider" },
    h("label", { for: id }, t("progress.rate", { goal: goal.title })),
    h("span", { "aria-hidden": "true" }, `${scale.low} ${label(scale.low)}`), input,
    h("span", { "aria-hidden": "true" }, `${scale.high} ${label(scale.high)}`),
    h("button", { type: "button", onclick: () => save(Number(input.value)) }, t("progress.save")));
}

/** Render into `root`; re-renders when goals or ratings change. */
export function mountProgress(root, { doc, scale, t, canWrite }) {
  const goals = doc.getMap("goals");
  const progress = doc.getMap("progress");
  const message = h("p", { role: "alert", class: "rate-message" });
  const render = () => {
    const active = [...goals.values()].filter((g) => !g.parent && (g.status || "active") === "active");
    const date = today();
    root.replaceChildren(...[
      h("h3", {}, `${t("progress.title")}: ${scale.name}`),
      canWrite && active.length ? h("p", {}, t("progress.optional")) : null,
      message,
      ...active.map((goal) => {
        const key = `r-${goal.id}-${date}`; // one rating per goal and meeting day
        const save = (value) => {
          if (!Number.isInteger(value) || value < scale.low || value > scale.high) {
            message.textContent = t("progress.out_of_range", { low: scale.low, high: scale.high });
            return;
          }
          message.textContent = "";
          progress.set(key, { id: key, goal: goal.id, date, value, by: null, note: "" });
        };
        const series = seriesOf(doc, goal);
        return h(
          "div",
          { class: "rating", "data-goal": goal.id },
          canWrite ? h("p", { class: "rate-goal" }, goal.title) : null,
          canWrite ? scaleControl(goal, scale, t, progress.get(key)?.value ?? null, save) : null,
          series.points.length ? progressChart(series, scale, t) : null,
        );
      }),
    ].filter(Boolean));
  };
  goals.observe(render);
  progress.observe(render);
  render();
}
