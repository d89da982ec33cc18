// What every page does first: its language on <html>, its words from the one table
// (data-t: text, data-t-label: aria-label) and its title (<body data-title="key">).
export function translatePage(t, lang) {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t(el.dataset.tLabel));
  const key = document.body.dataset.title;
  if (key) document.title = `${t(key)} – Tavle`;
}
