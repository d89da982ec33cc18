// /join: a citizen or relative types the code from the shared screen and a name,
// and lands on the board with a token of their own (in the URL fragment only). The device
// key (random, kept on this device) makes a rejoin with the same name the same participant.
import { call } from "./api.js";

export function startJoin({ t, lang }) {
  const form = document.getElementById("join");
  const code = document.getElementById("code");
  const name = document.getElementById("name");
  const message = document.getElementById("message");
  const fromQr = new URLSearchParams(location.hash.slice(1)).get("code");
  if (fromQr) {
    code.value = fromQr;
    history.replaceState(null, "", location.pathname); // the code leaves the address bar
    name.focus();
  } else {
    code.focus();
  }
  name.value = localStorage.getItem("tavle.name") || "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    message.textContent = t("access.joining");
    try {
      const joined = await call("POST", "/api/join", { code: code.value, name: name.value, device: deviceKey() }, { lang });
      localStorage.setItem("tavle.name", joined.name);
      location.assign(`/board/${encodeURIComponent(joined.board_id)}#token=${encodeURIComponent(joined.token)}`);
    } catch (err) {
      message.textContent = err.message;
      button.disabled = false;
      (err.key === "access.name_needed" ? name : code).focus();
    }
  });
}

/** A random key that stays on this device; the server makes the join token from it. */
function deviceKey() {
  let key = localStorage.getItem("tavle.device");
  if (!key) {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem("tavle.device", key);
  }
  return key;
}
