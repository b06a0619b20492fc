// Labels of the template types (browser-safe copy of @rm/db's TemplateType names).
export const TEMPLATE_TYPE_LABELS: Record<string, { es: string; en: string; help: { es: string; en: string } }> = {
  INITIAL: {
    es: "Solicitud de calificación",
    en: "Rating request",
    help: { es: "El primer mensaje tras la cita.", en: "The first message after the appointment." },
  },
  REMINDER: { es: "Recordatorio", en: "Reminder", help: { es: "Si no hubo respuesta.", en: "When there was no reply." } },
  FOLLOWUP_HAPPY: {
    es: "Seguimiento: paciente satisfecho",
    en: "Follow-up: happy patient",
    help: { es: "Invita a dejar una reseña en Google.", en: "Invites a Google review." },
  },
  FOLLOWUP_UNHAPPY: {
    es: "Seguimiento: paciente insatisfecho",
    en: "Follow-up: unhappy patient",
    help: { es: "Ofrece el formulario privado.", en: "Offers the private form." },
  },
  HELP: { es: "Ayuda", en: "Help", help: { es: "Respuesta a mensajes no reconocidos.", en: "Answer to unrecognised messages." } },
  OPT_OUT_CONFIRMATION: {
    es: "Confirmación de baja",
    en: "Opt-out confirmation",
    help: { es: "Tras responder BAJA.", en: "After replying STOP." },
  },
  BROADCAST: {
    es: "Difusión",
    en: "Broadcast",
    help: { es: "Texto para campañas de difusión.", en: "Text for broadcast campaigns." },
  },
};
