import { m } from "../define.ts";

/** A message's timeline on the campaign page and in the inbox. */
export const timeline = {
  "timeline.retrying": m({ es: "Reintentando", en: "Retrying" }),
  "timeline.retried": m({ es: "Reintentado", en: "Retried" }),
  /** After a message's name: "Solicitud de calificación: reintentando". */
  "timeline.message.retrying": m({ es: "reintentando", en: "retrying" }),
  "timeline.message.retried": m({ es: "reintentada", en: "retried" }),
  /**
   * SMS fallback (SPEC §12): the WhatsApp attempt failed with this Twilio code and the same message
   * went (sent = yes) or is going (sent = no) by SMS.
   */
  "timeline.smsFallback": m<{ code: string; sent: "yes" | "no" }>({
    es: "WhatsApp falló ({code, select, 63003 {no tiene WhatsApp} 63024 {WhatsApp no acepta este número} 63016 {plantilla no utilizable} other {error {code}}}) → {sent, select, yes {enviado por SMS} other {se enviará por SMS}}",
    en: "WhatsApp failed ({code, select, 63003 {no WhatsApp on this number} 63024 {WhatsApp does not accept this number} 63016 {template not usable} other {error {code}}}) → {sent, select, yes {sent by SMS} other {going by SMS}}",
  }),
};
