import { m } from "../define.ts";

/**
 * Broadcast campaigns (SPEC §14): the new-broadcast page (audience, exclusion preview, text, cost,
 * schedule), the broadcast's page (progress, pause, cancel, results), the opt-out line that ends an
 * SMS broadcast, and the marketing consent on the contact page.
 */
export const broadcast = {
  // Written in GSM-7 on purpose ("mas", no accent): "á" is outside GSM-7 and would turn every
  // Spanish SMS broadcast into UCS-2, halving the characters per segment and doubling its cost.
  "broadcast.optOutLine": m({ es: "Responda BAJA para no recibir mas mensajes.", en: "Reply STOP to stop receiving messages." }),

  "broadcast.kind.FEEDBACK": m({ es: "Opiniones", en: "Feedback" }),
  "broadcast.kind.BROADCAST": m({ es: "Difusión", en: "Broadcast" }),
  "broadcast.new": m({ es: "Nueva difusión", en: "New broadcast" }),
  "broadcast.new.meta": m({ es: "Nueva difusión · Reputation Manager", en: "New broadcast · Reputation Manager" }),
  "broadcast.new.intro": m({
    es: "Un mensaje a un grupo de contactos: un recordatorio de limpieza, un médico nuevo, el horario de feriados. Solo reciben quienes dieron su consentimiento de marketing.",
    en: "One message to a group of contacts: a cleaning recall, a new doctor, the holiday schedule. Only contacts who gave marketing consent receive it.",
  }),

  "broadcast.audience.title": m({ es: "Audiencia", en: "Audience" }),
  "broadcast.audience.labels": m({ es: "Etiquetas (cualquiera de ellas)", en: "Labels (any of them)" }),
  "broadcast.audience.practice": m({ es: "Consultorio", en: "Practice" }),
  "broadcast.audience.doctor": m({ es: "Médico", en: "Doctor" }),
  "broadcast.audience.any": m({ es: "Cualquiera", en: "Any" }),
  "broadcast.audience.visitAfter": m({ es: "Última visita desde", en: "Last visit on or after" }),
  "broadcast.audience.visitBefore": m({ es: "Última visita antes de", en: "Last visit before" }),
  "broadcast.audience.contactAfter": m({ es: "Último contacto desde", en: "Last contact on or after" }),
  "broadcast.audience.contactBefore": m({ es: "Último contacto antes de", en: "Last contact before" }),
  "broadcast.audience.ratingMin": m({ es: "Calificación dada, mínima", en: "Rating given, lowest" }),
  "broadcast.audience.ratingMax": m({ es: "Calificación dada, máxima", en: "Rating given, highest" }),
  "broadcast.audience.phones": m({ es: "Lista propia de teléfonos (uno por línea, opcional)", en: "Your own list of phones (one per line, optional)" }),
  "broadcast.audience.preview": m({ es: "Ver a quién llega", en: "Preview the audience" }),
  "broadcast.audience.noLabels": m({ es: "Todavía no hay etiquetas: póngalas en la página de cada contacto.", en: "No labels yet: add them on each contact's page." }),

  "broadcast.preview.title": m({ es: "Vista previa de la audiencia", en: "Audience preview" }),
  "broadcast.preview.matched": m<{ count: string }>({ es: "{count} contactos cumplen los filtros", en: "{count} contacts match the filters" }),
  "broadcast.preview.eligible": m<{ count: string }>({ es: "{count} recibirán el mensaje", en: "{count} will receive the message" }),
  "broadcast.preview.excludedTitle": m({ es: "Excluidos y por qué", en: "Excluded, and why" }),
  "broadcast.preview.reason": m({ es: "Motivo", en: "Reason" }),
  "broadcast.preview.count": m({ es: "Contactos", en: "Contacts" }),
  "broadcast.excluded.OPTED_OUT": m({ es: "Pidieron no recibir mensajes", en: "Opted out" }),
  "broadcast.excluded.ERASED": m({ es: "Datos eliminados", en: "Erased" }),
  "broadcast.excluded.NO_MARKETING_CONSENT": m({ es: "Sin consentimiento de marketing", en: "No marketing consent" }),
  "broadcast.excluded.FREQUENCY_CAP": m<{ cap: number }>({ es: "Ya recibieron {cap} difusiones en 30 días", en: "Already got {cap} broadcasts in 30 days" }),
  "broadcast.excluded.COUNTRY_NOT_ALLOWED": m({ es: "País de destino no permitido", en: "Destination country not allowed" }),
  "broadcast.preview.invalidPhones": m<{ count: number }>({
    es: "{count, plural, one {# línea de la lista no es un teléfono y se ignoró} other {# líneas de la lista no son teléfonos y se ignoraron}}.",
    en: "{count, plural, one {# line of the list is not a phone and was ignored} other {# lines of the list are not phones and were ignored}}.",
  }),
  "broadcast.preview.capNote": m<{ cap: number }>({
    es: "Límite de frecuencia: como máximo {cap} difusiones por contacto en 30 días (Ajustes).",
    en: "Frequency cap: at most {cap} broadcasts per contact in 30 days (Settings).",
  }),

  "broadcast.message.title": m({ es: "Mensaje", en: "Message" }),
  "broadcast.message.template": m({ es: "Texto de la biblioteca", en: "Library text" }),
  "broadcast.message.noTemplates": m({ es: "No hay textos de difusión: escriba uno (con o sin IA) en Plantillas.", en: "No broadcast texts yet: write one (with or without AI) in Templates." }),
  "broadcast.message.draftLink": m({ es: "Redactar con IA", en: "Draft with AI" }),
  "broadcast.message.channel": m({ es: "Canal", en: "Channel" }),
  "broadcast.message.whatsappNote": m({
    es: "WhatsApp solo con una plantilla MARKETING aprobada y desde el número propio de la consulta, nunca desde el compartido.",
    en: "WhatsApp only with an approved MARKETING template and from the practice's own number, never the shared one.",
  }),
  "broadcast.message.sample": m<{ name: string }>({ es: "Así lo verá {name}", en: "How {name} will see it" }),
  "broadcast.message.cost": m<{ segments: number; encoding: string; perMessage: number; total: string; recipients: string }>({
    es: "{segments, plural, one {# segmento} other {# segmentos}} ({encoding}) · {perMessage, plural, one {# crédito} other {# créditos}} por mensaje · {total} créditos para {recipients} destinatarios",
    en: "{segments, plural, one {# segment} other {# segments}} ({encoding}) · {perMessage, plural, one {# credit} other {# credits}} per message · {total} credits for {recipients} recipients",
  }),
  "broadcast.message.balance": m<{ balance: string }>({ es: "Saldo disponible: {balance} créditos.", en: "Available balance: {balance} credits." }),

  "broadcast.schedule.title": m({ es: "Envío", en: "Sending" }),
  "broadcast.schedule.name": m({ es: "Nombre de la difusión", en: "Broadcast name" }),
  "broadcast.schedule.date": m({ es: "Fecha", en: "Date" }),
  "broadcast.schedule.time": m<{ zone: string }>({ es: "Hora ({zone})", en: "Time ({zone})" }),
  "broadcast.schedule.quietNote": m({ es: "Si la hora cae en horas de silencio, sale al terminar estas.", en: "If the time falls in quiet hours, it goes out when they end." }),
  "broadcast.schedule.submit": m({ es: "Programar difusión", en: "Schedule broadcast" }),

  "broadcast.error.name": m({ es: "Escriba un nombre para la difusión.", en: "Give the broadcast a name." }),
  "broadcast.error.template": m({ es: "Elija un texto de la biblioteca.", en: "Choose a library text." }),
  "broadcast.error.when": m({ es: "Escriba una fecha y hora válidas en la zona de la consulta.", en: "Enter a valid date and time in the practice's zone." }),
  "broadcast.error.past": m({ es: "La hora ya pasó: elija una hora futura.", en: "That time has passed: choose a future time." }),
  "broadcast.error.nobody": m({ es: "Nadie de esta audiencia puede recibir el mensaje.", en: "Nobody in this audience can receive the message." }),
  "broadcast.error.credits": m<{ needed: string; available: string }>({
    es: "Créditos insuficientes: la difusión necesita {needed} y hay {available}. Recargue en Facturación.",
    en: "Not enough credits: the broadcast needs {needed} and {available} are available. Top up in Billing.",
  }),
  "broadcast.error.whatsappShared": m({
    es: "Las difusiones por WhatsApp salen solo desde el número propio de la consulta: conecte su cuenta de Twilio y active WhatsApp en ella.",
    en: "WhatsApp broadcasts go only from the practice's own number: connect your Twilio account and switch WhatsApp to it.",
  }),
  "broadcast.error.whatsappTemplate": m({
    es: "Este texto no tiene una plantilla aprobada por WhatsApp en su cuenta: envíelo a aprobación desde su página en la biblioteca.",
    en: "This text has no WhatsApp-approved template on your account: submit it for approval from its library page.",
  }),
  "broadcast.error.whatsappNotConnected": m({
    es: "Para difundir por WhatsApp conecte primero la cuenta de Twilio de la consulta (Ajustes → Remitente propio).",
    en: "To broadcast by WhatsApp, first connect the practice's Twilio account (Settings → Own sender).",
  }),
  "broadcast.error.whatsappPending": m({
    es: "WhatsApp aún revisa la plantilla de este texto: podrá difundirlo cuando la apruebe.",
    en: "WhatsApp is still reviewing this text's template: you can broadcast it once it is approved.",
  }),
  "broadcast.error.whatsappRejected": m<{ reason: string }>({
    es: "WhatsApp rechazó la plantilla de este texto ({reason}). Edítelo y envíelo de nuevo a aprobación.",
    en: "WhatsApp rejected this text's template ({reason}). Edit it and submit it again.",
  }),
  "broadcast.error.whatsappPaused": m<{ reason: string }>({
    es: "WhatsApp pausó la plantilla de este texto ({reason}): no se puede difundir por WhatsApp hasta que la reactive.",
    en: "WhatsApp paused this text's template ({reason}): it cannot be broadcast by WhatsApp until WhatsApp reactivates it.",
  }),
  "broadcast.error.whatsappNotMarketing": m({
    es: "WhatsApp aprobó este texto como UTILIDAD: una difusión es marketing y solo sale con una plantilla MARKETING. Cambie la categoría y envíelo de nuevo a aprobación.",
    en: "WhatsApp approved this text as UTILITY: a broadcast is marketing and goes only with a MARKETING template. Change the category and submit it again.",
  }),
  "broadcast.error.filters": m({ es: "Revise los filtros marcados.", en: "Check the marked filters." }),
  "broadcast.error.date": m({ es: "Fecha no válida (AAAA-MM-DD).", en: "Invalid date (YYYY-MM-DD)." }),
  "broadcast.error.rating": m({ es: "Una calificación de 1 a 5.", en: "A rating from 1 to 5." }),

  "broadcast.page.scheduled": m<{ when: string }>({ es: "Programada para {when}", en: "Scheduled for {when}" }),
  "broadcast.page.channel": m<{ channel: string }>({ es: "Canal: {channel}", en: "Channel: {channel}" }),
  "broadcast.page.paused": m({ es: "En pausa: no sale ningún mensaje hasta reanudarla.", en: "Paused: no message goes out until it is resumed." }),
  "broadcast.page.pause": m({ es: "Pausar", en: "Pause" }),
  "broadcast.page.resume": m({ es: "Reanudar", en: "Resume" }),
  "broadcast.page.progress": m<{ done: string; total: string }>({ es: "{done} de {total} enviados", en: "{done} of {total} sent" }),
  "broadcast.page.results": m({ es: "Resultados", en: "Results" }),
  "broadcast.page.excluded": m({ es: "Excluidos al crearla", en: "Excluded when created" }),
  "broadcast.page.text": m({ es: "Texto enviado", en: "Text sent" }),
  "broadcast.notice.created": m({ es: "Difusión programada. Los créditos quedaron reservados.", en: "Broadcast scheduled. The credits are reserved." }),
  "broadcast.notice.paused": m({ es: "Difusión en pausa.", en: "Broadcast paused." }),
  "broadcast.notice.resumed": m({ es: "Difusión reanudada.", en: "Broadcast resumed." }),
  "broadcast.result.waiting": m({ es: "Por enviar", en: "Waiting" }),
  "broadcast.result.sent": m({ es: "Enviados", en: "Sent" }),
  "broadcast.result.delivered": m({ es: "Entregados", en: "Delivered" }),
  "broadcast.result.read": m({ es: "Leídos", en: "Read" }),
  "broadcast.result.replied": m({ es: "Respondieron", en: "Replied" }),
  "broadcast.result.failed": m({ es: "Fallidos", en: "Failed" }),
  "broadcast.result.optedOut": m({ es: "Se dieron de baja", en: "Opted out" }),
  "broadcast.result.cancelled": m({ es: "Anulados", en: "Cancelled" }),

  "broadcast.settings.cap": m({ es: "Difusiones por contacto en 30 días, como máximo", en: "Broadcasts per contact in 30 days, at most" }),
  "broadcast.settings.capHint": m({
    es: "Límite de frecuencia: quien ya recibió este número de difusiones en 30 días queda fuera de la siguiente. 0: no se envían difusiones.",
    en: "Frequency cap: a contact who got this many broadcasts in 30 days is left out of the next one. 0: no broadcasts are sent.",
  }),
  "broadcast.consent.title": m({ es: "Consentimiento de marketing", en: "Marketing consent" }),
  "broadcast.consent.given": m<{ when: string; source: string }>({ es: "Dado {when} ({source}).", en: "Given {when} ({source})." }),
  "broadcast.consent.none": m({ es: "No consta. Sin él, este contacto no recibe difusiones.", en: "Not recorded. Without it, this contact gets no broadcasts." }),
  "broadcast.consent.evidence": m({ es: "Cómo lo obtuvo (obligatorio)", en: "How you obtained it (required)" }),
  "broadcast.consent.grant": m({ es: "Registrar consentimiento de marketing", en: "Record marketing consent" }),
  "broadcast.consent.withdraw": m({ es: "Retirar consentimiento de marketing", en: "Withdraw marketing consent" }),
  "broadcast.consent.evidenceRequired": m({ es: "Diga cómo dio el paciente su consentimiento.", en: "Say how the patient gave their consent." }),
  "broadcast.consent.granted": m({ es: "Consentimiento de marketing registrado.", en: "Marketing consent recorded." }),
  "broadcast.consent.withdrawn": m({ es: "Consentimiento de marketing retirado.", en: "Marketing consent withdrawn." }),
};
