// The first thing every request meets. Lean routes (health probes, the Twilio and Stripe webhooks)
// are answered here on plain node:http, without paying for Remix's Request/body handling (that
// costs ≈ 70 % of a bare server: docs/performance.md). Everything else goes to the app (Remix).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { defineInstruments, runInServerSpan, type Logger } from "@rm/telemetry";
import type { ClientAddressOf } from "./client-address.ts";
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

/** Every path under `prefix` (any method) goes to `handler`, which answers 404/405 itself (the REST API). */
export interface LeanMount {
  prefix: string;
  handler: LeanHandler;
}

export interface DispatcherOptions {
  routes: readonly LeanRoute[];
  mounts?: readonly LeanMount[];
  /** Everything that is not a lean route (static files, then Remix). */
  app: NodeHandler;
  log: Logger;
  /** True once shutdown began: responses ask clients to close keep-alive connections. */
  isDraining: () => boolean;
  /** The client's address (trusted proxies applied); the connection's address by default. */
  clientAddressOf?: ClientAddressOf;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

const instruments = defineInstruments((meter) => ({
  duration: meter.createHistogram("rm.http.request.duration.seconds", {
    description: "HTTP request duration by route id (never the URL), method and status class",
    unit: "s",
  }),
}));

export function createDispatcher({ routes, mounts = [], app, log, isDraining, clientAddressOf = (req) => req.socket.remoteAddress ?? "" }: DispatcherOptions): RequestListener {
  const byPath = new Map<string, LeanRoute[]>();
  for (const route of routes) {
    const list = byPath.get(route.path) ?? [];
    if (list.some((r) => r.method === route.method)) throw new Error(`duplicate lean route ${route.method} ${route.path}`);
    list.push(route);
    byPath.set(route.path, list);
  }

  // Every request runs in a server span: logs carry its trace id, and outbox rows written while
  // handling it (webhooks, staff actions) carry it on to the worker.
  return (req, res) =>
    runInServerSpan("http.request", { "http.request.method": req.method ?? "" }, (end) => {
      res.once("close", () => end({ "http.response.status_code": res.statusCode }));
      handle(req, res);
    });

  function handle(req: IncomingMessage, res: ServerResponse): void {
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
    const mount = candidates ? undefined : mounts.find((m) => pathname === m.prefix || pathname.startsWith(`${m.prefix}/`));
    const route: Pick<LeanRoute, "path" | "handler" | "quiet"> | undefined = mount ? { path: `${mount.prefix}/*`, handler: mount.handler } : candidates?.find((r) => r.method === method);

    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      instruments().duration.record(seconds, {
        route: route?.path ?? metricRoute(pathname, res.statusCode),
        method: METHODS.has(req.method ?? "") ? req.method! : "OTHER",
        status_class: `${Math.floor(res.statusCode / 100)}xx`,
      });
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
    const clientAddress = clientAddressOf(req);
    requestContext.run({ requestId, clientAddress }, () => app(req, res));
  }
}

/** A log label for a path: secrets in public-page URLs (tokens) never reach the logs. */
export function routeLabel(pathname: string): string {
  if (pathname.startsWith("/assets/")) return "/assets/*";
  const token = /^\/(q|f|r)\/[^/]+/.exec(pathname);
  if (token) return `/${token[1]}/:token`;
  return pathname.length > 200 ? `${pathname.slice(0, 200)}…` : pathname;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const ID_SEGMENT = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_-]{20,})$/i;

/**
 * A metric label for a path with bounded cardinality: tokens and ids become `:token`/`:id`, at most
 * three segments are kept, and anything that was not found is one `(unmatched)` series (scanners).
 */
export function metricRoute(pathname: string, status: number): string {
  if (status === 404 || status === 405) return "(unmatched)";
  const label = routeLabel(pathname);
  if (label !== pathname) return label.length > 200 ? "(long)" : label;
  const segments = pathname.split("/").filter(Boolean).slice(0, 3).map((seg) => (ID_SEGMENT.test(seg) ? ":id" : seg.length > 40 ? ":id" : seg));
  return `/${segments.join("/")}`;
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
