// The toolbar: labelled <button>s only (keyboard reachable, ≥ 44 px), built for the
// person's mode. Professionals get ONE row: the tools grouped (Vælg; Pen,
// Overstregningspen, Viskelæder; the shapes under one "Figur" menu; Seddel, Tekst, Streg
// mellem kort, Laserpen), then only the options of the chosen tool (colour and width while
// drawing). Undo, redo and zoom sit in a small corner group on the board. Labels show on
// the shared screen; elsewhere they are tooltips with the keyboard shortcut (and stay the
// buttons' accessible names). The citizen gets four large labelled buttons.

export const COLOURS = { navy: "#1d3557", red: "#e63946", green: "#2a9d8f", orange: "#f4a261", purple: "#6a4c93", black: "#000000" };
export const NOTE_COLOURS = ["yellow", "pink", "blue", "green", "orange", "purple", "white"];
export const WIDTHS = { thin: 2, medium: 4, thick: 8 };
const ICONS = {
  select: "⬉", hand: "✥", pen: "✎", highlighter: "▌", eraser: "⌫", rect: "▭", ellipse: "◯", line: "╱",
  arrow: "➝", connector: "⤳", note: "▤", text: "T", laser: "✦", undo: "↶", redo: "↷", delete: "✕",
  duplicate: "❐", front: "⬆", back: "⬇", fit: "⤢", zoom_in: "+", zoom_out: "−", agree: "✓", shape: "◇",
};
/** Keyboard shortcuts of the tools (a letter) and of the actions (as shown in tooltips). */
export const SHORTCUTS = {
  select: "V", hand: "H", pen: "P", highlighter: "M", eraser: "E", rect: "R", ellipse: "O", line: "L",
  arrow: "A", connector: "C", note: "N", text: "T", laser: "K",
  undo: "Ctrl+Z", redo: "Ctrl+Shift+Z", delete: "Delete", duplicate: "Ctrl+D", zoom_in: "+", zoom_out: "−", fit: "0",
};
export const SHAPES = ["rect", "ellipse", "line", "arrow"];
const ROW = [["select"], ["pen", "highlighter", "eraser"], ["shape"], ["note", "text", "connector", "laser"]];
const TOOLS = ["select", "hand", "pen", "highlighter", "eraser", ...SHAPES, "connector", "note", "text", "laser"];
const DRAWING = new Set(["pen", "highlighter", ...SHAPES, "connector", "text"]);
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
  if (SHORTCUTS[key]) b.title = `${label} (${SHORTCUTS[key]})`;
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

/** A run of related tools, set off from the next by a gap (no role: one toolbar group). */
function part(children) {
  const d = document.createElement("div");
  d.className = "part";
  d.append(...children);
  return d;
}

/** "Figur": one button that opens the four shapes; it shows the shape last chosen. */
function shapeMenu(t, tools) {
  const wrap = document.createElement("div");
  wrap.className = "shape-menu";
  const menu = document.createElement("div");
  menu.id = "shape-menu";
  menu.className = "menu";
  menu.hidden = true;
  menu.setAttribute("role", "group");
  menu.setAttribute("aria-label", t("tools.shape"));
  const open = (yes) => {
    menu.hidden = !yes;
    opener.setAttribute("aria-expanded", String(yes));
  };
  const opener = button("shape", t("tools.shape"), () => open(menu.hidden));
  opener.title = `${t("tools.shape")} (${SHAPES.map((s) => SHORTCUTS[s]).join(", ")})`;
  opener.setAttribute("aria-expanded", "false");
  opener.setAttribute("aria-controls", menu.id);
  for (const s of SHAPES) {
    menu.append(button(s, t("tools." + s), () => {
      tools.setTool(s);
      open(false);
    }));
  }
  menu.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      open(false);
      opener.focus();
    }
  });
  wrap.append(opener, menu);
  return wrap;
}

/** Fill `root` (and the `corner` group on the board) for `mode` ("full" | "citizen" |
 * "view"); `labels`: show the words under the icons (the shared screen). Returns refresh(). */
export function buildToolbar(root, mode, { t, tools, actions, corner, labels = false }) {
  root.setAttribute("aria-label", t("tools.toolbar"));
  root.dataset.mode = mode;
  root.dataset.labels = String(labels || mode === "citizen");
  const toolButtons = (names) => names.map((n) => button(n, t("tools." + n), () => tools.setTool(n)));
  const act = (k) => button(k, k === "agree" ? t("plan.agree") : t("tools." + k), () => actions[k]());
  const groups = [];
  let cornerKeys = ["zoom_out", "fit", "zoom_in"];
  if (mode === "citizen") {
    groups.push(group(t, "tools.toolbar", [...toolButtons(["pen", "note"]), act("agree"), act("undo")]));
    cornerKeys = [];
  } else if (mode === "view") {
    groups.push(group(t, "tools.toolbar", toolButtons(VIEW_TOOLS)));
  } else {
    cornerKeys = ["undo", "redo", ...cornerKeys];
    groups.push(
      group(t, "tools.toolbar", ROW.map((names) =>
        names[0] === "shape" ? shapeMenu(t, tools) : part(toolButtons(names)))),
      group(t, "tools.eraser", [
        button("erase_part", t("tools.erase_part"), () => actions.eraserMode("part"), { icon: "◐" }),
        button("erase_whole", t("tools.erase_whole"), () => actions.eraserMode("whole"), { icon: "●" }),
      ], "eraser"),
      group(t, "tools.color", Object.entries(COLOURS).map(([name, hex]) =>
        button("color-" + name, t("tools.color." + name), () => actions.color(hex), { swatch: hex, icon: "" })), "draw"),
      group(t, "tools.width", Object.entries(WIDTHS).map(([name, px]) =>
        button("width-" + name, t("tools." + name), () => actions.width(px), { icon: { thin: "─", medium: "━", thick: "▬" }[name] })), "draw"),
      group(t, "tools.note_color", NOTE_COLOURS.map((name) =>
        button("note-" + name, t("tools.note." + name), () => actions.noteColor(name), { swatch: `var(--note-${name})`, icon: "" })), "note"),
      group(t, "tools.edit", ["delete", "duplicate", "front", "back"].map(act), "selection"),
    );
  }
  for (const g of groups) g.classList.add("row");
  root.replaceChildren(...groups);
  if (corner) {
    corner.setAttribute("role", "group");
    corner.setAttribute("aria-label", t("tools.view"));
    corner.dataset.labels = String(labels);
    corner.replaceChildren(...cornerKeys.map(act));
    corner.hidden = !cornerKeys.length;
  }
  const all = () => [...root.querySelectorAll("button"), ...(corner ? corner.querySelectorAll("button") : [])];
  return function refresh() {
    const tool = tools.tool;
    const sel = tools.r.selection.size > 0;
    root.dataset.tool = tool;
    root.dataset.kind = DRAWING.has(tool) ? "draw" : tool === "select" && sel ? "selection" : tool;
    for (const b of all()) {
      const k = b.dataset.key;
      let on = null;
      if (TOOLS.includes(k)) on = tool === k;
      else if (k === "shape") on = SHAPES.includes(tool);
      else if (k.startsWith("color-")) on = COLOURS[k.slice(6)] === tools.color;
      else if (k.startsWith("note-")) on = k.slice(5) === tools.noteColor;
      else if (k.startsWith("width-")) on = WIDTHS[k.slice(6)] === tools.width;
      else if (k.startsWith("erase_")) on = tools.eraserMode === k.slice(6);
      if (on !== null) b.setAttribute("aria-pressed", String(on));
      if (k === "shape" && SHAPES.includes(tool)) b.querySelector(".icon").textContent = ICONS[tool];
      if (["delete", "duplicate", "front", "back"].includes(k)) b.disabled = !sel;
      if (k === "undo") b.disabled = !actions.canUndo();
      if (k === "redo") b.disabled = !actions.canRedo();
    }
  };
}

/** The tool of a shortcut letter (case ignored), or undefined. */
export function toolOfKey(key, mode) {
  const names = mode === "full" ? TOOLS : mode === "view" ? VIEW_TOOLS : [];
  return names.find((n) => SHORTCUTS[n] === key.toUpperCase());
}
