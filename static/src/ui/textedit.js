// Editing a note's or a text's words in place: a real <textarea> over the element
// (its value is plain text, so nothing a person types is ever parsed as HTML).
import { MAX_TEXT } from "./limits.js";
import { NOTE_FILLS } from "../canvas/geometry.js";

export function makeTextEditor(renderer, editor, stage, t) {
  let open = null;
  return function editText(id, removeIfEmpty = false) {
    if (open?.id === id) return; // already open (a double tap and a dblclick both ask)
    open?.commit();
    const el = editor.elements.get(id);
    if (!el) return;
    const area = document.createElement("textarea");
    area.className = "text-edit";
    area.value = el.text || "";
    area.maxLength = MAX_TEXT;
    area.setAttribute("aria-label", t(el.type === "note" ? "canvas.note_text" : "canvas.text_text"));
    const s = renderer.view.s, [x, y] = renderer.toScreen(el.x, el.y);
    const size = el.type === "note" ? Math.max(80, Math.min(200, el.h / 6)) : el.size || 200;
    Object.assign(area.style, {
      left: x + "px", top: y + "px", fontSize: size * s + "px",
      width: (el.type === "note" ? el.w * s : Math.max(200, (el.text?.length || 10) * size * 0.6 * s)) + "px",
      height: (el.type === "note" ? el.h * s : size * 1.6 * s * Math.max(1, (el.text || "").split("\n").length)) + "px",
      padding: el.type === "note" ? 80 * s + "px" : "0",
    });
    if (el.type === "note") area.style.background = NOTE_FILLS[el.color] || NOTE_FILLS.yellow;
    renderer.hidden.add(id);
    renderer.schedule();
    stage.append(area);
    area.focus();
    const commit = () => {
      if (open?.area !== area) return;
      open = null;
      renderer.hidden.delete(id);
      area.remove();
      const text = area.value.slice(0, MAX_TEXT);
      // a note left empty is not a note: it goes, whether new or emptied
      if ((removeIfEmpty || el.type === "note") && !text.trim()) editor.remove([id]);
      else if (text !== (editor.elements.get(id)?.text ?? text)) editor.patch(id, { text });
      renderer.schedule();
    };
    open = { id, area, commit };
    area.addEventListener("blur", commit);
    area.addEventListener("keydown", (e) => {
      e.stopPropagation();
      if (e.key === "Escape" || (e.key === "Enter" && (e.ctrlKey || e.metaKey))) area.blur();
    });
  };
}
