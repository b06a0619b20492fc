// Small request bodies outside uploads (SPEC §17): a form or JSON post (sign-in, sign-up, staff
// actions, the public pages' forms) is read here, up to REQUEST_BODY_LIMIT_BYTES, before Remix sees it
// — so neither the CSRF check nor an action ever buffers more. Refused by its Content-Length before
// reading it, or once the streamed bytes pass the limit: 413 with a message in both languages (the
// rest is read and dropped, never kept). The campaign upload keeps its own 20 MiB limit (it streams
// the file: campaign-upload.server.ts); provider webhooks never reach Remix (the dispatcher answers
// them, with their own caps).
import { createMsg } from "@rm/catalogue";

/**
 * After a 413, the rest of the body is read and dropped up to this much (the ingress's body limit,
 * 20 MiB), so a client still sending sees the answer rather than a reset connection; past it the
 * stream is cancelled and the connection closes.
 */
const DRAIN_BYTES = 20 * 1024 * 1024;

/** Paths whose body is an upload with a limit of its own (the page and its single-fetch `.data` form). */
const UPLOAD_PATHS = new Set(["/campaigns/new", "/campaigns/new.data"]);

export function tooLargeResponse(limitBytes: number): Response {
  const kib = Math.floor(limitBytes / 1024);
  const text = `${createMsg("es")("security.body.tooLarge", { kib })}\n${createMsg("en")("security.body.tooLarge", { kib })}\n`;
  return new Response(text, {
    status: 413,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * The request with its body read into memory when it is within `limitBytes`, the same request when it
 * has no body or is an upload, or a 413 response when the body is larger.
 */
export async function limitRequestBody(request: Request, limitBytes: number): Promise<Request | Response> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return request;
  if (UPLOAD_PATHS.has(new URL(request.url).pathname)) return request;
  const declared = Number(request.headers.get("content-length"));
  const reader = request.body.getReader();
  if (Number.isFinite(declared) && declared > limitBytes) {
    drainInBackground(reader);
    return tooLargeResponse(limitBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      drainInBackground(reader, size);
      return tooLargeResponse(limitBytes);
    }
    chunks.push(value);
  }
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: Buffer.concat(chunks),
    signal: request.signal,
  });
}

/** Reads and drops the rest of a refused body, up to DRAIN_BYTES in all; then cancels it. */
function drainInBackground(reader: ReadableStreamDefaultReader<Uint8Array>, seen = 0): void {
  let drained = seen;
  const next = (): void => {
    reader.read().then(
      ({ done, value }) => {
        if (done) return;
        drained += value.byteLength;
        if (drained > DRAIN_BYTES) void reader.cancel().catch(() => undefined);
        else next();
      },
      () => undefined,
    );
  };
  next();
}
