import { m } from "../define.ts";

/**
 * The analytics page (SPEC §7). Counts, rates and dates arrive formatted (the page writes numbers the
 * same way on the server and in the browser); rating ranges arrive from @rm/domain's definitions.
 */
export const analytics = {
  "analytics.title": m({ es: "Analítica", en: "Analytics" }),
  "analytics.meta": m({ es: "Analítica · Reputation Manager", en: "Analytics · Reputation Manager" }),
  "analytics.scope.all": m({ es: "Todo el periodo", en: "All time" }),
  "analytics.scope.between": m<{ from: string; to: string }>({ es: "Del {from} al {to}", en: "{from} to {to}" }),
  "analytics.scope.since": m<{ from: string }>({ es: "Desde el {from}", en: "Since {from}" }),
  "analytics.scope.until": m<{ to: string }>({ es: "Hasta el {to}", en: "Until {to}" }),
  "analytics.scope.doctor": m({ es: "sus campañas", en: "your campaigns" }),
  "analytics.scope.workspace": m({ es: "todo el espacio de trabajo", en: "whole workspace" }),
  "analytics.scope.timezone": m<{ zone: string }>({ es: "zona horaria {zone}", en: "time zone {zone}" }),

  // The one range control: presets and custom dates in one GET form.
  "analytics.filters": m({ es: "Filtros", en: "Filters" }),
  "analytics.range.legend": m({ es: "Periodo", en: "Period" }),
  "analytics.range.7": m({ es: "Últimos 7 días", en: "Last 7 days" }),
  "analytics.range.30": m({ es: "Últimos 30 días", en: "Last 30 days" }),
  "analytics.range.90": m({ es: "Últimos 90 días", en: "Last 90 days" }),
  "analytics.range.all": m({ es: "Todo el periodo", en: "All time" }),
  "analytics.range.custom": m({ es: "Fechas personalizadas", en: "Custom dates" }),
  "analytics.range.from": m({ es: "Desde", en: "From" }),
  "analytics.range.to": m({ es: "Hasta", en: "To" }),
  "analytics.range.hint": m({
    es: "Cambiar las fechas elige «Fechas personalizadas».",
    en: "Changing the dates picks “Custom dates”.",
  }),
  "analytics.practice": m({ es: "Consultorio", en: "Practice" }),
  "analytics.practice.all": m({ es: "Todos los consultorios", en: "All practices" }),
  "analytics.doctor": m({ es: "Doctor", en: "Doctor" }),
  "analytics.doctor.all": m({ es: "Todos los doctores", en: "All doctors" }),
  "analytics.doctor.none": m({ es: "Sin doctor asignado", en: "No doctor assigned" }),
  "analytics.apply": m({ es: "Aplicar", en: "Apply" }),
  "analytics.error.order": m({ es: "La fecha «Desde» es posterior a «Hasta». Corrija el rango.", en: "The “From” date is after the “To” date. Fix the range." }),
  "analytics.error.date": m({ es: "Fecha no válida: use el formato AAAA-MM-DD.", en: "Invalid date: use the YYYY-MM-DD format." }),
  "analytics.error.forbidden": m({ es: "Prohibido.", en: "Forbidden." }),
  "analytics.error.notFound": m({ es: "No encontrado.", en: "Not found." }),

  "analytics.headline": m({ es: "Cifras principales", en: "Headline figures" }),
  /** NPS on the 5-point scale, never shown as if it were the 0–10 industry NPS. */
  "analytics.nps.label": m({ es: "NPS (escala de 5 puntos)", en: "NPS (5-point scale)" }),
  "analytics.nps.what": m({ es: "¿Qué es este NPS?", en: "What is this NPS?" }),
  "analytics.nps.explain": m<{ promoters: string; passives: string; detractors: string }>({
    es: "Porcentaje de promotores ({promoters} estrellas) menos el de detractores ({detractors}); los pasivos ({passives}) solo cuentan en el total. Va de −100 a +100. Se calcula sobre calificaciones de 1 a 5, así que no es comparable con el NPS clásico de 0 a 10.",
    en: "Share of promoters ({promoters} stars) minus share of detractors ({detractors}); passives ({passives}) only count in the total. From −100 to +100. Computed on ratings from 1 to 5, so it is not comparable with the classic 0–10 NPS.",
  }),
  "analytics.nps.promoters": m<{ count: string }>({ es: "Promotores {count}", en: "Promoters {count}" }),
  "analytics.nps.passives": m<{ count: string }>({ es: "Pasivos {count}", en: "Passives {count}" }),
  "analytics.nps.detractors": m<{ count: string }>({ es: "Detractores {count}", en: "Detractors {count}" }),
  "analytics.response.label": m({ es: "Tasa de respuesta", en: "Response rate" }),
  "analytics.response.detail": m<{ rated: string; delivered: string }>({
    es: "{rated} calificaciones de {delivered} solicitudes entregadas (quien respondió cuenta como entregado)",
    en: "{rated} ratings from {delivered} delivered requests (a patient who replied counts as delivered)",
  }),
  "analytics.delivery.label": m({ es: "Tasa de entrega", en: "Delivery rate" }),
  "analytics.delivery.detail": m<{ delivered: string; sent: string }>({ es: "{delivered} entregadas de {sent}", en: "{delivered} delivered of {sent}" }),
  "analytics.reviews.label": m({ es: "Clics a reseñas", en: "Review click-through" }),
  "analytics.reviews.detail": m<{ clicks: string; offered: string }>({ es: "{clicks} clics de {offered} enlaces ofrecidos", en: "{clicks} clicks of {offered} links offered" }),
  "analytics.feedback.label": m({ es: "Comentarios de insatisfechos", en: "Unhappy feedback" }),
  "analytics.feedback.allHandled": m({ es: "todos atendidos", en: "all handled" }),
  "analytics.feedback.unresolved": m<{ count: string }>({ es: "{count} sin resolver", en: "{count} unresolved" }),
  "analytics.feedback.inbox": m({ es: "Ir a la bandeja", en: "Open the inbox" }),
  "analytics.resolution.label": m({ es: "Tiempo de resolución (mediana)", en: "Resolution time (median)" }),
  "analytics.resolution.detail": m<{ count: string }>({ es: "{count} resueltos", en: "{count} resolved" }),

  "analytics.empty.title": m({ es: "Sin datos para estos filtros", en: "No data for these filters" }),
  "analytics.empty.body": m({
    es: "Ninguna solicitud de calificación salió ni llegó ninguna calificación en este periodo.",
    en: "No rating request went out and no rating arrived in this period.",
  }),
  "analytics.byPractice": m({ es: "Por consultorio", en: "By practice" }),
  "analytics.byDoctor": m({ es: "Por doctor", en: "By doctor" }),
  "analytics.note": m<{ promoters: string; passives: string; detractors: string; unhappy: string }>({
    es: "Cada solicitud cuenta el día en que salió y cada calificación el día en que llegó (zona horaria del espacio de trabajo). NPS: promotores {promoters}, pasivos {passives}, detractores {detractors}. Insatisfechos: {unhappy} (reciben primero el formulario privado).",
    en: "Each request counts on the day it went out and each rating on the day it arrived (workspace time zone). NPS: promoters {promoters}, passives {passives}, detractors {detractors}. Unhappy: {unhappy} (offered the private form first).",
  }),

  "analytics.distribution": m({ es: "Distribución de calificaciones", en: "Rating distribution" }),
  "analytics.distribution.title": m({ es: "Calificaciones de 1 a 5", en: "Ratings from 1 to 5" }),
  "analytics.distribution.desc": m<{ total: string; list: string }>({ es: "{total} calificaciones: {list}.", en: "{total} ratings: {list}." }),
  "analytics.distribution.item": m<{ stars: number; count: string }>({ es: "{stars} estrellas {count}", en: "{stars} stars {count}" }),
  "analytics.table.rating": m({ es: "Calificación", en: "Rating" }),
  "analytics.table.count": m({ es: "Cantidad", en: "Count" }),
  "analytics.table.share": m({ es: "Porcentaje", en: "Share" }),
  "analytics.table.show": m({ es: "Ver la tabla", en: "Show the table" }),
  "analytics.table.week": m({ es: "Semana", en: "Week" }),

  "analytics.trend": m({ es: "Tendencia semanal", en: "Weekly trend" }),
  /** A week on the chart's axis by its first day (Intl, page language): "sem. 1 sept". */
  "analytics.week": m<{ date: string }>({ es: "sem. {date}", en: "wk {date}" }),
  "analytics.week.partial": m<{ date: string }>({ es: "sem. {date} (parcial)", en: "wk {date} (partial)" }),
  "analytics.week.partialNote": m<{ week: string; days: number }>({
    es: "{week} está incompleta: cubre {days, plural, one {# día} other {# días}} del periodo, así que sus cifras aún pueden cambiar mucho.",
    en: "{week} is incomplete: it covers {days, plural, one {# day} other {# days}} of the period, so its figures may still change a lot.",
  }),
  "analytics.trend.nps.title": m({ es: "NPS por semana", en: "NPS per week" }),
  "analytics.trend.nps.desc": m<{ count: number; first: string; last: string }>({
    es: "NPS (escala de 5 puntos) de {count} semanas, de {first} a {last}; sin punto en semanas sin calificaciones.",
    en: "NPS (5-point scale) over {count} weeks, {first} to {last}; no point in weeks without ratings.",
  }),
  "analytics.trend.rates.title": m({ es: "Tasa de respuesta y de entrega por semana", en: "Response and delivery rate per week" }),
  "analytics.trend.rates.desc": m<{ first: string; last: string }>({
    es: "Tasa de respuesta (calificaciones / solicitudes entregadas) y de entrega por semana, de {first} a {last}.",
    en: "Response rate (ratings / delivered requests) and delivery rate per week, {first} to {last}.",
  }),
  "analytics.series.response": m({ es: "Respuesta", en: "Response" }),
  "analytics.series.delivery": m({ es: "Entrega", en: "Delivery" }),
  "analytics.col.requests": m({ es: "Solicitudes", en: "Requests" }),
  "analytics.col.response": m({ es: "Respuesta", en: "Response" }),
  "analytics.col.delivery": m({ es: "Entrega", en: "Delivery" }),
  "analytics.col.nps": m({ es: "NPS (5 puntos)", en: "NPS (5-point)" }),
  "analytics.col.reviewClicks": m({ es: "Clics a reseñas", en: "Review clicks" }),
};
