// The start page: the coordinator names a new board, picks a template and opens it.
import { languageSwitch } from "./ui/language.js";
import { MAX_TITLE } from "./ui/limits.js";

export const TEMPLATES = ["blank", "vejen", "netvaerk", "familie", "tre_kolonner", "status"];

export function startIndex({ t, lang }) {
  const $ = (id) => document.getElementById(id);
  document.title = t("app.start_title");
  languageSwitch($("lang"), t, lang);
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  const title = $("board-title");
  title.maxLength = MAX_TITLE;
  $("template").replaceChildren(...TEMPLATES.map((name) => new Option(t("app.template." + name), name)));
  $("create").addEventListener("submit", async (e) => {
    e.preventDefault();
    const msg = $("message");
    msg.textContent = t("app.creating");
    try {
      const res = await fetch("/api/boards", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ title: title.value.trim() || t("app.board"), template: $("template").value, language: lang }),
      });
      if (res.status === 401) {
        location.assign("/login"); // boards are made by signed-in professionals
        return;
      }
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(body.error || body.detail || String(res.status));
      const token = body.edit_token || body.token;
      location.assign(body.url || `/board/${encodeURIComponent(body.board_id)}#token=${encodeURIComponent(token)}`);
    } catch (err) {
      msg.textContent = t("app.create_failed", { reason: err.message });
    }
  });
}
