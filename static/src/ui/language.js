// Dansk / English switch: two labelled buttons; the choice is saved and the page reloads.
import { LANGUAGES, saveLang } from "../i18n.js";

export function languageSwitch(root, t, lang) {
  if (!root) return;
  root.setAttribute("aria-label", t("app.language"));
  root.replaceChildren(...LANGUAGES.map((code) => {
    const b = document.createElement("button");
    b.type = "button";
    b.lang = code;
    b.textContent = t("app.lang." + code);
    b.setAttribute("aria-pressed", String(code === lang));
    b.addEventListener("click", () => {
      saveLang(code);
      location.reload();
    });
    return b;
  }));
}
