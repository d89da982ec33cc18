// The meeting codes on the shared screen: a corner card beside the board (never over it)
// with one code for the citizen and one for the network, each with its QR code. The
// coordinator decides who a joiner is by which code they are given; the server makes the
// role from the code. The card hides with one tap ("Skjul koderne"), or by itself once the
// citizen has joined; "Vis mødekode" in the bar brings it back.
// Usage (shared-screen mode, signed-in coordinator):
//   mountJoinCode($("join-code"), { t, lang, showButton: $("show-code"), awareness });
// meetingId defaults to ?meeting=… of the page URL; without one nothing is shown.
import { call } from "./api.js";
import { h } from "./dom.js";

const WHO = { citizen: "citizen", network: "relative" }; // shown as → the role the code gives

export async function mountJoinCode(el, { t, lang = "da", meetingId, showButton, awareness } = {}) {
  const meeting = meetingId || new URLSearchParams(location.search).get("meeting");
  if (!el || !meeting) return null;
  const show = (yes) => {
    el.hidden = !yes;
    document.body.classList.toggle("code-shown", yes);
    if (showButton) showButton.hidden = yes;
  };
  try {
    const path = `/api/meetings/${encodeURIComponent(meeting)}/join-code?role=`;
    const shown = {};
    for (const [who, role] of Object.entries(WHO)) shown[who] = await call("POST", path + role, {}, { lang });
    const host = new URL(shown.citizen.url).host;
    el.replaceChildren(
      h("div", { class: "code-head" },
        h("h2", { class: "join-label" }, t("access.join_code_label")),
        h("button", { type: "button", id: "hide-code", onclick: () => show(false) }, t("meeting.hide_code"))),
      ...Object.entries(shown).map(([who, code]) => h("div", { class: "code-box" },
        h("p", { class: "code-for" }, t("meeting.code_for." + who)),
        h("p", { class: "join-code", "data-for": who, "data-code": code.code }, code.code),
        h("img", { class: "join-qr", src: code.qr_data_uri, alt: t("meeting.qr_for." + who), width: 132, height: 132 }))),
      h("p", { class: "join-hint" }, t("access.scan_or_type", { url: host + "/join" })),
    );
    if (showButton) {
      showButton.textContent = t("access.show_code");
      showButton.addEventListener("click", () => show(true));
    }
    show(true);
    // the citizen is the one the meeting waits for: once they are on the board, the card goes
    let waiting = true;
    const citizenHere = () => [...awareness.getStates().values()].some((s) => s?.user?.role === "citizen");
    awareness?.on("change", () => {
      if (waiting && citizenHere()) {
        waiting = false;
        show(false);
      }
    });
    showButton?.addEventListener("click", () => (waiting = false));
    return shown;
  } catch (err) {
    el.replaceChildren(h("p", { role: "alert" }, err.message));
    el.hidden = false;
    return null;
  }
}
