// Entry of the access pages (/join, /login, /cases, /tilgaengelighed): the page's
// data-page says which runs.
import { currentLang, makeT } from "../i18n.js";
import { languageSwitch } from "../ui/language.js";
import { translatePage } from "../ui/page.js";
import { startJoin } from "./join.js";
import { startLogin } from "./login.js";
import { startCases } from "./cases.js";
import { startStatement } from "./statement.js";
import { startOrgs } from "./orgs.js";

const lang = currentLang();
const t = makeT(lang);
translatePage(t, lang);
languageSwitch(document.getElementById("lang"), t, lang);

const starts = { join: startJoin, login: startLogin, cases: startCases, orgs: startOrgs, accessibility: startStatement };
starts[document.body.dataset.page]?.({ t, lang });
