// The board page's extra stylesheet (download dialog, notices, restricted sections):
// loaded from a file, because the page's CSP forbids inline styles.
let loaded = false;

/** Add /static/extras.css to the page once. */
export function loadStyles() {
  if (loaded) return;
  loaded = true;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "/static/extras.css";
  document.head.append(link);
}
