// The board canvas: keeps a cache of elements with their boxes in a grid index,
// redraws at most once per animation frame, and only what the viewport shows.
import { bounds, boxEdgePoint, Grid, intersects, NOTE_FILLS } from "./geometry.js";
import { HIGHLIGHTER_ALPHA, strokePath } from "./freehand.js";
import { readable } from "./ink.js";
import { boardPlan, cardSize, cardWords, drawCard, fontsReady, relations, RELATION } from "./cards/index.js";
import { wrap as wrapText } from "./cards/layout.js";
import { fontOf, LINE_HEIGHT, measure, plainText } from "./cards/spec.js";

const MIN_S = 0.005, MAX_S = 2;
const CACHE_OVER_MS = 8; // full frames slower than this are cached for view-only frames
const IDLE_MS = 250;
const FONT = "system-ui, sans-serif";
const MIN_TEXT_PX = 12; // semantic zoom: no board text is drawn smaller on screen
const FOLLOW_MS = 300; // a fitted view takes in what was added outside it this long after

export class Renderer {
  constructor(canvas, doc) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.doc = doc;
    this.elements = doc.getMap("elements");
    this.view = { ox: -200, oy: -200, s: 0.1 }; // s: screen px per board unit
    this.items = new Map(); // id -> {el, box, path, lines}
    this.connectors = new Set();
    this.cards = new Set();    // ids of card elements: their size follows the plan
    this.planCache = null;
    this.grid = new Grid();
    this.culling = true;
    this.selection = new Set();
    this.live = [];            // elements being drawn, not yet in the doc
    this.peerLive = new Map(); // id -> item: strokes others are drawing (from awareness)
    this.overlays = [];        // fn(ctx, renderer) drawn in board space after elements
    this.afterDraw = [];       // fn(renderer) after each frame (DOM overlays)
    this.viewListeners = [];   // fn(view) when the viewport changes
    this.hidden = new Set();   // ids hidden while edited in place
    this.pending = false;
    this.frames = 0;
    this.lastDrawMs = 0;
    this.width = 0;
    this.height = 0;
    this.fitted = false;       // showing the whole board: keep showing it as it grows
    this.following = null;     // the timer of that
    this.pressed = 0;          // pointers down on the canvas: the view holds still under them
    canvas.addEventListener("pointerdown", () => this.pressed++);
    for (const type of ["pointerup", "pointercancel"]) {
      window.addEventListener(type, () => {
        this.pressed = Math.max(0, this.pressed - 1);
        if (this.pressed === 0) this.follow();
      });
    }
    this.elements.forEach((el, id) => this.put(id, el));
    this.elements.observe((ev) => {
      ev.changes.keys.forEach((change, id) => {
        if (change.action === "delete") this.drop(id);
        else this.put(id, this.elements.get(id));
      });
      this.schedule();
      this.follow();
    });
    for (const name of ["plan", "goals", "actions", "participants", "agreements", "members", "cases"]) {
      doc.getMap(name).observe(() => this.planChanged());
    }
    fontsReady.then(() => this.planChanged()); // measured again with the card font
    new ResizeObserver(() => this.resize()).observe(canvas.parentElement);
    this.resize();
  }

  /** The plan as the cards read it, read again only after the plan changed. */
  plan() {
    if (!this.planCache) this.planCache = boardPlan(this.doc);
    return this.planCache;
  }

  /** Cards grow with their text: a plan change may change their boxes. */
  planChanged() {
    this.planCache = null;
    for (const id of [...this.cards]) this.put(id, this.items.get(id).el);
    this.schedule();
    this.follow();
  }

  /**
   * A view showing the whole board (fit) takes in a card or stroke that lands outside it —
   * one placed by someone else, in the room or on a tablet — a moment after the last
   * change, never under a pressed pointer. A view someone zoomed or panned stays theirs.
   */
  follow() {
    if (!this.fitted || this.following) return;
    this.following = setTimeout(() => {
      this.following = null;
      if (!this.fitted || this.pressed) return;
      const box = this.contentBox(), seen = this.visibleBox();
      if (box && (box[0] < seen[0] || box[1] < seen[1] || box[2] > seen[2] || box[3] > seen[3])) this.fit();
    }, FOLLOW_MS);
  }

  put(id, stored) {
    this.drop(id);
    const el = readable(stored); // a format 2 stroke with its points (ink.js)
    if (!el || typeof el !== "object") return;
    if (el.type === "connector") {
      this.connectors.add(id);
      this.items.set(id, { el, box: null });
      return;
    }
    let box = bounds(el);
    if (box && el.type === "card") {
      const [w, h] = cardSize(el, this.plan());
      box = [el.x, el.y, el.x + w, el.y + h];
    }
    if (!box || !box.every(Number.isFinite)) return;
    this.items.set(id, { el, box, path: null, lines: null });
    if (el.type === "card") this.cards.add(id);
    this.grid.insert(id, box);
  }

  /**
   * Show (or with null, forget) a stroke someone else is drawing, under its element id.
   * It is drawn over the board in finish(), so a large board's cached frame stays valid.
   */
  setPeerLive(id, el) {
    if (id === undefined) return;
    if (el) this.peerLive.set(id, { el, box: bounds(el), path: null });
    else if (!this.peerLive.delete(id)) return;
    this.requestFrame();
  }

  drop(id) {
    this.items.delete(id);
    this.connectors.delete(id);
    this.cards.delete(id);
    this.grid.remove(id);
  }

  /** The words of a card, read from the plan maps (never copied into the element). */
  cardText(ref) {
    return cardWords(ref, this.plan());
  }

  /** The card showing each plan item ("kind:id"): the lowest one when there are several. */
  cardOf() {
    const first = new Map();
    for (const id of this.cards) {
      const el = this.items.get(id).el, key = el.ref?.kind + ":" + (el.ref?.id ?? null);
      const had = first.get(key);
      if (!had || this.order(id, had) < 0) first.set(key, id);
    }
    return first;
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const r = this.canvas.parentElement.getBoundingClientRect();
    this.width = Math.max(1, r.width);
    this.height = Math.max(1, r.height);
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    this.canvas.style.width = this.width + "px";
    this.canvas.style.height = this.height + "px";
    this.cache = null;
    if (this.fitted) this.fit(); // a turned tablet or a folded panel still shows it all
    this.schedule();
  }

  /** Redraw soon because something on the board changed (not only the view). */
  schedule() {
    this.dirty = true;
    this.requestFrame();
  }

  requestFrame() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  // ---- viewport -------------------------------------------------------------

  toBoard(sx, sy) {
    return [sx / this.view.s + this.view.ox, sy / this.view.s + this.view.oy];
  }

  toScreen(bx, by) {
    return [(bx - this.view.ox) * this.view.s, (by - this.view.oy) * this.view.s];
  }

  visibleBox() {
    const { ox, oy, s } = this.view;
    return [ox, oy, ox + this.width / s, oy + this.height / s];
  }

  setView(ox, oy, s, quiet = false) {
    this.fitted = false; // fit() sets it again after its own setView
    this.view = { ox, oy, s: Math.min(MAX_S, Math.max(MIN_S, s)) };
    this.requestFrame();
    if (!quiet) for (const fn of this.viewListeners) fn(this.view);
  }

  panBy(dx, dy) {
    this.setView(this.view.ox - dx / this.view.s, this.view.oy - dy / this.view.s, this.view.s);
  }

  zoomAt(sx, sy, factor) {
    const [bx, by] = this.toBoard(sx, sy);
    const s = Math.min(MAX_S, Math.max(MIN_S, this.view.s * factor));
    this.setView(bx - sx / s, by - sy / s, s);
  }

  /** Show a board box (e.g. someone else's viewport) centred and whole. */
  showBox(box, quiet = false, maxS = MAX_S) {
    const w = Math.max(1, box[2] - box[0]), h = Math.max(1, box[3] - box[1]);
    const s = Math.min(this.width / w, this.height / h, maxS);
    const cs = Math.min(MAX_S, Math.max(MIN_S, s));
    this.setView((box[0] + box[2]) / 2 - this.width / 2 / cs, (box[1] + box[3]) / 2 - this.height / 2 / cs, cs, quiet);
  }

  contentBox() {
    let box = null;
    for (const { box: b } of this.items.values()) {
      if (!b) continue;
      box = box ? [Math.min(box[0], b[0]), Math.min(box[1], b[1]), Math.max(box[2], b[2]), Math.max(box[3], b[3])] : [...b];
    }
    return box;
  }

  /** "Vis alt": the whole board, with a thin margin (board/templates.py FIT_PAD lays a plan
   * out for this view of the shared screen). */
  fit() {
    const box = this.contentBox();
    if (!box) return this.setView(-200, -200, 0.1);
    const pad = Math.max(box[2] - box[0], box[3] - box[1]) * 0.02 + 200;
    this.showBox([box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad], false, 0.1);
    this.fitted = true;
  }

  // ---- picking --------------------------------------------------------------

  /** Ids whose boxes touch the box, topmost first. */
  idsIn(box) {
    const ids = [...this.grid.query(box)].filter((id) => intersects(this.items.get(id).box, box));
    return ids.sort((a, b) => this.order(b, a));
  }

  order(a, b) {
    const za = this.items.get(a)?.el.z ?? 0, zb = this.items.get(b)?.el.z ?? 0;
    return za - zb || (a < b ? -1 : a > b ? 1 : 0);
  }

  // ---- drawing --------------------------------------------------------------

  draw() {
    const t0 = performance.now();
    const ctx = this.ctx, dpr = window.devicePixelRatio || 1, { ox, oy, s } = this.view;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, this.width, this.height);
    if (!this.dirty && this.cache && this.cache.cost > CACHE_OVER_MS) return this.drawCached(t0);
    this.dirty = false;
    ctx.setTransform(dpr * s, 0, 0, dpr * s, -ox * s * dpr, -oy * s * dpr);
    const visible = this.visibleBox();
    const ids = this.culling ? [...this.grid.query(visible)] : [...this.items.keys()].filter((id) => !this.connectors.has(id));
    const shown = (this.culling ? ids.filter((id) => intersects(this.items.get(id).box, visible)) : ids).sort((a, b) => this.order(a, b));
    this.drawRelations();
    this.drawList(shown);
    for (const id of this.connectors) this.drawConnector(this.items.get(id).el);
    this.keepCache(performance.now() - t0);
    this.finish(t0);
    this.warmSoon();
  }

  /**
   * Compute stroke outlines near the view while the page is idle, so panning into
   * a new part of a large board does not stall on perfect-freehand.
   */
  warmSoon() {
    if (this.warming || typeof requestIdleCallback !== "function") return;
    this.warming = true;
    requestIdleCallback((deadline) => {
      this.warming = false;
      const [x0, y0, x1, y1] = this.visibleBox(), w = x1 - x0, h = y1 - y0;
      let left = false;
      for (const id of this.grid.query([x0 - w, y0 - h, x1 + w, y1 + h])) {
        const item = this.items.get(id);
        if (item.el.type !== "stroke" || item.path || item.el.width * this.view.s < 2.5) continue;
        if (deadline.timeRemaining() < 2) {
          left = true;
          break;
        }
        item.path = strokePath(item.el);
      }
      if (left) this.warmSoon();
    });
  }

  /** What is drawn over the elements every frame: live strokes, selection, overlays. */
  finish(t0) {
    for (const el of this.live) this.drawItem({ el, box: bounds(el) });
    const visible = this.visibleBox();
    for (const [id, item] of this.peerLive) {
      if (this.items.has(id)) this.peerLive.delete(id); // committed: drawn as an element now
      else if (intersects(item.box, visible)) this.drawItem(item);
    }
    this.drawSelection();
    for (const fn of this.overlays) fn(this.ctx, this);
    this.frames++;
    this.lastDrawMs = performance.now() - t0;
    for (const fn of this.afterDraw) fn(this);
  }

  /**
   * A large board's elements are kept as a bitmap of the last full frame; while only the
   * view moves (pan, zoom, follow) that bitmap is scaled and shifted, and the board is
   * drawn in full again once the view rests for IDLE_MS.
   */
  keepCache(cost) {
    if (cost <= CACHE_OVER_MS) {
      this.cache = null;
      return;
    }
    const c = this.cache?.canvas || document.createElement("canvas");
    if (c.width !== this.canvas.width || c.height !== this.canvas.height) {
      c.width = this.canvas.width;
      c.height = this.canvas.height;
    }
    const cc = c.getContext("2d");
    cc.clearRect(0, 0, c.width, c.height);
    cc.drawImage(this.canvas, 0, 0);
    this.cache = { canvas: c, ...this.view, w: this.width, h: this.height, cost };
  }

  drawCached(t0) {
    const ctx = this.ctx, dpr = window.devicePixelRatio || 1, { ox, oy, s } = this.view, c = this.cache;
    const k = s / c.s;
    ctx.drawImage(c.canvas, (c.ox - ox) * s, (c.oy - oy) * s, c.w * k, c.h * k);
    ctx.setTransform(dpr * s, 0, 0, dpr * s, -ox * s * dpr, -oy * s * dpr);
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.schedule(), IDLE_MS);
    this.finish(t0);
  }

  /**
   * Draw items in z order. Strokes too thin on screen to show their pressure shape are
   * drawn as plain polylines, and runs of such strokes in one colour share one path.
   */
  drawList(ids) {
    const ctx = this.ctx, s = this.view.s;
    let batch = null;
    const flush = () => {
      if (!batch) return;
      ctx.globalAlpha = batch.alpha;
      ctx.strokeStyle = batch.color;
      ctx.lineWidth = batch.width;
      ctx.stroke(batch.path);
      ctx.globalAlpha = 1;
      batch = null;
    };
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (const id of ids) {
      if (this.hidden.has(id)) continue;
      const item = this.items.get(id), el = item.el;
      if (el.type === "stroke" && el.width * s < 2.5) {
        const alpha = el.tool === "highlighter" ? HIGHLIGHTER_ALPHA : 1;
        const width = Math.max(el.width * 0.6, 1 / s);
        if (!batch || batch.color !== el.color || batch.alpha !== alpha || batch.width !== width) {
          flush();
          batch = { color: el.color, alpha, width, path: new Path2D() };
        }
        const p = el.points;
        batch.path.moveTo(p[0], p[1]);
        const step = Math.max(3, 3 * Math.floor(2 / Math.max(s * 40, 0.01)));
        for (let i = step; i < p.length; i += step) batch.path.lineTo(p[i], p[i + 1]);
        batch.path.lineTo(p[p.length - 3], p[p.length - 2]);
        continue;
      }
      flush();
      this.drawItem(item);
    }
    flush();
  }

  drawItem(item) {
    const { el } = item, ctx = this.ctx;
    ctx.save();
    switch (el.type) {
      case "stroke":
        if (!item.path) item.path = strokePath(el);
        ctx.globalAlpha = el.tool === "highlighter" ? HIGHLIGHTER_ALPHA : 1;
        ctx.fillStyle = el.color;
        ctx.fill(item.path);
        break;
      case "shape": this.drawShape(el); break;
      case "note": this.drawNote(item, NOTE_FILLS[el.color] || NOTE_FILLS.yellow, el.text, "#222222"); break;
      case "card": drawCard(this.ctx, item, this.plan(), this.view.s); break;
      case "frame": this.drawFrame(el, item.el.id === this.laneHint); break;
      case "text": this.drawText(item); break;
    }
    ctx.restore();
  }

  drawShape(el) {
    const ctx = this.ctx;
    ctx.strokeStyle = el.color;
    ctx.lineWidth = el.width;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    if (el.shape === "rect") ctx.rect(el.x, el.y, el.w, el.h);
    else if (el.shape === "ellipse") ctx.ellipse(el.x + el.w / 2, el.y + el.h / 2, Math.abs(el.w / 2), Math.abs(el.h / 2), 0, 0, Math.PI * 2);
    else {
      ctx.moveTo(el.x, el.y);
      ctx.lineTo(el.x + el.w, el.y + el.h);
    }
    if (el.fill && (el.shape === "rect" || el.shape === "ellipse")) {
      ctx.fillStyle = el.fill;
      ctx.fill();
    }
    ctx.stroke();
    if (el.shape === "arrow") this.arrowHead(el.x, el.y, el.x + el.w, el.y + el.h, el.width, el.color);
  }

  arrowHead(x0, y0, x1, y1, width, color) {
    const ctx = this.ctx, a = Math.atan2(y1 - y0, x1 - x0), len = width * 3 + 60;
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - len * Math.cos(a - 0.45), y1 - len * Math.sin(a - 0.45));
    ctx.lineTo(x1 - len * Math.cos(a + 0.45), y1 - len * Math.sin(a + 0.45));
    ctx.closePath();
    ctx.fill();
  }

  /** The plan's ties (sub-goal → goal, task → goal) as arrows between their cards, under them. */
  drawRelations() {
    if (!this.cards.size) return;
    for (const [from, to] of relations(this.cardOf(), this.plan())) {
      this.drawConnector({ from, to, color: RELATION.color, width: RELATION.width, arrow: true });
    }
  }

  drawConnector(el) {
    const a = this.items.get(el.from)?.box, b = this.items.get(el.to)?.box;
    if (!a || !b) return;
    const [x0, y0] = boxEdgePoint(a, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2);
    const [x1, y1] = boxEdgePoint(b, (a[0] + a[2]) / 2, (a[1] + a[3]) / 2);
    if (this.culling && !intersects([Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)], this.visibleBox())) return;
    const ctx = this.ctx;
    ctx.save();
    ctx.strokeStyle = el.color;
    ctx.lineWidth = el.width;
    ctx.lineCap = "round";
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    if (el.arrow) this.arrowHead(x0, y0, x1, y1, el.width, el.color);
    ctx.restore();
  }

  /** A sticky note: its paper, shadow and words. */
  drawNote(item, fill, text, ink) {
    const { el } = item, ctx = this.ctx;
    ctx.fillStyle = "rgba(0,0,0,0.12)";
    ctx.fillRect(el.x + 20, el.y + 30, el.w, el.h);
    ctx.fillStyle = fill;
    ctx.fillRect(el.x, el.y, el.w, el.h);
    ctx.strokeStyle = "rgba(0,0,0,0.25)";
    ctx.lineWidth = 10;
    ctx.strokeRect(el.x, el.y, el.w, el.h);
    const size = Math.max(80, Math.min(200, el.h / 6));
    if (size * this.view.s < 4) return; // unreadably small: the coloured box is enough
    ctx.fillStyle = ink;
    plainText(ctx);
    ctx.font = fontOf(size, false);
    // the export's font and wrap (plan_export/image.py note): the same lines in the picture;
    // a long word is split, and what does not fit the note ends in "…"
    const key = text + "|" + el.w + "|" + el.h;
    if (!item.lines || item.linesKey !== key) {
      const room = Math.max(1, Math.floor((el.h - 160) / (size * LINE_HEIGHT)));
      item.lines = wrapText(text, Math.max(size, el.w - 160), measure(size, false), room);
      item.linesKey = key;
    }
    ctx.beginPath();
    ctx.rect(el.x, el.y, el.w, el.h);
    ctx.clip();
    item.lines.forEach((line, i) => ctx.fillText(line, el.x + 80, el.y + 80 + i * size * LINE_HEIGHT));
  }

  /** A frame; a lane the dragged card is over is lit up, so people see what dropping does. */
  drawFrame(el, hinted) {
    const ctx = this.ctx, s = this.view.s;
    ctx.fillStyle = hinted ? "rgba(11,99,206,0.12)" : "rgba(29,53,87,0.04)";
    ctx.fillRect(el.x, el.y, el.w, el.h);
    ctx.strokeStyle = hinted ? "#0b63ce" : "#8a99ad";
    ctx.lineWidth = hinted ? Math.max(40, 4 / s) : 15;
    ctx.strokeRect(el.x, el.y, el.w, el.h);
    const size = Math.max(220, MIN_TEXT_PX / s); // readable when zoomed out, or not drawn
    if (size * 2 > el.h) return;
    ctx.fillStyle = hinted ? "#0b63ce" : "#1d3557";
    ctx.font = `bold ${size}px ${FONT}`;
    ctx.textBaseline = "top";
    ctx.fillText(el.title || "", el.x + 100, el.y + 100, el.w - 200);
  }

  drawText(item) {
    const { el } = item, ctx = this.ctx, size = el.size || 200;
    ctx.fillStyle = el.color || "#222222";
    ctx.font = `${size}px ${FONT}`;
    ctx.textBaseline = "top";
    String(el.text || "").split("\n").forEach((line, i) => ctx.fillText(line, el.x, el.y + i * size * 1.25));
  }

  drawSelection() {
    if (!this.selection.size) return;
    const ctx = this.ctx, s = this.view.s;
    ctx.save();
    ctx.strokeStyle = "#0b63ce";
    ctx.lineWidth = 2 / s;
    ctx.setLineDash([6 / s, 4 / s]);
    for (const id of this.selection) {
      const b = this.items.get(id)?.box;
      if (b) ctx.strokeRect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
    }
    ctx.setLineDash([]);
    const h = this.handle();
    if (h) {
      ctx.fillStyle = "#0b63ce";
      ctx.fillRect(h[0], h[1], h[2] - h[0], h[3] - h[1]);
    }
    ctx.restore();
  }

  /** Box of the selection, and its resize handle (bottom right, ≥ 22 px on screen). */
  selectionBox() {
    let box = null;
    for (const id of this.selection) {
      const b = this.items.get(id)?.box;
      if (b) box = box ? [Math.min(box[0], b[0]), Math.min(box[1], b[1]), Math.max(box[2], b[2]), Math.max(box[3], b[3])] : [...b];
    }
    return box;
  }

  handle() {
    const box = this.selectionBox();
    if (!box) return null;
    const r = 11 / this.view.s;
    return [box[2] - r, box[3] - r, box[2] + r, box[3] + r];
  }
}

