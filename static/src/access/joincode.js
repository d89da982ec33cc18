// The meeting code on the shared screen: fills <div id="join-code"> on the board page.
// Usage from the board page (shared-screen mode, signed-in coordinator):
//   import { mountJoinCode } from "./access/joincode.js";
//   mountJoinCode(document.getElementById("join-code"), { t, meetingId });
// meetingId defaults to ?meeting=… of the page URL; without one nothing is shown.
import { call } from "./api.js";
import { h } from "./dom.js";

export async function mountJoinCode(el, { t, lang = "da", meetingId } = {}) {
  const meeting = meetingId || new URLSearchParams(location.search).get("meeting");
  if (!el || !meeting) return null;
  try {
    const shown = await call("POST", `/api/meetings/${encodeURIComponent(meeting)}/join-code`, {}, { lang });
    const joinUrl = new URL(shown.url);
    el.replaceChildren(
      h("p", { class: "join-label" }, t("access.join_code_label")),
      h("p", { class: "join-code", "data-code": shown.code }, shown.code),
      h("img", { class: "join-qr", src: shown.qr_data_uri, alt: "QR", width: 198, height: 198 }),
      h("p", { class: "join-hint" }, t("access.scan_or_type", { url: joinUrl.host + "/join" })),
    );
    el.hidden = false;
    return shown;
  } catch (err) {
    el.replaceChildren(h("p", { role: "alert" }, err.message));
    el.hidden = false;
    return null;
  }
}
