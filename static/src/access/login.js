// /login: professionals sign in; the session cookie is HttpOnly, the CSRF token is kept.
import { call, setCsrf } from "./api.js";

export function startLogin({ t, lang }) {
  const form = document.getElementById("login");
  const message = document.getElementById("message");
  if (new URLSearchParams(location.hash.slice(1)).get("fejl") === "oidc") {
    message.textContent = t("access.oidc_failed");
  }
  call("GET", "/api/auth/oidc", undefined, { lang })
    .then((info) => { document.getElementById("oidc").hidden = !info.enabled; })
    .catch(() => {});
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const signedIn = await call("POST", "/api/auth/login", {
        username: document.getElementById("username").value,
        password: document.getElementById("password").value,
      }, { lang });
      setCsrf(signedIn.csrf);
      location.assign("/cases");
    } catch (err) {
      message.textContent = err.message;
      document.getElementById("password").select();
    }
  });
}
