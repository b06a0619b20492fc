// The first thing every request meets. Lean routes (health probes now, Twilio/Stripe webhooks
// later) are answered here on plain node:http, without paying for Remix's Request/body handling
// (PERFORMANCE.md: that costs ≈ 70 % of a bare server). Everything else goes to the app (Remix).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "@rm/telemetry";
import { requestContext } from "./request-context.ts";

export interface LeanContext {
  requestId: string;
  log: Logger;
}

export type LeanHandler = (req: IncomingMessage, res: ServerResponse, ctx: LeanContext) => void | Promise<void>;

export interface LeanRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Exact pathname, e.g. `/webhooks/twilio/status`. */
  path: string;
  handler: LeanHandler;
  /** Probes are logged at debug level only. */
  quiet?: boolean;
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface DispatcherOptions {
  routes: readonly LeanRoute[];
  /** Everything that is not a lean route (static files, then Remix). */
  app: NodeHandler;
  log: Logger;
  /** True once shutdown began: responses ask clients to close keep-alive connections. */
  isDraining: () => boolean;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createDispatcher({ routes, app, log, isDraining }: DispatcherOptions): RequestListener {
  const byPath = new Map<string, LeanRoute[]>();
  for (const route of routes) {
    const list = byPath.get(route.path) ?? [];
    if (list.some((r) => r.method === route.method)) throw new Error(`duplicate lean route ${route.method} ${route.path}`);
    list.push(route);
    byPath.set(route.path, list);
  }

  return (req, res) => {
    const started = process.hrtime.bigint();
    const incomingId = req.headers["x-request-id"];
    const requestId = typeof incomingId === "string" && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    res.setHeader("x-request-id", requestId);
    if (isDraining()) res.setHeader("Connection", "close");

    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    const candidates = byPath.get(pathname);
    const method = req.method === "HEAD" ? "GET" : req.method;
    const route = candidates?.find((r) => r.method === method);

    res.once("finish", () => {
      const fields = {
        requestId,
        method: req.method,
        route: route?.path ?? routeLabel(pathname),
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      };
      if (route?.quiet) log.debug(fields, "request");
      else log.info(fields, "request");
    });

    if (candidates && !route) {
      res.writeHead(405, { Allow: candidates.map((r) => r.method).join(", "), "Content-Type": "text/plain" });
      res.end("method not allowed\n");
      return;
    }
    if (route) {
      const ctx: LeanContext = { requestId, log: log.child({ requestId }) };
      Promise.resolve()
        .then(() => route.handler(req, res, ctx))
        .catch((err: unknown) => {
          ctx.log.error({ err, route: route.path }, "lean handler failed");
          if (!res.headersSent) {
            res.writeHead(500, { "Content-Type": "text/plain" });
            res.end("internal error\n");
          } else {
            res.destroy();
          }
        });
      return;
    }
    const clientAddress = req.socket.remoteAddress ?? "";
    requestContext.run({ requestId, clientAddress }, () => app(req, res));
  };
}

/** A log label for a path: secrets in public-page URLs (tokens) never reach the logs. */
export function routeLabel(pathname: string): string {
  if (pathname.startsWith("/assets/")) return "/assets/*";
  const token = /^\/(q|f|r)\/[^/]+/.exec(pathname);
  if (token) return `/${token[1]}/:token`;
  return pathname.length > 200 ? `${pathname.slice(0, 200)}…` : pathname;
}

/** Small helper for lean handlers. */
export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}
