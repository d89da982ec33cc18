// /tilgaengelighed, Tavle's default accessibility statement: the words come from the
// table; the municipality's contact (TAVLE_ACCESSIBILITY_CONTACT) from GET /api/site.
import { call } from "./api.js";

export async function startStatement({ t, lang }) {
  const site = await call("GET", "/api/site", undefined, { lang }).catch(() => null);
  if (site?.accessibility_contact) {
    document.getElementById("contact").textContent = t("a11y.contact", { contact: site.accessibility_contact });
  }
  document.body.dataset.ready = "1";
}
