// Shared-screen mode (`?screen=1`): the page as the room sees it on the big screen —
// large type read from across a room. One toggle for the board page and the tavlemøde.

/** True when the page was opened for the room's shared screen. */
export const sharedScreen = () => new URLSearchParams(location.search).get("screen") === "1";

/** A button that opens the same page in, or out of, shared-screen mode. */
export function screenToggle(button, t) {
  const on = sharedScreen();
  button.textContent = t(on ? "app.leave_screen" : "app.screen_mode");
  button.setAttribute("aria-pressed", String(on));
  button.addEventListener("click", () => {
    const url = new URL(location.href);
    if (on) url.searchParams.delete("screen");
    else url.searchParams.set("screen", "1");
    location.assign(url.toString());
  });
}
