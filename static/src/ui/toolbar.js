// The toolbar: labelled <button>s only (keyboard reachable, ≥ 44 px), built for the
// person's mode: full for professionals, a few large ones for the citizen, none to edit
// for observers and the shared screen.

export const COLOURS = { navy: "#1d3557", red: "#e63946", green: "#2a9d8f", orange: "#f4a261", purple: "#6a4c93", black: "#000000" };
export const NOTE_COLOURS = ["yellow", "pink", "blue", "green", "orange", "purple", "white"];
export const WIDTHS = { thin: 2, medium: 4, thick: 8 };
const ICONS = {
  select: "⬉", hand: "✥", pen: "✎", highlighter: "▌", eraser: "⌫", rect: "▭", ellipse: "◯", line: "╱",
  arrow: "➝", connector: "⤳", note: "▤", text: "T", laser: "✦", undo: "↶", redo: "↷", delete: "✕",
  duplicate: "❐", front: "⬆", back: "⬇", fit: "⤢", zoom_in: "+", zoom_out: "−", agree: "✓",
};
const FULL_TOOLS = ["select", "hand", "pen", "highlighter", "eraser", "rect", "ellipse", "line", "arrow", "connector", "note", "text", "laser"];
const VIEW_TOOLS = ["select", "hand", "laser"];

function button(key, label, onClick, extra = {}) {
  const b = document.createElement("button");
  b.type = "button";
  b.dataset.key = key;
  const icon = document.createElement("span");
  icon.className = "icon";
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = extra.icon ?? ICONS[key] ?? "";
  const text = document.createElement("span");
  text.className = "label";
  text.textContent = label;
  b.append(icon, text);
  if (extra.swatch) {
    icon.style.background = extra.swatch;
    icon.classList.add("swatch");
  }
  b.addEventListener("click", onClick);
  return b;
}

function group(t, labelKey, children, onlyFor = null) {
  const g = document.createElement("div");
  if (onlyFor) g.dataset.for = onlyFor;
  g.className = "group";
  g.setAttribute("role", "group");
  g.setAttribute("aria-label", t(labelKey));
  g.append(...children);
  return g;
}

/** Fill `root` with the toolbar for `mode` ("full" | "citizen" | "view"); returns refresh(). */
export function buildToolbar(root, mode, { t, tools, actions }) {
  root.setAttribute("aria-label", t("tools.toolbar"));
  root.dataset.mode = mode;
  const toolButtons = (names) => names.map((n) => button(n, t("tools." + n), () => tools.setTool(n)));
  const act = (k) => button(k, k === "agree" ? t("plan.agree") : t("tools." + k), () => actions[k]());
  const groups = [];
  if (mode === "citizen") {
    groups.push(group(t, "tools.toolbar", [...toolButtons(["pen", "note"]), act("agree"), act("undo")]));
  } else if (mode === "view") {
    groups.push(group(t, "tools.toolbar", toolButtons(VIEW_TOOLS)), group(t, "tools.view", ["zoom_in", "zoom_out", "fit"].map(act)));
  } else {
    groups.push(
      group(t, "tools.toolbar", toolButtons(FULL_TOOLS)),
      group(t, "tools.eraser", [
        button("erase_part", t("tools.erase_part"), () => actions.eraserMode("part"), { icon: "◐" }),
        button("erase_whole", t("tools.erase_whole"), () => actions.eraserMode("whole"), { icon: "●" }),
      ], "eraser"),
      group(t, "tools.color", Object.entries(COLOURS).map(([name, hex]) =>
        button("color-" + name, t("tools.color." + name), () => actions.color(hex), { swatch: hex, icon: "" }))),
      group(t, "tools.note_color", NOTE_COLOURS.map((name) =>
        button("note-" + name, t("tools.note." + name), () => actions.noteColor(name), { swatch: `var(--note-${name})`, icon: "" })), "note"),
      group(t, "tools.width", Object.entries(WIDTHS).map(([name, px]) =>
        button("width-" + name, t("tools." + name), () => actions.width(px), { icon: { thin: "─", medium: "━", thick: "▬" }[name] }))),
      group(t, "tools.edit", ["undo", "redo", "delete", "duplicate", "front", "back"].map(act)),
      group(t, "tools.view", ["zoom_in", "zoom_out", "fit"].map(act)),
    );
  }
  root.replaceChildren(...groups);
  return function refresh() {
    root.dataset.tool = tools.tool;
    for (const b of root.querySelectorAll("button")) {
      const k = b.dataset.key;
      let on = null;
      if (FULL_TOOLS.includes(k)) on = tools.tool === k;
      else if (k.startsWith("color-")) on = COLOURS[k.slice(6)] === tools.color;
      else if (k.startsWith("note-")) on = k.slice(5) === tools.noteColor;
      else if (k.startsWith("width-")) on = WIDTHS[k.slice(6)] === tools.width;
      else if (k.startsWith("erase_")) on = tools.eraserMode === k.slice(6);
      if (on !== null) b.setAttribute("aria-pressed", String(on));
    }
    const sel = tools.r.selection.size > 0;
    for (const k of ["delete", "duplicate", "front", "back"]) {
      const b = root.querySelector(`[data-key="${k}"]`);
      if (b) b.disabled = !sel;
    }
    const undo = root.querySelector('[data-key="undo"]'), redo = root.querySelector('[data-key="redo"]');
    if (undo) undo.disabled = !actions.canUndo();
    if (redo) redo.disabled = !actions.canRedo();
  };
}
