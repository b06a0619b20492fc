// An uploaded patient list, CSV or Excel workbook, told apart by its first bytes (a file renamed from
// .xlsx to .csv is still a zip): a zip is an .xlsx workbook, an OLE2 file an old .xls (refused with
// the way out), anything else text for the CSV reader.
import { coded } from "@rm/catalogue";
import { createPatientRowReader, fatalError, parsePatientCsv, type ParsePatientCsvOptions, type PatientCsvResult } from "./parse-patient-csv.ts";
import { parsePatientXlsx } from "./parse-patient-xlsx.ts";

export interface ParsePatientFileOptions extends ParsePatientCsvOptions {
  /** The name it was uploaded with: `.xlsx` reads it as a workbook even when its bytes are not a zip. */
  fileName?: string;
  /** The workbook's sheet to read (blank: the first). Ignored for CSV. */
  sheet?: string | null;
}

export interface PatientFileResult extends PatientCsvResult {
  format: "csv" | "xlsx";
  /** The workbook's sheet that was read; null for CSV. */
  sheet: string | null;
  /** The workbook's sheets, in order; empty for CSV. */
  sheets: string[];
}

type Input = Buffer | Uint8Array | AsyncIterable<Uint8Array>;

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** The first bytes of the input (at least 8 when there are), and the whole input again. */
async function peek(input: Input): Promise<{ head: Uint8Array; input: Input }> {
  if (input instanceof Uint8Array) return { head: input.subarray(0, 8), input };
  const iterator = input[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < 8) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    size += next.value.byteLength;
  }
  const head = Buffer.concat(seen).subarray(0, 8);
  async function* replay(): AsyncIterable<Uint8Array> {
    yield* seen;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, input: replay() };
}

export async function parsePatientFile(input: Input, options: ParsePatientFileOptions = {}): Promise<PatientFileResult> {
  const { fileName, sheet, ...rowOptions } = options;
  let peeked;
  try {
    peeked = await peek(input);
  } catch (error) {
    // The upload stream failed before a byte: the CSV reader reports it as unreadable.
    const failing = (async function* (): AsyncIterable<Uint8Array> {
      yield* [];
      throw error;
    })();
    peeked = { head: new Uint8Array(0), input: failing };
  }
  const { head } = peeked;
  if (startsWith(head, ZIP) || /\.xls[xm]$/i.test(fileName ?? "")) {
    return { format: "xlsx", ...(await parsePatientXlsx(peeked.input, { ...rowOptions, sheet })) };
  }
  if (startsWith(head, OLE2)) {
    const rows = createPatientRowReader(rowOptions);
    rows.fail(fatalError("UNREADABLE", coded("upload.xlsx.legacyXls")));
    return { format: "xlsx", ...rows.finish(), sheet: null, sheets: [] };
  }
  return { format: "csv", ...(await parsePatientCsv(peeked.input, rowOptions)), sheet: null, sheets: [] };
}
