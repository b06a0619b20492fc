import { m } from "../define.ts";

/** The workspace's settings page (Ajustes). */
export const settings = {
  "settings.patientLanguage.label": m({ es: "Idioma de los pacientes", en: "Patients' language" }),
  "settings.patientLanguage.hint": m({
    es: "Para quien el archivo no indica idioma y nunca tuvo uno: mensajes y páginas de calificación.",
    en: "For patients whose file gives no language and who never had one: messages and rating pages.",
  }),
};
