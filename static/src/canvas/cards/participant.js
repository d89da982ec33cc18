// A person of the network: name, role in plain words, where they work, phone.
import { SPEC } from "./spec.js";
import { block, content as make, pill, pills } from "./layout.js";
import { fact, officeOf } from "./words.js";

export function content(plan, id, t) {
  const person = plan.participants.find((p) => p.id === id);
  if (!person) return null;
  const blocks = [block(person.name, "title", true), block(t(`role.${person.role}`))];
  if (person.contact_person === true) blocks.unshift(pills([pill(SPEC.badges.agreed, t("card.contact_person"))]));
  const office = officeOf(person);
  if (office) blocks.push(block(office));
  if (person.phone) blocks.push(block(fact(t, "plan.phone", person.phone)));
  return make("participant", person.name, blocks);
}
