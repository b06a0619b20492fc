// The sample patient lists the upload page offers, made when asked so their appointments are recent
// (yesterday, in the practice's zone) and a sample upload is not skipped as too old. The .xlsx is
// written by the same library that reads uploads, as Excel saves such a sheet: dates and times as
// date-formatted serials, phones typed as numbers (their leading 0 gone).
import ExcelJS from "exceljs";

// The marketing column (consent to broadcasts, SPEC §14) is optional: empty leaves a contact's as it is.
const HEADERS = ["nombre", "telefono", "fecha", "hora", "consentimiento", "canal", "tipo_cita", "consentimiento_marketing"];

const PATIENTS: [name: string, phone: string, hour: number, minute: number, consent: string, channel: string, type: string, marketing: string][] = [
  ["María José Pérez", "0987654321", 9, 0, "sí", "WhatsApp", "Limpieza", "sí"],
  ["Juan Carlos Andrade", "0991234567", 10, 30, "sí", "SMS", "Control", "no"],
  ["Ana Lucía Torres", "0969876543", 15, 15, "no", "", "Ortodoncia", ""],
];

/** Yesterday's date where the practice is. */
function yesterday(now: Date, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(now.getTime() - 86_400_000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}

/** The sample as a CSV the way Excel in Spanish saves one: `;`, day-first dates, UTF-8 with BOM, CRLF. */
export function samplePatientCsv(now: Date, timeZone = "America/Guayaquil"): string {
  const { year, month, day } = yesterday(now, timeZone);
  const date = `${String(day).padStart(2, "0")}/${String(month).padStart(2, "0")}/${year}`;
  const lines = [HEADERS.join(";")];
  for (const [name, phone, hour, minute, consent, channel, type, marketing] of PATIENTS) {
    lines.push([name, phone, date, `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`, consent, channel, type, marketing].join(";"));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** The same sample as an .xlsx workbook with one sheet, "Citas". */
export async function samplePatientXlsx(now: Date, timeZone = "America/Guayaquil"): Promise<Buffer> {
  const { year, month, day } = yesterday(now, timeZone);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Citas");
  sheet.addRow(HEADERS);
  sheet.getRow(1).font = { bold: true };
  for (const [name, phone, hour, minute, consent, channel, type, marketing] of PATIENTS) {
    // Excel's cells hold no zone: a date is its wall-clock fields, which exceljs writes from UTC.
    sheet.addRow([name, Number(phone), new Date(Date.UTC(year, month - 1, day)), new Date(Date.UTC(1899, 11, 30, hour, minute)), consent, channel || null, type, marketing || null]);
  }
  sheet.getColumn(3).numFmt = "dd/mm/yyyy";
  sheet.getColumn(4).numFmt = "hh:mm";
  sheet.columns.forEach((c, i) => (c.width = [24, 14, 12, 8, 16, 12, 14, 26][i]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
