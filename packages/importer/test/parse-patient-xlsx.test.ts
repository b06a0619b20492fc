import { crc32, createDeflateRaw } from "node:zlib";
import ExcelJS from "exceljs";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { formatCoded } from "@rm/catalogue";
import { describe, expect, it } from "vitest";
import { MAX_XLSX_UNCOMPRESSED_BYTES, parsePatientCsv, parsePatientFile, parsePatientXlsx, samplePatientCsv, samplePatientXlsx } from "../src/index.ts";

type Cell = string | number | boolean | Date | null;

/** A workbook as Excel saves it: shared strings, dates as serials with a date format, numbers as numbers. */
async function workbook(sheets: { name: string; rows: Cell[][]; formats?: Record<string, string> }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const row of s.rows) ws.addRow(row);
    for (const [address, numFmt] of Object.entries(s.formats ?? {})) ws.getCell(address).numFmt = numFmt;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A wall-clock date and time as Excel holds it (no zone: exceljs writes the UTC fields). */
const excelDate = (y: number, m: number, d: number, h = 0, min = 0) => new Date(Date.UTC(y, m - 1, d, h, min));
const excelTime = (h: number, min: number) => new Date(Date.UTC(1899, 11, 30, h, min));

// The same list twice: as a CSV saved from Excel (text) and as the workbook's cells (typed values).
// Each line: [CSV cells], [workbook cells]; number formats of the workbook by cell address.
const HEADER = ["Nombre", "Teléfono", "Fecha cita", "Hora", "Consentimiento", "Canal"];
const ROWS: [string[], Cell[]][] = [
  // Date-time cell, phone typed as a number (its 0 gone).
  [["José Muñoz", "0987654321", "23/11/2026 09:30", "", "sí", "WhatsApp"], ["José Muñoz", 987654321, excelDate(2026, 11, 23, 9, 30), null, "sí", "WhatsApp"]],
  // Date-only cell with the time in its own time cell; consent as Excel's TRUE.
  [["María Ñáñez", "987654322", "23/11/2026", "14:30", "true", "SMS"], ["María Ñáñez", 987654322, excelDate(2026, 11, 23), excelTime(14, 30), true, "SMS"]],
  // A serial left as a plain number in the date column.
  [["Pedro Páez", "0987654323", "46349", "", "x", ""], ["Pedro Páez", 987654323, 46349, null, "x", null]],
  // Typed in scientific notation with every digit: Excel keeps them.
  [["Rosa Ríos", "5.93987654324E+11", "23/11/2026 10:00", "", "sí", ""], ["Rosa Ríos", 593987654324, excelDate(2026, 11, 23, 10), null, "sí", null]],
  // Typed (or pasted from a CSV) as 5.93984E+11: the digits after 984 are gone.
  [["Luis Lara", "5.93984E+11", "23/11/2026 10:00", "", "sí", ""], ["Luis Lara", 593984000000, excelDate(2026, 11, 23, 10), null, "sí", null]],
  // A date Excel could not read stays text; a bad channel; no name; a bad time.
  [["Eva Erazo", "0987654325", "31/02/2026", "", "sí", ""], ["Eva Erazo", 987654325, "31/02/2026", null, "sí", null]],
  [["Ana Andrade", "0987654326", "23/11/2026", "", "sí", "fax"], ["Ana Andrade", 987654326, excelDate(2026, 11, 23), null, "sí", "fax"]],
  [["", "0987654327", "23/11/2026", "", "sí", ""], [null, 987654327, excelDate(2026, 11, 23), null, "sí", null]],
  [["Raúl Ruiz", "0987654328", "23/11/2026", "25:00", "sí", ""], ["Raúl Ruiz", 987654328, excelDate(2026, 11, 23), "25:00", "sí", null]],
  // A landline, kept but unreachable; a repeated phone; text that is no phone.
  [["Consultorio", "022345678", "23/11/2026", "", "sí", ""], ["Consultorio", 22345678, excelDate(2026, 11, 23), null, "sí", null]],
  [["José Muñoz (hijo)", "0987654321", "24/11/2026", "", "sí", ""], ["José Muñoz (hijo)", 987654321, excelDate(2026, 11, 24), null, "sí", null]],
  [["Teo Toral", "llamar a casa", "23/11/2026", "", "sí", ""], ["Teo Toral", "llamar a casa", excelDate(2026, 11, 23), null, "sí", null]],
  // Consent Excel's FALSE: imported, never messaged.
  [["Iris Ibarra", "0987654329", "23/11/2026 16:45", "", "false", ""], ["Iris Ibarra", 987654329, excelDate(2026, 11, 23, 16, 45), null, false, null]],
];
// Excel gives a date-time cell "dd/mm/yyyy hh:mm", a date "dd/mm/yyyy", a time "hh:mm", and a number typed as 5.9E+11 "0.00E+00".
const FORMATS: Record<string, string> = {
  C2: "dd/mm/yyyy hh:mm", C3: "dd/mm/yyyy", D3: "hh:mm", C5: "dd/mm/yyyy hh:mm", B5: "0.00E+00", B6: "0.00E+00", C6: "dd/mm/yyyy hh:mm",
  C8: "dd/mm/yyyy", C9: "dd/mm/yyyy", C10: "dd/mm/yyyy", C11: "dd/mm/yyyy", C12: "dd/mm/yyyy", C13: "dd/mm/yyyy", C14: "dd/mm/yyyy hh:mm",
};

const csvText = [HEADER, ...ROWS.map(([csv]) => csv)].map((r) => r.join(";")).join("\r\n");

describe("parsePatientXlsx: the same rows as a CSV and as a workbook", () => {
  it("accepts, rejects and merges exactly the same rows with the same reasons", async () => {
    const fromCsv = await parsePatientCsv(Buffer.from(csvText));
    const fromXlsx = await parsePatientXlsx(await workbook([{ name: "Citas", rows: [HEADER, ...ROWS.map(([, cells]) => cells)], formats: FORMATS }]));
    expect(fromXlsx.ok).toBe(true);
    expect(fromXlsx.sheet).toBe("Citas");
    expect(fromXlsx.accepted).toEqual(fromCsv.accepted);
    expect(fromXlsx.rejected).toEqual(fromCsv.rejected);
    expect(fromXlsx.duplicates).toEqual(fromCsv.duplicates);
    expect(fromXlsx.warnings).toEqual(fromCsv.warnings);
    const { bytes: _b, lines: _l, ...counts } = fromXlsx.counts;
    const { bytes: _cb, lines: _cl, ...csvCounts } = fromCsv.counts;
    expect(counts).toEqual(csvCounts);

    // What those rows are, so the comparison is not between two equally wrong readings.
    expect(fromXlsx.accepted.map((a) => [a.line, a.phone, a.appointmentAt.toISOString(), a.consent])).toEqual([
      [2, "+593987654321", "2026-11-23T14:30:00.000Z", true],
      [3, "+593987654322", "2026-11-23T19:30:00.000Z", true],
      [4, "+593987654323", "2026-11-23T22:00:00.000Z", true],
      [5, "+593987654324", "2026-11-23T15:00:00.000Z", true],
      [11, "+59322345678", "2026-11-23T22:00:00.000Z", true],
      [14, "+593987654329", "2026-11-23T21:45:00.000Z", false],
    ]);
    expect(fromXlsx.rejected.map((r) => [r.line, r.column, r.value])).toEqual([
      [6, "Teléfono", "5.93984E+11"],
      [7, "Fecha cita", "31/02/2026"],
      [8, "Canal", "fax"],
      [9, "Nombre", ""],
      [10, "Hora", "25:00"],
      [13, "Teléfono", "llamar a casa"],
    ]);
    expect(fromXlsx.rejected[0]!.reason).toMatch(/notación científica/);
    expect(fromXlsx.duplicates).toEqual([{ line: 12, firstLine: 2, phone: "+593987654321", name: "José Muñoz (hijo)" }]);
  });

  it("reads a workbook whose shared strings come after the sheet, as Excel writes them, and the practice's time zone", async () => {
    const book = await workbook([{ name: "Hoja1", rows: [HEADER, ROWS[0]![1]], formats: { C2: "dd/mm/yyyy hh:mm" } }]);
    const r = await parsePatientXlsx(book, { timeZone: "America/Bogota" });
    expect(r.accepted[0]!.appointmentAt.toISOString()).toBe("2026-11-23T14:30:00.000Z");
    const madrid = await parsePatientXlsx(book, { timeZone: "Europe/Madrid" });
    expect(madrid.accepted[0]!.appointmentAt.toISOString()).toBe("2026-11-23T08:30:00.000Z");
  });
});

describe("parsePatientXlsx: sheets", () => {
  const cover = { name: "Portada", rows: [["Citas de noviembre"], ["Consultorio Central"]] as Cell[][] };
  const list = { name: "Citas", rows: [HEADER, ROWS[0]![1]], formats: { C2: "dd/mm/yyyy hh:mm" } };
  const notes = { name: "Notas", rows: [["nada"]] as Cell[][] };

  it("reads the first sheet by default and says which one it read when there are several", async () => {
    const r = await parsePatientXlsx(await workbook([list, notes]));
    expect(r.ok).toBe(true);
    expect(r.sheet).toBe("Citas");
    expect(r.sheets).toEqual(["Citas", "Notas"]);
    expect(r.warnings.map((w) => formatCoded("es", w))).toContain("El libro tiene 2 hojas (Citas, Notas): se leyó «Citas». Para usar otra, súbalo de nuevo eligiendo la hoja.");
  });

  it("reads the sheet the user chose, and names the sheets when the first one is not a list", async () => {
    const book = await workbook([cover, list, notes]);
    const first = await parsePatientXlsx(book);
    expect(first.fatal?.code).toBe("MISSING_COLUMNS");
    expect(first.sheets).toEqual(["Portada", "Citas", "Notas"]);
    const chosen = await parsePatientXlsx(book, { sheet: "Citas" });
    expect(chosen.ok).toBe(true);
    expect(chosen.sheet).toBe("Citas");
    expect(chosen.accepted.map((a) => a.phone)).toEqual(["+593987654321"]);
    expect(chosen.warnings.map((w) => formatCoded("es", w)).join(" ")).not.toMatch(/hojas/);
    const missing = await parsePatientXlsx(book, { sheet: "Pacientes" });
    expect(missing.fatal).toMatchObject({ code: "SHEET_NOT_FOUND", message: "El libro no tiene una hoja «Pacientes». Sus hojas: Portada, Citas, Notas." });
    expect(formatCoded("en", missing.fatal!.text)).toBe('The workbook has no sheet "Pacientes". Its sheets: Portada, Citas, Notas.');
  });
});

describe("parsePatientXlsx: limits and broken files", () => {
  it("stops at the row limit", async () => {
    const rows: Cell[][] = [HEADER];
    for (let i = 0; i < 6; i++) rows.push([`P${i}`, 987654300 + i, excelDate(2026, 11, 23), null, "sí", null]);
    const r = await parsePatientXlsx(await workbook([{ name: "Citas", rows }]), { maxRows: 5 });
    expect(r.fatal?.code).toBe("TOO_MANY_ROWS");
    expect(r.accepted).toEqual([]);
  });

  it("refuses an upload over the byte limit without reading it", async () => {
    const r = await parsePatientXlsx(await samplePatientXlsx(new Date()), { maxBytes: 1000 });
    expect(r.fatal?.code).toBe("TOO_LARGE");
  });

  it("a file named .xlsx that is not a workbook, an old .xls and a truncated workbook get a clear error, never an exception", async () => {
    const notZip = await parsePatientFile(Buffer.from("nombre;telefono\n"), { fileName: "citas.xlsx" });
    expect(notZip.fatal?.message).toMatch(/libro de Excel \(\.xlsx\)/);
    const xls = await parsePatientFile(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), { fileName: "citas.xls" });
    expect(xls.fatal?.message).toMatch(/97-2003/);
    expect(formatCoded("en", xls.fatal!.text)).toMatch(/97-2003/);
    const book = await samplePatientXlsx(new Date());
    const truncated = await parsePatientFile(book.subarray(0, book.length - 100), { fileName: "citas.xlsx" });
    expect(truncated.fatal?.code).toBe("UNREADABLE");
    // Sniffed by its bytes: a workbook uploaded as .csv is still read as one.
    const renamed = await parsePatientFile(book, { fileName: "citas.csv" });
    expect(renamed).toMatchObject({ ok: true, format: "xlsx", sheet: "Citas" });
  });

  it("never expands entities a part declares (a billion laughs in the shared strings): unreadable, at once", async () => {
    const parts = unzipSync(new Uint8Array(await samplePatientXlsx(new Date())));
    let dtd = '<!DOCTYPE sst [<!ENTITY a0 "lol">';
    for (let i = 1; i < 10; i++) dtd += `<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`;
    const strings = strFromU8(parts["xl/sharedStrings.xml"]!);
    const bomb = strings.replace(/^(<\?xml[^>]*\?>)/, `$1${dtd}]>`).replace("<t>nombre</t>", "<t>&a9;</t>");
    expect(bomb).toMatch(/<!DOCTYPE sst \[.*<t>&a9;<\/t>/s);
    parts["xl/sharedStrings.xml"] = strToU8(bomb);
    const started = Date.now();
    const r = await parsePatientXlsx(Buffer.from(zipSync(parts)));
    expect(r.fatal?.code).toBe("UNREADABLE");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  /** A workbook whose sheet part is `size` bytes of spaces inside the row data: compressed ~1000:1. */
  async function bomb(sheetBytes: number): Promise<Buffer> {
    const small = await samplePatientXlsx(new Date());
    const parts = await import("fflate").then((f) => f.unzipSync(new Uint8Array(small)));
    // The deflated part is made in a stream: the test never holds the inflated sheet either.
    const deflate = createDeflateRaw({ level: 9 });
    const out: Buffer[] = [];
    deflate.on("data", (c: Buffer) => out.push(c));
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const head = Buffer.from('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>');
    deflate.write(head);
    let crc = crc32(head);
    for (let n = 0; n < sheetBytes; n += chunk.length) {
      deflate.write(chunk);
      crc = crc32(chunk, crc);
    }
    const tail = Buffer.from("</sheetData></worksheet>");
    crc = crc32(tail, crc);
    await new Promise<void>((resolve) => deflate.end(tail, resolve));
    await new Promise<void>((resolve) => deflate.on("end", resolve));
    const sheet = Buffer.concat(out);
    const size = head.length + Math.ceil(sheetBytes / chunk.length) * chunk.length + tail.length;
    // Every other part as it was; the sheet's deflated bytes spliced in with their true size and CRC.
    delete parts["xl/worksheets/sheet1.xml"];
    const rest = zipSync({ ...parts, "xl/worksheets/sheet1.xml": strToU8("x") }, { level: 0 });
    return spliceEntry(Buffer.from(rest), "xl/worksheets/sheet1.xml", sheet, size, crc);
  }

  it("refuses a zip bomb (a sheet inflating past the budget) before inflating it, and one that lies about its size while inflating", async () => {
    const before = process.memoryUsage().rss;
    const upload = await bomb(MAX_XLSX_UNCOMPRESSED_BYTES + (8 << 20));
    expect(upload.length).toBeLessThan(2 << 20);
    const started = Date.now();
    const r = await parsePatientXlsx(upload);
    expect(r.fatal).toMatchObject({ code: "TOO_LARGE", message: "El libro de Excel ocupa más de 256 MB descomprimido. Divídalo en varios archivos o guarde solo la hoja de las citas." });
    expect(Date.now() - started).toBeLessThan(2000);
    // The same bomb declaring a small size: yauzl stops it as soon as it passes that size.
    const lying = Buffer.from(upload);
    setDeclaredSize(lying, "xl/worksheets/sheet1.xml", 1 << 20);
    const r2 = await parsePatientXlsx(lying);
    expect(r2.fatal?.code).toBe("UNREADABLE");
    expect(process.memoryUsage().rss - before).toBeLessThan(200 << 20);
  });
});

describe("sample files", () => {
  it("the sample .xlsx and the sample CSV import the same three patients, dated yesterday in the practice's zone", async () => {
    const now = new Date("2026-12-06T03:00:00Z"); // still the 5th in Guayaquil
    const xlsx = await parsePatientFile(await samplePatientXlsx(now), { fileName: "ejemplo.xlsx" });
    const csv = await parsePatientFile(Buffer.from(samplePatientCsv(now)), { fileName: "ejemplo.csv" });
    expect(xlsx).toMatchObject({ ok: true, format: "xlsx", sheet: "Citas", sheets: ["Citas"] });
    expect(csv).toMatchObject({ ok: true, format: "csv" });
    expect(xlsx.accepted).toEqual(csv.accepted);
    expect(xlsx.accepted.map((a) => [a.phone, a.appointmentAt.toISOString(), a.consent, a.marketingConsent])).toEqual([
      ["+593987654321", "2026-12-04T14:00:00.000Z", true, true],
      ["+593991234567", "2026-12-04T15:30:00.000Z", true, false],
      ["+593969876543", "2026-12-04T20:15:00.000Z", false, null],
    ]);
  });
});

// --- zip surgery for the bomb tests ---

/** Central directory record of `name`: its offset in `zip`. */
function centralRecord(zip: Buffer, name: string): number {
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) !== 0x02014b50) continue;
    const n = zip.readUInt16LE(i + 28);
    if (zip.toString("utf8", i + 46, i + 46 + n) === name) return i;
  }
  throw new Error(`no ${name}`);
}

/** Replaces the stored one-byte entry `name` with deflated `data` of `size` bytes, fixing both headers and offsets. */
function spliceEntry(zip: Buffer, name: string, data: Buffer, size: number, crc: number): Buffer {
  const cd = centralRecord(zip, name);
  const local = zip.readUInt32LE(cd + 42);
  const headerLength = 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const oldLength = zip.readUInt32LE(local + 18);
  const grow = data.length - oldLength;
  const out = Buffer.concat([zip.subarray(0, local + headerLength), data, zip.subarray(local + headerLength + oldLength)]);
  // The same fields sit 2 bytes further in the central record than in the local header.
  for (const [at, o] of [[local, 0], [cd + grow, 2]] as const) {
    out.writeUInt16LE(8, at + 8 + o); // deflate
    out.writeUInt32LE(crc, at + 14 + o);
    out.writeUInt32LE(data.length, at + 18 + o);
    out.writeUInt32LE(size, at + 22 + o);
  }
  // Entries after this one moved; so did the central directory.
  const eocd = out.length - 22;
  const cdStart = out.readUInt32LE(eocd + 16) + grow;
  out.writeUInt32LE(cdStart, eocd + 16);
  for (let i = cdStart; i < eocd; ) {
    const offset = out.readUInt32LE(i + 42);
    if (offset > local) out.writeUInt32LE(offset + grow, i + 42);
    i += 46 + out.readUInt16LE(i + 28) + out.readUInt16LE(i + 30) + out.readUInt16LE(i + 32);
  }
  return out;
}

/** Makes both headers of `name` declare `size` uncompressed bytes. */
function setDeclaredSize(zip: Buffer, name: string, size: number): void {
  const cd = centralRecord(zip, name);
  zip.writeUInt32LE(size, cd + 24);
  zip.writeUInt32LE(size, zip.readUInt32LE(cd + 42) + 22);
}
