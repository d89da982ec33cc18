// Development stand-in for `tavle serve`: same pages, same WebSocket route, the
// reference y-websocket room logic, and a fake /me (role from the token prefix,
// e.g. "citizen-x"). Only for working on the client while the real server is
// being built; tests and the benchmark use `tavle serve`.
import http from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { createRequire } from "node:module";
import { WebSocketServer } from "ws";

const require = createRequire(import.meta.url);
const { setupWSConnection } = require("y-websocket/bin/utils");
const ROOT = new URL(".", import.meta.url).pathname;
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".map": "application/json", ".png": "image/png" };

async function sendFile(res, path) {
  try {
    const body = await readFile(path);
    res.writeHead(200, { "content-type": TYPES[extname(path)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const me = url.pathname.match(/^\/api\/boards\/([^/]+)\/me$/);
  if (me) {
    const token = (req.headers.authorization || "").replace(/^Bearer /, "");
    const role = token.split("-")[0] || "coordinator";
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ board_id: me[1], role, can_write: role !== "observer", name: role === "citizen" ? "Sofie" : "Mette" }));
  }
  if (url.pathname === "/api/boards" && req.method === "POST") {
    const id = Math.random().toString(36).slice(2, 12);
    res.writeHead(201, { "content-type": "application/json" });
    return res.end(JSON.stringify({ board_id: id, url: `/board/${id}#token=coordinator-dev` }));
  }
  if (url.pathname === "/") return sendFile(res, join(ROOT, "index.html"));
  if (url.pathname.startsWith("/board/")) return sendFile(res, join(ROOT, "board.html"));
  if (url.pathname.startsWith("/static/")) return sendFile(res, join(ROOT, normalize(url.pathname.slice(8)).replace(/^(\.\.[/\\])+/, "")));
  res.writeHead(404).end("not found");
});

const wss = new WebSocketServer({ noServer: true });
server.on("upgrade", (req, socket, head) => {
  const room = new URL(req.url, "http://x").pathname.replace(/^\/ws\/boards\//, "");
  wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req, { docName: room }));
});
server.listen(Number(process.env.PORT || 8090), process.env.HOST || "127.0.0.1");
