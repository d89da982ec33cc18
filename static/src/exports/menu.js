// The "Hent" (download) menu of the board page: one button per format the server says this
// caller may download. The file is fetched with the Bearer token and saved from a blob,
// so the token never appears in a URL.
import { h } from "../access/dom.js";
import { loadStyles } from "./styles.js";

// file name endings per format (the sheet for the phone is a picture too)
const OFFICE_FORMATS = ["json", "fhir", "pdf"];
const ENDING = { json: "plan.json", fhir: "fhir.json", png: "png", svg: "svg", pdf: "pdf", "sheet-png": "telefon.png" };

/** Add the "Hent" button and its dialog to `bar` when the caller may download anything. */
export async function mountExports(bar, { boardId, token, t, lang, title }) {
  const base = `/api/boards/${encodeURIComponent(boardId)}/export`;
  const auth = { Authorization: "Bearer " + token };
  let formats = [];
  let offices = [];
  try {
    const res = await fetch(base, { headers: auth });
    if (res.ok) ({ formats = [], offices = [] } = await res.json());
  } catch {
    return null; // offline: no downloads, the board itself still works
  }
  if (!formats.length && !offices.length) return null;
  loadStyles();
  const open = h("button", { type: "button", id: "export-open", "aria-haspopup": "dialog" }, t("export.title"));
  const status = h("p", { class: "export-status", role: "status", "aria-live": "polite" });
  const heading = h("h2", { id: "export-h" }, t("export.title"));
  const list = h("ul", { class: "export-formats" });
  const dialog = h("dialog", { id: "export-dialog", "aria-labelledby": "export-h" });
  const close = h("button", { type: "button", class: "export-close" }, t("export.close"));
  for (const fmt of formats) {
    const b = h("button", { type: "button", "data-format": fmt }, t("export.format." + fmt));
    b.addEventListener("click", () => download(fmt, b));
    list.append(h("li", {}, b));
  }
  // each office its own part (within the citizen's consent): "Hent til Jobcenter"
  const parts = offices.map((office) => {
    const buttons = OFFICE_FORMATS.map((fmt) => {
      const b = h("button", { type: "button", "data-format": fmt, "data-office": office.id }, t("export.office_format." + fmt));
      b.addEventListener("click", () => download(fmt, b, office));
      return h("li", {}, b);
    });
    return h("section", { class: "export-office" },
      h("h3", {}, t("export.office", { org: office.name })), h("ul", { class: "export-formats" }, buttons));
  });
  dialog.append(heading, h("p", {}, t("export.choose")), list, ...parts, status, close);
  close.addEventListener("click", () => dialog.close());
  open.addEventListener("click", () => {
    status.textContent = "";
    dialog.showModal();
  });
  bar.append(open, dialog);

  async function download(fmt, button, office = null) {
    button.disabled = true;
    status.textContent = t("export.downloading");
    try {
      const q = new URLSearchParams({ format: fmt, lang });
      if (office) q.set("office", office.id);
      const res = await fetch(`${base}?${q}`, { headers: auth });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new Error(body.error || t("export.failed"));
      }
      save(await res.blob(), fileName(office ? `${title()} – ${office.name}` : title(), fmt));
      status.textContent = "";
    } catch (err) {
      status.textContent = err instanceof TypeError ? t("export.failed") : err.message;
    } finally {
      button.disabled = false;
    }
  }
  return { formats, dialog };
}

/** "Tavle – Sofies plan – 23-11-2026.pdf": the board's title, today's date dd-mm-yyyy. */
export function fileName(title, fmt, now = new Date()) {
  const safe = String(title || "Tavle").replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, " ").trim().slice(0, 80) || "Tavle";
  const pad = (n) => String(n).padStart(2, "0");
  const date = `${pad(now.getDate())}-${pad(now.getMonth() + 1)}-${now.getFullYear()}`;
  return `${safe} ${date}.${ENDING[fmt] || fmt}`;
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
