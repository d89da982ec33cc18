// The case review at the tavlemøde: where are we now, next step, barriers, the
// progression chart, dated review notes (stored and audited by the server); back to the overview.
import { h } from "../access/dom.js";
import { call } from "../access/api.js";
import { dmy, progressChart } from "./chart.js";

function list(items, label, t) {
  return items.length ? h("ul", {}, items.map((a) => h("li", {}, label(a)))) : h("p", {}, t("team.nothing"));
}

function section(title, ...body) {
  return h("section", {}, h("h3", {}, title), ...body);
}

/** Show case ``card`` in ``root``; ``onBack()`` returns to the overview of cards. */
export async function showReview(root, card, { t, lang, onBack }) {
  const data = await call("GET", `/api/cases/${encodeURIComponent(card.id)}/review`, undefined, { lang });
  const status = (a) => `${a.what} (${t("status." + a.status)}${a.due ? ", " + dmy(a.due) : ""})`;
  const b = data.barriers;
  const barriers = [
    ...b.challenges,
    ...b.refused.map((a) => t("team.refused", { what: a.what })),
    ...b.awaiting.map((a) => t("team.awaiting", { what: a.what })),
    ...b.overdue.map((a) => t("team.overdue", { what: a.what })),
    ...b.carried_over.map((a) => t("team.carried", { what: a.what, times: a.carried_over })),
  ];
  const notes = h("ul", { class: "notes" }, data.notes.map((n) => h("li", {}, `${dmy(n.date)} – ${n.author}: `, n.text)));
  const today = new Date().toISOString().slice(0, 10);
  const text = h("textarea", { id: "note-text", maxlength: 4000, required: true, rows: 3 });
  const date = h("input", { id: "note-date", type: "date", value: today });
  const message = h("p", { role: "alert" });
  const form = h(
    "form",
    {
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const body = { text: text.value, date: date.value };
          const saved = await call("POST", `/api/cases/${encodeURIComponent(card.id)}/review-notes`, body, { lang });
          notes.prepend(h("li", {}, `${dmy(saved.date)} – ${saved.author}: `, body.text));
          text.value = "";
          message.textContent = "";
        } catch (err) {
          message.textContent = err.message;
        }
      },
    },
    h("label", { for: "note-date" }, t("team.note_date")), date,
    h("label", { for: "note-text" }, t("team.note_text")), text,
    h("button", { type: "submit" }, t("team.note_save")), message,
  );
  const charts = data.progress.series.map((s) => h("figure", {}, h("figcaption", {}, s.title), progressChart(s, data.progress.scale, t)));
  root.replaceChildren(
    h("button", { type: "button", id: "back", onclick: onBack }, t("team.back")),
    h("h2", { id: "review-h", tabindex: "-1" }, data.alias),
    section(t("team.now"), list([...data.now.in_progress, ...data.now.done], status, t)),
    section(t("team.next"), list(data.next, status, t)),
    section(t("team.barriers"), list(barriers, (x) => x, t)),
    section(`${t("team.progress")} (${data.progress.scale.name})`, ...(charts.length ? charts : [h("p", {}, t("team.nothing"))])),
    section(t("team.notes"), form, notes),
  );
  document.getElementById("review-h").focus();
}
