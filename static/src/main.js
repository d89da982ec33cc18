// Entry point of the browser client: one bundle, the page says which part runs.
import { currentLang, makeT } from "./i18n.js";
import { startBoard } from "./boardpage.js";
import { startIndex } from "./startpage.js";
import { translatePage } from "./ui/page.js";

const lang = currentLang();
const t = makeT(lang);
translatePage(t, lang);

const page = document.body.dataset.page;
if (page === "board") startBoard({ t, lang });
else if (page === "start") startIndex({ t, lang });
