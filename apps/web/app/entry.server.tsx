// Server rendering: bots and crawlers get the whole document at once (onAllReady), browsers get it
// streamed as soon as the shell is ready (onShellReady).
import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { logger } from "./.server/logger.server.ts";
import { applySecurityHeaders, createNonce, FRAME_ANCESTORS_HEADER } from "./.server/security.server.ts";
import { NonceContext } from "./nonce.ts";

/** Rendering that takes longer than this is aborted (Remix waits a little longer for the abort). */
export const streamTimeout = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
): Promise<Response> {
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  const nonce = createNonce();
  // Only the web chat page sets it (its loader's allowed origins); never sent to the browser as such.
  const frameAncestors = responseHeaders.get(FRAME_ANCESTORS_HEADER);
  responseHeaders.delete(FRAME_ANCESTORS_HEADER);
  applySecurityHeaders(responseHeaders, nonce, {
    frameAncestors,
    development: process.env.NODE_ENV !== "production",
    https: new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https",
  });
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceContext.Provider>,
      {
        [readyEvent]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        nonce,
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors inside the shell are reported by onShellError; later ones only here.
          if (shellRendered) logger.error({ err: error }, "render error");
        },
      },
    );
    setTimeout(abort, streamTimeout + 1_000);
  });
}

/** Data (single-fetch) responses get the same non-CSP hardening headers as documents. */
export function handleDataRequest(response: Response): Response {
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("Referrer-Policy", "same-origin");
  return response;
}

/** Errors thrown by loaders/actions (not redirects or responses thrown on purpose). */
export function handleError(error: unknown, { request }: { request: Request }): void {
  if (request.signal.aborted) return;
  logger.error({ err: error, method: request.method, path: new URL(request.url).pathname }, "unhandled route error");
}
