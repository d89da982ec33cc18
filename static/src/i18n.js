// The client's t(): every visible string comes from the one table, board/strings.json.
// Danish is the default; the chosen language is remembered in localStorage.
import table from "../../board/strings.json";

const KEY = "tavle.lang";
export const LANGUAGES = ["da", "en"];

/** The language in use: the saved choice, else Danish. */
export function currentLang() {
  try {
    const saved = localStorage.getItem(KEY);
    return LANGUAGES.includes(saved) ? saved : "da";
  } catch {
    return "da";
  }
}

/** Remember a language choice (the page reloads its strings afterwards). */
export function saveLang(lang) {
  if (LANGUAGES.includes(lang)) localStorage.setItem(KEY, lang);
}

/** Make t(key, vars) for one language; `{name}` placeholders are filled from vars. */
export function makeT(lang) {
  return (key, vars = {}) => {
    const entry = table[key];
    const text = entry ? entry[lang] ?? entry.da : key;
    return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  };
}
