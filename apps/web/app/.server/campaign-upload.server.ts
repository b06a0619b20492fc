// The patient-list upload, streamed: the multipart body goes part by part through our own upload
// handler, and the file part straight into the importer's reader: a CSV is parsed as a stream, an .xlsx
// workbook (a zip, read from its end) is collected up to the same limit first.
// One limit, MAX_UPLOAD_BYTES (20 MiB, the same as the chart's ingress `bodySizeLimit: 20m`), counts
// the whole request body as it arrives; past it the upload stops with UploadTooLargeError (413).
// The body is streamed, so the route asks requireUser for `{ csrf: "manual" }` and the CSRF token is
// checked here, from the `_csrf` field (or the X-CSRF-Token header), BEFORE the file is read.
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { coded, formatCoded, type Coded } from "@rm/catalogue";
import { MAX_UPLOAD_BYTES, parsePatientFile, type PatientFileResult } from "@rm/importer";
import { CSRF_FIELD, CSRF_HEADER, verifyCsrf } from "./csrf.server.ts";
import type { AppSession } from "./session.server.ts";

export { MAX_UPLOAD_BYTES };

/** The body passed MAX_UPLOAD_BYTES (by its Content-Length or while streaming). */
export class UploadTooLargeError extends Error {
  override name = "UploadTooLargeError";
  /** The text fields read before the file, so the form can be shown again as it was. */
  fields: Record<string, string> = {};
}

/** The request is not a readable upload (not multipart, a text field far too long). */
export class UploadFormError extends Error {
  override name = "UploadFormError";
  /** The catalogue text the page shows; `message` is its Spanish text, for the log. */
  readonly text: Coded;
  constructor(text: Coded) {
    super(formatCoded("es", text));
    this.text = text;
  }
}

/** Ends the multipart loop early (a file the parser refused): the rest of the body is not needed. */
class StopReading extends Error {}

const MAX_FIELD_BYTES = 4096;
/** After an early answer, at most this much of the rest of the body is read and dropped, so the browser sees the answer instead of a reset connection. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

export interface CampaignUpload {
  /** The text fields, as sent (the CSRF token left out). */
  fields: Record<string, string>;
  /** The file part (CSV or .xlsx): null when no file was chosen. */
  file: { name: string; parsed: PatientFileResult } | null;
}

export interface ReadUploadOptions {
  session: AppSession;
  /** Time zone for the file's wall-clock times, from the fields sent before the file (the practice). */
  timeZoneFor: (fields: Record<string, string>) => Promise<string>;
  defaultCountry: string;
  /** Name of the file part. */
  fileField?: string;
}

async function readText(data: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of data) {
    size += chunk.byteLength;
    if (size > MAX_FIELD_BYTES) throw new UploadFormError(coded("imports.form.fieldTooLong"));
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function drain(data: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of data) void _;
}

/**
 * Reads the rest of a body that will not be used, up to MAX_DRAIN_BYTES, without keeping it: a
 * browser still sending its file then gets our answer (413, a form error) rather than a connection
 * reset. Past the cap the stream is cancelled (the connection closes).
 */
function drainInBackground(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  let drained = 0;
  const next = (): void => {
    reader.read().then(
      ({ done, value }) => {
        if (done) return;
        drained += value.byteLength;
        if (drained > MAX_DRAIN_BYTES) void reader.cancel().catch(() => undefined);
        else next();
      },
      () => undefined,
    );
  };
  next();
}

/**
 * A stream over `body` that errors with UploadTooLargeError once more than `limit` bytes came in.
 * `stop()` hands the rest of the body to drainInBackground.
 */
function limitedBody(body: ReadableStream<Uint8Array>, limit: number): { stream: ReadableStream<Uint8Array>; stop(): void; exceeded(): boolean } {
  const reader = body.getReader();
  let seen = 0;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    drainInBackground(reader);
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stopped) return controller.close();
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > limit) {
        stop();
        controller.error(new UploadTooLargeError());
        return;
      }
      controller.enqueue(value);
    },
    cancel() {
      stop();
    },
  });
  return { stream, stop, exceeded: () => seen > limit };
}

/** Drops a body that will not be read at all (an answer before reading, e.g. 413 by Content-Length). */
export function discardBody(request: Request): void {
  if (request.body && !request.bodyUsed) drainInBackground(request.body.getReader());
}

/**
 * Streams a multipart upload: text fields (up to 4 KiB each), then the file part through
 * parsePatientFile (the `sheet` field, sent before it, names the workbook's sheet to read). Throws UploadTooLargeError past MAX_UPLOAD_BYTES, UploadFormError for a request
 * that is not a multipart form, and the 403 of verifyCsrf when the token is missing or wrong (checked
 * before the file is read).
 */
export async function readCampaignUpload(request: Request, options: ReadUploadOptions): Promise<CampaignUpload> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data") || !request.body) {
    discardBody(request);
    throw new UploadFormError(coded("imports.form.noFile"));
  }
  // A declared length over the limit is refused when the file part starts: the small fields before it
  // are read, so the form comes back filled in.
  const declared = Number(request.headers.get("content-length") ?? "");
  const declaredTooLarge = Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES;
  const fileField = options.fileField ?? "file";
  const fields: Record<string, string> = {};
  let csrf: string | null = request.headers.get(CSRF_HEADER);
  let file: CampaignUpload["file"] = null;
  const body = limitedBody(request.body, MAX_UPLOAD_BYTES);
  const counted = new Request(request.url, { method: request.method, headers: request.headers, body: body.stream, duplex: "half" } as RequestInit);

  const handler: UploadHandler = async (part) => {
    if (part.name === fileField && part.filename !== undefined) {
      // The token comes first in the form: a cross-site upload is refused before a byte of it is parsed.
      await verifyCsrf(request, options.session, csrf ?? "");
      if (declaredTooLarge) throw new UploadTooLargeError();
      if (part.filename === "") {
        await drain(part.data);
        return undefined;
      }
      const parsed = await parsePatientFile(part.data, {
        fileName: part.filename,
        sheet: fields.sheet ?? null,
        timeZone: await options.timeZoneFor(fields),
        defaultCountry: options.defaultCountry,
        maxBytes: MAX_UPLOAD_BYTES,
      });
      file = { name: part.filename.slice(0, 255), parsed };
      // The parser stopped early (a file it cannot import): its part was not read to the end.
      if (!parsed.ok) throw new StopReading();
      return undefined;
    }
    if (part.filename !== undefined) {
      await drain(part.data);
      return undefined;
    }
    const value = await readText(part.data);
    if (part.name === CSRF_FIELD) csrf = value;
    else fields[part.name] = value;
    return undefined;
  };

  const tooLarge = () => Object.assign(new UploadTooLargeError(), { fields });
  try {
    await unstable_parseMultipartFormData(counted, handler);
  } catch (error) {
    body.stop();
    // The parser reports a failing stream as an unreadable file: the limit is the real reason.
    if (body.exceeded() || error instanceof UploadTooLargeError) throw tooLarge();
    if (error instanceof StopReading) return { fields, file };
    if (error instanceof Response) throw error;
    if (error && typeof error === "object" && "init" in error && "data" in error) throw error; // verifyCsrf's 403
    if (error instanceof UploadFormError) throw error;
    throw new UploadFormError(coded("imports.form.unreadable"));
  }
  if (body.exceeded() || declaredTooLarge) throw tooLarge();
  // A form without the file part still has to prove its origin.
  if (!file) await verifyCsrf(request, options.session, csrf ?? "");
  return { fields, file };
}
