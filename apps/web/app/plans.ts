// Plan names as staff read them: from the catalogue, never the stored enum (`FREE`).
import { isMessageCode, type Msg } from "@rm/catalogue";

/** A plan's catalogue name; an unknown value (never expected) as it is. */
export function planName(plan: string, msg: Msg): string {
  const code = `billing.plan.${plan}`;
  return isMessageCode(code) ? msg(code) : plan;
}
