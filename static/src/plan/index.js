// The plan panel and the plain list view (owned by the plan client work).
// Contract: main.js calls mountPlan(ctx) once the board document exists.
// ctx = { doc, provider, awareness, t, lang, role, user: {id, name, color}, root }
export function mountPlan(ctx) {
  return ctx;
}
