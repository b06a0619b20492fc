// Patient lists as Excel workbooks (.xlsx, SPEC §5.1; decision 012). The cells go through the same
// row reader as the CSV's, as the text Excel would show for them, so a bad row gets the same reason
// from either file. What Excel stores differently from a CSV:
// - dates are numbers with a date format (exceljs gives them as Dates whose UTC fields are the wall
//   clock) or plain serial numbers; both become a date text the row reader reads in the practice zone;
// - phones are numbers, their leading 0 gone (the phone rules add it back); a phone typed or pasted in
//   scientific notation gets Excel's "0.00E+00" format and keeps only the digits written, so it is
//   given to the phone rules as that notation and rejected as in a CSV ("digits were lost").
//
// A workbook is a zip: 20 MiB of upload can inflate to gigabytes (a zip bomb). It is never handed to
// the workbook library as it came. yauzl reads the zip's directory (at most MAX_XLSX_ENTRIES entries)
// and inflates only the parts a patient list needs (workbook, its relations, styles, shared strings,
// the one sheet read) against one budget, MAX_XLSX_UNCOMPRESSED_BYTES: a part whose declared size does
// not fit is refused before inflating, and yauzl stops a part that inflates past its declared size.
// Those parts are zipped again uncompressed (fflate) for exceljs's streaming reader, which reads the
// sheet row by row; rows stop at the row reader's maxRows.
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { zipSync } from "fflate";
import yauzl from "yauzl";
import { coded } from "@rm/catalogue";
import { createPatientRowReader, FATAL_TEXT, fatalError, type ParsePatientCsvOptions, type PatientCsvResult } from "./parse-patient-csv.ts";
import type { PatientField } from "./headers.ts";

/** The most the parts of a workbook that are read may take once inflated (all together). */
export const MAX_XLSX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024;
/** The most entries a workbook's zip may list (Excel writes about 10 for a one-sheet book). */
export const MAX_XLSX_ENTRIES = 10_000;
/** Columns past this one are not read (a practice's list has a few dozen). */
const MAX_COLUMNS = 1000;


export interface ParsePatientXlsxOptions extends ParsePatientCsvOptions {
  /** Name of the sheet to read (blank or absent: the first visible one). */
  sheet?: string | null;
}

type Input = Buffer | Uint8Array | AsyncIterable<Uint8Array>;

class WorkbookError extends Error {
  readonly kind: "unreadable" | "tooLarge";
  constructor(kind: "unreadable" | "tooLarge") {
    super(kind);
    this.kind = kind;
  }
}

/** The upload in one buffer, or null past maxBytes (a zip is read from its end: it cannot be streamed). */
async function collect(input: Input, maxBytes: number): Promise<{ bytes: Buffer | null; size: number }> {
  if (input instanceof Uint8Array) return { bytes: input.byteLength > maxBytes ? null : Buffer.from(input.buffer, input.byteOffset, input.byteLength), size: input.byteLength };
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of input) {
    size += chunk.byteLength;
    if (size > maxBytes) return { bytes: null, size };
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks), size };
}

/** The zip's directory and a reader of its parts that charges every inflated byte to one budget. */
async function openZip(bytes: Buffer) {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch {
    throw new WorkbookError("unreadable");
  }
  if (zip.entryCount > MAX_XLSX_ENTRIES) throw new WorkbookError("tooLarge");
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      if (!entries.has(entry.fileName)) entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on("end", () => resolve());
    zip.on("error", () => reject(new WorkbookError("unreadable")));
    zip.readEntry();
  });
  let budget = MAX_XLSX_UNCOMPRESSED_BYTES;
  const read = async (path: string): Promise<Buffer | null> => {
    const entry = entries.get(path);
    if (!entry) return null;
    if (entry.uncompressedSize > budget) throw new WorkbookError("tooLarge");
    budget -= entry.uncompressedSize;
    let stream;
    try {
      stream = await zip.openReadStreamPromise(entry);
    } catch {
      throw new WorkbookError("unreadable");
    }
    const chunks: Buffer[] = [];
    try {
      // yauzl errors when a part inflates to more (or less) than its declared size.
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch {
      throw new WorkbookError("unreadable");
    }
    return Buffer.concat(chunks);
  };
  return { entries, read, close: () => zip.close() };
}

interface SheetInfo {
  name: string;
  path: string;
  hidden: boolean;
}

/** The exceljs streaming reader over a zip of the given parts, in this order (workbook parts first, so it never spools a sheet to disk). */
function readerOver(parts: [string, Buffer][]): ExcelJS.stream.xlsx.WorkbookReader {
  const zip = zipSync(Object.fromEntries(parts.map(([p, b]) => [p, [new Uint8Array(b.buffer, b.byteOffset, b.byteLength), { level: 0 }]])));
  return new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength)]), {
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    worksheets: "emit",
    entries: "ignore",
  });
}

/** The workbook's sheets in its own order (the tabs as Excel shows them), with the part each is in. */
async function listSheets(workbook: Buffer, rels: Buffer): Promise<SheetInfo[]> {
  const reader = readerOver([
    ["xl/_rels/workbook.xml.rels", rels],
    ["xl/workbook.xml", workbook],
  ]);
  try {
    for await (const sheet of reader) void sheet;
  } catch {
    throw new WorkbookError("unreadable");
  }
  // The reader keeps what it parsed of the workbook (exceljs 4.4.0, pinned): sheets and relations.
  const parsed = reader as unknown as {
    model?: { sheets?: { name?: string; rId?: string; state?: string }[] };
    workbookRels?: { Id?: string; Target?: string }[];
  };
  const sheets: SheetInfo[] = [];
  for (const s of parsed.model?.sheets ?? []) {
    const target = parsed.workbookRels?.find((r) => r.Id === s.rId)?.Target;
    if (!s.name || !target) continue;
    const path = target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}`;
    sheets.push({ name: s.name, path, hidden: s.state === "hidden" || s.state === "veryHidden" });
  }
  return sheets;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Excel's number format has a time part (h, s; quoted text and [colours] left out). */
function formatHasTime(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  return /[hs]/i.test(numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, ""));
}

/** A date cell as text the row reader reads: `2026-11-23` or `2026-11-23 14:30:00`, a time alone `14:30:00`. */
function dateText(value: Date, numFmt: string | undefined, field: PatientField | undefined): string {
  // Serials are fractions of a day: round to the second (14:30 is 0.604166…, one millisecond short).
  const d = new Date(Math.round(value.getTime() / 1000) * 1000);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  // Excel's day 0 (1899-12-30/31): a time without a date.
  const timeOnly = d.getUTCFullYear() < 1900 || (d.getUTCFullYear() === 1900 && d.getUTCMonth() === 0 && d.getUTCDate() === 0);
  if (field === "time" || timeOnly) return time;
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const withTime = formatHasTime(numFmt) || d.getUTCHours() + d.getUTCMinutes() + d.getUTCSeconds() > 0;
  return withTime ? `${date} ${time}` : date;
}

function numberText(value: number, numFmt: string | undefined, field: PatientField | undefined): string {
  if (!Number.isFinite(value)) return "";
  if (field === "phone") {
    // Typed or pasted as 5.93984E+11, Excel keeps those digits and shows the notation: give the phone
    // rules what it shows, the shortest notation of the value (5.93984E+11, 9.87654321E+8).
    if (numFmt && /E[+-]/i.test(numFmt)) return value.toExponential().toUpperCase();
    if (Number.isInteger(value) && Math.abs(value) < 1e21) return value.toFixed(0);
  }
  return String(value);
}

/** A cell as the text Excel would show for it, as far as the row reader cares. */
function cellText(cell: ExcelJS.Cell, field: PatientField | undefined): string {
  const toText = (value: unknown): string => {
    if (value === null || value === undefined) return "";
    if (typeof value === "string") return value;
    if (typeof value === "number") {
      // A formula's date result stays a number; its format says it is a date.
      if (field !== "phone" && cell.numFmt && isDateFormat(cell.numFmt)) return dateText(new Date(Math.round((value - 25569) * 86_400_000)), cell.numFmt, field);
      return numberText(value, cell.numFmt, field);
    }
    if (typeof value === "boolean") return value ? "true" : "false";
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : dateText(value, cell.numFmt, field);
    if (typeof value === "object") {
      const v = value as { richText?: { text?: string }[]; result?: unknown; text?: unknown; error?: string; formula?: string; sharedFormula?: string };
      if (Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? "").join("");
      if ("formula" in v || "sharedFormula" in v) return toText(v.result);
      if (v.error !== undefined) return String(v.error);
      if (v.text !== undefined) return toText(v.text);
    }
    return "";
  };
  return toText(cell.value);
}

/** Same test as exceljs's for dates: y/m/d (not inside quotes or [..]) in the format. */
function isDateFormat(numFmt: string): boolean {
  return /[ymd]/i.test(numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, ""));
}

export interface PatientXlsxResult extends PatientCsvResult {
  /** The sheet read (null when none could be). */
  sheet: string | null;
  /** Every sheet of the workbook, in its order (hidden ones left out). */
  sheets: string[];
}

/**
 * Reads a patient list from an .xlsx workbook: the chosen sheet or the first one. Same result as
 * parsePatientCsv (encoding "utf-8" and delimiter "," mean nothing here), plus the sheet read and the
 * sheets there are. Never throws on bad input.
 */
export async function parsePatientXlsx(input: Input, options: ParsePatientXlsxOptions = {}): Promise<PatientXlsxResult> {
  const { sheet: wanted, ...rowOptions } = options;
  const rows = createPatientRowReader(rowOptions);
  const { result, fail } = rows;
  const out = (sheet: string | null, sheets: string[]): PatientXlsxResult => Object.assign(rows.finish(), { sheet, sheets });
  const fatal = (key: "upload.xlsx.unreadable" | "upload.xlsx.noSheets") => fatalError("UNREADABLE", coded(key));

  let collected;
  try {
    collected = await collect(input, rows.maxBytes);
  } catch {
    fail(fatal("upload.xlsx.unreadable"));
    return out(null, []);
  }
  result.counts.bytes = collected.size;
  if (!collected.bytes) {
    fail(fatalError("TOO_LARGE", FATAL_TEXT.TOO_LARGE(rows.maxBytes)));
    return out(null, []);
  }
  if (collected.size === 0) return out(null, []);

  let zip: Awaited<ReturnType<typeof openZip>> | null = null;
  let sheets: SheetInfo[] = [];
  let chosen: SheetInfo | undefined;
  try {
    zip = await openZip(collected.bytes);
    const workbook = await zip.read("xl/workbook.xml");
    const rels = await zip.read("xl/_rels/workbook.xml.rels");
    if (!workbook || !rels) throw new WorkbookError("unreadable");
    sheets = (await listSheets(workbook, rels)).filter((s) => !s.hidden && zip!.entries.has(s.path));
    const names = sheets.map((s) => s.name);
    const name = wanted?.trim() ?? "";
    chosen = name === "" ? sheets[0] : (sheets.find((s) => s.name === name) ?? sheets.find((s) => s.name.trim().toLowerCase() === name.toLowerCase()));
    if (!chosen) {
      if (sheets.length === 0) fail(fatal("upload.xlsx.noSheets"));
      else {
        const params = { sheet: name, sheets: names.join(", ") };
        fail(fatalError("SHEET_NOT_FOUND", coded("upload.xlsx.sheetNotFound", params)));
      }
      return out(null, names);
    }
    const sharedStrings = (await zip.read("xl/sharedStrings.xml")) ?? Buffer.from('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>');
    const styles = await zip.read("xl/styles.xml");
    const sheetXml = await zip.read(chosen.path);
    if (!sheetXml) throw new WorkbookError("unreadable");
    // The sheet under the one name exceljs's streaming reader looks for.
    const reader = readerOver([
      ["xl/_rels/workbook.xml.rels", rels],
      ["xl/workbook.xml", workbook],
      ...(styles ? ([["xl/styles.xml", styles]] as [string, Buffer][]) : []),
      ["xl/sharedStrings.xml", sharedStrings],
      ["xl/worksheets/sheet1.xml", sheetXml],
    ]);
    let fields: (PatientField | undefined)[] | null = null;
    let lastRow = 0;
    read: for await (const worksheet of reader) {
      for await (const row of worksheet) {
        const width = Math.min(row.cellCount, MAX_COLUMNS);
        const record: string[] = [];
        for (let c = 1; c <= width; c++) record.push(cellText(row.getCell(c), fields?.[c - 1]));
        lastRow = row.number;
        rows.onRecord(record, row.number);
        if (result.fatal) break read;
        if (!fields && rows.hasHeader()) {
          const index = rows.columnIndex();
          fields = [];
          for (const [field, i] of Object.entries(index)) fields[i] = field as PatientField;
        }
      }
      break; // one sheet
    }
    result.counts.lines = lastRow;
  } catch (error) {
    if (error instanceof WorkbookError && error.kind === "tooLarge") {
      const params = { mb: Math.round(MAX_XLSX_UNCOMPRESSED_BYTES / 1024 / 1024) };
      fail(fatalError("TOO_LARGE", coded("upload.xlsx.tooLargeUncompressed", params)));
    } else {
      // A broken part (bad XML, a failing inflate) is the file's problem: never the server's.
      fail(fatal("upload.xlsx.unreadable"));
    }
  } finally {
    zip?.close();
  }
  const names = sheets.map((s) => s.name);
  if (chosen && names.length > 1 && !wanted?.trim()) {
    result.warnings.push(coded("upload.xlsx.sheetRead", { sheet: chosen.name, count: names.length, sheets: names.join(", ") }));
  }
  return out(chosen?.name ?? null, names);
}
