import { m } from "../define.ts";

/** What a workspace needs to send: the upload's blockers, the home page's checklist, the template settings. */
export const sending = {
  "sending.blocker.noWhatsappSender": m<{ count: number }>({
    es: "No hay un número de WhatsApp para enviar a {count, plural, one {# paciente} other {# pacientes}}.",
    en: "There is no WhatsApp number to send to {count, plural, one {# patient} other {# patients}}.",
  }),
  "sending.blocker.noSmsSender": m<{ count: number }>({
    es: "No hay un número de envío SMS para enviar a {count, plural, one {# paciente} other {# pacientes}}.",
    en: "There is no SMS sender number to send to {count, plural, one {# patient} other {# patients}}.",
  }),
  /** type: INITIAL, REMINDER, …; language: es, en. */
  "sending.blocker.noTemplate": m<{ type: string; language: string }>({
    es: "No hay una plantilla de WhatsApp aprobada para «{type, select, INITIAL {solicitud de calificación} REMINDER {recordatorio} FOLLOWUP_HAPPY {seguimiento a pacientes satisfechos} FOLLOWUP_UNHAPPY {seguimiento a pacientes insatisfechos} HELP {ayuda} OPT_OUT_CONFIRMATION {confirmación de baja} other {{type}}}» en {language, select, en {inglés} other {español}}: WhatsApp no entregaría esos mensajes.",
    en: "There is no approved WhatsApp template for \"{type, select, INITIAL {rating request} REMINDER {reminder} FOLLOWUP_HAPPY {follow-up to happy patients} FOLLOWUP_UNHAPPY {follow-up to unhappy patients} HELP {help} OPT_OUT_CONFIRMATION {opt-out confirmation} other {{type}}}\" in {language, select, en {English} other {Spanish}}: WhatsApp would not deliver those messages.",
  }),
  "sending.blocker.credits": m<{ needed: number; available: number }>({
    es: "Créditos insuficientes: se necesitan {needed} y el saldo es {available}.",
    en: "Not enough credits: {needed} needed, the balance is {available}.",
  }),
  "sending.blocker.fixSettings": m({ es: "Configurar en Ajustes", en: "Set it up in Settings" }),
  "sending.blocker.fixBilling": m({ es: "Comprar créditos o mejorar el plan", en: "Buy credits or upgrade the plan" }),
  "sending.blockers.title": m({ es: "No se puede enviar todavía:", en: "It cannot be sent yet:" }),
  "sending.blockers.askOwner": m({ es: "Pida al propietario de la cuenta que lo resuelva.", en: "Ask the account owner to fix it." }),
  "sending.preview.byWhatsapp": m({ es: "Por WhatsApp", en: "By WhatsApp" }),
  "sending.preview.bySms": m({ es: "Por SMS", en: "By SMS" }),
  "sending.settings.platformTemplate": m<{ sid: string }>({ es: "Vacío: la plantilla aprobada de la plataforma ({sid}).", en: "Empty: the platform's approved template ({sid})." }),
  "sending.settings.noTemplate": m({
    es: "Vacío: sin plantilla; fuera de las 24 horas WhatsApp no entrega este mensaje.",
    en: "Empty: no template; outside the 24 hours WhatsApp does not deliver this message.",
  }),
  "sending.setup.title": m({ es: "Lo que falta para enviar", en: "What is missing to send" }),
  "sending.setup.done": m({ es: "Listo: ", en: "Done: " }),
  "sending.setup.missing": m({ es: "Falta: ", en: "Missing: " }),
  "sending.setup.practice": m({ es: "Un consultorio con su enlace de reseñas de Google.", en: "A practice with its Google review link." }),
  "sending.setup.credits": m<{ credits: number }>({ es: "Créditos para enviar (tiene {credits}).", en: "Credits to send (you have {credits})." }),
  "sending.setup.sendingReady": m({ es: "Número de envío y plantillas de WhatsApp aprobadas.", en: "Sender number and approved WhatsApp templates." }),
  "sending.setup.sendingMissing": m<{ missing: string }>({ es: "Número de envío y plantillas de WhatsApp: falta {missing}.", en: "Sender number and WhatsApp templates: missing {missing}." }),
  "sending.setup.firstUpload": m({ es: "Su primera lista de citas subida y confirmada.", en: "Your first appointment list uploaded and confirmed." }),
  "sending.setup.gap.whatsappSender": m({ es: "un número de WhatsApp", en: "a WhatsApp number" }),
  "sending.setup.gap.smsSender": m({ es: "un número de envío SMS", en: "an SMS sender number" }),
  "sending.setup.gap.templateINITIAL": m({ es: "la plantilla de WhatsApp «solicitud de calificación»", en: "the WhatsApp template \"rating request\"" }),
  "sending.setup.gap.templateREMINDER": m({ es: "la plantilla de WhatsApp «recordatorio»", en: "the WhatsApp template \"reminder\"" }),
  "sending.setup.action.addPractice": m({ es: "Agregar un consultorio", en: "Add a practice" }),
  "sending.setup.action.completePractice": m({ es: "Completar el consultorio", en: "Complete the practice" }),
  "sending.setup.action.buyCredits": m({ es: "Comprar créditos", en: "Buy credits" }),
  "sending.setup.action.settings": m({ es: "Configurar en Ajustes", en: "Set it up in Settings" }),
  "sending.setup.action.upload": m({ es: "Subir citas", en: "Upload appointments" }),
};
