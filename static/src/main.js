// Entry point of the browser client: one bundle, the page says which part runs.
import { currentLang, makeT } from "./i18n.js";
import { startBoard } from "./boardpage.js";
import { startIndex } from "./startpage.js";

const lang = currentLang();
const t = makeT(lang);
document.documentElement.lang = lang;
for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
for (const el of document.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t(el.dataset.tLabel));

const page = document.body.dataset.page;
if (page === "board") startBoard({ t, lang });
else if (page === "start") startIndex({ t, lang });
