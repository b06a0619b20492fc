import { createMsg, formatCoded, isMessageCode, type Locale } from "@rm/catalogue";
import type { DuplicateRow, RejectedRow, RowProblem } from "./parse-patient-csv.ts";

/** A phone number in E.164: exports keep it as it is (a `+` and digits run no formula). */
const E164 = /^\+[1-9]\d{6,14}$/;

// A cell Excel would run as a formula (=, +, -, @) is prefixed with ' so a downloaded file is inert;
// an E.164 number is only digits after its +, so it stays E.164.
function cell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && !E164.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A problem's reason in `locale`; problems stored before reasons were coded have only Spanish text. */
function reasonIn(locale: Locale, p: RowProblem): string {
  return isMessageCode(p.code) ? formatCoded(locale, p.params ? { code: p.code, params: p.params } : { code: p.code }) : p.reason;
}

/**
 * The rejected rows as a CSV for download in the reader's language: UTF-8 with BOM, ';'-separated,
 * CRLF — what Excel in a Spanish locale opens directly. One line per problem, so a row with two
 * problems appears twice. Duplicates (merged into the first row with the same phone) are listed too
 * when given.
 */
export function rejectedRowsToCsv(rejected: readonly RejectedRow[], duplicates: readonly DuplicateRow[] = [], locale: Locale = "es"): string {
  const msg = createMsg(locale);
  const lines = [[msg("imports.csv.line"), msg("imports.csv.column"), msg("imports.csv.value"), msg("imports.csv.reason")].join(";")];
  for (const row of rejected) {
    for (const p of row.problems) lines.push([row.line, p.column, p.value, reasonIn(locale, p)].map(cell).join(";"));
  }
  for (const d of duplicates) {
    lines.push([d.line, msg("imports.csv.phone"), d.phone, msg("imports.csv.duplicate", { line: d.firstLine })].map(cell).join(";"));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
