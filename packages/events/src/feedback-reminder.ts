// `feedback.reminder` on 'dispatch': the one reminder of a patient who has not rated (SPEC §5.7).
import { z } from "zod";
import { defineEvent } from "./define-event.ts";

const PREFIX = "feedback.reminder:";

export const feedbackReminderEvent = defineEvent({
  stream: "dispatch",
  type: "feedback.reminder",
  payload: z.object({ patientId: z.uuid() }),
  /** One per patient: never a second reminder. */
  key: (patientId: string) => `${PREFIX}${patientId}`,
  /** The key as SQL, for a patient id expression. */
  keySql: (patientIdSql: string) => `'${PREFIX}' || (${patientIdSql})::text`,
});
