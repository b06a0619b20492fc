import { m } from "../define.ts";

/** The template pages (SPEC §5.4): the list of message types, the editor and its cost analysis. */
export const templates = {
  "templates.title": m({ es: "Plantillas", en: "Templates" }),
  "templates.back": m({ es: "← Plantillas", en: "← Templates" }),
  "templates.saved": m({ es: "Plantilla guardada.", en: "Template saved." }),
  "templates.empty": m({ es: "No hay plantillas.", en: "There are no templates." }),
  "templates.messages.title": m({ es: "Mensajes de las solicitudes de calificación", en: "Rating request messages" }),
  "templates.smsStats": m<{ segments: number; encoding: string }>({
    es: "SMS: {segments} {segments, plural, one {segmento} other {segmentos}} · {encoding}",
    en: "SMS: {segments} {segments, plural, one {segment} other {segments}} · {encoding}",
  }),
  "templates.field.name": m({ es: "Nombre interno", en: "Internal name" }),
  "templates.field.body": m({ es: "Texto del mensaje", en: "Message text" }),
  "templates.field.variables": m<{ names: string }>({ es: "Variables: {names}", en: "Variables: {names}" }),
  "templates.field.smsBody": m({ es: "Texto alternativo para SMS (opcional)", en: "Alternative SMS text (optional)" }),
  "templates.field.smsBody.hint": m({
    es: "Si lo completa, los SMS usan este texto (p. ej. sin tildes, para pagar menos segmentos).",
    en: "When filled in, SMS use this text (e.g. unaccented, to pay for fewer segments).",
  }),
  "templates.field.contentSid": m({ es: "Content SID de WhatsApp (opcional)", en: "WhatsApp Content SID (optional)" }),
  "templates.field.contentSid.hint": m({ es: "La plantilla aprobada por WhatsApp para este tipo (HX…).", en: "The WhatsApp-approved template for this type (HX…)." }),
  "templates.smsText.stats": m<{ segments: number; encoding: string; characters: number }>({
    es: "Texto SMS: {segments} {segments, plural, one {segmento} other {segmentos}} · {encoding} · {characters} caracteres",
    en: "SMS text: {segments} {segments, plural, one {segment} other {segments}} · {encoding} · {characters} characters",
  }),
  "templates.smsText.unknown": m<{ names: string }>({ es: " · variables desconocidas: {names}", en: " · unknown variables: {names}" }),
  "templates.save": m({ es: "Guardar", en: "Save" }),
  "templates.preview": m({ es: "Vista previa", en: "Preview" }),
  "templates.ownerOnly": m({ es: "Solo el propietario puede editar plantillas.", en: "Only the owner can edit templates." }),
  "templates.analysis.title": m({ es: "Vista previa con datos de ejemplo", en: "Preview with sample data" }),
  "templates.analysis.empty": m({ es: "(vacío)", en: "(empty)" }),
  "templates.analysis.unknown": m<{ names: string }>({
    es: "Variables desconocidas: {names}. No se puede guardar hasta corregirlas.",
    en: "Unknown variables: {names}. It cannot be saved until they are fixed.",
  }),
  "templates.analysis.characters": m({ es: "Caracteres (SMS)", en: "Characters (SMS)" }),
  "templates.analysis.segments": m({ es: "Segmentos SMS", en: "SMS segments" }),
  "templates.analysis.encoding": m({ es: "Codificación", en: "Encoding" }),
  "templates.analysis.credits": m({ es: "Créditos por mensaje", en: "Credits per message" }),
  "templates.analysis.ucs2": m({ es: "UCS-2: hasta 70 caracteres por segmento (67 si son varios).", en: "UCS-2: up to 70 characters per segment (67 when there are several)." }),
  "templates.analysis.gsm7": m({ es: "GSM-7: hasta 160 caracteres por segmento (153 si son varios).", en: "GSM-7: up to 160 characters per segment (153 when there are several)." }),
  "templates.analysis.nonGsm": m({ es: "Estos caracteres obligan a usar UCS-2 en SMS:", en: "These characters force UCS-2 for SMS:" }),
  "templates.analysis.gsmVariant": m<{ segments: number }>({
    es: "Una versión sin tildes para SMS ocuparía {segments} {segments, plural, one {segmento} other {segmentos}}:",
    en: "An unaccented SMS version would take {segments} {segments, plural, one {segment} other {segments}}:",
  }),
  "templates.analysis.useGsm": m({ es: "Usar como texto SMS", en: "Use as SMS text" }),
  "templates.analysis.procedure": m<{ words: string }>({
    es: "Atención: el texto nombra un procedimiento o tipo de cita ({words}). Cualquiera que vea el teléfono del paciente lo leerá: evite datos de salud en los mensajes.",
    en: "Careful: the text names a procedure or appointment type ({words}). Anyone who sees the patient's phone will read it: keep health details out of messages.",
  }),
};
