// The board page (/board/{id}#token=…): grant, document, sync, offline copy, canvas,
// tools, presence, undo, and the plan panel (mounted once with the ctx contract).
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { IndexeddbPersistence } from "y-indexeddb";
import { Renderer } from "./canvas/render.js";
import { Editor, LOCAL } from "./canvas/edit.js";
import { Tools } from "./canvas/tools.js";
import { followPlan, newCard } from "./canvas/cards/place.js";
import { Presence } from "./canvas/presence.js";
import { buildToolbar, toolOfKey } from "./ui/toolbar.js";
import { showStatus } from "./ui/status.js";
import { screenToggle, sharedScreen } from "./ui/screen.js";
import { makeTextEditor } from "./ui/textedit.js";
import { languageSwitch } from "./ui/language.js";
import { mountPlan } from "./plan/index.js";
import { mountJoinCode } from "./access/joincode.js";
import { mountExports } from "./exports/menu.js";
import { watchAccess } from "./ui/reauth.js";
import { mountSections } from "./sections/panel.js";
import { mountVersions } from "./versions/panel.js";
import { mountBrief } from "./screen/brief.js";

const PLAN_MAPS = ["plan", "goals", "actions", "participants", "agreements", "members", "progress"];
// a person's colour (dot in Deltagere, cursor): eight hues at least 25° apart, dark enough
// for the white name on a cursor (the old list held two reds, two teals and two purples)
const PALETTE = ["#c62828", "#ef6c00", "#827717", "#2e7d32", "#00796b", "#1565c0", "#6a1b9a", "#ad1457"];

/** Who am I on this board: the server's answer, remembered for an offline reload. */
async function fetchGrant(boardId, token) {
  const key = "tavle.me." + boardId;
  try {
    const res = await fetch(`/api/boards/${encodeURIComponent(boardId)}/me`, { headers: { Authorization: "Bearer " + token } });
    if (!res.ok) return { error: res.status };
    const me = await res.json();
    localStorage.setItem(key, JSON.stringify(me));
    return me;
  } catch {
    const saved = localStorage.getItem(key);
    return saved ? JSON.parse(saved) : { error: 0 };
  }
}

/**
 * Who I am to the others on the board (my awareness `user` state, with my role). `org` is
 * the organisation the server has for my account (`/me`), so "Hvem" on another page can
 * put me in the plan's network with it; nobody types it for me, and the board itself
 * decides no right by it (docs/meeting.md, "People on the board").
 */
function stableUser(name, org) {
  let id = localStorage.getItem("tavle.user");
  if (!id) localStorage.setItem("tavle.user", (id = crypto.randomUUID()));
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return { id, name: name || "?", color: PALETTE[h % PALETTE.length], ...(org ? { org } : {}) };
}

export async function startBoard({ t, lang }) {
  const boardId = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] || "");
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  const $ = (id) => document.getElementById(id);
  languageSwitch($("lang"), t, lang);
  if (!token) return fail($("message"), t("app.no_token"));
  const grant = await fetchGrant(boardId, token);
  if (grant.error !== undefined) return fail($("message"), t(grant.error === 0 ? "conn.offline" : "app.no_access"));

  const screen = sharedScreen();
  const role = grant.role;
  const canWrite = Boolean(grant.can_write); // the shared screen is a live board too
  document.body.classList.toggle("screen", screen);
  document.body.classList.toggle("citizen", role === "citizen");
  const user = stableUser(grant.name || localStorage.getItem("tavle.name") || t("role." + grant.role), grant.org);

  const doc = new Y.Doc();
  const offline = new IndexeddbPersistence("tavle-" + boardId, doc);
  const wsBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
  const provider = new WebsocketProvider(wsBase + "/ws/boards", boardId, doc, { params: { token } });
  showStatus(provider, $("conn"), t);
  const bar = document.querySelector("header.bar");
  watchAccess({ provider, offline, boardId, token, t, role, canWrite, bar });
  const meta = doc.getMap("meta");
  const plan = doc.getMap("plan");
  const showTitle = () => {
    const title = meta.get("title") || plan.get("title") || t("app.board");
    $("title").textContent = title;
    document.title = title + " – " + t("app.name");
  };
  meta.observe(showTitle);
  plan.observe(showTitle);
  showTitle();

  const stage = $("stage");
  const canvas = $("canvas");
  canvas.setAttribute("aria-label", t("canvas.label"));
  const renderer = new Renderer(canvas, doc);
  const editor = new Editor(doc, renderer, user);
  if (canWrite) followPlan(doc, editor, LOCAL);
  const undo = new Y.UndoManager([doc.getMap("elements"), ...PLAN_MAPS.map((n) => doc.getMap(n))], {
    trackedOrigins: new Set([LOCAL, null]),
  });
  const editText = makeTextEditor(renderer, editor, stage, t);
  let refresh = () => {};
  const presence = new Presence(provider.awareness, renderer, {
    t, user, role, cursorsEl: $("cursors"), peopleEl: $("people"),
    onFollow: (name) => {
      $("following").textContent = name ? t("canvas.following", { name }) : "";
    },
  });
  const tools = new Tools(renderer, editor, {
    canWrite, undo, editText,
    laser: (x, y) => presence.laser(x, y),
    liveStroke: (live) => presence.liveStroke(live),
    cursor: (x, y) => presence.cursor(x, y),
    onChange: () => refresh(),
  });
  const ctx = {
    doc, provider, awareness: provider.awareness, t, lang, role, canWrite, user, undo,
    root: $("plan"), onAgree: null,
    canvas: {
      focusElement(id) {
        const box = renderer.items.get(id)?.box;
        if (!box) return false;
        const pad = Math.max(box[2] - box[0], box[3] - box[1]);
        renderer.showBox([box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad]);
        tools.select([id]);
        return true;
      },
      viewport: () => renderer.visibleBox(),
      addCard(ref, x, y) {
        const card = newCard(renderer, ref); // its place in the board's layout
        return editor.add(x === undefined ? card : { ...card, x: Math.round(x), y: Math.round(y) })[0];
      },
      selection: () => [...renderer.selection],
    },
  };
  const actions = {
    undo: () => undo.undo(), redo: () => undo.redo(),
    canUndo: () => undo.canUndo(), canRedo: () => undo.canRedo(),
    delete: () => { editor.remove([...renderer.selection]); tools.select([]); },
    duplicate: () => tools.select(editor.duplicate([...renderer.selection])),
    front: () => editor.toFront([...renderer.selection]),
    back: () => editor.toBack([...renderer.selection]),
    fit: () => renderer.fit(),
    zoom_in: () => renderer.zoomAt(renderer.width / 2, renderer.height / 2, 1.25),
    zoom_out: () => renderer.zoomAt(renderer.width / 2, renderer.height / 2, 0.8),
    agree: () => ctx.onAgree?.(),
    color: (hex) => { tools.color = hex; refresh(); },
    noteColor: (name) => { tools.noteColor = name; tools.setTool("note"); },
    width: (px) => { tools.width = px; refresh(); },
    eraserMode: (mode) => { tools.eraserMode = mode; tools.setTool("eraser"); },
  };
  const mode = !canWrite ? "view" : role === "citizen" ? "citizen" : "full";
  if (mode === "citizen") tools.setTool((tools.homeTool = "pen"));
  refresh = buildToolbar($("toolbar"), mode, { t, tools, actions, corner: $("corner"), labels: screen });
  undo.on("stack-item-added", () => refresh());
  undo.on("stack-item-popped", () => refresh());
  refresh();
  bindKeys(renderer, tools, actions, canWrite, mode);
  nameField($("my-name"), user, presence, Boolean(grant.name));
  summonButton($("summon"), role, presence, t);
  // the room's screen is run by a professional
  $("screen-toggle").hidden = !["coordinator", "professional"].includes(role);
  screenToggle($("screen-toggle"), t);
  if (screen) {
    // beside the board: the meeting codes (a corner card), the plan in brief, the agreeing
    $("brief").hidden = false;
    mountJoinCode($("join-code"), { t, lang, showButton: $("show-code"), awareness: provider.awareness });
    mountBrief($("brief-plan"), { doc, t });
    mountVersions($("brief"), { boardId, token, t, lang, doc, canWrite, role, brief: true });
  } else {
    mountExports(bar, { boardId, token, t, lang, title: () => $("title").textContent });
    sideToggle($("side-toggle"), boardId, t);
    if (grant.kind === "team") teamBoardSide(t); // a team board holds case cards, not a plan
    else mountPlan(ctx);
    mountSections($("side"), { boardId, token, t, user, canWrite });
    mountVersions($("side"), { boardId, token, t, lang, doc, canWrite, role });
  }
  // a hook for tests and the benchmark; `ready` once the offline copy and the server are in
  const hook = (window.__tavle = { doc, provider, renderer, editor, tools, presence, undo, ctx, Y, ready: false });
  offline.once("synced", () => renderer.fit());
  await Promise.all([offline.whenSynced, new Promise((ok) => provider.once("sync", ok))]);
  renderer.fit();
  hook.ready = true;
}

/** A team board has no plan: no plan section, and the skip link goes to the board itself. */
function teamBoardSide(t) {
  document.getElementById("plan").hidden = true;
  const skip = document.querySelector("a.skip");
  if (skip) {
    skip.href = "#canvas";
    skip.textContent = t("site.skip");
  }
}

function fail(el, text) {
  el.textContent = text;
  el.hidden = false;
}

/** The name others see on my cursor; editable when the server gave none. */
function nameField(input, user, presence, fixed) {
  input.value = user.name;
  input.readOnly = fixed;
  input.addEventListener("change", () => {
    const name = input.value.trim().slice(0, 200);
    if (!name) return;
    user.name = name;
    localStorage.setItem("tavle.name", name);
    presence.setUser(user);
  });
}

function summonButton(b, role, presence, t) {
  b.hidden = role !== "coordinator";
  b.textContent = t("canvas.summon");
  b.addEventListener("click", () => presence.summonAll());
}

/** "Skjul planen" folds the side panel away (the board gets the room); one tap brings it
 * back. Remembered per board on this device. */
function sideToggle(b, boardId, t) {
  const key = "tavle.folded." + boardId;
  const set = (folded) => {
    document.body.classList.toggle("side-folded", folded);
    b.setAttribute("aria-expanded", String(!folded));
    b.textContent = t(folded ? "app.show_panel" : "app.hide_panel");
    if (folded) localStorage.setItem(key, "1");
    else localStorage.removeItem(key);
  };
  b.hidden = false;
  b.addEventListener("click", () => set(!document.body.classList.contains("side-folded")));
  set(localStorage.getItem(key) === "1");
}


/** Keyboard: + − arrows 0 for the view; Ctrl+Z / Ctrl+Shift+Z; Delete; Ctrl+D; Escape;
 * a letter for each tool (toolbar.js SHORTCUTS, shown in the tooltips). */
function bindKeys(renderer, tools, actions, canWrite, mode) {
  window.addEventListener("keydown", (e) => {
    const target = e.target;
    if (target.closest?.("input, textarea, select, [contenteditable], #plan")) return;
    const mod = e.ctrlKey || e.metaKey;
    const step = 80;
    const keys = {
      "+": actions.zoom_in, "=": actions.zoom_in, "-": actions.zoom_out, "0": actions.fit,
      ArrowLeft: () => renderer.panBy(step, 0), ArrowRight: () => renderer.panBy(-step, 0),
      ArrowUp: () => renderer.panBy(0, step), ArrowDown: () => renderer.panBy(0, -step),
      Escape: () => tools.select([]),
    };
    if (e.key === " ") tools.spaceHeld = true;
    if (mod && e.key.toLowerCase() === "z" && canWrite) {
      (e.shiftKey ? actions.redo : actions.undo)();
    } else if (mod && e.key.toLowerCase() === "y" && canWrite) {
      actions.redo();
    } else if (mod && e.key.toLowerCase() === "d" && canWrite) {
      actions.duplicate();
    } else if ((e.key === "Delete" || e.key === "Backspace") && canWrite && renderer.selection.size) {
      actions.delete();
    } else if (!mod && keys[e.key]) {
      keys[e.key]();
    } else if (!mod && !e.altKey && e.key.length === 1 && toolOfKey(e.key, mode)) {
      tools.setTool(toolOfKey(e.key, mode));
    } else return;
    e.preventDefault();
  });
  window.addEventListener("keyup", (e) => {
    if (e.key === " ") tools.spaceHeld = false;
  });
}
