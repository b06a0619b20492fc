import { m } from "../define.ts";

/** The inbox (SPEC §5.9, §13): a view of the threads that have private feedback, low ratings or unparsed replies. */
export const inbox = {
  "inbox.title": m({ es: "Bandeja", en: "Inbox" }),
  "inbox.pageTitle": m({ es: "Bandeja · Reputation Manager", en: "Inbox · Reputation Manager" }),
  "inbox.intro.all": m({
    es: "Las conversaciones con comentarios privados, respuestas sin calificación o calificaciones bajas. El estado de la conversación es el del caso: ciérrela cuando esté resuelto.",
    en: "The conversations with private feedback, unparsed replies or low ratings. The conversation's status is the case's: close it when it is resolved.",
  }),
  "inbox.intro.doctor": m({
    es: "Las conversaciones de sus pacientes con comentarios privados, respuestas sin calificación o calificaciones bajas.",
    en: "Your patients' conversations with private feedback, unparsed replies or low ratings.",
  }),
  "inbox.views": m({ es: "Vistas de las conversaciones", en: "Conversation views" }),
  "inbox.view.threads": m({ es: "Todas las conversaciones", en: "All conversations" }),
  "inbox.view.inbox": m({ es: "Bandeja: comentarios y calificaciones", en: "Inbox: feedback and ratings" }),
  "inbox.filter.view": m({ es: "Estados", en: "Statuses" }),
  "inbox.filter.label": m({ es: "Filtros", en: "Filters" }),
  "inbox.filter.source": m({ es: "Origen", en: "Source" }),
  "inbox.filter.all": m({ es: "Todos", en: "All" }),
  "inbox.filter.practice": m({ es: "Consultorio", en: "Practice" }),
  "inbox.filter.detractors": m<{ range: string }>({ es: "Solo detractores ({range})", en: "Detractors only ({range})" }),
  "inbox.filter.submit": m({ es: "Filtrar", en: "Filter" }),
  "inbox.filter.invalid": m({ es: "Un filtro del enlace no es válido.", en: "A filter in the link is not valid." }),
  "inbox.filter.fix": m({ es: "Revise el enlace o quite los filtros.", en: "Check the link or clear the filters." }),
  "inbox.filter.clear": m({ es: "Ver la bandeja sin filtros", en: "Show the inbox without filters" }),
  "inbox.source": m<{ source: string }>({
    es: "{source, select, FORM {Formulario} RATING {Calificación baja} other {Respuesta}}",
    en: "{source, select, FORM {Form} RATING {Low rating} other {Reply}}",
  }),
  "inbox.empty.open": m({
    es: "No hay nada pendiente. Cuando un paciente escriba o califique bajo, su conversación aparecerá aquí.",
    en: "Nothing pending. When a patient writes or rates low, their conversation shows up here.",
  }),
  "inbox.empty.filtered": m({ es: "No hay conversaciones para estos filtros.", en: "No conversations match these filters." }),
  "inbox.col.received": m({ es: "Recibido", en: "Received" }),
  "inbox.col.patient": m({ es: "Paciente", en: "Patient" }),
  "inbox.col.rating": m({ es: "Calificación", en: "Rating" }),
  "inbox.col.source": m({ es: "Origen", en: "Source" }),
  "inbox.col.comment": m({ es: "Comentario", en: "Comment" }),
  "inbox.col.practice": m({ es: "Consultorio y campaña", en: "Practice and campaign" }),
  "inbox.col.status": m({ es: "Conversación", en: "Conversation" }),
  "inbox.rated": m<{ rating: string }>({ es: "Calificó {rating} de 5", en: "Rated {rating} of 5" }),
  "inbox.stars": m<{ rating: number }>({ es: "{rating} de 5", en: "{rating} of 5" }),
  "inbox.noRating": m({ es: "sin calificación", en: "no rating" }),
  "inbox.moreEntries": m<{ count: number }>({
    es: "{count, plural, one {y # entrada más} other {y # entradas más}}",
    en: "{count, plural, one {and # more entry} other {and # more entries}}",
  }),
  "inbox.older": m({ es: "Más antiguas →", en: "Older →" }),
  "inbox.newest": m({ es: "← Más recientes", en: "← Newest" }),
} as const;
