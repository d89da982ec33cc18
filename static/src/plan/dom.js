// Building DOM nodes without innerHTML: every piece of user text becomes a text node,
// so hostile text (e.g. "<img src=x onerror=…>") is shown as text and never parsed.

/**
 * Create an element. `attrs`: `text` (textContent), `class`, `on` ({event: fn}),
 * `data` ({key: value} -> data-key), `props` (set as properties), anything else via
 * setAttribute (null/false skipped, true -> ""). Children: nodes, strings, arrays, null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key === "class") el.className = value;
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "data") for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    else if (key === "props") Object.assign(el, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace all children of `el` with `children`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let counter = 0;
/** A page-unique id for label/field pairs. */
export function uid(prefix = "plan") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A labelled field: <label for=id>text</label> + control (control gets the id). */
export function field(labelText, control, hint = null) {
  const id = control.id || uid("f");
  control.id = id;
  const wrap = h("div", { class: "plan-field" }, h("label", { for: id, text: labelText }), control);
  if (hint) wrap.append(hint);
  return wrap;
}

/** A <select> with [value, label] options and one selected value. */
export function select(options, value, attrs = {}) {
  return h(
    "select",
    attrs,
    options.map(([v, label]) => h("option", { value: v, selected: v === (value ?? ""), text: label })),
  );
}
