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
import WebSocket from 'ws'
import * as Y from 'yjs'

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
const CLIENT_DIGITS = 5
const SEQ_DIGITS = 6
const MARKER_LEN = MARKER.length + CLIENT_DIGITS + SEQ_DIGITS
const SYNC_STEP1_EMPTY = Uint8Array.from([0, 0, 1, 0]) // sync, step 1, state vector {}
const SYNC_STEP2_EMPTY = Uint8Array.from([0, 1, 2, 0, 0]) // sync, step 2, empty update

const log = (...args) => console.error('[loadgen]', ...args)

function markerKey (client, seq) {
  return `bm~${String(client).padStart(CLIENT_DIGITS, '0')}${String(seq).padStart(SEQ_DIGITS, '0')}`
}

function readDigits (buf, at, n) {
  let v = 0
  for (let i = at; i < at + n; i++) v = v * 10 + (buf[i] - 48)
  return v
}

function varUintBytes (n) {
  const out = []
  while (n > 127) {
    out.push((n & 127) | 128)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

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

function procCpuTicks (pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12]) // utime + stime (fields 14, 15)
}

/** Busy and total CPU time of the whole machine in ticks (all cores, from /proc/stat). */
function machineTicks () {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const idle = f[3] + f[4] // idle + iowait
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0)
  return { busy: total - idle, total }
}

function procMemKiB (pid, key) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${key}:\\s+(\\d+)`))
  return m ? Number(m[1]) : 0
}

function percentile (sorted, q) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
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
    return new Promise((resolve) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false })
      this.ws = ws
      ws.binaryType = 'nodebuffer'
      ws.on('open', () => ws.send(SYNC_STEP1_EMPTY))
      ws.on('message', (data) => {
        if (data[0] !== 0) return // awareness and others: not measured
        if (data[1] === 2) this.onUpdate(data)
        else if (data[1] === 1) {
          if (!this.synced) { this.synced = true; resolve() }
          this.onUpdate(data) // a SyncStep2 may carry updates the client missed
        } else if (data[1] === 0) ws.send(SYNC_STEP2_EMPTY)
      })
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: String(reason) }
        if (!this.synced) resolve()
      })
      ws.on('error', (err) => {
        this.closed = this.closed || { code: 0, reason: err.message }
        if (!this.synced) resolve()
      })
    })
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
      run.record(this, sender, seq, now)
    }
  }

  sendNext (now) {
    const frame = this.run.frames[this.index][this.sent]
    this.run.sendTime[this.index * this.run.perClient + this.sent] = now
    this.ws.send(frame)
    this.sent++
  }
}

class Run {
  constructor (cfg) {
    this.cfg = cfg
    this.perClient = Math.ceil(cfg.rate * cfg.duration)
    const total = cfg.urls.length * cfg.clients
    this.sendTime = new Float64Array(total * this.perClient)
    this.deliveredPerUpdate = new Uint8Array(total * this.perClient)
    this.latencies = new Float64Array(total * this.perClient * Math.max(1, cfg.clients - 1))
    this.delivered = 0
    this.duplicates = 0
    this.outOfOrder = 0
    this.echoes = 0
    this.foreign = 0
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

  record (receiver, sender, seq, now) {
    const senderRoom = Math.floor(sender / this.cfg.clients)
    if (senderRoom !== receiver.room) { this.foreign++; return }
    const local = sender % this.cfg.clients
    if (local === receiver.local) { this.echoes++; return }
    const last = receiver.lastSeq[local]
    if (seq <= last) { this.duplicates++; return }
    if (seq !== last + 1) this.outOfOrder++
    receiver.lastSeq[local] = seq
    const slot = sender * this.perClient + seq
    this.deliveredPerUpdate[slot]++
    this.latencies[this.delivered++] = now - this.sendTime[slot]
  }

  async connectAll () {
    const queue = [...this.clients]
    const worker = async () => {
      while (queue.length) await queue.shift().connect()
    }
    const t0 = performance.now()
    await Promise.race([
      Promise.all(Array.from({ length: this.cfg.connectConcurrency }, worker)),
      new Promise((resolve) => setTimeout(resolve, this.cfg.syncTimeout * 1000))
    ])
    this.connectMs = performance.now() - t0
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
    while (this.delivered < expected && performance.now() < deadline) {
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

  const pid = cfg.serverPid
  const ticks0 = pid ? procCpuTicks(pid) : 0
  const machine0 = machineTicks()
  const cpu0 = process.cpuUsage()
  const elu0 = performance.eventLoopUtilization()
  const t0 = performance.now()
  await run.sendAll()
  const sent = run.clients.reduce((n, c) => n + c.sent, 0)
  const expected = sent * (cfg.clients - 1)
  await run.drain(expected)
  const windowMs = performance.now() - t0
  const elu = performance.eventLoopUtilization(elu0)
  const cpu = process.cpuUsage(cpu0)
  const serverCpuMs = pid ? ((procCpuTicks(pid) - ticks0) * 1000) / cfg.clockTicks : null
  const machine1 = machineTicks()
  const machineBusyMs = ((machine1.busy - machine0.busy) * 1000) / cfg.clockTicks

  const lat = run.latencies.slice(0, run.delivered).sort()
  const lags = Float64Array.from(run.lags).sort()
  let incomplete = 0
  for (const c of run.clients) {
    for (let s = 0; s < c.sent; s++) {
      if (run.deliveredPerUpdate[c.index * run.perClient + s] !== cfg.clients - 1) incomplete++
    }
  }
  const closes = {}
  for (const c of run.clients) {
    if (c.closed) {
      const k = `${c.closed.code} ${c.closed.reason}`.trim()
      closes[k] = (closes[k] || 0) + 1
    }
    c.ws?.terminate()
  }
  const result = {
    rooms: cfg.urls.length,
    clients: cfg.clients,
    rate: cfg.rate,
    duration: cfg.duration,
    connected: live,
    connectMs: Math.round(run.connectMs),
    sent,
    expected,
    delivered: run.delivered,
    incompleteUpdates: incomplete,
    duplicates: run.duplicates,
    outOfOrder: run.outOfOrder,
    echoes: run.echoes,
    foreign: run.foreign,
    closesDuringRun: closes,
    latencyMs: { p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat.length ? lat[lat.length - 1] : null },
    windowMs: Math.round(windowMs),
    serverCpuMs,
    // CPU used by everything else on the machine meanwhile: noise for this run
    otherCpuMs: Math.round(machineBusyMs - (serverCpuMs || 0) - (cpu.user + cpu.system) / 1000),
    serverRssKiB: pid ? procMemKiB(pid, 'VmRSS') : null,
    serverPeakRssKiB: pid ? procMemKiB(pid, 'VmHWM') : null,
    loadgen: {
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      eventLoopUtilization: Number(elu.utilization.toFixed(3)),
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
