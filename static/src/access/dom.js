// Building DOM without HTML strings: user text only ever goes through textContent or
// attribute values, so a name like <img onerror=…> is shown, never run.

/** h("li", {class: "x", onclick: fn}, child, "text") → element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A labelled input: returns [label, input]. */
export function field(id, label, attrs = {}) {
  return [h("label", { for: id }, label), h("input", { id, name: id, ...attrs })];
}

/** ISO time → "07-12-2026 kl. 10.00" in Danish time (dates shown dd-mm-yyyy). */
export function when(iso, lang) {
  const d = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("da-DK", {
      timeZone: "Europe/Copenhagen", day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(d).map((p) => [p.type, p.value]),
  );
  const clock = lang === "en" ? `${parts.hour}:${parts.minute}` : `kl. ${parts.hour}.${parts.minute}`;
  return `${parts.day}-${parts.month}-${parts.year} ${clock}`;
}
