// Entry of the access pages (/join, /login, /cases): the page's data-page says which runs.
import { currentLang, makeT } from "../i18n.js";
import { languageSwitch } from "../ui/language.js";
import { startJoin } from "./join.js";
import { startLogin } from "./login.js";
import { startCases } from "./cases.js";
import { startOrgs } from "./orgs.js";

const lang = currentLang();
const t = makeT(lang);
document.documentElement.lang = lang;
for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
languageSwitch(document.getElementById("lang"), t, lang);

const starts = { join: startJoin, login: startLogin, cases: startCases, orgs: startOrgs };
starts[document.body.dataset.page]?.({ t, lang });
