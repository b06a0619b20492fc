import { m } from "../define.ts";

/** The patient's pages /q, /f and /r (SPEC §5.9), in the patient's language. */
export const publicPages = {
  "public.rate.title": m({ es: "Califique su visita", en: "Rate your visit" }),
  "public.rate.question": m<{ firstName: string; doctor: string }>({
    es: "Hola{firstName, select, other { {firstName}} none {}}, ¿cómo calificaría su visita{doctor, select, other { con {doctor}} none {}}?",
    en: "Hello{firstName, select, other { {firstName}} none {}}, how would you rate your visit{doctor, select, other { with {doctor}} none {}}?",
  }),
  "public.rate.thanks": m<{ firstName: string; rating: number }>({
    es: "¡Gracias{firstName, select, other {, {firstName}} none {}}! Registramos su calificación: {rating} de 5.",
    en: "Thank you{firstName, select, other {, {firstName}} none {}}! We recorded your rating: {rating} out of 5.",
  }),
  "public.rate.change": m({ es: "Cambiar mi calificación", en: "Change my rating" }),
  "public.rate.formLabel": m({ es: "Calificación de 1 a 5", en: "Rating from 1 to 5" }),
  "public.rate.legend": m({ es: "Elija de 1 (muy mala) a 5 (excelente)", en: "Choose from 1 (very poor) to 5 (excellent)" }),
  "public.rate.outOf": m({ es: " de 5:", en: " out of 5:" }),
  "public.rate.label1": m({ es: "Muy mala", en: "Very poor" }),
  "public.rate.label2": m({ es: "Mala", en: "Poor" }),
  "public.rate.label3": m({ es: "Regular", en: "Fair" }),
  "public.rate.label4": m({ es: "Buena", en: "Good" }),
  "public.rate.label5": m({ es: "Excelente", en: "Excellent" }),
  "public.rate.invalid": m({ es: "Elija una calificación del 1 al 5.", en: "Choose a rating from 1 to 5." }),
  "public.expired.error": m({ es: "Este enlace ya expiró.", en: "This link has expired." }),
  "public.expired.title": m({ es: "Este enlace ya expiró", en: "This link has expired" }),
  "public.expired.body": m({
    es: "Por su seguridad, los enlaces de calificación vencen después de un tiempo. Si desea contarnos algo, responda al mensaje que recibió.",
    en: "For your security, rating links expire after a while. If you want to tell us something, reply to the message you received.",
  }),
  "public.happy.title": m({ es: "¡Nos alegra mucho!", en: "We are very glad!" }),
  "public.happy.ask": m({
    es: "¿Le gustaría compartir su experiencia en Google? Ayuda a otros pacientes a encontrarnos.",
    en: "Would you like to share your experience on Google? It helps other patients find us.",
  }),
  "public.review.button": m({ es: "Dejar una reseña en Google", en: "Leave a review on Google" }),
  "public.happy.thanks": m({ es: "Gracias por su tiempo.", en: "Thank you for your time." }),
  "public.unhappy.title": m({ es: "Lamentamos que su experiencia no haya sido la esperada", en: "We are sorry your experience was not what you expected" }),
  "public.unhappy.feedback": m({ es: "Contarnos qué salió mal", en: "Tell us what went wrong" }),
  "public.review.also": m({ es: "Si lo prefiere, también puede", en: "If you prefer, you can also" }),
  "public.review.publicLink": m({ es: "dejar una reseña pública en Google", en: "leave a public review on Google" }),
  "public.feedback.title": m({ es: "Cuéntenos su experiencia", en: "Tell us about your experience" }),
  "public.feedback.heading": m({ es: "Cuéntenos qué pasó", en: "Tell us what happened" }),
  "public.feedback.intro": m<{ firstName: string; practice: string }>({
    es: "{firstName, select, none {L} other {{firstName}, l}}amentamos que su visita a {practice} no haya sido la esperada. Su comentario llega directamente al equipo del consultorio y no se publica.",
    en: "{firstName, select, none {W} other {{firstName}, w}}e are sorry your visit to {practice} was not what you expected. Your comment goes straight to the practice's team and is never published.",
  }),
  "public.feedback.already": m({ es: "Ya recibimos un comentario suyo; puede añadir más si lo desea.", en: "We already received a comment from you; you can add more if you wish." }),
  "public.feedback.label": m({ es: "Su comentario", en: "Your comment" }),
  "public.feedback.submit": m({ es: "Enviar comentario", en: "Send comment" }),
  "public.feedback.alsoReview": m({ es: "También puede", en: "You can also" }),
  "public.feedback.tooMany": m({
    es: "Ya recibimos varios comentarios desde este enlace. Por favor, intente de nuevo más tarde.",
    en: "We already received several comments from this link. Please try again later.",
  }),
  "public.feedback.thanksTitle": m({ es: "¡Gracias por contarnos!", en: "Thank you for telling us!" }),
  "public.feedback.thanksBody": m<{ practice: string }>({
    es: "El equipo de {practice} leerá su comentario y, si hace falta, se pondrá en contacto con usted.",
    en: "The team at {practice} will read your comment and, if needed, get in touch with you.",
  }),
  "public.feedback.thanksReviewLink": m({ es: "dejar una reseña en Google", en: "leave a review on Google" }),
  "public.feedback.thanksReview": m({ es: "Si además quiere compartir su experiencia públicamente, puede", en: "If you also want to share your experience publicly, you can" }),
  "public.review.unavailableTitle": m({ es: "Reseña no disponible", en: "Review not available" }),
  "public.review.unavailableBody": m({
    es: "Este consultorio todavía no tiene configurada su página de reseñas en Google. Gracias por su intención de ayudar.",
    en: "This practice has not set up its Google review page yet. Thank you for wanting to help.",
  }),
  "public.review.title": m({ es: "Reseña en Google", en: "Google review" }),
  "public.feedback.empty": m({ es: "Escriba su comentario antes de enviarlo.", en: "Write your comment before sending it." }),
  "public.feedback.tooLong": m<{ max: number }>({
    es: "El comentario puede tener hasta {max, number} caracteres.",
    en: "The comment can be at most {max, number} characters long.",
  }),
};
