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

/** Render into `root`; re-renders when goals or ratings change. */
export function mountProgress(root, { doc, scale, t, canWrite }) {
  const goals = doc.getMap("goals");
  const progress = doc.getMap("progress");
  const render = () => {
    const active = [...goals.values()].filter((g) => !g.parent && (g.status || "active") === "active");
    root.replaceChildren(
      h("h3", {}, `${t("progress.title")} (${scale.name})`),
      canWrite && active.length ? h("p", {}, t("progress.optional")) : null,
      ...active.map((goal) => {
        const id = `rate-${goal.id}`;
        const input = h("input", { id, type: "number", min: scale.low, max: scale.high, step: 1, inputmode: "numeric" });
        const save = () => {
          const value = Number(input.value);
          if (!input.value || !(value >= scale.low && value <= scale.high)) return;
          const date = today();
          const key = `r-${goal.id}-${date}`; // one rating per goal and meeting day
          progress.set(key, { id: key, goal: goal.id, date, value, by: null, note: "" });
        };
        const series = seriesOf(doc, goal);
        return h(
          "div",
          { class: "rating", "data-goal": goal.id },
          canWrite && h("label", { for: id }, t("progress.rate", { goal: goal.title })),
          canWrite && input,
          canWrite && h("button", { type: "button", onclick: save }, t("progress.save")),
          series.points.length ? progressChart(series, scale, t) : null,
        );
      }),
    );
  };
  goals.observe(render);
  progress.observe(render);
  render();
}
