// Small request bodies outside uploads (SPEC §17): a form or JSON post (sign-in, sign-up, staff
// actions, the public pages' forms) is read here, up to REQUEST_BODY_LIMIT_BYTES, before Remix sees it
// — so neither the CSRF check nor an action ever buffers more. Refused by its Content-Length without
// reading it, or once the streamed bytes pass the limit: 413 with a message in both languages. The
// campaign upload keeps its own 20 MiB limit (it streams the file: campaign-upload.server.ts);
// provider webhooks never reach Remix (the dispatcher answers them, with their own caps).
import { createMsg } from "@rm/catalogue";

/** Paths whose body is an upload with a limit of its own (the page and its single-fetch `.data` form). */
const UPLOAD_PATHS = new Set(["/campaigns/new", "/campaigns/new.data"]);

export function tooLargeResponse(limitBytes: number): Response {
  const kib = Math.floor(limitBytes / 1024);
  const text = `${createMsg("es")("security.body.tooLarge", { kib })}\n${createMsg("en")("security.body.tooLarge", { kib })}\n`;
  return new Response(text, {
    status: 413,
    // The rest of the body is never read: the connection is not reused for another request.
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", Connection: "close" },
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
  if (Number.isFinite(declared) && declared > limitBytes) {
    await request.body.cancel().catch(() => undefined);
    return tooLargeResponse(limitBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => undefined);
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
