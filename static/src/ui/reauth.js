// Rights that change while the board is open. The server closes a socket with 4403 when
// a role or consent changes (or a read-only connection sends an edit) and with 4401 when
// a token stops working. Then we ask /me again: still allowed to write → reconnect;
// read-only now → drop the local copy (it holds the refused edit, which would be refused
// again on every reconnect) and reload in read-only mode with a notice; no access →
// say so, stop reconnecting and drop the local copy.
import { h } from "../access/dom.js";
import { loadStyles } from "../exports/styles.js";

const RECHECK = new Set([4401, 4403]);
const RESET_GAP_MS = 15000; // at most one reset-and-reload per this interval (no loops)

/** Watch `provider` for closes that mean the rights changed; `bar` gets the notice. */
export function watchAccess({ provider, offline, boardId, token, t, role, canWrite, bar }) {
  const noticeKey = "tavle.notice." + boardId;
  const pending = sessionStorage.getItem(noticeKey);
  if (pending) {
    sessionStorage.removeItem(noticeKey);
    notice(bar, t(pending));
  }
  let checking = false;
  provider.on("connection-close", (event) => {
    if (!event || !RECHECK.has(event.code) || checking) return;
    checking = true;
    provider.shouldConnect = false; // hold y-websocket's automatic reconnect while we ask
    recheck().finally(() => (checking = false));
  });

  async function recheck() {
    let res;
    try {
      res = await fetch(`/api/boards/${encodeURIComponent(boardId)}/me`, {
        headers: { Authorization: "Bearer " + token },
      });
    } catch {
      provider.connect(); // offline: keep trying as before
      return;
    }
    if (res.status === 401 || res.status === 403 || res.status === 404) {
      ended(t, role);
      localStorage.removeItem("tavle.me." + boardId);
      await dropLocalCopy(offline);
      return;
    }
    if (!res.ok) {
      provider.connect();
      return;
    }
    const me = await res.json();
    localStorage.setItem("tavle.me." + boardId, JSON.stringify(me));
    if (me.can_write && me.role === role && canWrite) {
      provider.connect(); // e.g. the board guard refused one change: resync and go on
      return;
    }
    if (me.can_write) {
      location.reload(); // a new role (or write right back): rebuild the tools for it
      return;
    }
    const resetKey = "tavle.reset." + boardId;
    const last = Number(sessionStorage.getItem(resetKey) || 0);
    if (!canWrite && Date.now() - last < RESET_GAP_MS) {
      ended(t, role); // refused again right after a reset: stop
      return;
    }
    sessionStorage.setItem(resetKey, String(Date.now()));
    sessionStorage.setItem(noticeKey, "live.read_only");
    await dropLocalCopy(offline);
    location.reload();
  }
}

/** Close and delete the tablet's offline copy of this board (y-indexeddb's database). */
async function dropLocalCopy(offline) {
  await offline.destroy();
  await new Promise((done) => {
    const req = indexedDB.deleteDatabase(offline.name);
    req.onsuccess = req.onerror = req.onblocked = () => done();
  });
}

/** One clear end state: a single message, no tools, no board, no connection line (the
 * people who joined by code hear that the meeting is over; a professional that the
 * access is gone). */
function ended(t, role) {
  loadStyles();
  const byCode = ["citizen", "relative", "support", "observer"].includes(role);
  document.body.classList.add("ended");
  const box = document.getElementById("ended") || h("div", { id: "ended", role: "alert" });
  box.replaceChildren(
    h("h2", {}, t(byCode ? "live.meeting_over" : "live.access_gone")),
    h("p", {}, t(byCode ? "live.meeting_over_hint" : "live.access_gone_hint")),
  );
  document.body.append(box);
}

function notice(bar, text) {
  loadStyles();
  let el = document.getElementById("access-notice");
  if (!el) {
    el = h("p", { id: "access-notice", class: "access-notice", role: "alert" });
    bar.append(el);
  }
  el.textContent = text;
}
