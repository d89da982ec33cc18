// Dates are stored as YYYY-MM-DD and shown to people as dd-mm-yyyy, everywhere.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-12-07" -> "07-12-2026"; anything else -> "" (never shows garbage). */
export function showDate(value) {
  const m = typeof value === "string" ? ISO_DATE.exec(value) : null;
  return m ? `${m[3]}-${m[2]}-${m[1]}` : "";
}

/** The date part of an ISO timestamp, shown dd-mm-yyyy. */
export function showStampDate(stamp) {
  return typeof stamp === "string" ? showDate(stamp.slice(0, 10)) : "";
}

/** A value for storing: a valid YYYY-MM-DD or null. */
export function storeDate(value) {
  return typeof value === "string" && ISO_DATE.test(value) ? value : null;
}

/** The current time as an ISO UTC timestamp without milliseconds. */
export function nowStamp() {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
