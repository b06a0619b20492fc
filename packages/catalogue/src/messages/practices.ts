import { m } from "../define.ts";

/** Consultorios: the list and the practice form. */
export const practices = {
  "practices.title": m({ es: "Consultorios", en: "Practices" }),
  "practices.new": m({ es: "Nuevo consultorio", en: "New practice" }),
  "practices.saved": m({ es: "Consultorio guardado.", en: "Practice saved." }),
  "practices.empty.title": m({ es: "Aún no hay consultorios", en: "No practices yet" }),
  "practices.empty.text": m({
    es: "Cada campaña pertenece a un consultorio: su nombre, zona horaria y enlace de reseñas de Google.",
    en: "Every campaign belongs to a practice: its name, time zone and Google review link.",
  }),
  "practices.empty.add": m({ es: "Agregar el primer consultorio", en: "Add the first practice" }),
  "practices.name": m({ es: "Nombre", en: "Name" }),
  "practices.city": m({ es: "Ciudad", en: "City" }),
  "practices.timezone": m({ es: "Zona horaria", en: "Time zone" }),
  "practices.reviews": m({ es: "Reseñas de Google", en: "Google reviews" }),
  "practices.alerts": m({ es: "Alertas", en: "Alerts" }),
  "practices.openLink": m({ es: "Abrir enlace", en: "Open link" }),
  "practices.placeIdMissing": m({ es: "Falta el Place ID", en: "Place ID missing" }),
  "practices.welcome": m({
    es: "¡Bienvenido! Empiece por su consultorio: con él sus pacientes reciben el enlace correcto de reseñas de Google.",
    en: "Welcome! Start with your practice: it gives your patients the right Google review link.",
  }),
  "practices.create": m({ es: "Crear consultorio", en: "Create practice" }),
  "practices.saveChanges": m({ es: "Guardar cambios", en: "Save changes" }),
  "practices.form.address": m({ es: "Dirección", en: "Address" }),
  "practices.form.country": m({ es: "País (código)", en: "Country (code)" }),
  "practices.form.timezoneHint": m({ es: "Nombre IANA, p. ej. America/Guayaquil.", en: "IANA name, e.g. America/Guayaquil." }),
  "practices.form.review": m({ es: "Enlace de reseñas o Place ID de Google", en: "Google review link or Place ID" }),
  "practices.form.reviewHint": m({
    es: "Pegue el enlace «Pedir reseñas» de su Perfil de Empresa (https://g.page/r/…/review), un enlace https://search.google.com/local/writereview?placeid=… o el Place ID (empieza con ChIJ).",
    en: "Paste the “Ask for reviews” link of your Business Profile (https://g.page/r/…/review), a https://search.google.com/local/writereview?placeid=… link or the Place ID (starts with ChIJ).",
  }),
  "practices.form.reviewLink": m({ es: "Enlace de reseña:", en: "Review link:" }),
  "practices.form.alertPhone": m({ es: "Teléfono para alertas al personal", en: "Staff alert phone" }),
  "practices.form.alertPhoneHint": m({
    es: "Recibe un aviso cuando un paciente califica mal (p. ej. 0991234567).",
    en: "Gets a message when a patient gives a low rating (e.g. 0991234567).",
  }),
};
