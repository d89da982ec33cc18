// /cases: one compact line per case (alias, next meeting, task counts) with search;
// a line opens into its details. For the coordinator of a case: meetings and meeting
// codes, participants and roles, "Tilføj kollega", consent, private sections, the access
// log, and erasure behind a confirmation. All user text goes in through textContent.
import { call, signedIn, toLogin } from "./api.js";
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

/** The next meeting that has not ended, or null. */
function nextMeeting(c, now = Date.now()) {
  return c.meetings.find((m) => Date.parse(m.ends_at) >= now) || null;
}

export async function startCases({ t, lang }) {
  const list = document.getElementById("cases");
  const message = document.getElementById("message");
  const search = document.getElementById("search");
  const api = (method, path, body) => call(method, path, body, { lang });
  const failed = (err) => t("access.failed", { reason: err.message });

  const me = await signedIn(lang);
  if (!me) return;
  document.getElementById("who").textContent = `${me.user.name} (${me.user.org})`;
  document.getElementById("logout").addEventListener("click", async () => {
    await api("POST", "/api/auth/logout").catch(() => {});
    toLogin();
  });

  const teamSelect = document.getElementById("team");
  teamSelect.replaceChildren(...me.teams.map((name) => h("option", { value: name }, name)));
  const template = templateChoice(document.getElementById("template-choice"), t);
  document.getElementById("new-case").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/api/cases", { alias: document.getElementById("alias").value, team: teamSelect.value, template: template() });
      event.target.reset();
      message.textContent = "";
      await refresh();
    } catch (err) { message.textContent = failed(err); }
  });

  let cases = [];
  const open = new Set(); // ids of the cases whose details are open, kept across a refresh
  search.addEventListener("input", render);

  async function refresh() {
    cases = (await api("GET", "/api/cases")).cases;
    render();
  }

  function render() {
    const words = search.value.trim().toLocaleLowerCase("da").split(/\s+/).filter(Boolean);
    const shown = cases
      .filter((c) => {
        const text = `${c.alias} ${c.team} ${c.coordinator}`.toLocaleLowerCase("da");
        return words.every((w) => text.includes(w));
      })
      .sort((a, b) => a.alias.localeCompare(b.alias, "da"));
    document.getElementById("count").textContent = t("access.case_count", { shown: shown.length, total: cases.length });
    if (!cases.length) list.replaceChildren(h("li", { class: "empty" }, t("access.no_cases")));
    else if (!shown.length) list.replaceChildren(h("li", { class: "empty" }, t("access.no_match")));
    else list.replaceChildren(...shown.map(caseItem));
    document.body.dataset.ready = "1";
  }

  function summaryLine(c) {
    const next = nextMeeting(c);
    const n = c.counts;
    return h("summary", {},
      h("span", { class: "alias" }, c.alias),
      h("span", { class: "meet" }, next ? t("access.next_meeting", { date: when(next.starts_at, lang) }) : t("access.no_meeting")),
      h("span", { class: "counts" }, n ? t("access.counts", n) : "",
        n?.overdue > 0 ? h("span", { class: "overdue" }, " · " + t("access.overdue", n)) : null),
      h("span", { class: "who" }, c.is_coordinator ? "" : `${c.team} · ${c.coordinator}`),
    );
  }

  function caseItem(c) {
    const body = h("div", { class: "details" });
    const details = h("details", { "data-case-details": c.id, open: open.has(c.id) }, summaryLine(c), body);
    details.addEventListener("toggle", () => {
      if (details.open) {
        open.add(c.id);
        fillDetails(c, body);
      } else {
        open.delete(c.id);
      }
    });
    if (open.has(c.id)) fillDetails(c, body);
    return h("li", {}, h("article", { class: "case", "data-case": c.id }, details));
  }

  /** The details of one case: every action on it reports in its own message line. */
  function fillDetails(c, body) {
    const note = h("p", { class: "case-message", role: "alert" });
    const act = async (method, path, payload, done) => {
      try {
        const answer = await api(method, path, payload);
        note.textContent = done ? done(answer) : "";
        await refresh();
      } catch (err) { note.textContent = failed(err); }
    };
    const openBoard = async (query) => {
      try {
        const { url } = await api("GET", `/api/cases/${c.id}/board-link`);
        const [path, fragment] = url.split("#");
        location.assign(`${path}${query}#${fragment}`);
      } catch (err) { note.textContent = failed(err); }
    };
    const meetings = c.meetings.length
      ? h("ul", { class: "meetings" }, c.meetings.map((m) => h("li", {},
        `${t("access.meeting." + m.kind)} ${when(m.starts_at, lang)} `,
        c.is_coordinator ? h("button", { type: "button", onclick: () => openBoard(`?screen=1&meeting=${encodeURIComponent(m.id)}`) }, t("access.show_code")) : null,
        c.is_coordinator ? h("button", { type: "button", onclick: () => act("POST", `/api/meetings/${m.id}/end`) }, t("access.end_meeting")) : null)))
      : h("p", {}, t("access.no_meetings"));
    body.replaceChildren(...[
      h("p", { class: "actions" },
        h("button", { type: "button", class: "open-board", onclick: () => openBoard("") }, t("access.open_board")),
        c.is_coordinator ? null : h("span", {}, t("access.coordinated_by", { name: c.coordinator }))),
      note,
      h("h3", {}, t("access.meetings")), meetings,
      c.is_coordinator ? meetingForm(c, act) : null,
    ].filter(Boolean)); // replaceChildren would write a null as the text "null"
    if (c.is_coordinator) {
      const more = h("div", { class: "coordinator" });
      body.append(more);
      api("GET", `/api/cases/${c.id}`).then((d) => coordinatorParts(c, d, more, act, note)).catch((err) => { note.textContent = failed(err); });
    }
  }

  function meetingForm(c, act) {
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

  function coordinatorParts(c, d, root, act, note) {
    root.replaceChildren(
      h("h3", {}, t("access.participants")),
      d.participants.length
        ? h("ul", { class: "participants" }, d.participants.map((p) => participantItem(c, d, p, act)))
        : h("p", {}, t("access.no_participants")),
      colleagueForm(c, act),
      h("h3", {}, t("access.consent")),
      d.consents.length
        ? h("ul", {}, d.consents.map((k) => h("li", {},
          `${k.org} · ${t("access.given_by")}: ${k.given_by}${k.scope ? " · " + k.scope : ""}`,
          k.expires ? ` · ${t("access.expires")} ${when(k.expires, lang).slice(0, 10)}` : "",
          k.withdrawn_at ? ` · ${t("access.withdrawn", { date: when(k.withdrawn_at, lang).slice(0, 10) })}`
            : h("button", { type: "button", onclick: () => act("POST", `/api/cases/${c.id}/consents/${k.id}/withdraw`) }, t("access.withdraw")))))
        : h("p", {}, t("access.no_consents")),
      consentForm(c, act),
      h("h3", {}, t("access.sections")),
      h("ul", {}, d.sections.map((s) => h("li", {}, s.title))),
      sectionForm(c, act),
      h("h3", {}, t("access.audit")),
      h("p", {}, h("a", { href: `/api/cases/${c.id}/audit?format=csv`, download: "tavle-log.csv", class: "button" }, t("access.download_csv"))),
      deletePart(c, note),
    );
  }

  function participantItem(c, d, p, act) {
    const role = h("select", { "aria-label": t("access.role") + " – " + p.name },
      ROLES.map((r) => h("option", { value: r, selected: r === p.role }, t("role." + r))));
    const write = h("input", { type: "checkbox", checked: p.can_write });
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

  /** "Tilføj kollega": a professional's account placed on the case with a role. */
  function colleagueForm(c, act) {
    const id = (name) => `${name}-colleague-${c.id}`;
    const role = h("select", { id: id("role") }, ROLES.map((r) => h("option", { value: r }, t("role." + r))));
    const form = h("form", { class: "row colleague" },
      ...field(id("user"), t("access.colleague_username"), { required: true, autocomplete: "off", maxlength: 64 }),
      h("label", { for: id("role") }, t("access.role")), role,
      h("button", { type: "submit" }, t("access.add_colleague")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const username = document.getElementById(id("user")).value.trim();
      act("POST", `/api/cases/${c.id}/participants`, { username, role: role.value },
        () => t("access.colleague_added", { name: username }));
    });
    return form;
  }

  function consentForm(c, act) {
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

  function sectionForm(c, act) {
    const id = `section-${c.id}`;
    const form = h("form", { class: "row" }, ...field(id, t("access.section_title"), { required: true }),
      h("button", { type: "submit" }, t("access.new_section")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act("POST", `/api/cases/${c.id}/sections`, { title: document.getElementById(id).value });
    });
    return form;
  }

  /** Erasure: a button that opens a confirmation (type the alias), never a one-click delete. */
  function deletePart(c, note) {
    const id = `delete-${c.id}`;
    const start = h("button", { type: "button", class: "delete-start" }, t("access.delete_start"));
    const input = h("input", { id, autocomplete: "off", required: true });
    const form = h("form", { class: "confirm danger", hidden: true },
      h("p", {}, t("access.delete_warning")),
      h("label", { for: id }, t("access.delete_confirm")), input,
      h("p", { class: "row" },
        h("button", { type: "submit" }, t("access.delete_case")),
        h("button", { type: "button", onclick: () => { form.hidden = true; start.hidden = false; start.focus(); } }, t("access.delete_cancel"))));
    start.addEventListener("click", () => {
      start.hidden = true;
      form.hidden = false;
      input.focus();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (input.value.trim() !== c.alias) {
        note.textContent = t("access.delete_wrong");
        return;
      }
      try {
        await api("DELETE", `/api/cases/${c.id}`);
        open.delete(c.id);
        message.textContent = t("access.deleted", { alias: c.alias });
        await refresh();
      } catch (err) { note.textContent = failed(err); }
    });
    return h("section", { class: "delete" }, h("h3", {}, t("access.delete_section")), start, form);
  }

  await refresh().catch((err) => { message.textContent = failed(err); });
}
