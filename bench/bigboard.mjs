// The big board of bench/bigboard_bench.py, from Node with the npm packages a browser uses.
//
//   node bench/bigboard.mjs seed FILE FORMAT [N]   the board (N = 10,000 strokes of 32
//        points) as one Yjs update into FILE, in board format 1 (points as a list of
//        numbers) or 2 (ink, static/src/canvas/ink.js); prints {"bytes": …}
//   node bench/bigboard.mjs client WS ROOM TOKEN N   y-websocket 2.x clients (the
//        unmodified npm WebsocketProvider), one join per line of stdin ("join", "hold",
//        "release"); each join prints {"ms": time from creating the provider until it is
//        synced AND holds all N elements (the y-websocket server with LevelDB answers a
//        cold join before its store has loaded, so its "sync" event can come with an
//        empty board), "sync_ms": time to the "sync" event, "bytes": the synced
//        document's encoded size}
//   node bench/bigboard.mjs seedldb DIR ROOM FILE   store FILE as ROOM's one update in the
//        y-leveldb folder DIR (what the reference server loads with YPERSISTENCE=DIR)
//   node bench/bigboard.mjs apply FILE   the least a provider's client pays whatever the
//        server: a fresh Node process (cold JIT, as a new tab) applying FILE to an empty
//        Y.Doc that has an "update" listener, as every provider's doc has (Yjs then encodes
//        the applied update again for it); prints {"ms", "bare_ms": the same without it}
import { readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import { stored } from "../static/src/canvas/ink.js";

const [mode, ...args] = process.argv.slice(2);

function seed(file, format, n = 10_000) {
  let s = 7;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const doc = new Y.Doc();
  doc.transact(() => {
    const meta = doc.getMap("meta");
    meta.set("format", Number(format));
    meta.set("kind", "case");
    meta.set("title", "Stor tavle");
    meta.set("template", "blank");
    meta.set("language", "da");
    meta.set("created", "2026-11-23T09:30:00Z");
    const elements = doc.getMap("elements");
    for (let i = 0; i < n; i++) {
      const x = Math.floor(rnd() * 100_000), y = Math.floor(rnd() * 60_000), points = [];
      for (let k = 0; k < 32; k++) points.push(x + 30 * k, y + Math.floor(rnd() * 80) - 40, 500);
      const el = { id: `s${i}`, type: "stroke", z: i, author: "Mette", created: 1_700_000_000_000,
        points, color: "#1d3557", width: 30, tool: "pen" };
      elements.set(el.id, Number(format) >= 2 ? stored(el) : el);
    }
  });
  const update = Y.encodeStateAsUpdate(doc);
  writeFileSync(file, update);
  console.log(JSON.stringify({ bytes: update.length }));
}

// One join: a new Y.Doc and provider; resolves with the times once it is synced and
// holds all n elements.
function join(ws, room, token, n) {
  return new Promise((resolve, reject) => {
    const doc = new Y.Doc();
    const elements = doc.getMap("elements");
    const started = performance.now();
    const provider = new WebsocketProvider(ws, room, doc, {
      params: { token }, WebSocketPolyfill: WebSocket, disableBc: true,
    });
    let syncMs = null;
    const timer = setTimeout(() => reject(new Error("not synced in 30 s")), 30_000);
    const check = () => {
      if (syncMs === null || elements.size < n) return;
      const ms = performance.now() - started;
      clearTimeout(timer);
      doc.off("update", check);
      resolve({ provider, result: { ms, sync_ms: syncMs, bytes: Y.encodeStateAsUpdate(doc).length } });
    };
    provider.on("sync", (synced) => {
      if (!synced || syncMs !== null) return;
      syncMs = performance.now() - started;
      check();
    });
    doc.on("update", check);
  });
}

// Joins on demand, one per line of stdin: "join" (synced, then gone), "hold" (stays
// connected), "release" (the held one goes); each answered with one JSON line. The
// process's first join is a new client's (cold JIT, as a new browser tab); later ones
// run on warmed-up code.
async function client(ws, room, token, n) {
  let held = null;
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    try {
      if (line === "release") {
        held?.destroy();
        held = null;
        console.log("{}");
        continue;
      }
      const { provider, result } = await join(ws, room, token, n);
      if (line === "hold") held = provider;
      else provider.destroy();
      console.log(JSON.stringify(result));
    } catch (err) {
      console.log(JSON.stringify({ error: String(err) }));
    }
  }
  held?.destroy();
  process.exit(0);
}

async function seedLevelDb(dir, room, file) {
  const { LeveldbPersistence } = await import("y-leveldb");
  const ldb = new LeveldbPersistence(dir);
  await ldb.storeUpdate(room, readFileSync(file));
  await ldb.destroy();
}

function applyCold(file) {
  const update = readFileSync(file);
  const doc = new Y.Doc();
  doc.on("update", () => {});
  let started = performance.now();
  Y.applyUpdate(doc, update);
  const ms = performance.now() - started;
  started = performance.now();
  Y.applyUpdate(new Y.Doc(), update);
  console.log(JSON.stringify({ ms, bare_ms: performance.now() - started }));
}

if (mode === "seed") seed(args[0], args[1], args[2] ? Number(args[2]) : undefined);
else if (mode === "client") await client(args[0], args[1], args[2], Number(args[3]));
else if (mode === "seedldb") await seedLevelDb(args[0], args[1], args[2]);
else if (mode === "apply") applyCold(args[0]);
else {
  console.error("usage: bigboard.mjs seed FILE FORMAT [N] | client WS ROOM TOKEN N | "
    + "seedldb DIR ROOM FILE | apply FILE");
  process.exit(2);
}
