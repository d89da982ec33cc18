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
    else if (key === "on") {
      el.planOn = { ...value };
      for (const ev of Object.keys(value)) listen(el, ev);
    }
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

/**
 * Event handlers live in `el.planOn` behind one dispatcher per event type, so that
 * `morph` can hand an element that stays on the page the handlers of its fresh twin.
 */
function listen(el, ev) {
  el.planEvents ??= new Set();
  if (el.planEvents.has(ev)) return;
  el.planEvents.add(ev);
  el.addEventListener(ev, (e) => el.planOn?.[ev]?.(e));
}

const keyOf = (n) => (n.nodeType === Node.ELEMENT_NODE && n.dataset.id ? `${n.tagName}#${n.dataset.id}` : null);
const alike = (a, b) => a.nodeType === b.nodeType && a.nodeName === b.nodeName;

/** Make `old` look and behave like `fresh` (same tag), changing only what differs. */
function morph(old, fresh) {
  if (old.nodeType !== Node.ELEMENT_NODE) {
    if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
    return;
  }
  for (const { name } of [...old.attributes]) if (!fresh.hasAttribute(name)) old.removeAttribute(name);
  for (const { name, value } of fresh.attributes) if (old.getAttribute(name) !== value) old.setAttribute(name, value);
  old.planOn = fresh.planOn;
  for (const ev of Object.keys(fresh.planOn || {})) listen(old, ev);
  morphChildren(old, fresh);
  if (old.tagName === "SELECT" && old.value !== fresh.value) old.value = fresh.value;
}

/**
 * Update `parent`'s children in place to match `fresh`'s: elements with `data-id` are
 * matched by id, others by position. Nodes that stay keep focus, scroll position and a
 * screen reader's place while others edit the plan.
 */
export function morphChildren(parent, fresh) {
  const wanted = new Set([...fresh.childNodes].map(keyOf).filter(Boolean));
  const keyed = new Map();
  for (const c of [...parent.childNodes]) {
    const k = keyOf(c);
    if (k && !wanted.has(k)) c.remove(); // gone: removing it first keeps the rest in place
    else if (k) keyed.set(k, c);
  }
  let cursor = parent.firstChild;
  for (const f of [...fresh.childNodes]) {
    const k = keyOf(f);
    let match = null;
    if (k) {
      match = keyed.get(k) ?? null;
      keyed.delete(k);
    } else if (cursor && !keyOf(cursor) && alike(cursor, f)) {
      match = cursor;
    }
    if (!match) {
      parent.insertBefore(f, cursor);
      continue;
    }
    if (match === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(match, cursor);
    morph(match, f);
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
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
