// Plan items in words, shared by the panel and the list view so both say the same.
import { showDate, showStampDate } from "./dates.js";
import { ROLES, isProposal } from "./model.js";

/** [value, word] pairs of a vocabulary, e.g. vocab(t, "status", STATUSES). */
export const vocab = (t, prefix, values) => values.map((v) => [v, t(`${prefix}.${v}`)]);

/**
 * A participant's name by id. A proposer without a participant entry is stored by
 * display name or by role ("coordinator"), shown as the role's word.
 */
export function personName(t, plan, id) {
  if (!id) return "";
  const found = plan.participants.find((p) => p.id === id);
  if (found) return found.name;
  return ROLES.includes(id) ? t(`role.${id}`) : id;
}

export function memberName(plan, id) {
  const m = plan.members.find((x) => x.id === id);
  return m ? [m.name, m.relation].filter(Boolean).join(", ") : "";
}

export function goalTitle(plan, id) {
  return plan.goals.find((g) => g.id === id)?.title ?? "";
}

/** "Forslag fra Mette" / "Aftalt 23-11-2026" / "" for the citizen's own item. */
export function agreementState(t, plan, item) {
  if (isProposal(item)) return t("plan.proposed_by", { name: personName(t, plan, item.proposed_by) });
  if (item.proposed_by && item.agreed_at) return t("plan.agreed_on", { date: showStampDate(item.agreed_at) });
  return "";
}

/** "Nået" / "Stoppet" for a goal that is no longer active, else "". */
export const goalState = (t, goal) => (goal.status === "active" ? "" : t(`plan.goal_state.${goal.status}`));

/** "Mål om arbejde" for a job goal (Min Plan's beskæftigelsesmål), else "". */
export const goalKind = (t, goal) => (goal.kind === "job" ? t("goal_kind.job") : "");

/** The citizen's words, quoted — never rewritten. */
export const quoted = (t, text) => t("plan.quoted", { text });

/** [label, value] pairs describing an action; empty values left out. */
export function actionFacts(t, plan, a) {
  return [
    [t("plan.who"), personName(t, plan, a.owner) || t("plan.nobody")],
    [t("plan.activity_type"), a.activity_type ? t(`activity.${a.activity_type}`) : ""],
    [t("plan.start"), showDate(a.start)],
    [t("plan.by"), showDate(a.due) || t("plan.not_set")],
    [t("plan.status"), t(`status.${a.status}`)],
    [t("plan.goal"), goalTitle(plan, a.goal)],
    [t("plan.member"), memberName(plan, a.member)],
    [t("plan.where"), a.office],
    [t("plan.approval"), a.approval === "not_needed" ? "" : t(`approval.${a.approval}`)],
    [t("plan.follow_up"), showDate(a.follow_up)],
    [t("plan.carried_over_label"), a.carried_over ? String(a.carried_over) : ""],
    [t("plan.note"), a.note],
  ].filter(([, v]) => v);
}

/** "07-12-2026 kl. 10.00, Jobcentret" (Danish writes the time with a dot) or "". */
export function meetingText(t, lang, m) {
  const time = m.time ? t("plan.at_time", { time: lang === "da" ? m.time.replace(":", ".") : m.time }) : "";
  const when = [showDate(m.date), time].filter(Boolean).join(" ");
  return [when, m.place].filter(Boolean).join(", ");
}
