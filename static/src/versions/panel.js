// "Aftalt plan" on the board page: the coordinator's "Godkend planen", the citizen's
// confirmation on their own device, the list of versions (each as PDF), and "Siden sidst".
// The server enforces the roles; this panel only shows the buttons that will work.
import { call } from "../access/api.js";
import { h } from "../access/dom.js";
import { dmy } from "../team/chart.js";
import { mountProgress } from "./progress.js";

/** Mount the panel into `side` for a case board (nothing for other boards or offline). */
export function mountVersions(side, { boardId, token, t, lang, doc, canWrite }) {
  const root = h("section", { id: "versions", "aria-labelledby": "versions-h" });
  const auth = { Authorization: "Bearer " + token };
  const get = (path) => fetch(path, { headers: auth });

  async function load() {
    let res;
    try {
      res = await get(`/api/boards/${encodeURIComponent(boardId)}/agreement`);
    } catch {
      return; // offline: the board works without this panel
    }
    const data = res.ok ? await res.json() : { case_id: null };
    if (!data.case_id) return root.remove(); // a board that is no case (or no right to see)
    if (!rating.isConnected) mountProgress(rating, { doc, scale: data.scale, t, canWrite });
    render(data);
  }

  async function act(path) {
    try {
      await call("POST", path, undefined, { lang, token }); // with the CSRF token of a session
      message.textContent = "";
    } catch (err) {
      message.textContent = err.message;
    }
    await load();
  }

  async function pdf(caseId, n) {
    const res = await get(`/api/cases/${caseId}/versions/${n}/export?format=pdf&lang=${lang}`);
    if (!res.ok) return (message.textContent = String(res.status));
    const url = URL.createObjectURL(await res.blob());
    const a = h("a", { href: url, download: `plan-v${n}.pdf`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  const message = h("p", { role: "alert" });
  const rating = h("div", { id: "progress" });

  function sinceLast(changes) {
    if (!changes) return [];
    const lines = [
      ...changes.new_goals.map((what) => t("versions.new_goal", { what })),
      ...changes.removed_goals.map((what) => t("versions.removed_goal", { what })),
      ...changes.new_actions.map((what) => t("versions.new_action", { what })),
      ...changes.removed_actions.map((what) => t("versions.removed_action", { what })),
      ...changes.status_changes.map((c) =>
        t("versions.status", { what: c.what, before: t("status." + c.before), after: t("status." + c.after) })),
      ...changes.carried_over.map((c) => t("versions.carried", { what: c.what, times: c.times })),
      ...(changes.own_goal_changed ? [t("versions.own_goal")] : []),
    ];
    return [
      h("h3", {}, t("versions.since_last")),
      lines.length ? h("ul", { class: "since-last" }, lines.map((x) => h("li", {}, x))) : h("p", {}, t("versions.no_changes")),
    ];
  }

  function render(data) {
    const base = `/api/cases/${encodeURIComponent(data.case_id)}/versions`;
    const awaiting = data.versions.filter((v) => v.state === "awaiting_citizen").at(-1);
    root.replaceChildren(
      h("h2", { id: "versions-h" }, t("versions.title")),
      data.role === "coordinator" &&
        h("button", { type: "button", id: "agree-plan", onclick: () => act(base) }, t("versions.agree")),
      data.role === "citizen" && awaiting &&
        h("button", { type: "button", id: "confirm-plan", onclick: () => act(`${base}/${awaiting.number}/confirm`) },
          t("versions.confirm", { n: awaiting.number })),
      message,
      h("ul", { class: "versions" }, data.versions.map((v) =>
        h("li", { "data-version": v.number, "data-state": v.state },
          t("versions.item", { n: v.number, date: dmy(v.created), state: t("versions." + v.state) }), " ",
          h("button", { type: "button", onclick: () => pdf(data.case_id, v.number) }, t("versions.download"))))),
      ...sinceLast(data.changes),
      rating,
    );
  }

  side.append(root);
  load();
  return { reload: load };
}
