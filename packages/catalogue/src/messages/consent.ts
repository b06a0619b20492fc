import { m } from "../define.ts";

/** A contact's consent (SPEC §13): the import's attestation, the history, staff opt-back-in. */
export const consent = {
  /** The statement the uploader ticks for a file without a consent column; kept as the events' evidence. */
  "consent.attestation.statement": m({
    es: "Confirmo que estos pacientes aceptaron recibir mensajes de este consultorio (solicitudes de calificación por WhatsApp o SMS).",
    en: "I confirm that these patients agreed to receive messages from this practice (rating requests by WhatsApp or SMS).",
  }),
  "consent.attestation.hint": m({
    es: "El archivo no tiene columna de consentimiento. Para importarlo, confirme que todos estos pacientes aceptaron recibir mensajes: su confirmación queda registrada a su nombre en el historial de consentimiento de cada paciente.",
    en: "The file has no consent column. To import it, confirm that every one of these patients agreed to receive messages: your confirmation is recorded under your name in each patient's consent history.",
  }),
  "consent.attestation.required": m({
    es: "El archivo no tiene columna de consentimiento: marque la casilla para confirmar que estos pacientes aceptaron recibir mensajes, o suba un archivo con la columna «consentimiento». No se importó nada.",
    en: "The file has no consent column: tick the box to confirm that these patients agreed to receive messages, or upload a file with a “consentimiento” (consent) column. Nothing was imported.",
  }),
  "consent.history.title": m<{ name: string }>({ es: "Historial de consentimiento de {name}", en: "Consent history of {name}" }),
  "consent.history.empty": m({ es: "Sin registros de consentimiento.", en: "No consent records." }),
  "consent.history.close": m({ es: "Cerrar el historial", en: "Close the history" }),
  "consent.history.open": m<{ name: string }>({ es: "Consentimiento de {name}", en: "Consent of {name}" }),
  "consent.history.link": m({ es: "Consentimiento", en: "Consent" }),
  "consent.history.event": m<{ action: string; channel: string; purpose: string }>({
    es: "{action, select, GRANTED {Aceptó} other {Retiró el consentimiento}} · {channel, select, WHATSAPP {WhatsApp} other {SMS}} · {purpose, select, MARKETING {mensajes de marketing} other {solicitudes de calificación}}",
    en: "{action, select, GRANTED {Consented} other {Withdrew consent}} · {channel, select, WHATSAPP {WhatsApp} other {SMS}} · {purpose, select, MARKETING {marketing messages} other {rating requests}}",
  }),
  "consent.history.source": m<{ source: string }>({
    es: "{source, select, IMPORT {Importación de archivo} FORM {Formulario} STAFF {Personal} REPLY {Respuesta del paciente} other {API}}",
    en: "{source, select, IMPORT {File import} FORM {Form} STAFF {Staff} REPLY {Patient's reply} other {API}}",
  }),
  "consent.history.actor": m<{ name: string }>({ es: "por {name}", en: "by {name}" }),
  "consent.history.evidence": m<{ text: string }>({ es: "Constancia: «{text}»", en: "Evidence: “{text}”" }),
  "consent.optIn.link": m<{ name: string }>({ es: "Volver a dar de alta a {name}", en: "Opt {name} back in" }),
  "consent.optIn.title": m<{ name: string }>({ es: "¿Volver a dar de alta a {name}?", en: "Opt {name} back in?" }),
  "consent.optIn.body": m<{ channel: string }>({
    es: "Se levanta la baja y se registra su consentimiento para {channel, select, WHATSAPP {WhatsApp} other {SMS}}, a su nombre. Rige para las próximas campañas; los envíos ya anulados no se reprograman.",
    en: "The opt-out is lifted and their consent for {channel, select, WHATSAPP {WhatsApp} other {SMS}} is recorded under your name. It applies to the next campaigns; sends already stopped are not rescheduled.",
  }),
  "consent.optIn.evidence": m({ es: "Cómo lo pidió el paciente (obligatorio)", en: "How the patient asked for it (required)" }),
  "consent.optIn.evidenceHint": m({
    es: "Por ejemplo: «Lo pidió en recepción el 3 de diciembre». Queda en su historial de consentimiento.",
    en: "For example: “Asked at the front desk on 3 December”. It is kept in their consent history.",
  }),
  "consent.optIn.confirm": m({ es: "Sí, volver a dar de alta", en: "Yes, opt them back in" }),
  "consent.optIn.evidenceRequired": m({
    es: "Escriba cómo pidió el paciente volver a recibir mensajes: sin esa constancia no se registra el consentimiento.",
    en: "Write how the patient asked to receive messages again: without that evidence no consent is recorded.",
  }),
  "consent.optIn.done": m({
    es: "Paciente dado de alta de nuevo: su consentimiento quedó registrado en el historial.",
    en: "Patient opted back in: their consent was recorded in the history.",
  }),
  "consent.optIn.erased": m({ es: "Los datos de este paciente fueron eliminados: no se le puede volver a dar de alta.", en: "This patient's data was erased: they cannot be opted back in." }),
};
