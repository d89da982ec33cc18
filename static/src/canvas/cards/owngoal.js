// The citizen's own goal: their words, whole and large, in »…« — the end of the road.
import { block, content as make } from "./layout.js";

export function content(plan, _id, t) {
  const text = plan.ownGoal.trim();
  const words = text ? t("plan.quoted", { text }) : t("plan.own_goal_empty");
  return make("own_goal", words, [block(t("plan.own_goal"), "detail", true), block(words, "title")]);
}
