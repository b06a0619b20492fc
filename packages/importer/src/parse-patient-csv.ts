// Streaming reader for the patient lists practices export from Excel (SPEC §5.1). Bad input never
// throws: every problem becomes a rejected row (line, column, reason as a catalogue code) or, for the
// file as a whole, a `fatal` error. Only wrong options (a programmer's error) throw.
import { parse, type CsvError, type Info } from "csv-parse";
import { z } from "zod";
import { coded, formatCoded, type Coded, type MessageCode } from "@rm/catalogue";
import { normalizePhone, type NormalizedPhone, type PhoneType } from "@rm/domain";
import { ExcelTextDecoder, type DetectedEncoding } from "./decode.ts";
import {
  createZonedClock,
  isValidTimeZone,
  parseChannel,
  parseConsent,
  parseDateText,
  parseMarketingConsent,
  parseTimeText,
  type Channel,
  type ChannelCell,
  type ConsentCell,
} from "./fields.ts";
import { FIELD_LABEL_ES, mapHeaders, type ColumnMapping, type PatientField } from "./headers.ts";
import { MAX_UPLOAD_BYTES } from "./upload-limit.ts";

type CountryCode = Parameters<typeof normalizePhone>[1] & string;

export const DEFAULT_MAX_BYTES = MAX_UPLOAD_BYTES;
export const DEFAULT_MAX_ROWS = 100_000;
const MAX_NAME_LENGTH = 200;
const MAX_CELL_LENGTH = 1000;
const NO_CONSENT_COLUMN: ConsentCell = { consent: false, recognised: true };

const optionsSchema = z.object({
  /** Practice time zone: dates without an offset are wall-clock times there. */
  timeZone: z.string().default("America/Guayaquil").refine(isValidTimeZone, "unknown IANA time zone"),
  /** Country for numbers written without a country code (workspace setting). */
  defaultCountry: z.string().regex(/^[A-Z]{2}$/).default("EC"),
  maxBytes: z.number().int().positive().default(DEFAULT_MAX_BYTES),
  maxRows: z.number().int().positive().default(DEFAULT_MAX_ROWS),
  /** Time given to appointments whose date has no time (HH:MM in the practice zone). */
  dateOnlyTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default("17:00"),
});
export type ParsePatientCsvOptions = z.input<typeof optionsSchema>;

export interface PatientRow {
  /** Line of the file where the row ends (1-based, header included). */
  line: number;
  name: string;
  /** E.164. */
  phone: string;
  phoneType: PhoneType;
  /** A mobile (or a number whose plan does not tell); landlines cannot get SMS/WhatsApp. */
  reachable: boolean;
  appointmentAt: Date;
  /** False when the file gave a date only (then `dateOnlyTime` was used). */
  appointmentHasTime: boolean;
  appointmentType: string | null;
  consent: boolean;
  /** False when the consent cell held something other than sí/no (treated as no consent). */
  consentRecognised: boolean;
  /** Null: the campaign's channel. */
  channel: Channel | null;
  doctor: string | null;
  externalId: string | null;
  email: string | null;
  language: "es" | "en" | null;
  /** The marketing-consent column (SPEC §14): true grants, false withdraws, null (no column, empty or unread cell) leaves it as it is. */
  marketingConsent: boolean | null;
}

export interface RowProblem {
  /** Header as written in the file (or the field's Spanish name when the column is missing). */
  column: string;
  value: string;
  /** The reason's Spanish text (the rejected-rows download of old drafts, logs). */
  reason: string;
  /** The reason's catalogue code and parameters, so pages show it in the reader's language. */
  code: MessageCode;
  params?: Record<string, string | number>;
}

export interface RejectedRow extends RowProblem {
  line: number;
  /** Every problem of the row; the first is repeated in column/value/reason. */
  problems: RowProblem[];
}

export interface DuplicateRow {
  line: number;
  /** The row that was kept. */
  firstLine: number;
  phone: string;
  name: string;
}

export type CsvFatalCode = "EMPTY_FILE" | "TOO_LARGE" | "TOO_MANY_ROWS" | "MISSING_COLUMNS" | "UNREADABLE" | "SHEET_NOT_FOUND";

export interface CsvFatalError {
  code: CsvFatalCode;
  /** The catalogue text with its parameters, for the upload page in the reader's language. */
  text: Coded;
  /** Its Spanish text (logs, the command line). */
  message: string;
  missingColumns?: string[];
}

/** A fatal error from its catalogue text. */
export function fatalError(code: CsvFatalCode, text: Coded, extra: { missingColumns?: string[] } = {}): CsvFatalError {
  return { code, text, message: formatCoded("es", text), ...extra };
}

/** A row problem from its catalogue text. */
export function rowProblem(column: string, value: string, text: Coded): RowProblem {
  return { column, value, reason: formatCoded("es", text), code: text.code, ...(text.params ? { params: text.params } : {}) };
}

export interface PatientCsvResult {
  /** False when the file as a whole cannot be imported (see `fatal`); then `accepted` is empty. */
  ok: boolean;
  fatal: CsvFatalError | null;
  encoding: DetectedEncoding;
  delimiter: ";" | "," | "\t";
  /** Every column of the header and the field it was read as (null: ignored). */
  columns: { header: string; field: PatientField | null }[];
  /** Valid rows, one per phone (first wins), consent or not: what the campaign imports. */
  accepted: PatientRow[];
  /** The accepted rows without consent: stored, never messaged. */
  consentMissing: PatientRow[];
  rejected: RejectedRow[];
  duplicates: DuplicateRow[];
  /** Things to check before confirming, as catalogue texts. */
  warnings: Coded[];
  counts: {
    bytes: number;
    lines: number;
    /** Data rows read (blank rows not counted). */
    rows: number;
    accepted: number;
    rejected: number;
    consentMissing: number;
    duplicates: number;
    notMobile: number;
  };
}

type Input = Buffer | Uint8Array | AsyncIterable<Uint8Array>;

/** The file-wide errors that need only a number (the limit): their catalogue text. */
export const FATAL_TEXT: Record<Exclude<CsvFatalCode, "MISSING_COLUMNS" | "SHEET_NOT_FOUND">, (n: number) => Coded> = {
  EMPTY_FILE: () => coded("imports.file.empty"),
  TOO_LARGE: (n) => coded("imports.file.tooLarge", { mb: Math.round(n / 1024 / 1024) }),
  TOO_MANY_ROWS: (n) => coded("imports.file.tooManyRows", { max: n }),
  UNREADABLE: () => coded("imports.file.unreadable"),
};

async function* chunksOf(input: Input): AsyncIterable<Uint8Array> {
  if (input instanceof Uint8Array) {
    // Big buffers in slices, so limits and the parser work the same as for an upload stream.
    for (let i = 0; i < input.length; i += 1 << 20) yield input.subarray(i, Math.min(input.length, i + (1 << 20)));
    return;
  }
  yield* input;
}

/** Counts delimiter candidates outside quotes in the header line. Excel in Spanish writes ';'. */
function detectDelimiter(firstLine: string): ";" | "," | "\t" {
  let inQuotes = false;
  const count = { ";": 0, ",": 0, "\t": 0 };
  for (const ch of firstLine) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === ";" || ch === "," || ch === "\t")) count[ch]++;
  }
  if (count["\t"] > count[";"] && count["\t"] > count[","]) return "\t";
  return count[";"] >= count[","] && count[";"] > 0 ? ";" : ",";
}

// Cells that need no cleaning (the usual case) skip the replaces.
// eslint-disable-next-line no-control-regex
const NEEDS_CLEANING = /[\u0000-\u001f\u007f]|\s\s|^\s|\s$/;

function cleanText(value: string | undefined): string {
  if (!value) return "";
  if (!NEEDS_CLEANING.test(value)) return value;
  // Control characters out (a name cannot carry line breaks into a message), spaces collapsed.
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
}

function normalizePhoneCell(raw: string, country: CountryCode): NormalizedPhone {
  const first = normalizePhone(raw, country);
  if (first.ok) return first;
  // "0987654321 / 022345678": take the first number that can receive messages.
  if (/[/|]| y | o /i.test(raw)) {
    const parts = raw.split(/[/|]| y | o /i).map((p) => normalizePhone(p, country));
    const ok = parts.filter((p): p is Extract<NormalizedPhone, { ok: true }> => p.ok);
    const best = ok.find((p) => p.reachable) ?? ok[0];
    if (best) return best;
  }
  return first;
}

/**
 * The rows of a patient list, whatever the file: the header row maps the columns, every later row is
 * validated into `accepted`, `rejected` or `duplicates`. The CSV and the .xlsx readers feed it text
 * cells, so the same bad row gets the same reason from either file.
 */
export function createPatientRowReader(options: ParsePatientCsvOptions = {}) {
  const opts = optionsSchema.parse(options);
  const country = opts.defaultCountry as CountryCode;
  const toInstant = createZonedClock(opts.timeZone);
  const [defaultHour, defaultMinute] = opts.dateOnlyTime.split(":").map(Number) as [number, number];

  const result: PatientCsvResult = {
    ok: true,
    fatal: null,
    encoding: "utf-8",
    delimiter: ",",
    columns: [],
    accepted: [],
    consentMissing: [],
    rejected: [],
    duplicates: [],
    warnings: [],
    counts: { bytes: 0, lines: 0, rows: 0, accepted: 0, rejected: 0, consentMissing: 0, duplicates: 0, notMobile: 0 },
  };
  const fail = (fatal: CsvFatalError) => {
    if (!result.fatal) result.fatal = fatal;
  };

  let mapping: ColumnMapping | null = null;
  let headerLabels: string[] = [];
  const firstLineByPhone = new Map<string, number>();
  let unrecognisedConsent = 0;
  let unrecognisedMarketing = 0;
  // Consent and channel cells take a handful of distinct values: read each once.
  const consentCache = new Map<string, ConsentCell>();
  const channelCache = new Map<string, ChannelCell>();

  const label = (field: PatientField): string => {
    const i = mapping?.index[field];
    return i !== undefined ? (headerLabels[i] ?? FIELD_LABEL_ES[field]) : FIELD_LABEL_ES[field];
  };

  const onRecord = (record: string[], line: number) => {
    if (result.fatal) return;
    if (!mapping) {
      if (record.every((c) => c.trim() === "")) return;
      if (record.length <= 2 && /^sep=.?$/i.test(record.join(result.delimiter).trim())) return;
      headerLabels = record.map((h) => cleanText(h));
      mapping = mapHeaders(headerLabels);
      result.columns = mapping.columns;
      const missing: string[] = [];
      if (mapping.index.name === undefined && mapping.index.firstName === undefined) missing.push("nombre");
      if (mapping.index.phone === undefined) missing.push("teléfono");
      if (mapping.index.date === undefined) missing.push("fecha");
      if (missing.length > 0) {
        fail(fatalError("MISSING_COLUMNS", coded("imports.file.missingColumns", { columns: missing.join(", ") }), { missingColumns: missing }));
        return;
      }
      if (mapping.index.consent === undefined) {
        result.warnings.push(coded("imports.warning.noConsentColumn"));
      }
      return;
    }
    if (record.every((c) => c.trim() === "")) return;
    result.counts.rows++;
    if (result.counts.rows > opts.maxRows) {
      result.counts.rows--;
      fail(fatalError("TOO_MANY_ROWS", FATAL_TEXT.TOO_MANY_ROWS(opts.maxRows)));
      return;
    }
    const idx = mapping.index;
    const cell = (field: PatientField): string => {
      const i = idx[field];
      return i === undefined ? "" : (record[i] ?? "");
    };
    const problems: RowProblem[] = [];
    const problem = (field: PatientField, value: string, reason: Coded) => problems.push(rowProblem(label(field), value.slice(0, 200), reason));

    if (record.some((c) => c.length > MAX_CELL_LENGTH)) {
      for (const field of ["name", "firstName", "lastName", "phone", "date", "time", "doctor", "appointmentType", "externalId", "email"] as const) {
        if (cell(field).length > MAX_CELL_LENGTH) problem(field, cell(field), coded("imports.row.cellTooLong", { max: MAX_CELL_LENGTH }));
      }
    }

    // name
    let name = cleanText(cell("name"));
    if (idx.firstName !== undefined || idx.lastName !== undefined) {
      name = cleanText([cell("firstName"), cell("name"), cell("lastName")].filter((s) => s.trim() !== "").join(" "));
    }
    if (name === "") problem(idx.name !== undefined ? "name" : "firstName", "", coded("imports.row.nameMissing"));
    else if (name.length > MAX_NAME_LENGTH) problem("name", name, coded("imports.row.nameTooLong", { max: MAX_NAME_LENGTH }));

    // phone
    const phoneRaw = cell("phone");
    const phone = normalizePhoneCell(phoneRaw.slice(0, MAX_CELL_LENGTH), country);
    if (!phone.ok) problem("phone", phoneRaw, coded(`accounts.phone.${phone.reason}`));

    // date (+ time)
    const dateRaw = cell("date");
    const timeRaw = cell("time").trim();
    let appointmentAt: Date | null = null;
    let hasTime = false;
    const date = parseDateText(dateRaw.slice(0, MAX_CELL_LENGTH));
    if (!date.ok) problem("date", dateRaw, date.reason);
    else if (date.instant) {
      appointmentAt = date.instant;
      hasTime = true;
    } else {
      let time = date.time;
      if (!time && timeRaw !== "") {
        const t = parseTimeText(timeRaw.slice(0, 100));
        if (t.ok) time = t.time;
        else problem("time", timeRaw, t.reason);
      }
      hasTime = time !== null;
      const t = time ?? { hour: defaultHour, minute: defaultMinute, second: 0 };
      appointmentAt = toInstant({ ...date.date, ...t });
    }

    // channel
    const channelRaw = cell("channel");
    let channel = channelCache.get(channelRaw);
    if (!channel) {
      channel = parseChannel(channelRaw);
      if (channelCache.size < 1000) channelCache.set(channelRaw, channel);
    }
    if (!channel.ok) problem("channel", channelRaw, channel.reason);

    if (problems.length > 0 || !phone.ok || !appointmentAt || !channel.ok) {
      const first = problems[0]!;
      result.rejected.push({ line, ...first, problems });
      return;
    }

    const previous = firstLineByPhone.get(phone.e164);
    if (previous !== undefined) {
      result.duplicates.push({ line, firstLine: previous, phone: phone.e164, name });
      return;
    }
    firstLineByPhone.set(phone.e164, line);

    let consent = NO_CONSENT_COLUMN;
    if (idx.consent !== undefined) {
      const consentRaw = cell("consent");
      consent = consentCache.get(consentRaw) ?? parseConsent(consentRaw);
      if (consentCache.size < 1000) consentCache.set(consentRaw, consent);
    }
    if (!consent.recognised) unrecognisedConsent++;
    const marketing = idx.marketingConsent !== undefined ? parseMarketingConsent(cell("marketingConsent")) : { marketing: null, recognised: true };
    if (!marketing.recognised) unrecognisedMarketing++;
    const emailText = cleanText(cell("email"));
    const languageText = cleanText(cell("language")).toLowerCase();
    const row: PatientRow = {
      line,
      name,
      phone: phone.e164,
      phoneType: phone.type,
      reachable: phone.reachable,
      appointmentAt,
      appointmentHasTime: hasTime,
      appointmentType: cleanText(cell("appointmentType")) || null,
      consent: consent.consent,
      consentRecognised: consent.recognised,
      channel: channel.channel,
      doctor: cleanText(cell("doctor")) || null,
      externalId: cleanText(cell("externalId")) || null,
      // Not used for sending; an unreadable address is dropped rather than blocking the row.
      email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(emailText) ? emailText : null,
      language: /^(es|esp|espanol|español|spanish)$/.test(languageText) ? "es" : /^(en|ingles|inglés|english)$/.test(languageText) ? "en" : null,
      marketingConsent: marketing.marketing,
    };
    if (!row.reachable) result.counts.notMobile++;
    result.accepted.push(row);
    if (!row.consent) result.consentMissing.push(row);
  };

  /** Warnings and final counts; a fatal error empties `accepted`. Call once, after the last row. */
  const finish = (): PatientCsvResult => {
    if (unrecognisedConsent > 0) {
      result.warnings.push(coded("imports.warning.unrecognisedConsent", { count: unrecognisedConsent }));
    }
    if (unrecognisedMarketing > 0) {
      result.warnings.push(coded("imports.warning.unrecognisedMarketing", { count: unrecognisedMarketing }));
    }
    if (!result.fatal && !mapping) fail(fatalError("EMPTY_FILE", FATAL_TEXT.EMPTY_FILE(0)));
    if (!result.fatal && result.counts.rows === 0) fail(fatalError("EMPTY_FILE", FATAL_TEXT.EMPTY_FILE(0)));
    if (result.fatal) {
      result.ok = false;
      result.accepted = [];
      result.consentMissing = [];
    }
    result.counts.accepted = result.accepted.length;
    result.counts.consentMissing = result.consentMissing.length;
    result.counts.rejected = result.rejected.length;
    result.counts.duplicates = result.duplicates.length;
    return result;
  };
  return {
    result,
    fail,
    onRecord,
    finish,
    maxBytes: opts.maxBytes,
    maxRows: opts.maxRows,
    hasHeader: () => mapping !== null,
    /** Column index of each field read from the header row (empty before it). */
    columnIndex: (): Partial<Record<PatientField, number>> => (mapping as ColumnMapping | null)?.index ?? {},
  };
}

export async function parsePatientCsv(input: Input, options: ParsePatientCsvOptions = {}): Promise<PatientCsvResult> {
  const { result, fail, onRecord, finish, maxBytes, hasHeader } = createPatientRowReader(options);

  const decoder = new ExcelTextDecoder();
  let parser: ReturnType<typeof parse> | null = null;
  let head = "";
  let parseError: unknown = null;
  let lastRecordLine = 0;
  let done: Promise<void> = Promise.resolve();

  const startParser = (delimiter: ";" | "," | "\t") => {
    result.delimiter = delimiter;
    const p = parse({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: 64 * 1024,
      info: true,
      on_skip: (err: CsvError | undefined) => {
        if (result.fatal || !hasHeader()) return;
        // The record started on the line after the last good one.
        const line = lastRecordLine + 1;
        lastRecordLine = Number((err as { lines?: number } | undefined)?.lines ?? p.info.lines);
        result.counts.rows++;
        const problem = rowProblem("", "", coded("imports.row.unreadable"));
        result.rejected.push({ line, ...problem, problems: [problem] });
      },
    });
    p.on("data", (entry: { record: string[]; info: Info }) => {
      lastRecordLine = entry.info.lines;
      onRecord(entry.record, entry.info.lines);
    });
    done = new Promise<void>((resolve) => {
      p.on("end", () => resolve());
      p.on("error", (err) => {
        parseError = err;
        resolve();
      });
    });
    parser = p;
  };

  const feed = async (text: string) => {
    if (text === "" || result.fatal || parseError) return;
    if (!parser) {
      head += text;
      const newline = head.search(/\r?\n/);
      if (newline < 0 && head.length < 64 * 1024) return;
      let firstLine = newline < 0 ? head : head.slice(0, newline);
      // Excel's "sep=;" hint line names the delimiter.
      const hint = /^\uFEFF?sep=(.)\s*$/i.exec(firstLine);
      if (hint) {
        const rest = head.slice(newline + 1);
        const nl = rest.search(/\r?\n/);
        firstLine = nl < 0 ? rest : rest.slice(0, nl);
        startParser(hint[1] === ";" ? ";" : hint[1] === "\t" ? "\t" : ",");
        text = rest;
      } else {
        startParser(detectDelimiter(firstLine));
        text = head;
      }
      head = "";
    }
    const p = parser as unknown as ReturnType<typeof parse>;
    if (!p.write(text)) await new Promise<void>((resolve) => p.once("drain", resolve));
  };

  try {
    for await (const chunk of chunksOf(input)) {
      result.counts.bytes += chunk.byteLength;
      if (result.counts.bytes > maxBytes) {
        fail(fatalError("TOO_LARGE", FATAL_TEXT.TOO_LARGE(maxBytes)));
        break;
      }
      await feed(decoder.write(chunk));
      if (result.fatal || parseError) break;
    }
    if (!result.fatal && !parseError) {
      await feed(decoder.end());
      if (!parser && head !== "") {
        startParser(detectDelimiter(head));
        await feed(head);
      }
    }
  } catch (err) {
    // A failing upload stream is the client's problem, not ours: report it as unreadable.
    parseError = err;
  }
  const p = parser as ReturnType<typeof parse> | null;
  if (p) {
    if (result.fatal || parseError) p.destroy();
    else p.end();
    if (!result.fatal && !parseError) await done;
    result.counts.lines = p.info.lines;
  }
  result.encoding = decoder.encoding;
  if (decoder.mixed) result.warnings.push(coded("imports.warning.mixedEncoding"));
  if (parseError && !result.fatal) fail(fatalError("UNREADABLE", FATAL_TEXT.UNREADABLE(0)));
  return finish();
}
