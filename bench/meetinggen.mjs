// Load generator for the meeting benchmark (bench/meeting_bench.py): N meetings × P
// participants doing what people in a Tavle meeting do, as y-websocket clients send it.
//
// Each participant moves a cursor at 20 Hz (an awareness update with the state the board
// page sends: user, view, cursor); one in four draws: its awareness also carries the
// stroke in progress (`live`, points packed as static/src/canvas/livestroke.js packs
// them), and each stroke is committed to the document once, on lift (a real Yjs update);
// everyone changes a note now and then (a real Yjs update). Like the npm y-websocket
// provider, every participant sends back each awareness state it receives that is new to
// it (the provider's awareness 'update' handler does not look at the origin): in a meeting
// of eight that is seven stale copies of every cursor move, which the server must drop.
// Participants speak raw frames, cheaply (they share the cores with the server under
// test); each meeting also gets a late joiner now and then, which is the unmodified npm
// y-websocket WebsocketProvider with its own Y.Doc, timed until synced and checked to
// have every update the meeting had.
//
// Markers as in loadgen.mjs: document updates carry "bm~CCCCCSSSSSS", awareness states
// "am~CCCCCSSSSSS" (sender, sequence); a receiver finds them with Buffer.indexOf.
//
// Usage: node bench/meetinggen.mjs CONFIG.json   (config: see `defaults` below)
// Prints one JSON object with the results on stdout; progress goes to stderr.

import fs from 'node:fs'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { stored, zigzag } from '../static/src/canvas/ink.js'
import {
  CLIENT_DIGITS, SEQ_DIGITS, Tally, closesOf, connectAll, connectRaw, cpuWindow, markerKey, percentile, readDigits, varUintBytes
} from './loadutil.mjs'

const defaults = {
  urls: [], // one WebSocket URL per meeting (token included)
  joins: [], // per meeting {server, room, params} for the late joiner's WebsocketProvider
  clients: 8, // participants per meeting
  duration: 15, // seconds of meeting, after every participant has synced
  drain: 5, // at most this many seconds to wait for the last deliveries
  cursorHz: 20,
  drawEvery: 4, // one participant in this many draws
  strokeMs: 1500, // one stroke is drawn for this long …
  strokePauseMs: 1000, // … then the pen rests this long
  pointsPerTick: 3, // pen points added between two awareness updates (~60 Hz input)
  editEverySec: 6, // each participant changes a note about this often
  joinEverySec: 20, // each meeting gets a late joiner this often (meetings staggered)
  joinStaySec: 5, // a late joiner moves its cursor this long, then leaves
  serverPid: 0,
  clockTicks: 100,
  connectConcurrency: 40,
  syncTimeout: 60
}

const UPDATE_MARK = Buffer.from('bm~')
const AWARE_MARK = Buffer.from('am~')
const MARK_LEN = 3 + CLIENT_DIGITS + SEQ_DIGITS
const COLOURS = ['#1d3557', '#e63946', '#2a9d8f', '#f4a261', '#6a4c93', '#000000']
const ROLES = ['coordinator', 'citizen', 'professional', 'professional']

const log = (...args) => console.error('[meetinggen]', ...args)

function readVarUint (buf, pos) {
  let n = 0
  let scale = 1
  for (;;) {
    const b = buf[pos++]
    n += (b & 127) * scale
    if (b < 128) return [n, pos]
    scale *= 128
  }
}

/** Points packed as livestroke.js does; `ends[i]` = bytes of the first i+1 points. */
function packPoints (points) {
  const bytes = []
  const ends = []
  const prev = [0, 0, 0]
  points.forEach((v, i) => {
    bytes.push(...varUintBytes(zigzag(v - prev[i % 3])))
    prev[i % 3] = v
    if (i % 3 === 2) ends.push(bytes.length)
  })
  return { bytes: Buffer.from(bytes), ends }
}

/** A participant's meeting, decided before connecting: strokes, note edits, their updates. */
function plan (cfg, index, local) {
  const tick = 1000 / cfg.cursorHz
  const end = cfg.duration * 1000
  const events = []
  if (local % cfg.drawEvery === 0) {
    const n = Math.round(cfg.pointsPerTick * cfg.strokeMs / tick)
    for (let at = Math.random() * cfg.strokePauseMs; at + cfg.strokeMs <= end; at += cfg.strokeMs + cfg.strokePauseMs) {
      const points = []
      const x0 = Math.round(Math.random() * 20000)
      const y0 = Math.round(Math.random() * 12000)
      for (let i = 0; i < n; i++) {
        points.push(x0 + i * 25, y0 + Math.round(400 * Math.sin(i / 8)), 500)
      }
      events.push({ at: at + cfg.strokeMs, start: at, kind: 'stroke', points, packed: packPoints(points) })
    }
  }
  for (let at = Math.random() * cfg.editEverySec * 1000; at < end; at += cfg.editEverySec * 1000 * (0.5 + Math.random())) {
    events.push({ at, kind: 'note' })
  }
  events.sort((a, b) => a.at - b.at)
  const doc = new Y.Doc()
  doc.clientID = 1000 + index
  const elements = doc.getMap('elements')
  let captured = null
  doc.on('update', (u) => { captured = u })
  events.forEach((e, seq) => {
    e.seq = seq
    e.key = markerKey(index, seq)
    if (e.kind === 'stroke') {
      elements.set(e.key, stored({ // as the board page commits it (format 2, docs/board-format.md)
        id: e.key, type: 'stroke', tool: 'pen', color: '#1d3557', width: 40, points: e.points,
        z: seq, author: `Deltager ${local + 1}`, created: 1700000000000 + seq
      }))
    } else {
      const id = `note-${index}`
      elements.set(id, {
        id, type: 'note', x: 1000 * local, y: 0, w: 1800, h: 1200, color: 'yellow',
        text: `Aftale ${e.key}`, z: 0, author: `Deltager ${local + 1}`, created: 1700000000000
      })
    }
    e.frame = Buffer.concat([Buffer.from([0, 2, ...varUintBytes(captured.length)]), captured])
  })
  doc.destroy()
  return events.map(({ at, start, kind, seq, key, packed, frame }) => ({ at, start, kind, seq, key, packed, frame }))
}

class Participant {
  constructor (run, index, url) {
    const cfg = run.cfg
    this.run = run
    this.index = index
    this.room = Math.floor(index / cfg.clients)
    this.local = index % cfg.clients
    this.url = url
    this.clientID = 100000 + index
    this.clock = 0
    this.known = new Map() // awareness clocks as this client's provider knows them
    this.lastUpdate = new Int32Array(cfg.clients).fill(-1)
    this.lastAware = new Int32Array(cfg.clients).fill(-1)
    this.events = run.plans[index]
    this.next = 0 // next event
    this.strokes = this.events.filter((e) => e.kind === 'stroke')
    this.stroke = 0 // the stroke being drawn or next
    this.awSent = 0
    this.user = `{"name":"Deltager ${this.local + 1}","color":"${COLOURS[this.local % COLOURS.length]}","role":"${ROLES[this.local % ROLES.length]}"}`
    this.drawer = this.local % cfg.drawEvery === 0
    this.cursor = [Math.round(Math.random() * 20000), Math.round(Math.random() * 12000)]
    this.synced = false
    this.closed = null
  }

  connect () {
    // the provider announces its awareness state on open
    return connectRaw(this, this.url, (ws) => ws.send(this.awarenessFrame('', null)), (buf) => this.onAwareness(buf))
  }

  /** [1, len, 1 entry: clientID, clock, JSON state] as the provider encodes it. */
  awarenessFrame (mark, live) {
    const view = '[-200,-200,12600,7800]'
    const liveField = live === null ? '' : `,"live":${live}`
    const marker = mark ? `,"m":"${mark}"` : ''
    const json = Buffer.from(`{"user":${this.user},"view":${view},"cursor":[${this.cursor[0]},${this.cursor[1]}]${marker}${liveField}}`)
    this.clock++
    const payload = Buffer.concat([
      Buffer.from([1, ...varUintBytes(this.clientID), ...varUintBytes(this.clock), ...varUintBytes(json.length)]), json
    ])
    return Buffer.concat([Buffer.from([1, ...varUintBytes(payload.length)]), payload])
  }

  /** The `live` field at meeting time t (ms): the stroke being drawn, or null. */
  liveAt (t) {
    if (!this.drawer) return null
    while (this.stroke < this.strokes.length && this.strokes[this.stroke].at <= t) this.stroke++
    const e = this.strokes[this.stroke]
    if (!e || t < e.start) return 'null'
    const tick = 1000 / this.run.cfg.cursorHz
    const n = Math.min(e.packed.ends.length, 1 + Math.floor((t - e.start) / tick) * this.run.cfg.pointsPerTick)
    const pts = e.packed.bytes.subarray(0, e.packed.ends[n - 1]).toString('base64')
    return `{"id":"${e.key}","tool":"pen","color":"#1d3557","width":40,"pts":"${pts}"}`
  }

  sendAwareness (now, t) {
    this.cursor[0] += Math.round(Math.random() * 200 - 100)
    this.cursor[1] += Math.round(Math.random() * 200 - 100)
    const seq = this.awSent++
    this.run.aware.sendTime[this.index * this.run.awPerClient + seq] = now
    this.ws.send(this.awarenessFrame(markerKey(this.index, seq, 'am~'), this.liveAt(t)))
  }

  sendEvent (now) {
    const e = this.events[this.next++]
    this.run.updates.sendTime[this.index * this.run.upPerClient + e.seq] = now
    this.ws.send(e.frame)
  }

  onUpdate (buf) {
    const now = performance.now()
    let pos = buf.indexOf(UPDATE_MARK, 2)
    let prev = -1
    while (pos !== -1 && pos + MARK_LEN <= buf.length) {
      const sender = readDigits(buf, pos + 3, CLIENT_DIGITS)
      const seq = readDigits(buf, pos + 3 + CLIENT_DIGITS, SEQ_DIGITS)
      pos = buf.indexOf(UPDATE_MARK, pos + MARK_LEN)
      if (sender * 1e6 + seq === prev) continue // key and value.id of one stroke
      prev = sender * 1e6 + seq
      this.run.updates.record(this.run.cfg.clients, this, this.lastUpdate, sender, seq, now)
    }
  }

  onAwareness (buf) {
    const now = performance.now()
    let [, pos] = readVarUint(buf, 1)
    const start = pos
    let count
    ;[count, pos] = readVarUint(buf, pos)
    let changed = false
    for (let i = 0; i < count; i++) {
      let id, clock, len
      ;[id, pos] = readVarUint(buf, pos)
      ;[clock, pos] = readVarUint(buf, pos)
      ;[len, pos] = readVarUint(buf, pos)
      pos += len
      const known = id === this.clientID ? this.clock : (this.known.get(id) || 0)
      if (clock > known) {
        this.known.set(id, clock)
        changed = true
      }
    }
    let at = buf.indexOf(AWARE_MARK, start)
    while (at !== -1 && at + MARK_LEN <= buf.length) {
      const sender = readDigits(buf, at + 3, CLIENT_DIGITS)
      const seq = readDigits(buf, at + 3 + CLIENT_DIGITS, SEQ_DIGITS)
      this.run.aware.record(this.run.cfg.clients, this, this.lastAware, sender, seq, now)
      at = buf.indexOf(AWARE_MARK, at + MARK_LEN)
    }
    if (changed && !this.closed) this.ws.send(buf) // as the provider does
  }
}

class Run {
  constructor (cfg) {
    this.cfg = cfg
    const total = cfg.urls.length * cfg.clients
    const t0 = performance.now()
    this.plans = []
    for (let c = 0; c < total; c++) this.plans.push(plan(cfg, c, c % cfg.clients))
    this.precomputeMs = performance.now() - t0
    this.upPerClient = Math.max(1, ...this.plans.map((p) => p.length))
    this.awPerClient = Math.ceil(cfg.duration * cfg.cursorHz) + 1
    this.updates = new Tally(total, this.upPerClient, cfg.clients - 1)
    this.aware = new Tally(total, this.awPerClient, cfg.clients - 1)
    this.participants = []
    for (let r = 0; r < cfg.urls.length; r++) {
      for (let m = 0; m < cfg.clients; m++) this.participants.push(new Participant(this, r * cfg.clients + m, cfg.urls[r]))
    }
    this.joins = []
    this.lagMax = 0
  }

  async connectAll () {
    this.connectMs = await connectAll(this.participants, this.cfg.connectConcurrency, this.cfg.syncTimeout)
    return this.participants.filter((c) => c.synced && !c.closed).length
  }

  /** The meeting: cursor ticks and planned events on schedule, late joiners staggered. */
  play () {
    const { cursorHz, duration } = this.cfg
    const tick = 1000 / cursorHz
    const start = performance.now() + 50
    const live = this.participants.filter((c) => c.synced && !c.closed)
    const ticks = Math.floor(duration * cursorHz)
    for (const c of live) c.nextAw = start + Math.random() * tick
    const meetings = this.cfg.urls.length
    const joinAt = []
    for (let m = 0; m < meetings; m++) {
      for (let t = this.cfg.joinEverySec * 1000 * (m + 0.5) / meetings; t < duration * 1000; t += this.cfg.joinEverySec * 1000) {
        joinAt.push([start + t, m])
      }
    }
    joinAt.sort((a, b) => a[0] - b[0])
    return new Promise((resolve) => {
      const loop = () => {
        const now = performance.now()
        let pending = joinAt.length > 0
        while (joinAt.length && joinAt[0][0] <= now) this.joins.push(this.lateJoin(joinAt.shift()[1], start + duration * 1000))
        for (const c of live) {
          if (c.closed) continue
          while (c.awSent < ticks && c.nextAw <= now) {
            this.lagMax = Math.max(this.lagMax, now - c.nextAw)
            c.sendAwareness(now, c.nextAw - start)
            c.nextAw += tick
          }
          while (c.next < c.events.length && start + c.events[c.next].at <= now) c.sendEvent(now)
          if (c.awSent < ticks || c.next < c.events.length) pending = true
        }
        if (pending) setTimeout(loop, 2)
        else resolve()
      }
      setTimeout(loop, 50)
    })
  }

  /** A late joiner: the npm WebsocketProvider, timed until synced, checked, gone again
   * after joinStaySec or when the meeting ends (performance.now() `end`). */
  lateJoin (meeting, end) {
    const cfg = this.cfg
    const { server, room, params } = cfg.joins[meeting]
    // what every participant of the meeting had when the joiner came: it must get all of it
    const want = []
    for (let m = 0; m < cfg.clients; m++) {
      const sender = meeting * cfg.clients + m
      for (const e of this.plans[sender]) {
        if (this.updates.deliveredPer[sender * this.upPerClient + e.seq] === cfg.clients - 1) want.push([sender, e])
      }
    }
    const doc = new Y.Doc()
    const t0 = performance.now()
    const provider = new WebsocketProvider(server, room, doc, {
      params, WebSocketPolyfill: WebSocket, disableBc: true, resyncInterval: -1
    })
    provider.awareness.setLocalState({ user: { name: 'Sen deltager', color: '#6a4c93', role: 'professional' }, cursor: [0, 0] })
    return new Promise((resolve) => {
      const result = { meeting, synced: false, ms: null, missing: 0, want: want.length }
      const timer = setTimeout(finish, (cfg.joinStaySec + 10) * 1000)
      let mover = null
      function finish () {
        clearTimeout(timer)
        clearInterval(mover)
        provider.destroy()
        doc.destroy()
        resolve(result)
      }
      provider.on('sync', (synced) => {
        if (!synced || result.synced) return
        result.synced = true
        result.ms = performance.now() - t0
        const elements = doc.getMap('elements')
        for (const [sender, e] of want) {
          if (e.kind === 'stroke' && !elements.has(e.key)) result.missing++
          if (e.kind === 'note') {
            const text = elements.get(`note-${sender}`)?.text || ''
            if (Number(text.slice(-SEQ_DIGITS)) < e.seq) result.missing++
          }
        }
        mover = setInterval(() => provider.awareness.setLocalStateField('cursor', [Math.round(Math.random() * 9000), 0]), 1000 / cfg.cursorHz)
        setTimeout(finish, Math.max(0, Math.min(cfg.joinStaySec * 1000, end - performance.now())))
      })
    })
  }

  async drain () {
    const expected = this.expected()
    const deadline = performance.now() + this.cfg.drain * 1000
    while ((this.updates.delivered < expected.updates || this.aware.delivered < expected.aware) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  expected () {
    const others = this.cfg.clients - 1
    let updates = 0
    let aware = 0
    for (const c of this.participants) {
      updates += c.next * others
      aware += c.awSent * others
    }
    return { updates, aware }
  }

  summary (tally, sentOf, expected, perSender) {
    const lat = tally.latencies.slice(0, tally.delivered).sort()
    let incomplete = 0
    for (const c of this.participants) {
      for (let s = 0; s < sentOf(c); s++) {
        if (tally.deliveredPer[c.index * perSender + s] !== this.cfg.clients - 1) incomplete++
      }
    }
    return {
      sent: this.participants.reduce((n, c) => n + sentOf(c), 0),
      expected,
      delivered: tally.delivered,
      incomplete,
      duplicates: tally.duplicates,
      outOfOrder: tally.outOfOrder,
      foreign: tally.foreign,
      echoes: tally.echoes,
      latencyMs: { p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat.length ? lat[lat.length - 1] : null }
    }
  }
}

async function main () {
  const cfg = { ...defaults, ...JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) }
  const run = new Run(cfg)
  log(`planned ${run.participants.length} participants in ${run.precomputeMs.toFixed(0)} ms`)
  const connected = await run.connectAll()
  log(`${connected}/${run.participants.length} participants synced in ${run.connectMs.toFixed(0)} ms`)

  const window = cpuWindow(cfg.serverPid, cfg.clockTicks)
  await run.play()
  await run.drain()
  const joins = await Promise.all(run.joins)
  const measured = window.end()

  const expected = run.expected()
  const updates = run.summary(run.updates, (c) => c.next, expected.updates, run.upPerClient)
  const aware = run.summary(run.aware, (c) => c.awSent, expected.aware, run.awPerClient)
  const all = Float64Array.from([
    ...run.updates.latencies.subarray(0, run.updates.delivered), ...run.aware.latencies.subarray(0, run.aware.delivered)
  ]).sort()
  const closes = closesOf(run.participants)
  const joinMs = joins.filter((j) => j.synced).map((j) => j.ms).sort((a, b) => a - b)
  const result = {
    meetings: cfg.urls.length,
    clients: cfg.clients,
    duration: cfg.duration,
    connected,
    connectMs: Math.round(run.connectMs),
    updates,
    awareness: aware,
    latencyMs: { p50: percentile(all, 0.5), p99: percentile(all, 0.99), max: all.length ? all[all.length - 1] : null },
    joins: {
      count: joins.length,
      synced: joinMs.length,
      medianMs: percentile(joinMs, 0.5),
      maxMs: joinMs.length ? joinMs[joinMs.length - 1] : null,
      missing: joins.reduce((n, j) => n + j.missing, 0)
    },
    closesDuringRun: closes,
    windowMs: measured.windowMs,
    serverCpuMs: measured.serverCpuMs,
    otherCpuMs: measured.otherCpuMs,
    serverRssKiB: measured.serverRssKiB,
    loadgen: {
      cpuMs: measured.loadgenCpuMs,
      eventLoopUtilization: measured.eventLoopUtilization,
      sendLagMaxMs: run.lagMax
    }
  }
  process.stdout.write(JSON.stringify(result) + '\n')
  setTimeout(() => process.exit(0), 100)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
