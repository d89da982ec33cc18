// The plan panel and the plain list view (owned by the plan client work).
// Contract: the board page calls mountPlan(ctx) once the board document exists.
// ctx = { doc, provider, awareness, t, lang, role, canWrite, user: {id, name, color}, root,
//         canvas: {focusElement(id), viewport(), addCard(ref, x, y), selection()} }
// On every change the plan is read again from the Y document and the DOM updated in place,
// so the panel, the list view and the canvas cards (which read the same maps) stay live.
import { h, morphChildren } from "./dom.js";
import { readPlan, agree, isProposal } from "./model.js";
import { isDragging } from "./drag.js";
import { renderPanel } from "./panel.js";
import { renderList } from "./listview.js";

const WATCHED = ["plan", "goals", "actions", "participants", "agreements"];
const STYLE_HREF = "/static/plan.css";

function loadStyle(doc) {
  if (doc.querySelector(`link[href="${STYLE_HREF}"]`)) return;
  doc.head.append(h("link", { rel: "stylesheet", href: STYLE_HREF }));
}

/** The focus key of the focused control, so a re-draw can give focus back to its twin. */
function focusedKey(root) {
  const active = root.ownerDocument.activeElement;
  return active && root.contains(active) ? active.dataset.focus || null : null;
}

function restoreFocus(root, key) {
  if (!key) return;
  const el = root.querySelector(`[data-focus="${CSS.escape(key)}"]`);
  if (!el) return;
  // "Flyt ned" on the last place is disabled after the move: its neighbour takes the focus
  const target = el.disabled ? el.parentElement.querySelector("button:not(:disabled)") : el;
  target?.focus({ preventScroll: true });
}

/** The citizen's toolbar "Enig" on the canvas: agree to the selected cards' proposals. */
function agreeToSelection(ctx) {
  if (ctx.role !== "citizen" || typeof ctx.canvas?.selection !== "function") return;
  const elements = ctx.doc.getMap("elements");
  const maps = { goal: "goals", action: "actions" };
  ctx.doc.transact(() => {
    for (const id of ctx.canvas.selection()) {
      const ref = elements.get(id)?.ref;
      const mapName = maps[ref?.kind];
      const item = mapName && ctx.doc.getMap(mapName).get(ref.id);
      if (item && isProposal(item)) agree(ctx.doc, mapName, ref.id);
    }
  });
}

export function mountPlan(ctx) {
  const { t, root } = ctx;
  const pc = {
    ...ctx,
    canWrite: ctx.canWrite ?? ctx.role !== "observer",
    lang: ctx.lang || "da",
    memberFilter: "", // family plans: "" everyone, else a member id
  };
  loadStyle(root.ownerDocument);
  root.classList.add("plan-root");

  const listId = "plan-list-view";
  const toggle = h("button", {
    type: "button", class: "plan-btn plan-toggle", "aria-pressed": "false", "aria-controls": listId,
    data: { focus: "list-toggle", plan: "list-toggle" }, text: t("plan.show_list"),
  });
  const title = h("p", { class: "plan-title", text: t(ctx.role === "citizen" ? "plan.your_plan" : "plan.citizens_plan") });
  const panel = h("div", { class: "plan-panel" });
  const listHeading = h("h2", { class: "plan-title", tabindex: "-1", text: t("plan.list_title") });
  const listBody = h("div");
  const list = h("section", { id: listId, class: "plan-list", hidden: true, "aria-label": t("plan.list_title") }, listHeading, listBody);
  root.append(h("div", { class: "plan-bar" }, title, toggle), panel, list);

  let pending = false;
  const draw = () => {
    pending = false;
    if (isDragging()) return void setTimeout(schedule, 100);
    const plan = readPlan(ctx.doc);
    const key = focusedKey(root);
    // only the view on screen is drawn; the other is drawn when it is switched to
    if (!panel.hidden) morphChildren(panel, h("div", {}, renderPanel(pc, plan)));
    if (!list.hidden) morphChildren(listBody, h("div", {}, renderList(pc, plan)));
    restoreFocus(root, key);
  };
  const schedule = () => {
    if (pending) return;
    pending = true;
    setTimeout(draw, 0);
  };
  for (const name of WATCHED) ctx.doc.getMap(name).observe(schedule);
  toggle.addEventListener("click", () => {
    const showList = list.hidden;
    list.hidden = !showList;
    panel.hidden = showList;
    title.hidden = showList;
    toggle.setAttribute("aria-pressed", String(showList));
    draw();
    if (showList) listHeading.focus();
  });

  pc.redraw = draw;
  ctx.onAgree = () => agreeToSelection(pc);
  draw();
}
