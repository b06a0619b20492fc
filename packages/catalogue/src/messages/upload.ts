import { m } from "../define.ts";

/** The patient-list upload: CSV and Excel workbooks, their sheets, the sample files. */
export const upload = {
  "upload.xlsx.unreadable": m({
    es: "No se pudo leer el archivo como libro de Excel (.xlsx). Ábralo en Excel y guárdelo de nuevo como «Libro de Excel (.xlsx)» o como CSV.",
    en: "The file could not be read as an Excel workbook (.xlsx). Open it in Excel and save it again as an \"Excel Workbook (.xlsx)\" or as CSV.",
  }),
  "upload.xlsx.legacyXls": m({
    es: "Los libros de Excel 97-2003 (.xls) no se pueden leer. Guárdelo desde Excel como «Libro de Excel (.xlsx)» o como CSV.",
    en: "Excel 97-2003 workbooks (.xls) cannot be read. Save it from Excel as an \"Excel Workbook (.xlsx)\" or as CSV.",
  }),
  /** mb: the limit of the workbook's contents once uncompressed. */
  "upload.xlsx.tooLargeUncompressed": m<{ mb: number }>({
    es: "El libro de Excel ocupa más de {mb} MB descomprimido. Divídalo en varios archivos o guarde solo la hoja de las citas.",
    en: "The Excel workbook takes more than {mb} MB uncompressed. Split it into several files or save only the appointments sheet.",
  }),
  "upload.xlsx.sheetNotFound": m<{ sheet: string; sheets: string }>({
    es: "El libro no tiene una hoja «{sheet}». Sus hojas: {sheets}.",
    en: "The workbook has no sheet \"{sheet}\". Its sheets: {sheets}.",
  }),
  "upload.xlsx.noSheets": m({
    es: "El libro de Excel no tiene hojas con datos.",
    en: "The Excel workbook has no sheets with data.",
  }),
  /** A workbook with several sheets, read from one of them (shown with the draft). */
  "upload.xlsx.sheetRead": m<{ sheet: string; count: number; sheets: string }>({
    es: "El libro tiene {count} hojas ({sheets}): se leyó «{sheet}». Para usar otra, súbalo de nuevo eligiendo la hoja.",
    en: "The workbook has {count} sheets ({sheets}): \"{sheet}\" was read. To use another one, upload it again choosing the sheet.",
  }),
  "upload.intro": m<{ mb: number }>({
    es: "Un libro de Excel (.xlsx) o un CSV guardado desde Excel (separado por ; o ,), de hasta {mb} MB. Columnas: nombre, teléfono, fecha de la cita y, si las tiene, hora, consentimiento, canal, tipo de cita y consentimiento de marketing (sí/no: quién acepta difusiones; vacío lo deja como estaba). Antes de enviar nada verá una vista previa.",
    en: "An Excel workbook (.xlsx) or a CSV saved from Excel (separated by ; or ,), up to {mb} MB. Columns: name, phone, appointment date and, if you have them, time, consent, channel, appointment type and marketing consent (yes/no: who accepts broadcasts; empty leaves it as it was). You will see a preview before anything is sent.",
  }),
  "upload.samples": m({ es: "Archivos de ejemplo:", en: "Sample files:" }),
  "upload.sample.xlsx": m({ es: "Excel (.xlsx)", en: "Excel (.xlsx)" }),
  "upload.sample.csv": m({ es: "CSV", en: "CSV" }),
  "upload.file.label": m({ es: "Archivo CSV o Excel (.xlsx)", en: "CSV or Excel (.xlsx) file" }),
  "upload.file.missing": m({ es: "Elija el archivo CSV o Excel con las citas.", en: "Choose the CSV or Excel file with the appointments." }),
  "upload.sheet.label": m({ es: "Hoja del libro de Excel", en: "Sheet of the Excel workbook" }),
  "upload.sheet.hint": m({
    es: "Solo para libros con varias hojas. En blanco: la primera.",
    en: "Only for workbooks with several sheets. Blank: the first one.",
  }),
  "upload.sheet.first": m({ es: "La primera hoja", en: "The first sheet" }),
  // Progress while the file goes up (with JavaScript), then while the server reads it.
  "upload.progress.label": m({ es: "Avance de la subida", en: "Upload progress" }),
  "upload.progress.starting": m({ es: "Empezando a subir el archivo…", en: "Starting to upload the file…" }),
  /** unit: "MB", or "KB" for a file under 1 MB. */
  "upload.progress.sending": m<{ percent: string; sent: string; total: string; unit: string }>({
    es: "Subiendo el archivo: {percent} % ({sent} de {total} {unit})",
    en: "Uploading the file: {percent}% ({sent} of {total} {unit})",
  }),
  "upload.page.sending": m({ es: "Subiendo…", en: "Uploading…" }),
  "upload.progress.reading": m({ es: "Archivo subido. Leyendo y revisando las filas…", en: "File uploaded. Reading and checking the rows…" }),
  // The upload page.
  "upload.page.newCampaign": m({ es: "Nueva campaña", en: "New campaign" }),
  "upload.page.sendToOnePatient": m({ es: "Enviar a un solo paciente", en: "Send to one patient" }),
  "upload.page.draftDiscardedNothingWas": m({ es: "Borrador descartado: no se importó nada.", en: "Draft discarded: nothing was imported." }),
  "upload.page.draftsNotConfirmedYet": m({ es: "Borradores sin confirmar", en: "Drafts not confirmed yet" }),
  "upload.page.patientsUploadedBy": m<{ patients: string; createdByName: string; when: string }>({ es: "{patients} pacientes · subido por {createdByName}, {when}", en: "{patients} patients · uploaded by {createdByName}, {when}" }),
  "upload.page.firstAPractice": m({ es: "Primero, un consultorio", en: "First, a practice" }),
  "upload.page.createYourFirstPractice": m({ es: "Cree su primer consultorio", en: "Create your first practice" }),
  "upload.page.askTheOwnerTo": m({ es: "Pida al propietario que cree un consultorio.", en: "Ask the owner to create a practice." }),
  "upload.page.uploadTheAppointmentList": m({ es: "Subir la lista de citas", en: "Upload the appointment list" }),
  "upload.page.chooseTheFileAgain": m({ es: "Vuelva a elegir el archivo: por seguridad el navegador no lo conserva.", en: "Choose the file again: for safety the browser does not keep it." }),
  "upload.page.campaignName": m({ es: "Nombre de la campaña", en: "Campaign name" }),
  "upload.page.mondaySAppointments": m({ es: "Citas del lunes", en: "Monday's appointments" }),
  "upload.page.hoursAfterTheAppointment": m({ es: "Horas después de la cita", en: "Hours after the appointment" }),
  "upload.page.neverDuringQuietHours": m({ es: "Nunca en horario de silencio.", en: "Never during quiet hours." }),
  "upload.page.forRowsWithoutA": m({ es: "Para las filas sin columna «canal».", en: "For rows without a «channel» column." }),
  "upload.page.atMostMb": m<{ maxMb: string }>({ es: "Máximo {maxMb} MB.", en: "At most {maxMb} MB." }),
  "upload.page.readingTheFile": m({ es: "Leyendo el archivo…", en: "Reading the file…" }),
  "upload.page.uploadAndReview": m({ es: "Subir y revisar", en: "Upload and review" }),
};
