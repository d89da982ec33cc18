// /orgs: the municipality's list of organisations. Everyone signed in reads it; the
// administrators (TAVLE_ADMINS) add and edit. User text only through textContent.
import { call, signedIn } from "./api.js";
import { field, h } from "./dom.js";

export const ORG_KINDS = ["authority", "provider", "volunteer", "other"];
const CODES = ["sor", "cvr", "municipality", "kombit"];

export async function startOrgs({ t, lang }) {
  const message = document.getElementById("message");
  const api = (method, path, body) => call(method, path, body, { lang });
  const show = (err) => { message.textContent = t("access.failed", { reason: err.message }); };
  if (!(await signedIn(lang))) return;
  const form = document.getElementById("org-form");
  const body = document.querySelector("#orgs tbody");
  let editing = null;

  function fillForm(org) {
    editing = org ? org.id : null;
    const kind = h("select", { id: "org-kind", name: "kind" },
      ORG_KINDS.map((k) => h("option", { value: k, selected: (org?.kind || "authority") === k }, t(`org.kind.${k}`))));
    form.replaceChildren(
      h("h2", {}, t(org ? "org.edit" : "org.add")),
      ...field("org-name", t("org.name"), { required: true, maxlength: 200, value: org?.name || "" }),
      h("label", { for: "org-kind" }, t("org.kind")), kind,
      ...CODES.flatMap((c) => field(`org-${c}`, t(`org.${c}`), { value: org?.[c] || "", inputmode: c === "kombit" ? "text" : "numeric" })),
      h("button", { type: "submit" }, t("org.save")),
      ...(org ? [h("button", { type: "button", onclick: () => fillForm(null) }, t("org.cancel"))] : []),
    );
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = { name: form.querySelector("#org-name").value, kind: form.querySelector("#org-kind").value };
    for (const c of CODES) values[c] = form.querySelector(`#org-${c}`).value.trim();
    try {
      await api("POST", editing ? `/api/organisations/${encodeURIComponent(editing)}` : "/api/organisations", values);
      message.textContent = t("org.saved");
      fillForm(null);
      await refresh();
    } catch (err) { show(err); }
  });

  async function refresh() {
    const { organisations, can_edit: canEdit } = await api("GET", "/api/organisations");
    if (canEdit) form.hidden = false;
    else form.remove(); // reading only: no form at all (the server refuses changes anyway)
    body.replaceChildren(...organisations.map((o) => h("tr", { "data-org": o.id },
      h("td", {}, o.name), h("td", {}, t(`org.kind.${o.kind}`)),
      ...CODES.map((c) => h("td", {}, o[c] || "–")),
      h("td", {}, canEdit ? h("button", { type: "button", onclick: () => fillForm(o) }, t("org.edit")) : ""))));
  }

  fillForm(null);
  try { await refresh(); } catch (err) { show(err); }
}
