// /cases: a professional's cases (their teams'), and for the coordinator of a case:
// meetings and meeting codes, participants and roles, consent, private sections,
// the access log and erasure. All user text goes into the page through textContent.
import { call, setCsrf } from "./api.js";
import { field, h, when } from "./dom.js";

const ROLES = ["professional", "citizen", "relative", "support", "observer"];
const TEMPLATES = ["vejen", "netvaerk", "familie", "tre_kolonner", "status", "blank"];

/** "Ny sag": each template as a choice with a small picture of the example plan laid out by it. */
function templateChoice(fieldset, t) {
  fieldset.append(...TEMPLATES.map((name) => h("label", { class: "template-option" },
    h("input", { type: "radio", name: "template", value: name, checked: name === "vejen" }),
    h("img", { src: `/api/templates/${name}.svg`, alt: "", width: 160, height: 100 }),
    h("span", {}, t("app.template." + name)))));
  return () => fieldset.querySelector("input:checked")?.value || "vejen";
}

export async function startCases({ t, lang }) {
  const main = document.getElementById("cases");
  const message = document.getElementById("message");
  const api = (method, path, body) => call(method, path, body, { lang });
  const show = (err) => { message.textContent = t("access.failed", { reason: err.message }); };

  let me;
  try {
    me = await api("GET", "/api/auth/me");
  } catch {
    location.assign("/login");
    return;
  }
  setCsrf(me.csrf);
  document.getElementById("who").textContent = `${me.user.name} (${me.user.org})`;
  document.getElementById("logout").addEventListener("click", async () => {
    await api("POST", "/api/auth/logout").catch(() => {});
    location.assign("/login");
  });

  const teamSelect = document.getElementById("team");
  teamSelect.replaceChildren(...me.teams.map((name) => h("option", { value: name }, name)));
  const template = templateChoice(document.getElementById("template-choice"), t);
  document.getElementById("new-case").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/api/cases", { alias: document.getElementById("alias").value, team: teamSelect.value, template: template() });
      event.target.reset();
      await refresh();
    } catch (err) { show(err); }
  });

  async function refresh() {
    const { cases } = await api("GET", "/api/cases");
    main.replaceChildren(...(cases.length ? cases.map(caseCard) : [h("p", {}, t("access.no_cases"))]));
  }

  function caseCard(c) {
    const details = h("div", { class: "details" });
    const card = h("article", { class: "case", "data-case": c.id },
      h("h2", {}, c.alias),
      h("p", {}, `${t("access.team")}: ${c.team} · ${t("role.coordinator")}: ${c.coordinator}`),
      h("p", {}, h("button", { type: "button", class: "open-board", onclick: () => openBoard(c, "") }, t("access.open_board"))),
      h("h3", {}, t("access.meetings")),
      h("ul", { class: "meetings" }, c.meetings.map((m) => meetingItem(c, m))),
    );
    if (c.is_coordinator) {
      card.append(meetingForm(c), details);
      loadDetails(c, details).catch(show);
    }
    return card;
  }

  function meetingItem(c, m) {
    return h("li", {},
      `${t("access.meeting." + m.kind)} ${when(m.starts_at, lang)} `,
      c.is_coordinator ? h("button", { type: "button", onclick: () => openBoard(c, `?screen=1&meeting=${encodeURIComponent(m.id)}`) }, t("access.show_code")) : null,
      c.is_coordinator ? h("button", { type: "button", onclick: () => act("POST", `/api/meetings/${m.id}/end`) }, t("access.end_meeting")) : null,
    );
  }

  /** The board page with a token of this session for the case (query e.g. shared screen). */
  async function openBoard(c, query) {
    try {
      const { url } = await api("GET", `/api/cases/${c.id}/board-link`);
      const [path, fragment] = url.split("#");
      location.assign(`${path}${query}#${fragment}`);
    } catch (err) { show(err); }
  }

  function meetingForm(c) {
    const id = (name) => `${name}-${c.id}`;
    const kind = h("select", { id: id("kind") },
      ["netvaerksmoede", "tavlemoede"].map((k) => h("option", { value: k }, t("access.meeting." + k))));
    const form = h("form", { class: "row" },
      h("label", { for: id("kind") }, t("access.new_meeting")), kind,
      ...field(id("date"), t("access.date"), { type: "date", required: true }),
      ...field(id("time"), t("access.time"), { type: "time", required: true }),
      ...field(id("minutes"), t("access.minutes"), { type: "number", min: 5, max: 480, value: 120 }),
      h("button", { type: "submit" }, t("access.schedule")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = (name) => document.getElementById(id(name)).value;
      act("POST", `/api/cases/${c.id}/meetings`, {
        kind: kind.value, date: value("date"), time: value("time"), minutes: Number(value("minutes")),
      });
    });
    return form;
  }

  async function act(method, path, body) {
    try {
      await api(method, path, body);
      message.textContent = "";
      await refresh();
    } catch (err) { show(err); }
  }

  async function loadDetails(c, el) {
    const d = await api("GET", `/api/cases/${c.id}`);
    el.replaceChildren(
      h("h3", {}, t("access.participants")),
      h("ul", {}, d.participants.map((p) => participantItem(c, d, p))),
      h("h3", {}, t("access.consent")),
      h("ul", {}, d.consents.map((k) => h("li", {},
        `${k.org} · ${t("access.given_by")}: ${k.given_by} · ${k.scope}`,
        k.expires ? ` · ${t("access.expires")} ${when(k.expires, lang).slice(0, 10)}` : "",
        k.withdrawn_at ? ` · ${t("access.withdrawn", { date: when(k.withdrawn_at, lang).slice(0, 10) })}`
          : h("button", { type: "button", onclick: () => act("POST", `/api/cases/${c.id}/consents/${k.id}/withdraw`) }, t("access.withdraw")),
      ))),
      consentForm(c),
      h("h3", {}, t("access.sections")),
      h("ul", {}, d.sections.map((s) => h("li", {}, s.title))),
      sectionForm(c),
      h("h3", {}, t("access.audit")),
      h("p", {}, h("a", { href: `/api/cases/${c.id}/audit?format=csv`, download: "tavle-log.csv", class: "button" }, t("access.download_csv"))),
      deleteForm(c),
    );
  }

  function participantItem(c, d, p) {
    const role = h("select", { "aria-label": t("access.role") },
      ROLES.map((r) => h("option", { value: r, selected: r === p.role }, t("role." + r))));
    const write = h("input", { type: "checkbox", checked: p.can_write, "aria-label": t("access.can_write") });
    const scopes = d.sections.map((s) => h("label", { class: "check" },
      h("input", { type: "checkbox", checked: p.scopes.includes(s.scope), "data-scope": s.scope, onchange: (e) => {
        const chosen = [...e.target.closest("li").querySelectorAll("[data-scope]")].filter((x) => x.checked).map((x) => x.dataset.scope);
        act("POST", `/api/cases/${c.id}/participants/${p.id}/scopes`, { scopes: chosen });
      } }), s.title));
    return h("li", { "data-participant": p.id },
      h("span", { class: "name" }, p.name), " ", role,
      h("label", { class: "check" }, write, t("access.can_write")),
      h("button", { type: "button", onclick: () => act("POST", `/api/cases/${c.id}/participants/${p.id}/role`, { role: role.value, can_write: write.checked }) }, t("access.save_role")),
      h("button", { type: "button", onclick: () => act("DELETE", `/api/cases/${c.id}/participants/${p.id}`) }, t("access.remove")),
      ...scopes);
  }

  function consentForm(c) {
    const id = (name) => `${name}-consent-${c.id}`;
    const form = h("form", { class: "row" },
      ...field(id("org"), t("access.org"), { required: true }),
      ...field(id("by"), t("access.given_by"), { required: true }),
      ...field(id("scope"), t("access.consent_scope")),
      ...field(id("expires"), t("access.expires"), { type: "date" }),
      h("button", { type: "submit" }, t("access.give_consent")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = (name) => document.getElementById(id(name)).value;
      act("POST", `/api/cases/${c.id}/consents`, {
        org: value("org"), given_by: value("by"), scope: value("scope"), expires: value("expires") || null,
      });
    });
    return form;
  }

  function sectionForm(c) {
    const id = `section-${c.id}`;
    const form = h("form", { class: "row" }, ...field(id, t("access.section_title"), { required: true }),
      h("button", { type: "submit" }, t("access.new_section")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act("POST", `/api/cases/${c.id}/sections`, { title: document.getElementById(id).value });
    });
    return form;
  }

  function deleteForm(c) {
    const id = `delete-${c.id}`;
    const form = h("form", { class: "row danger" }, ...field(id, t("access.delete_confirm"), { autocomplete: "off" }),
      h("button", { type: "submit" }, t("access.delete_case")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (document.getElementById(id).value.trim() === c.alias) act("DELETE", `/api/cases/${c.id}`);
    });
    return form;
  }

  await refresh().catch(show);
}
