import { m } from "../define.ts";

/** AI drafts of broadcast texts (SPEC §14): the page "Redactar con IA" under Plantillas. */
export const aiDrafts = {
  "aiDrafts.title": m({ es: "Redactar con IA", en: "Draft with AI" }),
  "aiDrafts.intro": m({
    es: "Describa el mensaje y reciba tres borradores para editar. Solo se envía al proveedor de IA lo que escribe aquí: ningún dato de pacientes.",
    en: "Describe the message and get three drafts to edit. Only what you type here goes to the AI provider: no patient data.",
  }),
  "aiDrafts.back": m({ es: "← Plantillas", en: "← Templates" }),
  "aiDrafts.link": m({ es: "Redactar con IA", en: "Draft with AI" }),
  "aiDrafts.usage": m<{ used: number; limit: number }>({
    es: "Hoy: {used} de {limit} {limit, plural, one {pedido} other {pedidos}} de borradores.",
    en: "Today: {used} of {limit} draft {limit, plural, one {request} other {requests}}.",
  }),
  "aiDrafts.field.objective": m({ es: "Objetivo del mensaje", en: "What the message is for" }),
  "aiDrafts.field.objective.hint": m({ es: "P. ej. «Recordar la limpieza de cada seis meses».", en: "E.g. “Remind patients of their six-monthly cleaning”." }),
  "aiDrafts.field.tone": m({ es: "Tono", en: "Tone" }),
  "aiDrafts.tone.cercano": m({ es: "Cercano", en: "Warm" }),
  "aiDrafts.tone.formal": m({ es: "Formal", en: "Formal" }),
  "aiDrafts.tone.alegre": m({ es: "Alegre", en: "Cheerful" }),
  "aiDrafts.tone.sobrio": m({ es: "Sobrio", en: "Plain" }),
  "aiDrafts.field.length": m({ es: "Largo", en: "Length" }),
  "aiDrafts.length.corto": m({ es: "Corto (1 SMS)", en: "Short (1 SMS)" }),
  "aiDrafts.length.medio": m({ es: "Medio (2 SMS)", en: "Medium (2 SMS)" }),
  "aiDrafts.length.largo": m({ es: "Largo (3 SMS)", en: "Long (3 SMS)" }),
  "aiDrafts.field.language": m({ es: "Idioma de los borradores", en: "Language of the drafts" }),
  "aiDrafts.language.es": m({ es: "Español", en: "Spanish" }),
  "aiDrafts.language.en": m({ es: "Inglés", en: "English" }),
  "aiDrafts.field.keyPoints": m({ es: "Puntos clave (uno por línea, opcional)", en: "Key points (one per line, optional)" }),
  "aiDrafts.field.keyPoints.hint": m({ es: "No escriba nombres ni teléfonos de pacientes.", en: "Do not type patients' names or phone numbers." }),
  "aiDrafts.submit": m({ es: "Redactar con IA", en: "Draft with AI" }),
  "aiDrafts.notConfigured": m({
    es: "La redacción con IA no está activada en esta instalación. Para activarla, quien administra el servidor define AI_BASE_URL con un servicio compatible con la API de OpenAI (por ejemplo un Ollama propio: http://ollama:11434/v1), AI_MODEL y, si el servicio la pide, AI_API_KEY. Ver «Configuración» en el README.",
    en: "AI drafting is not turned on in this installation. To turn it on, whoever runs the server sets AI_BASE_URL to a service compatible with the OpenAI API (for example an own Ollama: http://ollama:11434/v1), AI_MODEL and, when the service asks for one, AI_API_KEY. See “Configuration” in the README.",
  }),
  "aiDrafts.off": m({
    es: "El propietario desactivó los borradores con IA (límite diario 0 en Ajustes).",
    en: "The owner turned AI drafts off (daily limit 0 in Settings).",
  }),
  "aiDrafts.drafts.title": m({ es: "Borradores", en: "Drafts" }),
  "aiDrafts.drafts.hint": m({
    es: "Edite el que prefiera y guárdelo como plantilla. Variables disponibles: '{{name}}' (nombre del paciente), '{{practice}}', '{{doctor}}'.",
    en: "Edit the one you like and save it as a template. Variables: '{{name}}' (patient's first name), '{{practice}}', '{{doctor}}'.",
  }),
  "aiDrafts.draft.label": m<{ n: number }>({ es: "Borrador {n}", en: "Draft {n}" }),
  "aiDrafts.draft.name": m<{ n: number }>({ es: "Nombre de la plantilla (borrador {n})", en: "Template name (draft {n})" }),
  "aiDrafts.draft.stats": m<{ segments: number; encoding: string; characters: number }>({
    es: "SMS: {characters} caracteres, {segments} {segments, plural, one {segmento} other {segmentos}} ({encoding}).",
    en: "SMS: {characters} characters, {segments} {segments, plural, one {segment} other {segments}} ({encoding}).",
  }),
  "aiDrafts.draft.procedures": m<{ words: string }>({
    es: "Nombra un procedimiento ({words}): quien vea el teléfono del paciente podría leerlo.",
    en: "It names a procedure ({words}): whoever sees the patient's phone could read it.",
  }),
  "aiDrafts.draft.optOut": m({
    es: "Sin línea de baja: por SMS una difusión necesita una, p. ej. «Responda BAJA para no recibir más mensajes».",
    en: "No opt-out line: an SMS broadcast needs one, e.g. “Responda BAJA para no recibir más mensajes” (Reply STOP to opt out).",
  }),
  "aiDrafts.draft.save": m<{ n: number }>({ es: "Guardar borrador {n} como plantilla", en: "Save draft {n} as a template" }),
  "aiDrafts.draft.check": m<{ n: number }>({ es: "Revisar borrador {n}", en: "Check draft {n}" }),
  "aiDrafts.saved": m<{ name: string }>({ es: "Plantilla «{name}» guardada.", en: "Template “{name}” saved." }),
  "aiDrafts.savedUnnamed": m({ es: "Plantilla guardada.", en: "Template saved." }),
  "aiDrafts.error.objective": m({ es: "Escriba el objetivo (al menos 3 caracteres).", en: "Write what the message is for (at least 3 characters)." }),
  "aiDrafts.error.objectiveLong": m({ es: "Máximo 300 caracteres.", en: "At most 300 characters." }),
  "aiDrafts.error.choice": m({ es: "Elija una opción de la lista.", en: "Choose an option from the list." }),
  "aiDrafts.error.keyPointsMany": m({ es: "Como máximo 8 puntos clave.", en: "At most 8 key points." }),
  "aiDrafts.error.keyPointLong": m({ es: "Cada punto clave, máximo 200 caracteres.", en: "Each key point, at most 200 characters." }),
  "aiDrafts.error.limit": m<{ limit: number }>({
    es: "Ya se usaron los {limit} pedidos de borradores de hoy. Mañana hay nuevos; el propietario puede cambiar el límite en Ajustes.",
    en: "Today's {limit} draft requests are used up. There are new ones tomorrow; the owner can change the limit in Settings.",
  }),
  "aiDrafts.error.timeout": m({
    es: "El proveedor de IA no respondió a tiempo. Intente de nuevo en un momento; lo que escribió sigue aquí.",
    en: "The AI provider did not answer in time. Try again in a moment; what you typed is still here.",
  }),
  "aiDrafts.error.rate_limited": m({
    es: "El proveedor de IA está recibiendo demasiados pedidos o se agotó su cuota. Intente de nuevo en unos minutos.",
    en: "The AI provider is getting too many requests or its quota ran out. Try again in a few minutes.",
  }),
  "aiDrafts.error.provider": m({
    es: "El proveedor de IA respondió con un error. Intente de nuevo; si sigue, avise a quien administra el servidor.",
    en: "The AI provider answered with an error. Try again; if it goes on, tell whoever runs the server.",
  }),
  "aiDrafts.error.unreachable": m({
    es: "No se pudo contactar al proveedor de IA. Avise a quien administra el servidor.",
    en: "The AI provider could not be reached. Tell whoever runs the server.",
  }),
  "aiDrafts.error.malformed": m({
    es: "El proveedor de IA respondió algo que no son tres borradores. Intente de nuevo.",
    en: "The AI provider answered something other than three drafts. Try again.",
  }),
  "aiDrafts.error.body": m({ es: "Escriba el texto (máximo 1600 caracteres).", en: "Write the text (at most 1600 characters)." }),
  "aiDrafts.error.unknownVariables": m<{ names: string }>({
    es: "Variables desconocidas: {names}. Use solo '{{name}}', '{{practice}}' o '{{doctor}}', o quítelas.",
    en: "Unknown variables: {names}. Use only '{{name}}', '{{practice}}' or '{{doctor}}', or remove them.",
  }),
  "aiDrafts.error.name": m({ es: "Máximo 120 caracteres.", en: "At most 120 characters." }),
  "aiDrafts.settings.label": m({ es: "Borradores con IA por día", en: "AI drafts per day" }),
  "aiDrafts.settings.hint": m({
    es: "Pedidos de borradores con IA que el espacio de trabajo puede hacer por día (cada pedido da tres). 0 los desactiva.",
    en: "AI draft requests the workspace may make per day (each gives three drafts). 0 turns them off.",
  }),
  "aiDrafts.templates.broadcast": m({ es: "Difusión", en: "Broadcast" }),
  "aiDrafts.templates.broadcastHelp": m({ es: "Texto para campañas de difusión.", en: "Text for broadcast campaigns." }),
};
