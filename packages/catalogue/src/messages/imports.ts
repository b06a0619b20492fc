import { m } from "../define.ts";

/**
 * What the importer (@rm/importer) says about an uploaded patient list and a campaign it creates: each
 * row's problems, the file's fatal errors and warnings, and the refusals of creating a campaign. The
 * importer carries them as codes with parameters; pages show them in the reader's language.
 */
export const imports = {
  "imports.preview.doctor": m({ es: "Médico", en: "Doctor" }),
  "imports.doctor.unknown": m<{ name: string }>({
    es: "El médico «{name}» no es un usuario del espacio de trabajo (médico o propietario). Escriba el nombre como en Usuarios o invítelo primero.",
    en: "The doctor “{name}” is not a user of the workspace (doctor or owner). Write the name as it appears under Users, or invite them first.",
  }),
  "imports.doctor.ambiguous": m<{ name: string }>({
    es: "Hay más de un usuario llamado «{name}»: no se sabe de qué médico es la cita. Cambie el nombre de uno de ellos en Usuarios.",
    en: "More than one user is called “{name}”: it is unclear whose appointment this is. Rename one of them under Users.",
  }),
  "imports.destination.notAllowed": m<{ country: string; allowed: string }>({
    es: "País de destino no permitido ({country}): este espacio de trabajo solo envía a {allowed}. El propietario puede añadir países en Configuración.",
    en: "Destination country not allowed ({country}): this workspace only sends to {allowed}. The owner can add countries in Settings.",
  }),
  // A row's problems (the reason column of the preview and of the rejected-rows download).
  "imports.row.cellTooLong": m<{ max: number }>({ es: "El valor es demasiado largo (máximo {max} caracteres).", en: "The value is too long (at most {max} characters)." }),
  "imports.row.nameMissing": m({ es: "Falta el nombre del paciente.", en: "The patient's name is missing." }),
  "imports.row.nameTooLong": m<{ max: number }>({ es: "El nombre es demasiado largo (máximo {max} caracteres).", en: "The name is too long (at most {max} characters)." }),
  "imports.row.unreadable": m({
    es: "La fila no se pudo leer (comillas sin cerrar o fila demasiado larga).",
    en: "The row could not be read (an unclosed quote or a row that is too long).",
  }),
  "imports.row.channel": m({ es: "Canal no reconocido: use WhatsApp o SMS.", en: "Unknown channel: use WhatsApp or SMS." }),
  "imports.date.empty": m({ es: "Falta la fecha de la cita.", en: "The appointment date is missing." }),
  "imports.date.format": m({
    es: "Fecha no reconocida: use día/mes/año (dd/mm/aaaa), con hora opcional (dd/mm/aaaa hh:mm), o aaaa-mm-dd.",
    en: "Unrecognised date: use day/month/year (dd/mm/yyyy), with an optional time (dd/mm/yyyy hh:mm), or yyyy-mm-dd.",
  }),
  "imports.date.invalid": m({
    es: "La fecha no existe en el calendario (revise día y mes: el formato es dd/mm/aaaa, nunca mm/dd).",
    en: "The date does not exist in the calendar (check day and month: the format is dd/mm/yyyy, never mm/dd).",
  }),
  "imports.date.year": m<{ min: number; max: number }>({
    es: "El año está fuera de rango ({min, number, ::group-off}–{max, number, ::group-off}).",
    en: "The year is out of range ({min, number, ::group-off}–{max, number, ::group-off}).",
  }),
  "imports.time.format": m({ es: "Hora no reconocida: use hh:mm (24 horas) o hh:mm a. m./p. m.", en: "Unrecognised time: use hh:mm (24-hour) or hh:mm a.m./p.m." }),
  // The file as a whole.
  "imports.file.empty": m({ es: "El archivo está vacío o no tiene filas de pacientes.", en: "The file is empty or has no patient rows." }),
  "imports.file.tooLarge": m<{ mb: number }>({
    es: "El archivo supera el tamaño máximo de {mb} MB. Divídalo en varios archivos.",
    en: "The file is over the {mb} MB limit. Split it into several files.",
  }),
  "imports.file.tooLargeNothingCreated": m<{ mb: number }>({
    es: "El archivo es demasiado grande (máximo {mb} MB). No se creó nada.",
    en: "The file is too large (at most {mb} MB). Nothing was created.",
  }),
  "imports.file.tooManyRows": m<{ max: number }>({
    es: "El archivo tiene más de {max, number} filas. Divídalo en varios archivos.",
    en: "The file has more than {max, number} rows. Split it into several files.",
  }),
  "imports.file.unreadable": m({
    es: "No se pudo leer el archivo como CSV. Guárdelo desde Excel como «CSV (delimitado por comas)» e inténtelo de nuevo.",
    en: "The file could not be read as CSV. Save it from Excel as “CSV (Comma delimited)” and try again.",
  }),
  "imports.file.missingColumns": m<{ columns: string }>({
    es: "Faltan columnas obligatorias: {columns}. La primera fila debe tener los títulos, por ejemplo: nombre;telefono;fecha;hora;consentimiento.",
    en: "Required columns are missing: {columns}. The first row must hold the titles, e.g. nombre;telefono;fecha;hora;consentimiento.",
  }),
  "imports.file.notImported": m({ es: "El archivo no se pudo importar.", en: "The file could not be imported." }),
  "imports.warning.noConsentColumn": m({
    es: "El archivo no tiene columna de consentimiento: para importarlo, confirme que todos estos pacientes aceptaron recibir mensajes.",
    en: "The file has no consent column: to import it, confirm that all these patients agreed to receive messages.",
  }),
  "imports.warning.unrecognisedConsent": m<{ count: number }>({
    es: "{count, plural, one {# fila tiene} other {# filas tienen}} un consentimiento no reconocido (use sí/no, x, 1): se importan sin consentimiento.",
    en: "{count, plural, one {# row has} other {# rows have}} an unrecognised consent (use sí/no, x, 1): imported without consent.",
  }),
  "imports.warning.unrecognisedMarketing": m<{ count: number }>({
    es: "{count, plural, one {# fila tiene} other {# filas tienen}} un consentimiento de marketing no reconocido (use sí/no, x, 1): su consentimiento de marketing queda como estaba.",
    en: "{count, plural, one {# row has} other {# rows have}} an unrecognised marketing consent (use sí/no, x, 1): their marketing consent stays as it was.",
  }),
  "imports.warning.mixedEncoding": m({
    es: "El archivo mezcla codificaciones (UTF-8 y Windows-1252): revise los acentos de las filas importadas.",
    en: "The file mixes encodings (UTF-8 and Windows-1252): check the accents of the imported rows.",
  }),
  // Refusals of creating a campaign or sending to one patient. `line` 0: not about one row.
  "imports.error.workspaceNotFound": m({ es: "El espacio de trabajo no existe.", en: "The workspace does not exist." }),
  "imports.error.practiceRequired": m({ es: "Elija un consultorio.", en: "Choose a practice." }),
  "imports.error.practiceNotFound": m({ es: "El consultorio no existe en este espacio de trabajo.", en: "The practice does not exist in this workspace." }),
  "imports.error.doctorRequired": m({ es: "Elija un médico del espacio de trabajo.", en: "Choose a doctor of the workspace." }),
  "imports.error.doctorNotFound": m({ es: "El médico asignado no existe en este espacio de trabajo.", en: "The assigned doctor does not exist in this workspace." }),
  "imports.error.creatorNotFound": m({
    es: "El usuario que crea la campaña no existe en este espacio de trabajo.",
    en: "The user creating the campaign does not exist in this workspace.",
  }),
  "imports.error.campaignName": m({ es: "Escriba un nombre para la campaña.", en: "Write a name for the campaign." }),
  "imports.error.nameTooLong": m<{ max: number }>({ es: "El nombre es demasiado largo (máximo {max} caracteres).", en: "The name is too long (at most {max} characters)." }),
  "imports.error.hours": m<{ max: number }>({ es: "Use un número entero de horas entre 0 y {max}.", en: "Use a whole number of hours between 0 and {max}." }),
  "imports.error.draftNotFound": m({ es: "El borrador de campaña no existe.", en: "The campaign draft does not exist." }),
  "imports.error.draftGone": m({ es: "El borrador de campaña no existe o ya fue confirmado.", en: "The campaign draft does not exist or was already confirmed." }),
  "imports.error.draftExpired": m({ es: "El borrador expiró: suba el archivo de nuevo.", en: "The draft expired: upload the file again." }),
  "imports.error.attestation": m({
    es: "El archivo no tiene columna de consentimiento: confirme que estos pacientes aceptaron recibir mensajes, o suba un archivo con la columna «consentimiento».",
    en: "The file has no consent column: confirm that these patients agreed to receive messages, or upload a file with a “consentimiento” column.",
  }),
  "imports.error.doctorGone": m<{ line: number }>({
    es: "El médico de la cita ya no es un usuario del espacio de trabajo{line, plural, =0 {} other { (fila #)}}.",
    en: "The appointment's doctor is no longer a user of the workspace{line, plural, =0 {} other { (row #)}}.",
  }),
  "imports.error.doctorUnknown": m<{ name: string; line: number }>({
    es: "El médico «{name}» no es un usuario del espacio de trabajo{line, plural, =0 {} other { (fila #)}}.",
    en: "The doctor “{name}” is not a user of the workspace{line, plural, =0 {} other { (row #)}}.",
  }),
  "imports.error.doctorAmbiguous": m<{ name: string; line: number }>({
    es: "Hay más de un usuario llamado «{name}»{line, plural, =0 {} other { (fila #)}}.",
    en: "More than one user is called “{name}”{line, plural, =0 {} other { (row #)}}.",
  }),
  "imports.error.tooManyPatients": m<{ max: number }>({ es: "Una campaña admite hasta {max, number} pacientes.", en: "A campaign takes up to {max, number} patients." }),
  "imports.error.phone": m<{ line: number }>({ es: "Teléfono no válido{line, plural, =0 {} other { (fila #)}}.", en: "Invalid phone{line, plural, =0 {} other { (row #)}}." }),
  "imports.error.appointment": m<{ line: number }>({
    es: "Fecha de cita no válida{line, plural, =0 {} other { (fila #)}}.",
    en: "Invalid appointment date{line, plural, =0 {} other { (row #)}}.",
  }),
  "imports.error.nameMissing": m<{ line: number }>({ es: "Falta el nombre{line, plural, =0 {} other { (fila #)}}.", en: "The name is missing{line, plural, =0 {} other { (row #)}}." }),
  "imports.error.noRows": m({ es: "No hay pacientes para importar.", en: "There are no patients to import." }),
  "imports.error.patientName": m({ es: "Escriba el nombre del paciente.", en: "Write the patient's name." }),
  "imports.error.consent": m({ es: "El paciente debe aceptar recibir el mensaje.", en: "The patient must agree to receive the message." }),
  "imports.error.credits": m<{ needed: number; available: number; missing: number }>({
    es: "Créditos insuficientes: se necesitan {needed}, hay {available} disponibles (faltan {missing}).",
    en: "Not enough credits: {needed} needed, {available} available ({missing} missing).",
  }),
  "imports.destination.unknownCountry": m<{ allowed: string }>({
    es: "No se puede saber el país de destino del número; este consultorio solo envía a: {allowed}.",
    en: "The number's destination country cannot be told; this practice only sends to: {allowed}.",
  }),
  // The rejected-rows download.
  "imports.csv.line": m({ es: "linea", en: "line" }),
  "imports.csv.column": m({ es: "columna", en: "column" }),
  "imports.csv.value": m({ es: "valor", en: "value" }),
  "imports.csv.reason": m({ es: "motivo", en: "reason" }),
  "imports.csv.phone": m({ es: "teléfono", en: "phone" }),
  "imports.csv.duplicate": m<{ line: number }>({ es: "Teléfono repetido: se usa la fila {line, number, ::group-off}.", en: "Repeated phone: row {line, number, ::group-off} is used." }),
  // The upload form itself (before the file is read).
  "imports.form.fieldTooLong": m({ es: "Un campo del formulario es demasiado largo.", en: "A field of the form is too long." }),
  "imports.form.noFile": m({ es: "Elija un archivo CSV y envíe el formulario de nuevo.", en: "Choose a CSV file and send the form again." }),
  "imports.form.unreadable": m({ es: "No se pudo leer el formulario enviado. Inténtelo de nuevo.", en: "The form sent could not be read. Try again." }),
};
