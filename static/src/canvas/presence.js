// Who is here, where they point and what they look at — all through Yjs awareness,
// never stored in the board: live cursors with names, the laser pointer (fades),
// strokes while they are drawn, the participant list, "Følg {navn}" and the
// coordinator's "Vis alle min skærm".
import { fromWire } from "./livestroke.js";

const LASER_MS = 1500;
const SEND_MS = 40;
const SETTLE_MS = 1000; // a finished live stroke stays drawn until its element arrives, at most this

export class Presence {
  constructor(awareness, renderer, ui) {
    this.aw = awareness;
    this.r = renderer;
    this.ui = ui; // {t, user, role, cursorsEl, peopleEl, onFollow()}
    this.following = null;
    this.seenSummons = new Map();
    this.trail = [];
    this.lasers = new Map(); // clientId -> {points, at}
    this.cursorEls = new Map();
    this.userKeys = new Map();
    this.peerStrokes = new Map(); // clientId -> id of the stroke they are drawing
    this.lastSend = 0;
    this.queued = null;
    awareness.setLocalStateField("user", { ...ui.user, role: ui.role });
    awareness.setLocalStateField("view", renderer.visibleBox().map(Math.round));
    renderer.viewListeners.push(() => {
      if (this.following !== null) this.follow(null);
      this.send({ view: renderer.visibleBox().map(Math.round) });
    });
    renderer.afterDraw.push(() => this.placeCursors());
    renderer.overlays.push((ctx) => this.drawLasers(ctx));
    awareness.on("change", (ch) => this.changed(ch));
    this.renderPeople();
  }

  setUser(user) {
    this.ui.user = user;
    this.send({ user: { ...user, role: this.ui.role } });
    this.renderPeople();
  }

  /** Awareness updates at most every SEND_MS; the last one is never lost. */
  send(fields) {
    this.queued = { ...(this.queued || {}), ...fields };
    const wait = this.lastSend + SEND_MS - performance.now();
    if (wait > 0) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.send({}), wait);
      return;
    }
    const state = { ...(this.aw.getLocalState() || {}), ...this.queued };
    if (this.queued.live) state.live = this.queued.live.wire(); // its points as of now
    this.queued = null;
    this.lastSend = performance.now();
    this.aw.setLocalState(state);
  }

  cursor(x, y) {
    this.send({ cursor: x === null ? null : [Math.round(x), Math.round(y)] });
  }

  /** The stroke I am drawing (a LiveStroke, read when sent) or null when it ends. */
  liveStroke(live) {
    this.send({ live });
  }

  laser(x, y) {
    const now = performance.now();
    this.trail = [...this.trail.filter((p) => now - p[2] < LASER_MS), [Math.round(x), Math.round(y), now]];
    this.lasers.set(this.aw.clientID, { points: this.trail.map(([a, b]) => [a, b]), at: now });
    this.send({ laser: this.trail.map(([a, b]) => [a, b]) });
    this.r.schedule();
  }

  others() {
    return [...this.aw.getStates()].filter(([id, s]) => id !== this.aw.clientID && s?.user);
  }

  changed({ added, updated, removed }) {
    const states = this.aw.getStates();
    for (const id of [...added, ...updated]) {
      const s = states.get(id);
      if (id === this.aw.clientID || !s) continue;
      if (s.laser?.length) this.lasers.set(id, { points: s.laser, at: performance.now() });
      this.showLive(id, s.live);
      if (s.summon && s.user?.role === "coordinator" && this.seenSummons.get(id) !== s.summon) {
        this.seenSummons.set(id, s.summon);
        this.follow(id);
      }
      if (id === this.following && s.view) this.r.showBox(s.view, true);
    }
    for (const id of removed) {
      this.lasers.delete(id);
      this.r.setPeerLive(this.peerStrokes.get(id), null); // they left: their stroke goes
      this.peerStrokes.delete(id);
      if (id === this.following) this.follow(null);
    }
    if (added.length || removed.length || updated.some((id) => this.changedUser(id))) this.renderPeople();
    // my own awareness changes as my view moves: that alone needs no redraw
    if ([...added, ...updated, ...removed].some((id) => id !== this.aw.clientID)) this.r.requestFrame();
  }

  /**
   * A peer's stroke in progress. When they lift the pen (or go on with a new part of a
   * long stroke) its element is on its way: the preview stays until it arrives (the
   * renderer drops it then) or SETTLE_MS passed (a stroke that was not committed).
   */
  showLive(client, wire) {
    const el = fromWire(wire);
    const before = this.peerStrokes.get(client);
    if (before && before !== el?.id) setTimeout(() => this.r.setPeerLive(before, null), SETTLE_MS);
    if (el) this.peerStrokes.set(client, el.id);
    else this.peerStrokes.delete(client);
    if (el) this.r.setPeerLive(el.id, el);
  }

  changedUser(id) {
    const user = JSON.stringify(this.aw.getStates().get(id)?.user || null);
    if (this.userKeys.get(id) === user) return false;
    this.userKeys.set(id, user);
    return true;
  }

  follow(id) {
    this.following = id;
    const s = id === null ? null : this.aw.getStates().get(id);
    if (s?.view) this.r.showBox(s.view, true);
    this.renderPeople();
    this.ui.onFollow(id === null ? null : s?.user?.name);
  }

  summonAll() {
    this.send({ summon: Date.now(), view: this.r.visibleBox().map(Math.round) });
  }

  placeCursors() {
    const seen = new Set();
    for (const [id, s] of this.others()) {
      if (!s.cursor) continue;
      seen.add(id);
      let el = this.cursorEls.get(id);
      if (!el) {
        el = document.createElement("div");
        el.className = "cursor";
        el.dataset.client = String(id);
        el.append(document.createElement("span"));
        this.ui.cursorsEl.append(el);
        this.cursorEls.set(id, el);
      }
      el.lastChild.textContent = s.user.name;
      el.style.setProperty("--c", s.user.color);
      const [x, y] = this.r.toScreen(s.cursor[0], s.cursor[1]);
      el.style.transform = `translate(${x}px, ${y}px)`;
    }
    for (const [id, el] of this.cursorEls) {
      if (!seen.has(id)) {
        el.remove();
        this.cursorEls.delete(id);
      }
    }
  }

  drawLasers(ctx) {
    const now = performance.now();
    let alive = false;
    const states = this.aw.getStates();
    for (const [id, { points, at }] of this.lasers) {
      const fade = 1 - (now - at) / LASER_MS;
      if (fade <= 0 || !points.length) {
        this.lasers.delete(id);
        continue;
      }
      alive = true;
      ctx.save();
      ctx.strokeStyle = states.get(id)?.user?.color || "#e63946";
      ctx.fillStyle = ctx.strokeStyle;
      ctx.globalAlpha = fade;
      ctx.lineWidth = 6 / this.r.view.s;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      ctx.stroke();
      const [lx, ly] = points[points.length - 1];
      ctx.beginPath();
      ctx.arc(lx, ly, 9 / this.r.view.s, 0, Math.PI * 2);
      ctx.fill();
      ctx.restore();
    }
    if (alive) this.r.schedule();
  }

  renderPeople() {
    const { t, peopleEl } = this.ui;
    const me = this.ui.user;
    const rows = [[this.aw.clientID, { user: me }], ...this.others()];
    peopleEl.replaceChildren(...rows.map(([id, s]) => {
      const li = document.createElement("li");
      const dot = document.createElement("span");
      dot.className = "swatch";
      dot.style.background = s.user?.color || "#888";
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = id === this.aw.clientID ? t("canvas.you", { name: s.user?.name || "" }) : s.user.name;
      li.append(dot, name);
      if (id !== this.aw.clientID) {
        const b = document.createElement("button");
        b.type = "button";
        const on = this.following === id;
        b.textContent = on ? t("canvas.unfollow") : t("canvas.follow", { name: s.user.name });
        b.setAttribute("aria-pressed", String(on));
        b.addEventListener("click", () => this.follow(on ? null : id));
        li.append(b);
      }
      return li;
    }));
  }
}
