// The big board of bench/bigboard_bench.py, from Node with the npm packages a browser uses.
//
//   node bench/bigboard.mjs seed FILE FORMAT [N]   the board (N = 10,000 strokes of 32
//        points) as one Yjs update into FILE, in board format 1 (points as a list of
//        numbers) or 2 (ink, static/src/canvas/ink.js); prints {"bytes": …}
//   node bench/bigboard.mjs join WS ROOM TOKEN [hold]   one y-websocket 2.x client
//        (the unmodified npm WebsocketProvider): prints {"ms": time from creating the
//        provider to its "sync" event, "bytes": the synced document's encoded size,
//        "apply_ms": the time npm yjs takes to apply that document to an empty one};
//        with "hold" it stays connected until stdin closes
import { writeFileSync } from "node:fs";
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

function join(ws, room, token, hold) {
  const doc = new Y.Doc();
  const started = performance.now();
  const provider = new WebsocketProvider(ws, room, doc, {
    params: { token }, WebSocketPolyfill: WebSocket, disableBc: true,
  });
  provider.on("sync", (synced) => {
    if (!synced) return;
    const ms = performance.now() - started;
    const board = Y.encodeStateAsUpdate(doc);
    const applyStarted = performance.now(); // what applying the board cost this client
    Y.applyUpdate(new Y.Doc(), board);
    const applyMs = performance.now() - applyStarted;
    console.log(JSON.stringify({ ms, bytes: board.length, apply_ms: applyMs }));
    if (!hold) {
      provider.destroy();
      process.exit(0);
    }
    process.stdin.on("end", () => process.exit(0));
    process.stdin.resume();
  });
  setTimeout(() => {
    console.log(JSON.stringify({ error: "not synced in 30 s" }));
    process.exit(1);
  }, 30_000);
}

if (mode === "seed") seed(args[0], args[1], args[2] ? Number(args[2]) : undefined);
else if (mode === "join") join(args[0], args[1], args[2], args[3] === "hold");
else {
  console.error("usage: bigboard.mjs seed FILE FORMAT [N] | join WS ROOM TOKEN [hold]");
  process.exit(2);
}
