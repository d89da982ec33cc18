// The start page. Signed out: "Jeg har en mødekode" (→ /join) for the citizen and the
// network, "Log ind" for professionals. Signed in: their cases and the tavlemøde. The
// scratch-board form shows only to those allowed to make one, so nothing ends in 401.
import { toLogin } from "./access/api.js";
import { languageSwitch } from "./ui/language.js";
import { MAX_TITLE } from "./ui/limits.js";

export const TEMPLATES = ["blank", "vejen", "netvaerk", "familie", "tre_kolonner", "status"];

async function getJson(path) {
  const res = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  return res.ok ? res.json() : null;
}

export async function startIndex({ t, lang }) {
  const $ = (id) => document.getElementById(id);
  languageSwitch($("lang"), t, lang);
  const title = $("board-title");
  title.maxLength = MAX_TITLE;
  $("template").replaceChildren(...TEMPLATES.map((name) => new Option(t("app.template." + name), name)));
  $("create").addEventListener("submit", (e) => {
    e.preventDefault();
    createBoard(t, lang, title.value.trim() || t("app.board"), $("template").value);
  });
  const site = (await getJson("/api/site")) || {};
  const signedIn = typeof site.user === "string";
  $("guest").hidden = signedIn;
  $("member").hidden = !signedIn;
  if (signedIn) $("signed-in").textContent = t("start.signed_in", { name: site.user });
  $("scratch").hidden = !(signedIn || site.open_boards);
  document.body.dataset.ready = "1";
}

async function createBoard(t, lang, title, template) {
  const msg = document.getElementById("message");
  msg.textContent = t("app.creating");
  try {
    const res = await fetch("/api/boards", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ title, template, language: lang }),
    });
    if (res.status === 401) {
      toLogin(); // the session ended meanwhile
      return;
    }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error || body.detail || t("access.failed", { reason: res.status }));
    const token = body.edit_token || body.token;
    location.assign(body.url || `/board/${encodeURIComponent(body.board_id)}#token=${encodeURIComponent(token)}`);
  } catch (err) {
    msg.textContent = t("app.create_failed", { reason: err.message });
  }
}
