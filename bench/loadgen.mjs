// Load generator for the sync benchmark: N rooms × M y-websocket clients on raw frames.
//
// Why Node and raw frames: the generator shares the machine's two cores with the server
// under test, so it must be cheap. Each client speaks the real handshake (SyncStep1 →
// wait for SyncStep2, answers the server's SyncStep1 with an empty SyncStep2) but never
// decodes what it receives: every update it sends sets one stroke in the `elements` map
// under a unique key "bm~CCCCCSSSSSS" (client index, sequence number), so a receiver finds
// the marker with Buffer.indexOf and looks the send time up in a shared table.
// The updates are real Yjs updates (one Y.Doc per client, precomputed before connecting).
//
// Usage: node bench/loadgen.mjs CONFIG.json   (config: see `defaults` below)
// Prints one JSON object with the results on stdout; progress goes to stderr.

import fs from 'node:fs'
import { performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import {
  CLIENT_DIGITS, SEQ_DIGITS, Tally, closesOf, connectAll, connectRaw, cpuWindow, markerKey, percentile, readDigits, varUintBytes
} from './loadutil.mjs'

const defaults = {
  urls: [], // one WebSocket URL per room (token included)
  clients: 8, // per room
  rate: 10, // updates per second per client
  duration: 20, // seconds of sending, after every client has synced
  drain: 5, // at most this many seconds to wait for the last deliveries
  serverPid: 0, // read /proc/<pid>/stat and /status of this process around the window
  clockTicks: 100, // SC_CLK_TCK
  connectConcurrency: 40,
  syncTimeout: 60 // seconds
}

const MARKER = Buffer.from('bm~')
const MARKER_LEN = MARKER.length + CLIENT_DIGITS + SEQ_DIGITS

const log = (...args) => console.error('[loadgen]', ...args)

/** Update frames [0, 2, len, update] for one client: each sets one stroke of ~20 points. */
function precomputeFrames (client, count) {
  const doc = new Y.Doc()
  doc.clientID = 1000 + client
  const elements = doc.getMap('elements')
  const frames = new Array(count)
  let captured = null
  doc.on('update', (u) => { captured = u })
  for (let seq = 0; seq < count; seq++) {
    const key = markerKey(client, seq)
    const points = []
    for (let i = 0; i < 7; i++) points.push(100 * seq + 10 * i, 50 * client + 7 * i, 500)
    elements.set(key, {
      id: key,
      type: 'stroke',
      z: seq,
      author: 'bench',
      created: 1700000000000 + seq,
      points,
      color: '#1d3557',
      width: 20,
      tool: 'pen'
    })
    frames[seq] = Buffer.concat([Buffer.from([0, 2, ...varUintBytes(captured.length)]), captured])
  }
  doc.destroy()
  return frames
}

class Client {
  constructor (run, index, url) {
    this.run = run
    this.index = index // global client index
    this.room = Math.floor(index / run.cfg.clients)
    this.local = index % run.cfg.clients
    this.url = url
    this.lastSeq = new Int32Array(run.cfg.clients).fill(-1) // per sender in the room
    this.sent = 0
    this.nextAt = 0
    this.synced = false
    this.closed = null
  }

  connect () {
    return connectRaw(this, this.url)
  }

  onUpdate (buf) {
    const run = this.run
    const now = performance.now()
    let pos = buf.indexOf(MARKER, 2)
    let prevSender = -1
    let prevSeq = -1
    while (pos !== -1 && pos + MARKER_LEN <= buf.length) {
      const sender = readDigits(buf, pos + MARKER.length, CLIENT_DIGITS)
      const seq = readDigits(buf, pos + MARKER.length + CLIENT_DIGITS, SEQ_DIGITS)
      pos = buf.indexOf(MARKER, pos + MARKER_LEN)
      if (sender === prevSender && seq === prevSeq) continue // key and value.id of one item
      prevSender = sender
      prevSeq = seq
      run.tally.record(run.cfg.clients, this, this.lastSeq, sender, seq, now)
    }
  }

  sendNext (now) {
    const frame = this.run.frames[this.index][this.sent]
    this.run.tally.sendTime[this.index * this.run.perClient + this.sent] = now
    this.ws.send(frame)
    this.sent++
  }
}

class Run {
  constructor (cfg) {
    this.cfg = cfg
    this.perClient = Math.ceil(cfg.rate * cfg.duration)
    const total = cfg.urls.length * cfg.clients
    this.tally = new Tally(total, this.perClient, cfg.clients - 1)
    this.lagMax = 0
    this.lags = []
    const t0 = performance.now()
    this.frames = []
    for (let c = 0; c < total; c++) this.frames.push(precomputeFrames(c, this.perClient))
    this.precomputeMs = performance.now() - t0
    this.clients = []
    for (let r = 0; r < cfg.urls.length; r++) {
      for (let m = 0; m < cfg.clients; m++) this.clients.push(new Client(this, r * cfg.clients + m, cfg.urls[r]))
    }
  }

  async connectAll () {
    this.connectMs = await connectAll(this.clients, this.cfg.connectConcurrency, this.cfg.syncTimeout)
    return this.clients.filter((c) => c.synced && !c.closed).length
  }

  /** Send on a fixed schedule: client i at phase_i + k / rate; lateness is recorded. */
  sendAll () {
    const { rate } = this.cfg
    const period = 1000 / rate
    const start = performance.now() + 50
    for (const c of this.clients) c.nextAt = start + Math.random() * period
    const live = this.clients.filter((c) => c.synced && !c.closed)
    return new Promise((resolve) => {
      const tick = () => {
        const now = performance.now()
        let pending = false
        for (const c of live) {
          while (c.sent < this.perClient && c.nextAt <= now && !c.closed) {
            const lag = now - c.nextAt
            if (lag > this.lagMax) this.lagMax = lag
            if ((c.index + c.sent) % 16 === 0) this.lags.push(lag)
            c.sendNext(now)
            c.nextAt += period
          }
          if (c.sent < this.perClient && !c.closed) pending = true
        }
        if (pending) setTimeout(tick, 2)
        else resolve()
      }
      setTimeout(tick, 50)
    })
  }

  async drain (expected) {
    const deadline = performance.now() + this.cfg.drain * 1000
    while (this.tally.delivered < expected && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
}

async function main () {
  const cfg = { ...defaults, ...JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) }
  const run = new Run(cfg)
  log(`precomputed ${run.frames.length}×${run.perClient} updates in ${run.precomputeMs.toFixed(0)} ms`)
  const live = await run.connectAll()
  log(`${live}/${run.clients.length} clients synced in ${run.connectMs.toFixed(0)} ms`)

  const window = cpuWindow(cfg.serverPid, cfg.clockTicks)
  await run.sendAll()
  const sent = run.clients.reduce((n, c) => n + c.sent, 0)
  const expected = sent * (cfg.clients - 1)
  await run.drain(expected)
  const measured = window.end()

  const tally = run.tally
  const lat = tally.latencies.slice(0, tally.delivered).sort()
  const lags = Float64Array.from(run.lags).sort()
  let incomplete = 0
  for (const c of run.clients) {
    for (let s = 0; s < c.sent; s++) {
      if (tally.deliveredPer[c.index * run.perClient + s] !== cfg.clients - 1) incomplete++
    }
  }
  const closes = closesOf(run.clients)
  const result = {
    rooms: cfg.urls.length,
    clients: cfg.clients,
    rate: cfg.rate,
    duration: cfg.duration,
    connected: live,
    connectMs: Math.round(run.connectMs),
    sent,
    expected,
    delivered: tally.delivered,
    incompleteUpdates: incomplete,
    duplicates: tally.duplicates,
    outOfOrder: tally.outOfOrder,
    echoes: tally.echoes,
    foreign: tally.foreign,
    closesDuringRun: closes,
    latencyMs: { p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat.length ? lat[lat.length - 1] : null },
    windowMs: measured.windowMs,
    serverCpuMs: measured.serverCpuMs,
    otherCpuMs: measured.otherCpuMs,
    serverRssKiB: measured.serverRssKiB,
    serverPeakRssKiB: measured.serverPeakRssKiB,
    loadgen: {
      cpuMs: measured.loadgenCpuMs,
      eventLoopUtilization: measured.eventLoopUtilization,
      sendLagP99Ms: percentile(lags, 0.99),
      sendLagMaxMs: run.lagMax,
      rssKiB: Math.round(process.memoryUsage().rss / 1024)
    }
  }
  process.stdout.write(JSON.stringify(result) + '\n')
  setTimeout(() => process.exit(0), 100)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
