// The connection status line, always visible and in plain words.

/** Show the provider's state in `el`, kept up to date. */
export function showStatus(provider, el, t) {
  let state = "connecting";
  const paint = () => {
    const shown = navigator.onLine === false ? "disconnected" : state;
    el.dataset.state = shown;
    el.textContent = t({ connected: "conn.connected", connecting: "conn.connecting", disconnected: "conn.offline" }[shown]);
  };
  provider.on("status", ({ status }) => {
    // a reconnect attempt after a loss still means "no connection" until it succeeds
    if (!(status === "connecting" && state === "disconnected")) state = status;
    paint();
  });
  window.addEventListener("online", paint);
  window.addEventListener("offline", paint);
  paint();
}
