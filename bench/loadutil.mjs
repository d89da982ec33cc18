// What the load generators (loadgen.mjs, meetinggen.mjs) share: lib0 varints and
// readings of /proc (a process's CPU and memory, the whole machine's busy time).
import fs from 'node:fs'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'

// a marker in a frame: PREFIX, client index, sequence number ("bm~0000300012")
export const CLIENT_DIGITS = 5
export const SEQ_DIGITS = 6

export function markerKey (client, seq, prefix = 'bm~') {
  return `${prefix}${String(client).padStart(CLIENT_DIGITS, '0')}${String(seq).padStart(SEQ_DIGITS, '0')}`
}

export function readDigits (buf, at, n) {
  let v = 0
  for (let i = at; i < at + n; i++) v = v * 10 + (buf[i] - 48)
  return v
}

export function varUintBytes (n) {
  const out = []
  while (n > 127) {
    out.push((n & 127) | 128)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

export function procCpuTicks (pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12]) // utime + stime (fields 14, 15)
}

/** Busy and total CPU time of the whole machine in ticks (all cores, from /proc/stat). */
export function machineTicks () {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const idle = f[3] + f[4] // idle + iowait
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0)
  return { busy: total - idle, total }
}

export function procMemKiB (pid, key) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${key}:\\s+(\\d+)`))
  return m ? Number(m[1]) : 0
}

export function percentile (sorted, q) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

/** Connect `clients` (each has connect(): Promise), `concurrency` at a time, for at
 * most `timeoutS`; the milliseconds it took. */
export async function connectAll (clients, concurrency, timeoutS) {
  const queue = [...clients]
  const worker = async () => {
    while (queue.length) await queue.shift().connect()
  }
  const t0 = performance.now()
  await Promise.race([
    Promise.all(Array.from({ length: concurrency }, worker)),
    new Promise((resolve) => setTimeout(resolve, timeoutS * 1000))
  ])
  return performance.now() - t0
}

/** How many clients were closed with which code and reason; ends every socket. */
export function closesOf (clients) {
  const closes = {}
  for (const c of clients) {
    if (c.closed) {
      const k = `${c.closed.code} ${c.closed.reason}`.trim()
      closes[k] = (closes[k] || 0) + 1
    }
    c.ws?.terminate()
  }
  return closes
}

/** Start measuring a window; its end() gives the server's CPU, everyone else's, ours. */
export function cpuWindow (pid, clockTicks) {
  const ticks0 = pid ? procCpuTicks(pid) : 0
  const machine0 = machineTicks()
  const cpu0 = process.cpuUsage()
  const elu0 = performance.eventLoopUtilization()
  const t0 = performance.now()
  return {
    end () {
      const windowMs = performance.now() - t0
      const elu = performance.eventLoopUtilization(elu0)
      const cpu = process.cpuUsage(cpu0)
      const ownMs = (cpu.user + cpu.system) / 1000
      const serverCpuMs = pid ? ((procCpuTicks(pid) - ticks0) * 1000) / clockTicks : null
      const machineBusyMs = ((machineTicks().busy - machine0.busy) * 1000) / clockTicks
      return {
        windowMs: Math.round(windowMs),
        serverCpuMs,
        // CPU used by everything else on the machine meanwhile: noise for this run
        otherCpuMs: Math.round(machineBusyMs - (serverCpuMs || 0) - ownMs),
        serverRssKiB: pid ? procMemKiB(pid, 'VmRSS') : null,
        serverPeakRssKiB: pid ? procMemKiB(pid, 'VmHWM') : null,
        loadgenCpuMs: Math.round(ownMs),
        eventLoopUtilization: Number(elu.utilization.toFixed(3))
      }
    }
  }
}

/** Counts of one kind of message (document updates or awareness states). */
export class Tally {
  constructor (senders, perSender, receivers) {
    this.perSender = perSender
    this.sendTime = new Float64Array(senders * perSender)
    this.deliveredPer = new Uint8Array(senders * perSender)
    this.latencies = new Float64Array(senders * perSender * Math.max(1, receivers))
    this.delivered = 0
    this.duplicates = 0
    this.outOfOrder = 0
    this.echoes = 0
    this.foreign = 0
  }

  /** `receiver` ({room, local}, with `last`: the newest seq it got per sender of its room)
   * got `seq` of global client `sender` at `now`; rooms have `clients` clients each. */
  record (clients, receiver, last, sender, seq, now) {
    if (Math.floor(sender / clients) !== receiver.room) { this.foreign++; return }
    const local = sender % clients
    if (local === receiver.local) { this.echoes++; return }
    if (seq <= last[local]) { this.duplicates++; return }
    if (seq !== last[local] + 1) this.outOfOrder++
    last[local] = seq
    const slot = sender * this.perSender + seq
    this.deliveredPer[slot]++
    this.latencies[this.delivered++] = now - this.sendTime[slot]
  }
}

const SYNC_STEP1_EMPTY = Uint8Array.from([0, 0, 1, 0]) // sync, step 1, state vector {}
const SYNC_STEP2_EMPTY = Uint8Array.from([0, 1, 2, 0, 0]) // sync, step 2, empty update

/**
 * Connect `client` (it gets `ws`, `synced`, `closed`; its onUpdate(buf) gets every update
 * and SyncStep2) to `url` with y-websocket's handshake: SyncStep1 on open (then
 * `opened(ws)`), the server's SyncStep1 answered with an empty SyncStep2. Awareness frames
 * go to `onAwareness(buf)` if given. Resolves once synced, or closed before that.
 */
export function connectRaw (client, url, opened = null, onAwareness = null) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    client.ws = ws
    ws.binaryType = 'nodebuffer'
    ws.on('open', () => {
      ws.send(SYNC_STEP1_EMPTY)
      opened?.(ws)
    })
    ws.on('message', (data) => {
      if (data[0] === 1 && onAwareness) return onAwareness(data)
      if (data[0] !== 0) return
      if (data[1] === 2) client.onUpdate(data)
      else if (data[1] === 1) {
        if (!client.synced) { client.synced = true; resolve() }
        client.onUpdate(data) // a SyncStep2 may carry updates the client missed
      } else if (data[1] === 0) ws.send(SYNC_STEP2_EMPTY)
    })
    ws.on('close', (code, reason) => {
      client.closed = { code, reason: String(reason) }
      if (!client.synced) resolve()
    })
    ws.on('error', (err) => {
      client.closed = client.closed || { code: 0, reason: err.message }
      if (!client.synced) resolve()
    })
  })
}
