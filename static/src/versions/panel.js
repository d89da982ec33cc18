// "Aftalt plan" on the board page: the citizen's list of proposals ("Enig" on each, then
// "Enig i det hele"), the coordinator's "Godkend planen", the citizen's confirmation on
// their own device, the list of versions (each as PDF), "Siden sidst" and the rating.
// Live: the server writes meta.agreement when a version is made or confirmed, and every
// open page re-reads the panel (no reload). The server enforces the roles; this panel
// only shows the buttons that will work.
import { call } from "../access/api.js";
import { h } from "../access/dom.js";
import { dmy } from "../team/chart.js";
import { mountProgress } from "./progress.js";
import { proposalList } from "./proposals.js";

/** Mount the panel into `side` for a case board (nothing for other boards or offline);
 * `brief`: only where the agreeing stands and the one button (the shared screen). */
export function mountVersions(side, { boardId, token, t, lang, doc, canWrite, role, brief = false }) {
  const root = h("section", { id: "versions", "aria-labelledby": "versions-h", "aria-live": "polite" });
  const auth = { Authorization: "Bearer " + token };
  const get = (path) => fetch(path, { headers: auth });
  let data = null;

  async function load() {
    let res;
    try {
      res = await get(`/api/boards/${encodeURIComponent(boardId)}/agreement`);
    } catch {
      return; // offline: the board works without this panel
    }
    const answer = res.ok ? await res.json() : { case_id: null };
    if (!answer.case_id) return root.remove(); // a board that is no case (or no right to see)
    if (!brief && !rating.isConnected) mountProgress(rating, { doc, scale: answer.scale, t, canWrite });
    data = answer;
    render();
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
    if (!res.ok) return (message.textContent = t("versions.download_failed"));
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

  /** Where the agreeing stands, in one line and at most one button for this role. */
  function step(base, awaiting, last) {
    const confirm = () => act(`${base}/${awaiting.number}/confirm`);
    if (awaiting && data.role === "citizen") {
      return [
        h("p", { class: "agree-state", "data-state": "awaiting_citizen", tabindex: "-1" }, t("versions.ask_citizen")),
        h("button", { type: "button", id: "confirm-plan", class: "agree-main", onclick: confirm }, t("versions.confirm")),
      ];
    }
    const state = awaiting ? "awaiting_citizen" : last?.state === "agreed" ? "agreed" : "none";
    const line = h("p", { class: "agree-state", "data-state": state, tabindex: "-1" }, t("versions.state." + state));
    if (data.role !== "coordinator" || awaiting) return [line]; // one version waits at a time
    return [line, h("button", { type: "button", id: "agree-plan", class: "agree-main", onclick: () => act(base) }, t("versions.agree"))];
  }

  function render() {
    if (!data) return;
    const base = `/api/cases/${encodeURIComponent(data.case_id)}/versions`;
    const awaiting = data.versions.filter((v) => v.state === "awaiting_citizen").at(-1);
    const citizenLists = data.role === "citizen" && canWrite && !awaiting;
    const hadFocus = root.contains(document.activeElement);
    root.replaceChildren(...[
      h("h2", { id: "versions-h" }, t("versions.title")),
      citizenLists ? proposalList(doc, t) : null,
      ...step(base, awaiting, data.versions.at(-1)),
      message,
      ...(brief ? [] : details()),
    ].filter(Boolean));
    // a tap on "Enig" redraws the list: the focus goes on to what is left to agree
    if (hadFocus) root.querySelector(".agree-one, #agree-all, #confirm-plan, .agree-state")?.focus();
  }

  /** The versions (each as PDF), "Siden sidst" and the rating: not on the shared screen. */
  function details() {
    return [
      data.versions.length ? h("ul", { class: "versions" }, data.versions.map((v) =>
        h("li", { "data-version": v.number, "data-state": v.state },
          t("versions.item", { n: v.number, date: dmy(v.created), state: t("versions." + v.state) }), " ",
          h("button", { type: "button", onclick: () => pdf(data.case_id, v.number) }, t("versions.download"))))) : null,
      ...sinceLast(data.changes),
      rating,
    ];
  }

  // the server's live signal, and the citizen's list follows every change of the plan
  doc.getMap("meta").observe((event) => {
    if (event.keysChanged.has("agreement")) load();
  });
  for (const name of ["goals", "actions"]) doc.getMap(name).observe(() => role === "citizen" && render());
  if (role === "citizen") side.prepend(root);
  else side.append(root);
  load();
  return { reload: load };
}
