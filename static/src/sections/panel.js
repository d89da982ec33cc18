// Restricted sections ("Kun for udvalgte") on the board page. Each section the server
// lets this caller open is its own Y document, room "{board_id}:{scope}", synced over a
// second WebsocketProvider with the same token. Its notes are plain `note` objects in
// the section doc's `elements` map (the same shape as on the board, so the server's
// board guard checks them too). Never mounted on the shared screen.
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { h } from "../access/dom.js";
import { loadStyles } from "../exports/styles.js";

const CLOSED = new Set([4401, 4403, 4404]); // the section was taken away: stop, hide it

/** Fetch the caller's sections and add one panel per section to `side`. */
export async function mountSections(side, { boardId, token, t, user, canWrite }) {
  let sections = [];
  try {
    const res = await fetch(`/api/boards/${encodeURIComponent(boardId)}/sections`, {
      headers: { Authorization: "Bearer " + token },
    });
    if (res.ok) sections = (await res.json()).sections || [];
  } catch {
    return []; // offline: sections open when the page is loaded online
  }
  if (sections.length) loadStyles();
  return sections.map((section) => sectionPanel(side, section, { token, t, user, canWrite }));
}

function sectionPanel(side, { scope, title, room }, { token, t, user, canWrite }) {
  const doc = new Y.Doc();
  const wsBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
  const provider = new WebsocketProvider(wsBase + "/ws/boards", room, doc, { params: { token } });
  const notes = doc.getMap("elements");
  const headingId = "section-h-" + scope;
  const list = h("ul", { "aria-live": "polite" });
  const panel = h("section", { class: "section-panel", "data-scope": scope, "aria-labelledby": headingId },
    h("h2", { id: headingId }, `${t("sections.title")}: ${title}`), list);
  if (canWrite) panel.append(noteForm(scope, t, (text) => addNote(doc, notes, text, user)));
  side.append(panel);

  const show = () => {
    const items = [...notes.values()]
      .filter((el) => el && el.type === "note")
      .sort((a, b) => (a.created || 0) - (b.created || 0));
    list.replaceChildren(...(items.length
      ? items.map((n) => h("li", { "data-id": n.id }, n.text || ""))
      : [h("li", { class: "empty" }, t("sections.empty"))]));
  };
  notes.observe(show);
  show();
  provider.on("connection-close", (event) => {
    if (!event || !CLOSED.has(event.code)) return;
    provider.destroy();
    doc.destroy();
    panel.remove();
  });
  return { scope, doc, provider, panel };
}

function noteForm(scope, t, add) {
  const id = "section-note-" + scope;
  const text = h("textarea", { id, maxlength: 2000, required: true });
  const form = h("form", {}, h("label", { for: id }, t("sections.note_label")), text,
    h("button", { type: "submit" }, t("sections.add")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    add(value);
    text.value = "";
  });
  return form;
}

/** A note in the section: below the others, the same object shape as a board note. */
function addNote(doc, notes, text, user) {
  const id = crypto.randomUUID();
  const z = Math.max(0, ...[...notes.values()].map((n) => n.z || 0)) + 1;
  doc.transact(() => {
    notes.set(id, {
      id, type: "note", x: 0, y: (z - 1) * 1400, w: 2200, h: 1200, text, color: "yellow", z,
      author: user.name, created: Date.now(),
    });
  });
}
