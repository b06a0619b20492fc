import { m } from "../define.ts";

const DAY_ES = "{day, select, 1 {lunes} 2 {martes} 3 {miércoles} 4 {jueves} 5 {viernes} 6 {sábado} other {domingo}}";
const DAY_EN = "{day, select, 1 {Monday} 2 {Tuesday} 3 {Wednesday} 4 {Thursday} 5 {Friday} 6 {Saturday} other {Sunday}}";

/** The assistant without a model (SPEC §16): answers to patients from the practice's knowledge, the away message, and the knowledge page. */
export const assistant = {
  // Answers sent to patients, rendered from the knowledge in the patient's language.
  "assistant.answer.hours.title": m({ es: "Nuestro horario de atención:", en: "Our opening hours:" }),
  "assistant.answer.hours.days": m<{ first: number; last: number; hours: string }>({
    es: `{first, select, 1 {Lunes} 2 {Martes} 3 {Miércoles} 4 {Jueves} 5 {Viernes} 6 {Sábado} other {Domingo}}{last, select, 0 {} 1 { a lunes} 2 { a martes} 3 { a miércoles} 4 { a jueves} 5 { a viernes} 6 { a sábado} other { a domingo}}: {hours}`,
    en: `{first, select, 1 {Monday} 2 {Tuesday} 3 {Wednesday} 4 {Thursday} 5 {Friday} 6 {Saturday} other {Sunday}}{last, select, 0 {} 1 { to Monday} 2 { to Tuesday} 3 { to Wednesday} 4 { to Thursday} 5 { to Friday} 6 { to Saturday} other { to Sunday}}: {hours}`,
  }),
  "assistant.answer.hours.closedDays": m<{ days: string }>({ es: "Cerrado: {days}.", en: "Closed: {days}." }),
  "assistant.answer.hours.holidays": m({ es: "Feriados: cerrado.", en: "Public holidays: closed." }),
  "assistant.answer.hours.doctor": m<{ name: string; days: string }>({ es: "{name} atiende: {days}.", en: "{name} sees patients: {days}." }),
  "assistant.answer.hours.and": m({ es: " y ", en: " and " }),
  "assistant.day": m<{ day: number }>({ es: DAY_ES, en: DAY_EN }),
  "assistant.answer.location.title": m({ es: "Nuestra dirección:", en: "Our address:" }),
  "assistant.answer.location.map": m<{ url: string }>({ es: "Mapa: {url}", en: "Map: {url}" }),
  "assistant.answer.price.title": m({ es: "Nuestros precios:", en: "Our prices:" }),
  "assistant.answer.services.title": m({ es: "Estos son nuestros servicios:", en: "These are our services:" }),
  "assistant.answer.insurance.title": m({ es: "Seguros:", en: "Insurance:" }),
  "assistant.answer.booking.title": m({ es: "Citas:", en: "Appointments:" }),
  "assistant.answer.payment.title": m({ es: "Formas de pago:", en: "Payment:" }),
  "assistant.answer.parking.title": m({ es: "Parqueadero:", en: "Parking:" }),
  "assistant.away": m<{ practice: string; day: number; time: string; today: string }>({
    es: `Gracias por escribir a {practice}. En este momento estamos cerrados; le responderemos {today, select, today {hoy} tomorrow {mañana} other {el ${DAY_ES}}} desde las {time}. Si es una urgencia, escriba "urgencia".`,
    en: `Thank you for writing to {practice}. We are closed right now; we will answer {today, select, today {today} tomorrow {tomorrow} other {on ${DAY_EN}}} from {time}. If it is urgent, write "urgent".`,
  }),
  "assistant.away.noHours": m<{ practice: string }>({
    es: "Gracias por escribir a {practice}. En este momento no hay nadie para responderle; le contestaremos en cuanto sea posible.",
    en: "Thank you for writing to {practice}. Nobody is available right now; we will answer as soon as we can.",
  }),

  // Hand-offs (SPEC §16): sent to the patient instead of any answer; the thread waits for staff.
  "assistant.handoff.urgent": m<{ practice: string }>({
    es: "Hemos avisado de inmediato al equipo de {practice}; una persona le contactará lo antes posible. Si es una emergencia grave, acuda a un servicio de urgencias.",
    en: "We have alerted the {practice} team right away; a person will contact you as soon as possible. If it is a serious emergency, go to an emergency service.",
  }),
  "assistant.handoff.person": m<{ practice: string }>({
    es: "Con gusto. Una persona del equipo de {practice} le responderá en este chat lo antes posible.",
    en: "Of course. A person from the {practice} team will answer you in this chat as soon as possible.",
  }),
  /** The urgent alert to the practice's staff number (SMS): no message text, only what was recognised. */
  "assistant.alert.urgent": m<{ practice: string; name: string; reasons: string }>({
    es: "URGENTE {practice}: {name} escribió un mensaje urgente ({reasons}). Responda ya en Conversaciones.",
    en: "URGENT {practice}: {name} wrote an urgent message ({reasons}). Answer now in Conversations.",
  }),
  /** Who wrote, in the urgent alert, for a thread without a patient or name: a web chat visitor. */
  "assistant.alert.visitor": m({ es: "Un visitante del chat web", en: "A web chat visitor" }),
  "assistant.alert.reason": m<{ reason: string }>({
    es: "{reason, select, EMERGENCY {emergencia} BLEEDING {sangrado} STRONG_PAIN {dolor fuerte} SWELLING {hinchazón} TOOTH_INJURY {diente roto o caído} other {no puede abrir la boca}}",
    en: "{reason, select, EMERGENCY {emergency} BLEEDING {bleeding} STRONG_PAIN {strong pain} SWELLING {swelling} TOOTH_INJURY {broken or knocked-out tooth} other {cannot open the mouth}}",
  }),

  // The assistant's settings (owners): Configuración › Asistente.
  "assistant.settings.title": m({ es: "Asistente", en: "Assistant" }),
  "assistant.settings.link": m({ es: "Asistente y respuestas automáticas", en: "Assistant and automatic answers" }),
  "assistant.settings.intro": m({
    es: "El orden fijo con cada mensaje de un paciente: baja (STOP), urgencia, calificación esperada, pide una persona, respuesta del conocimiento, mensaje de ausencia, ayuda. Lo urgente siempre avisa al número del personal del consultorio y nunca recibe una respuesta automática.",
    en: "The fixed order for every patient message: opt-out (STOP), urgent, awaited rating, a person asked for, knowledge answer, away message, help. Anything urgent always alerts the practice's staff number and never gets an automatic answer.",
  }),
  "assistant.settings.auto.legend": m({ es: "Respuestas automáticas (sin IA)", en: "Automatic answers (no AI)" }),
  "assistant.settings.auto.label": m({
    es: "Responder preguntas frecuentes desde el conocimiento del consultorio, enviar el mensaje de ausencia y avisar al paciente cuando pasa al personal",
    en: "Answer common questions from the practice's knowledge, send the away message, and tell the patient when they are handed to staff",
  }),
  "assistant.settings.ai.legend": m({ es: "Asistente con IA (opcional)", en: "AI assistant (optional)" }),
  "assistant.settings.ai.notice": m<{ provider: string }>({
    es: "Si lo activa, los mensajes de sus pacientes que el conocimiento no responde se envían al proveedor de IA configurado ({provider}) junto con los datos de su conocimiento. El asistente responde solo con esos datos, en el idioma del paciente, nunca da consejos médicos y pasa al personal cuando no está seguro o le piden una persona.",
    en: "If you switch it on, your patients' messages that the knowledge does not answer are sent to the configured AI provider ({provider}) together with your knowledge. The assistant answers only from it, in the patient's language, never gives medical advice, and hands off to staff when unsure or asked for a person.",
  }),
  "assistant.settings.ai.unavailable": m({
    es: "No hay un proveedor de IA configurado en esta instalación (AI_BASE_URL); el asistente con IA no puede activarse.",
    en: "This installation has no AI provider configured (AI_BASE_URL); the AI assistant cannot be switched on.",
  }),
  "assistant.settings.ai.label": m({ es: "Entiendo el aviso y activo el asistente con IA", en: "I understand the notice and switch the AI assistant on" }),
  "assistant.settings.ai.since": m<{ date: string }>({ es: "Activado desde el {date}", en: "On since {date}" }),
  "assistant.settings.back": m({ es: "← Configuración", en: "← Settings" }),
  "assistant.settings.save": m({ es: "Guardar", en: "Save" }),
  "assistant.settings.saved": m({ es: "Configuración del asistente guardada.", en: "Assistant settings saved." }),
  "assistant.settings.ownerOnly": m({ es: "Solo los propietarios cambian esta configuración.", en: "Only owners change these settings." }),

  // The knowledge page (owners): Consultorios › Conocimiento.
  "assistant.page.title": m<{ practice: string }>({ es: "Conocimiento de {practice}", en: "Knowledge of {practice}" }),
  "assistant.page.intro": m({
    es: "Con estos datos el asistente responde solo las preguntas frecuentes de los pacientes (horario, dirección, precios, seguros, pagos, parqueadero), también de noche. Lo urgente y lo que no sepa responder con seguridad pasa siempre al personal.",
    en: "With these facts the assistant answers patients' common questions on its own (hours, address, prices, insurance, payment, parking), at night too. Anything urgent, and anything it cannot answer with confidence, always goes to staff.",
  }),
  "assistant.page.back": m({ es: "← Consultorio", en: "← Practice" }),
  "assistant.page.link": m({ es: "Conocimiento para respuestas automáticas", en: "Knowledge for automatic answers" }),
  "assistant.page.readOnly": m({ es: "Solo los propietarios pueden editar el conocimiento.", en: "Only owners can edit the knowledge." }),
  "assistant.page.saved": m({ es: "Conocimiento guardado.", en: "Knowledge saved." }),
  "assistant.page.save": m({ es: "Guardar conocimiento", en: "Save knowledge" }),
  "assistant.page.invalid": m({ es: "Revise los campos marcados; no se guardó nada.", en: "Check the fields marked; nothing was saved." }),
  "assistant.section.hours": m({ es: "Horario de atención", en: "Opening hours" }),
  "assistant.section.location": m({ es: "Dirección", en: "Address" }),
  "assistant.section.services": m({ es: "Servicios y precios", en: "Services and prices" }),
  "assistant.section.insurance": m({ es: "Seguros", en: "Insurance" }),
  "assistant.section.other": m({ es: "Citas, pagos y parqueadero", en: "Appointments, payment and parking" }),
  "assistant.section.faqs": m({ es: "Preguntas y respuestas", en: "Questions and answers" }),
  "assistant.section.away": m({ es: "Mensaje fuera de horario", en: "Away message" }),
  "assistant.field.day": m<{ day: number }>({
    es: "{day, select, 1 {Lunes} 2 {Martes} 3 {Miércoles} 4 {Jueves} 5 {Viernes} 6 {Sábado} other {Domingo}}",
    en: DAY_EN,
  }),
  "assistant.field.dayHint": m({
    es: "Intervalos como 08:00-13:00, 14:00-18:00; vacío = cerrado.",
    en: "Intervals like 08:00-13:00, 14:00-18:00; empty = closed.",
  }),
  "assistant.field.holidays": m({ es: "Feriados (una fecha AAAA-MM-DD por línea)", en: "Holidays (one date YYYY-MM-DD per line)" }),
  "assistant.field.doctors": m({ es: "Horario por doctor, si difiere", en: "Hours per doctor, where they differ" }),
  "assistant.field.doctorsHint": m({
    es: "Una línea por doctor: Nombre | días (1 = lunes … 7 = domingo, p. ej. 1,3,5 o 1-5) | 08:00-13:00, 14:00-18:00",
    en: "One line per doctor: Name | days (1 = Monday … 7 = Sunday, e.g. 1,3,5 or 1-5) | 08:00-13:00, 14:00-18:00",
  }),
  "assistant.field.inSpanish": m<{ field: string }>({ es: "{field} (español)", en: "{field} (Spanish)" }),
  "assistant.field.inEnglish": m<{ field: string }>({ es: "{field} (inglés)", en: "{field} (English)" }),
  "assistant.field.bilingualHint": m({
    es: "Si deja vacío el texto en inglés, a los pacientes que escriben en inglés se les responde con el texto en español.",
    en: "If the English text is empty, patients who write in English are answered with the Spanish text.",
  }),
  "assistant.field.hoursNote": m({ es: "Nota sobre el horario", en: "Note on the hours" }),
  "assistant.field.locationNote": m({ es: "Indicaciones para llegar", en: "Directions" }),
  "assistant.field.priceNote": m({ es: "Nota sobre los precios", en: "Note on the prices" }),
  "assistant.field.insurance": m({ es: "Seguros y reembolsos", en: "Insurance and reimbursement" }),
  "assistant.field.address": m({ es: "Dirección", en: "Address" }),
  "assistant.field.mapUrl": m({ es: "Enlace al mapa", en: "Map link" }),
  "assistant.field.services": m({ es: "Servicios", en: "Services" }),
  "assistant.field.servicesHint": m({
    es: "Una línea por servicio: nombre en español | nombre en inglés | precio | otros nombres separados por comas",
    en: "One line per service: Spanish name | English name | price | other names separated by commas",
  }),
  "assistant.field.insurers": m({ es: "Aseguradoras (separadas por comas)", en: "Insurers (separated by commas)" }),
  "assistant.field.booking": m({ es: "Citas", en: "Appointments" }),
  "assistant.field.payment": m({ es: "Formas de pago", en: "Payment" }),
  "assistant.field.parking": m({ es: "Parqueadero", en: "Parking" }),
  "assistant.field.faqs": m({ es: "Preguntas y respuestas", en: "Questions and answers" }),
  "assistant.field.faqsHint": m({
    es: "Un bloque por pregunta, separados por una línea vacía. Líneas: «P:» la pregunta, «R:» la respuesta; en inglés, «Q:» y «A:» (opcional).",
    en: "One block per question, separated by an empty line. Lines: “P:” the question, “R:” the answer in Spanish; in English, “Q:” and “A:” (optional).",
  }),
  "assistant.field.awayHours": m({ es: "Horas mínimas entre dos mensajes fuera de horario en una conversación", en: "Least hours between two away messages in one conversation" }),
  "assistant.error.interval": m<{ value: string }>({ es: "Intervalo no válido: «{value}». Use HH:MM-HH:MM.", en: "Invalid interval: “{value}”. Use HH:MM-HH:MM." }),
  "assistant.error.date": m<{ value: string }>({ es: "Fecha no válida: «{value}». Use AAAA-MM-DD.", en: "Invalid date: “{value}”. Use YYYY-MM-DD." }),
  "assistant.error.line": m<{ line: number }>({ es: "La línea {line} no tiene el formato indicado.", en: "Line {line} does not follow the format shown." }),
  "assistant.error.awayHours": m({ es: "Indique un número entero de horas entre 1 y 336.", en: "Enter a whole number of hours between 1 and 336." }),
  "assistant.error.tooLong": m({ es: "El texto es demasiado largo.", en: "The text is too long." }),
};
