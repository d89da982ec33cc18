// Pointer input on the canvas: one gesture per pointer, for mouse, touch and stylus alike.
// Palm rejection: while a pen is down (or was, in the last PALM_MS), touch is ignored.
// Two touches pan and pinch-zoom; a wheel zooms at the cursor.
import { contains, hit, intersects } from "./geometry.js";
import { scaled, strokeElement, translated } from "./edit.js";
import { LiveStroke } from "./livestroke.js";

const PALM_MS = 1000;
const SHAPES = ["rect", "ellipse", "line", "arrow"];
const BOXY = ["note", "card", "shape", "frame", "text"];

export class Tools {
  constructor(renderer, editor, opts) {
    this.r = renderer;
    this.ed = editor;
    this.opts = opts; // {canWrite, undo, editText(id), laser(x, y), cursor(x, y), liveStroke(live|null), onChange()}
    this.tool = opts.canWrite ? "pen" : "select";
    this.homeTool = "select"; // where placing a note returns to ("pen" for the citizen)
    this.color = "#1d3557";
    this.width = 4; // CSS px at zoom 1
    this.noteColor = "yellow";
    this.eraserMode = "part";
    this.pointers = new Map();
    this.gesture = null;
    this.penDown = false;
    this.lastPen = -Infinity;
    this.lastTap = { id: null, time: 0 };
    this.band = null;
    const c = renderer.canvas;
    c.addEventListener("pointerdown", (e) => this.down(e));
    c.addEventListener("pointermove", (e) => this.move(e));
    c.addEventListener("pointerup", (e) => this.up(e));
    c.addEventListener("pointercancel", (e) => this.up(e, true));
    c.addEventListener("pointerleave", (e) => e.pointerType === "mouse" && this.opts.cursor(null));
    c.addEventListener("wheel", (e) => this.wheel(e), { passive: false });
    c.addEventListener("contextmenu", (e) => e.preventDefault());
    c.addEventListener("dblclick", (e) => this.openText(...this.r.toBoard(...this.point(e))));
    renderer.overlays.push((ctx) => this.drawBand(ctx));
  }

  setTool(name) {
    this.tool = name;
    this.cancel();
    if (name !== "select") this.select([]);
    this.opts.onChange();
  }

  select(ids) {
    this.r.selection = new Set(ids);
    this.r.schedule();
    this.opts.onChange();
  }

  point(e) {
    const rect = this.r.canvas.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }

  /** Palm rejection: a touch that arrives while a pen is in use is not a finger meant to draw. */
  rejected(e) {
    if (e.pointerType === "pen") return false;
    return e.pointerType === "touch" && (this.penDown || performance.now() - this.lastPen < PALM_MS);
  }

  down(e) {
    if (this.rejected(e)) return;
    if (e.pointerType === "pen") {
      this.penDown = true;
      this.lastPen = performance.now();
    }
    try {
      this.r.canvas.setPointerCapture(e.pointerId);
    } catch {
      /* a pointer the browser no longer knows (e.g. lifted already): nothing to capture */
    }
    const [sx, sy] = this.point(e);
    this.pointers.set(e.pointerId, { sx, sy, type: e.pointerType });
    const touches = [...this.pointers.values()].filter((p) => p.type === "touch");
    if (touches.length >= 2) {
      this.cancel();
      this.gesture = this.pinch();
      return;
    }
    if (this.gesture) return;
    const [x, y] = this.r.toBoard(sx, sy);
    const panning = e.button === 1 || e.button === 2 || this.tool === "hand" || this.spaceHeld;
    this.gesture = panning ? this.pan(sx, sy) : this.begin(this.tool, x, y, e);
    if (this.gesture) this.gesture.pointerId = e.pointerId;
  }

  move(e) {
    if (e.pointerType === "pen") this.lastPen = performance.now();
    const p = this.pointers.get(e.pointerId);
    const [sx, sy] = this.point(e);
    const [x, y] = this.r.toBoard(sx, sy);
    if (e.pointerType !== "touch" || p) this.opts.cursor(x, y);
    if (!p) return;
    p.sx = sx;
    p.sy = sy;
    if (!this.gesture) return;
    if (this.gesture.pinch) return this.gesture.move();
    if (this.gesture.pointerId !== e.pointerId) return;
    const events = e.getCoalescedEvents?.() || [];
    for (const ce of events.length ? events : [e]) {
      const [cx, cy] = this.point(ce);
      const [bx, by] = this.r.toBoard(cx, cy);
      this.gesture.move?.(bx, by, ce, cx, cy);
    }
  }

  up(e, cancelled = false) {
    if (e.pointerType === "pen") {
      this.penDown = false;
      this.lastPen = performance.now();
    }
    if (!this.pointers.has(e.pointerId)) return;
    this.pointers.delete(e.pointerId);
    const g = this.gesture;
    if (!g) return;
    if (g.pinch) {
      if (![...this.pointers.values()].some((p) => p.type === "touch")) this.gesture = null;
      return;
    }
    if (g.pointerId !== e.pointerId) return;
    this.gesture = null;
    if (cancelled) g.cancel?.();
    else g.end?.();
    this.r.schedule();
  }

  cancel() {
    this.gesture?.cancel?.();
    this.gesture = null;
    this.r.live = [];
    this.band = null;
    this.r.schedule();
  }

  wheel(e) {
    e.preventDefault();
    const [sx, sy] = this.point(e);
    if (e.shiftKey) this.r.panBy(-e.deltaY, 0);
    else this.r.zoomAt(sx, sy, Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.0015)));
  }

  // ---- gestures -------------------------------------------------------------

  begin(tool, x, y, e) {
    if (tool === "laser") return this.laserGesture(x, y);
    if (tool === "select") return this.selectGesture(x, y, e);
    if (!this.opts.canWrite) return this.pan(...this.point(e));
    if (tool === "pen" || tool === "highlighter") return this.strokeGesture(tool, x, y, e);
    if (tool === "eraser") return this.eraserGesture(x, y);
    if (SHAPES.includes(tool)) return this.shapeGesture(tool, x, y);
    if (tool === "connector") return this.connectorGesture(x, y);
    if (tool === "note") return this.placeGesture(() => this.addNote(x, y));
    if (tool === "text") return this.placeGesture(() => this.addText(x, y));
    return null;
  }

  pan(sx, sy) {
    let last = [sx, sy];
    return {
      move: (_x, _y, _e, cx, cy) => {
        this.r.panBy(cx - last[0], cy - last[1]);
        last = [cx, cy];
      },
    };
  }

  pinch() {
    const pts = () => [...this.pointers.values()].filter((p) => p.type === "touch").slice(0, 2);
    const measure = () => {
      const [a, b] = pts();
      return { mx: (a.sx + b.sx) / 2, my: (a.sy + b.sy) / 2, d: Math.hypot(a.sx - b.sx, a.sy - b.sy) || 1 };
    };
    let last = measure();
    return {
      pinch: true,
      move: () => {
        if (pts().length < 2) return;
        const now = measure();
        this.r.panBy(now.mx - last.mx, now.my - last.my);
        this.r.zoomAt(now.mx, now.my, now.d / last.d);
        last = now;
      },
    };
  }

  pressure(e) {
    return e.pointerType === "pen" && e.pressure > 0 ? Math.round(e.pressure * 1000) : 500;
  }

  /**
   * A pen or highlighter stroke. While it is drawn the others see it through awareness
   * (opts.liveStroke, paced by Presence); on lift it is committed to the document once,
   * under the id its preview had. A stroke too long for one awareness state is committed
   * in parts as it goes, and the parts are one undo step.
   */
  strokeGesture(tool, x, y, e) {
    const style = { tool, color: this.color, width: Math.round(this.width * 10 * (tool === "highlighter" ? 4 : 1)) };
    let live = new LiveStroke(style, Math.round(x), Math.round(y), this.pressure(e));
    let parts = 0;
    const show = () => {
      this.r.live = [live.drawable()];
      this.r.schedule();
      if (live.length > 1) this.opts.liveStroke(live); // a tap is no stroke yet (it may pick a card)
    };
    const commit = () => {
      // Y.UndoManager merges a change made within captureTimeout of the last one
      if (parts++) this.opts.undo.lastChange = Date.now();
      this.ed.addAs([live.id], [strokeElement(live.style, live.points)]);
    };
    show();
    return {
      move: (bx, by, ev) => {
        if (!live.add(Math.round(bx), Math.round(by), this.pressure(ev))) return;
        if (live.full) {
          commit();
          live = live.rest();
        }
        show();
      },
      end: () => {
        this.r.live = [];
        // a tap on a plan card selects it (so "Enig" knows what to agree to) instead of a dot
        const card = !parts && live.length === 1 && this.cardAt(x, y);
        if (card) this.select([card]);
        else commit(); // before the awareness goes: the element reaches the others first
        this.opts.liveStroke(null);
      },
      cancel: () => {
        this.r.live = [];
        this.opts.liveStroke(null);
      },
    };
  }

  eraserGesture(x, y) {
    const radius = () => Math.max(40, 12 / this.r.view.s);
    let last = [x, y];
    const rub = (bx, by) => {
      const steps = Math.max(1, Math.ceil(Math.hypot(bx - last[0], by - last[1]) / radius()));
      for (let i = 1; i <= steps; i++) {
        this.ed.erase(last[0] + ((bx - last[0]) * i) / steps, last[1] + ((by - last[1]) * i) / steps, radius(), this.eraserMode === "part");
      }
      last = [bx, by];
    };
    this.opts.undo.stopCapturing();
    this.ed.erase(x, y, radius(), this.eraserMode === "part");
    return { move: rub };
  }

  /** Preview a shape of the current pen dragged from (x, y); ``done(el)`` gets it on release. */
  previewGesture(shape, x, y, done) {
    const el = { type: "shape", shape, x: Math.round(x), y: Math.round(y), w: 0, h: 0, color: this.color, fill: null, width: Math.round(this.width * 10) };
    return {
      move: (bx, by) => {
        el.w = Math.round(bx - el.x);
        el.h = Math.round(by - el.y);
        this.r.live = [el];
        this.r.schedule();
      },
      end: () => {
        this.r.live = [];
        done(el);
      },
      cancel: () => (this.r.live = []),
    };
  }

  shapeGesture(shape, x, y) {
    return this.previewGesture(shape, x, y, (el) => {
      if (Math.abs(el.w) + Math.abs(el.h) > 40) this.ed.add(el);
    });
  }

  cardAt(x, y) {
    const id = this.pick(x, y);
    return id && this.r.items.get(id).el.type === "card" ? id : null;
  }

  /** The topmost element under a board point that a connector can attach to. */
  attachable(x, y) {
    const tol = 8 / this.r.view.s;
    return this.r.idsIn([x - tol, y - tol, x + tol, y + tol]).find((id) => {
      const { el, box } = this.r.items.get(id);
      return BOXY.includes(el.type) && el.type !== "frame" && hit(el, box, x, y, tol);
    });
  }

  connectorGesture(x, y) {
    const from = this.attachable(x, y);
    if (!from) return null;
    const a = this.r.items.get(from).box;
    return this.previewGesture("arrow", (a[0] + a[2]) / 2, (a[1] + a[3]) / 2, (preview) => {
      const to = this.attachable(preview.x + preview.w, preview.y + preview.h);
      if (to && to !== from) this.ed.add({ type: "connector", from, to, color: this.color, width: Math.round(this.width * 10), arrow: true });
    });
  }

  placeGesture(place) {
    return { end: place };
  }

  /** A note where the finger lifted, open for its words; then back to the home tool. */
  addNote(x, y) {
    const [id] = this.ed.add({ type: "note", x: Math.round(x - 900), y: Math.round(y - 600), w: 1800, h: 1200, text: "", color: this.noteColor });
    this.setTool(this.homeTool);
    this.opts.editText(id, true);
    return id;
  }

  addText(x, y) {
    const [id] = this.ed.add({ type: "text", x: Math.round(x), y: Math.round(y - 100), text: "", size: Math.round(this.width * 50 + 100), color: this.color });
    this.opts.editText(id, true);
    return id;
  }

  laserGesture(x, y) {
    this.opts.laser(x, y);
    return { move: (bx, by) => this.opts.laser(bx, by) };
  }

  pick(x, y) {
    const tol = 6 / this.r.view.s;
    return this.r.idsIn([x - tol, y - tol, x + tol, y + tol]).find((id) => {
      const { el, box } = this.r.items.get(id);
      return hit(el, box, x, y, tol);
    });
  }

  selectGesture(x, y, e) {
    const h = this.r.handle();
    if (h && this.opts.canWrite && contains(h, x, y)) return this.resizeGesture();
    const id = this.pick(x, y);
    if (!id) return this.bandGesture(x, y, e.shiftKey);
    const now = performance.now();
    if (this.lastTap.id === id && now - this.lastTap.time < 400) {
      this.openText(x, y); // a double tap (touch has no dblclick)
      this.lastTap = { id: null, time: 0 };
      return null;
    }
    this.lastTap = { id, time: now };
    if (e.shiftKey) {
      const sel = new Set(this.r.selection);
      if (sel.has(id)) sel.delete(id);
      else sel.add(id);
      this.select([...sel]);
      return null;
    }
    if (!this.r.selection.has(id)) this.select([id]);
    return this.opts.canWrite ? this.moveGesture(x, y) : null;
  }

  /** Edit the words of the note or text at a board point, in place. */
  openText(x, y) {
    const id = this.tool === "select" && this.opts.canWrite && this.pick(x, y);
    const type = id && this.r.items.get(id).el.type;
    if (type === "note" || type === "text") this.opts.editText(id);
  }

  moveGesture(x, y) {
    const ids = [...this.r.selection];
    const orig = new Map(ids.map((id) => [id, this.ed.get(id)]).filter(([, el]) => el));
    let moved = false;
    this.opts.undo.stopCapturing();
    return {
      move: (bx, by) => {
        moved = true;
        this.ed.replace([...orig].map(([id, el]) => [id, translated(el, bx - x, by - y)]));
        this.r.laneHint = ids.map((id) => this.ed.laneOf(id)).find(Boolean) ?? null; // shown while over it
      },
      end: () => {
        this.r.laneHint = null;
        if (moved) this.ed.dropCards(ids);
      },
      cancel: () => (this.r.laneHint = null),
    };
  }

  resizeGesture() {
    const ids = [...this.r.selection];
    const box = this.r.selectionBox();
    const orig = new Map(ids.map((id) => [id, this.ed.get(id)]).filter(([, el]) => el));
    this.opts.undo.stopCapturing();
    return {
      move: (bx, by) => {
        const sx = Math.max(0.05, (bx - box[0]) / (box[2] - box[0] || 1));
        const sy = Math.max(0.05, (by - box[1]) / (box[3] - box[1] || 1));
        this.ed.replace([...orig].map(([id, el]) => [id, scaled(el, box[0], box[1], sx, sy)]));
      },
    };
  }

  bandGesture(x, y, add) {
    const before = add ? [...this.r.selection] : [];
    this.band = [x, y, x, y];
    return {
      move: (bx, by) => {
        this.band = [x, y, bx, by];
        this.r.schedule();
      },
      end: () => {
        const b = this.band;
        this.band = null;
        const box = [Math.min(b[0], b[2]), Math.min(b[1], b[3]), Math.max(b[0], b[2]), Math.max(b[1], b[3])];
        if (box[2] - box[0] < 1 && box[3] - box[1] < 1) return this.select(before);
        const inside = this.r.idsIn(box).filter((id) => {
          const bb = this.r.items.get(id).box;
          return intersects(bb, box) && bb[0] >= box[0] && bb[1] >= box[1] && bb[2] <= box[2] && bb[3] <= box[3];
        });
        this.select([...new Set([...before, ...inside])]);
      },
      cancel: () => (this.band = null),
    };
  }

  drawBand(ctx) {
    if (!this.band) return;
    const [x0, y0, x1, y1] = this.band;
    ctx.save();
    ctx.strokeStyle = "#0b63ce";
    ctx.fillStyle = "rgba(11,99,206,0.08)";
    ctx.lineWidth = 1 / this.r.view.s;
    ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
    ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
    ctx.restore();
  }
}
