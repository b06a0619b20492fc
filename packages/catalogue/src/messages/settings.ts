import { m } from "../define.ts";

/** The workspace's settings page (Ajustes). */
export const settings = {
  "settings.patientLanguage.label": m({ es: "Idioma de los pacientes", en: "Patients' language" }),
  "settings.patientLanguage.hint": m({
    es: "Para quien el archivo no indica idioma y nunca tuvo uno: mensajes y páginas de calificación.",
    en: "For patients whose file gives no language and who never had one: messages and rating pages.",
  }),
  "settings.destinations.label": m({ es: "Otros países de destino", en: "Other destination countries" }),
  "settings.destinations.hint": m<{ own: string }>({
    es: "Solo se envían mensajes a números de {own} y de estos países (códigos de 2 letras separados por comas, p. ej. CO, PE). Vacío: solo {own}.",
    en: "Messages go only to numbers in {own} and in these countries (2-letter codes separated by commas, e.g. CO, PE). Empty: {own} only.",
  }),
};
