// Calls to the access API: JSON in and out, the CSRF token on every state change,
// and a plain-language error (the server's Danish/English text) when it refuses.

let csrf = "";

/** The CSRF token of this session: from the sign-in answer, /api/auth/me, or the cookie. */
export function setCsrf(token) {
  csrf = token || "";
}

function csrfToken() {
  if (csrf) return csrf;
  const m = document.cookie.match(/(?:^|;\s*)tavle_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

export class ApiError extends Error {
  constructor(status, body, lang) {
    super((lang === "en" ? body.error_en : body.error) || body.error || String(status));
    this.status = status;
    this.key = body.key || "";
  }
}

/** To the sign-in page: nobody is signed in here, or the session ended. */
export function toLogin() {
  location.assign("/login");
}

/** The signed-in professional (`GET /api/auth/me`: `{user, teams, csrf}`), with the
 * session's CSRF token kept for later calls; when nobody is signed in, off to the
 * sign-in page and null. Every page for professionals starts with this. */
export async function signedIn(lang) {
  let me;
  try {
    me = await call("GET", "/api/auth/me", undefined, { lang });
  } catch {
    toLogin();
    return null;
  }
  setCsrf(me.csrf);
  return me;
}

/** fetch a JSON API route; throws ApiError with a message fit to show. */
export async function call(method, path, body, { lang = "da", token = "" } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  if (token) headers.Authorization = "Bearer " + token;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  let data = {};
  try {
    data = await res.json();
  } catch {
    data = {};
  }
  if (!res.ok) throw new ApiError(res.status, data, lang);
  return data;
}
