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
