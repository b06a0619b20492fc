import { m } from "../define.ts";

/** A message's timeline on the campaign page and in the inbox. */
export const timeline = {
  "timeline.retrying": m({ es: "Reintentando", en: "Retrying" }),
  "timeline.retried": m({ es: "Reintentado", en: "Retried" }),
  /** After a message's name: "Solicitud de calificación: reintentando". */
  "timeline.message.retrying": m({ es: "reintentando", en: "retrying" }),
  "timeline.message.retried": m({ es: "reintentada", en: "retried" }),
};
