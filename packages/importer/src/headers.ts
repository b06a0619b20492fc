import { stripAccents } from "./fields.ts";

export const PATIENT_FIELDS = [
  "name",
  "firstName",
  "lastName",
  "phone",
  "email",
  "date",
  "time",
  "consent",
  "channel",
  "doctor",
  "externalId",
  "appointmentType",
  "language",
  "marketingConsent",
] as const;
export type PatientField = (typeof PATIENT_FIELDS)[number];

/** Column names people write, in Spanish and English, after normalisation (lowercase, no accents). */
const ALIASES: Record<PatientField, readonly string[]> = {
  name: ["nombre", "nombres y apellidos", "nombre completo", "nombre y apellido", "paciente", "nombre paciente", "nombre del paciente", "name", "full name", "patient", "patient name"],
  firstName: ["nombres", "primer nombre", "first name", "given name"],
  lastName: ["apellido", "apellidos", "last name", "surname", "family name"],
  phone: [
    "telefono", "tel", "telf", "celular", "cel", "movil", "whatsapp", "numero", "numero de telefono", "telefono celular", "celular whatsapp",
    "telefono movil", "numero celular", "phone", "phone number", "mobile", "mobile phone", "cell", "cell phone",
  ],
  email: ["email", "e mail", "correo", "correo electronico", "mail"],
  date: [
    "fecha", "fecha cita", "fecha de cita", "fecha de la cita", "cita", "fecha atencion", "fecha de atencion", "fecha consulta", "fecha de consulta",
    "fecha y hora", "fecha hora", "fecha hora cita", "appointment", "appointment date", "appointment at", "date", "visit date",
  ],
  time: ["hora", "hora cita", "hora de cita", "hora de la cita", "hora atencion", "hora consulta", "time", "appointment time", "visit time"],
  consent: ["consentimiento", "consiente", "acepta", "acepta mensajes", "autoriza", "autorizacion", "consent", "opt in", "optin", "acepta whatsapp"],
  channel: ["canal", "via", "medio", "channel", "canal preferido", "preferred channel"],
  doctor: ["medico", "doctor", "doctora", "dr", "dra", "profesional", "especialista", "medico tratante", "physician", "provider"],
  externalId: [
    "id", "historia clinica", "historia", "hc", "nro historia", "no historia", "numero de historia", "numero historia clinica", "codigo", "id paciente",
    "patient id", "record", "mrn", "medical record",
  ],
  appointmentType: ["tipo cita", "tipo de cita", "tipo", "servicio", "procedimiento", "motivo", "especialidad", "appointment type", "type", "service"],
  language: ["idioma", "lenguaje", "language", "lang"],
  // Consent to broadcasts (SPEC §14), separate from the consent to feedback requests above.
  marketingConsent: [
    "consentimiento marketing", "consentimiento de marketing", "consentimiento publicidad", "consentimiento promociones", "acepta publicidad",
    "acepta promociones", "acepta marketing", "autoriza publicidad", "publicidad", "promociones", "marketing", "marketing consent",
    "consent marketing", "consent to marketing", "accepts marketing", "marketing opt in", "marketing optin", "promotions",
  ],
};

const LOOKUP = new Map<string, PatientField>();
for (const field of PATIENT_FIELDS) for (const alias of ALIASES[field]) LOOKUP.set(alias, field);

/** "Teléfono *", "FECHA_CITA", "Fecha de la cita:" → the alias key. */
export function normaliseHeader(header: string): string {
  return stripAccents(header.replace(/^\uFEFF/, "").toLowerCase())
    .replace(/[_\-/]+/g, " ")
    .replace(/[^a-z0-9 ]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

export function fieldForHeader(header: string): PatientField | null {
  return LOOKUP.get(normaliseHeader(header)) ?? null;
}

export interface ColumnMapping {
  /** Column index for each recognised field (the first column wins when two map to one field). */
  index: Partial<Record<PatientField, number>>;
  columns: { header: string; field: PatientField | null }[];
}

export function mapHeaders(headers: readonly string[]): ColumnMapping {
  const index: Partial<Record<PatientField, number>> = {};
  const columns = headers.map((header, i) => {
    const field = fieldForHeader(header);
    if (field && index[field] === undefined) {
      index[field] = i;
      return { header, field };
    }
    return { header, field: null };
  });
  // "Nombres" alone (no "Apellidos") is the whole name.
  if (index.name === undefined && index.firstName !== undefined && index.lastName === undefined) {
    index.name = index.firstName;
    delete index.firstName;
    columns[index.name]!.field = "name";
  }
  return { index, columns };
}

/** Spanish names of the fields, for messages and the rejected-rows file. */
export const FIELD_LABEL_ES: Record<PatientField, string> = {
  name: "nombre",
  firstName: "nombres",
  lastName: "apellidos",
  phone: "teléfono",
  email: "correo",
  date: "fecha",
  time: "hora",
  consent: "consentimiento",
  channel: "canal",
  doctor: "médico",
  externalId: "historia clínica",
  appointmentType: "tipo de cita",
  language: "idioma",
  marketingConsent: "consentimiento de marketing",
};
