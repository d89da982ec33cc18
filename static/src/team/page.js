// The tavlemøde page (/team): the team's case cards, live from the team board's Yjs
// document (the server keeps its `cases` map up to date), filters, and the case review.
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { currentLang, makeT } from "../i18n.js";
import { call, signedIn, toLogin } from "../access/api.js";
import { languageSwitch } from "../ui/language.js";
import { showStatus } from "../ui/status.js";
import { screenToggle, sharedScreen } from "../ui/screen.js";
import { translatePage } from "../ui/page.js";
import { CHIPS, fillFilter, renderLanes } from "./cards.js";
import { showReview } from "./review.js";

const lang = currentLang();
const t = makeT(lang);
const $ = (id) => document.getElementById(id);
translatePage(t, lang);
languageSwitch($("lang"), t, lang);
// on the room's big screen: the same cards in type read from across the room (team.css)
document.documentElement.classList.toggle("screen", sharedScreen());
screenToggle($("screen-toggle"), t);
const CHIP_INPUTS = { overdue: "f-overdue", awaiting: "f-awaiting", no_meeting: "f-no-meeting" };

let provider = null;

function fail(err) {
  if (err.status === 401) toLogin(); // the session ended while the page was open
  else $("message").textContent = err.message;
}

async function openTeam(teamId) {
  provider?.destroy();
  const link = await call("GET", `/api/teams/${encodeURIComponent(teamId)}/board`, undefined, { lang });
  const token = new URLSearchParams(link.url.split("#")[1]).get("token");
  const doc = new Y.Doc();
  const wsBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;
  provider = new WebsocketProvider(wsBase + "/ws/boards", link.board_id, doc, { params: { token } });
  showStatus(provider, $("conn"), t);
  $("open-board").href = link.url;
  $("open-board").hidden = false;
  const cases = doc.getMap("cases");
  const filter = () => ({
    owner: $("f-owner").value,
    organisation: $("f-org").value,
    chips: Object.keys(CHIPS).filter((name) => $(CHIP_INPUTS[name]).checked),
  });
  const onReview = (card) => {
    $("overview").hidden = true;
    $("review").hidden = false;
    const onBack = () => {
      $("review").hidden = true;
      $("overview").hidden = false;
      document.querySelector(`article[data-case="${CSS.escape(card.id)}"] button`)?.focus();
    };
    showReview($("review"), card, { t, lang, onBack }).catch((err) => {
      onBack();
      fail(err);
    });
  };
  const render = () => {
    const cards = [...cases.values()];
    fillFilter($("f-owner"), [...new Set(cards.flatMap((c) => c.owners))].sort(), t);
    fillFilter($("f-org"), [...new Set(cards.flatMap((c) => c.organisations))].sort(), t);
    for (const [name, fits] of Object.entries(CHIPS)) {
      $("chip-" + name.replace("_", "-")).textContent = t("team.chip_" + name, { n: cards.filter(fits).length });
    }
    const shown = renderLanes($("lanes"), cards, filter(), t, onReview);
    $("shown").textContent = t("team.shown", { shown, total: cards.length });
    document.body.dataset.cards = String(cards.length);
  };
  cases.observe(render);
  for (const id of ["f-owner", "f-org", ...Object.values(CHIP_INPUTS)]) $(id).onchange = render;
  render();
}

async function start() {
  if (!(await signedIn(lang))) return;
  const { teams } = await call("GET", "/api/teams", undefined, { lang });
  if (!teams.length) {
    $("message").textContent = t("team.no_teams");
    return;
  }
  const select = $("team");
  for (const team of teams) select.append(new Option(team.name, team.id));
  const wanted = new URLSearchParams(location.search).get("team");
  if (teams.some((x) => x.id === wanted)) select.value = wanted;
  select.onchange = () => openTeam(select.value).catch(fail);
  await openTeam(select.value);
  document.body.dataset.ready = "1";
}

start().catch(fail);
