// The Remix side of the server: static files and the Remix request handler, in production from
// the built files, in development through Vite (middleware mode, HMR on our own HTTP server).
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestListener } from "@remix-run/node-fetch-server";
import { createRequestHandler, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import type { Logger } from "@rm/telemetry";
import sirv from "sirv";
import { limitRequestBody } from "./body-limit.ts";
import type { NodeHandler } from "./dispatcher.ts";
import { requestContext } from "./request-context.ts";

export interface RemixApp {
  handle: NodeHandler;
  close(): Promise<void>;
}

export interface RemixAppOptions {
  mode: "production" | "development";
  /** The app folder (where vite.config.ts and build/ are). */
  root: string;
  httpServer: Server;
  log: Logger;
  /** A fresh EntityManager for the request (the ORM is the process's one). */
  createLoadContext: (ids: { requestId: string; clientAddress: string }) => Promise<AppLoadContext>;
  /**
   * Wraps the Remix handler alone (the staff request limit): static files and, in development,
   * Vite's module requests are answered before it and never reach it.
   */
  wrapRemix?: (remix: NodeHandler) => NodeHandler;
  /** Largest body outside uploads (REQUEST_BODY_LIMIT_BYTES); larger ones answer 413 unread. */
  bodyLimitBytes: number;
}

export async function createRemixApp(options: RemixAppOptions): Promise<RemixApp> {
  return options.mode === "production" ? createProductionApp(options) : createDevelopmentApp(options);
}

function remixListener(
  getHandler: () => Promise<(request: Request, context: AppLoadContext) => Promise<Response>>,
  { createLoadContext, log, wrapRemix = (remix) => remix, bodyLimitBytes }: RemixAppOptions,
): NodeHandler {
  const listener = createRequestListener(
    async (incoming) => {
      const request = await limitRequestBody(incoming, bodyLimitBytes);
      if (request instanceof Response) return request;
      const ids = requestContext.getStore() ?? { requestId: "unknown", clientAddress: "" };
      const handler = await getHandler();
      const context = await createLoadContext(ids);
      const response = await handler(request, context);
      return context.authenticated ? privateResponse(response) : response;
    },
    {
      onError(error) {
        const ids = requestContext.getStore();
        log.error({ err: error, requestId: ids?.requestId }, "request failed");
        return new Response("Error interno del servidor", {
          status: 500,
          headers: { "Content-Type": "text/plain; charset=utf-8" },
        });
      },
    },
  );
  return wrapRemix(listener);
}

/**
 * A signed-in response (a document, a `.data` request, a resource route such as a CSV download, or
 * an error page) may show patient data: no shared front-desk browser or proxy keeps it (SPEC §17).
 */
function privateResponse(response: Response): Response {
  try {
    response.headers.set("Cache-Control", "private, no-store");
    return response;
  } catch {
    // Immutable headers (e.g. a fetched response passed through): copy them.
    const headers = new Headers(response.headers);
    headers.set("Cache-Control", "private, no-store");
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

async function createProductionApp(options: RemixAppOptions): Promise<RemixApp> {
  const buildFile = path.join(options.root, "build/server/index.js");
  if (!existsSync(buildFile)) {
    throw new Error(`${buildFile} is missing: run \`pnpm --filter @rm/web run build\` first`);
  }
  const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  const handler = createRequestHandler(build, "production");
  const remix = remixListener(async () => handler, options);
  const assets = sirv(path.join(options.root, "build/client"), {
    etag: true,
    setHeaders(res, pathname) {
      // Fingerprinted by Vite: cache for a year. Anything else in public/: an hour.
      res.setHeader(
        "Cache-Control",
        pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
      );
    },
  });
  return {
    handle(req, res) {
      if (req.method !== "GET" && req.method !== "HEAD") return remix(req, res);
      assets(req, res, () => remix(req, res));
    },
    async close() {},
  };
}

async function createDevelopmentApp(options: RemixAppOptions): Promise<RemixApp> {
  const vite = await import("vite");
  const sigtermBefore = new Set(process.listeners("SIGTERM"));
  const devServer = await vite.createServer({
    root: options.root,
    configFile: path.join(options.root, "vite.config.ts"),
    appType: "custom",
    server: { middlewareMode: true, hmr: { server: options.httpServer } },
  });
  // The Remix plugin starts a helper Vite server whose SIGTERM handler exits at once (code 143);
  // shutdown is ours (server.ts closes Vite after in-flight requests).
  for (const listener of process.listeners("SIGTERM")) {
    if (!sigtermBefore.has(listener)) process.off("SIGTERM", listener);
  }
  const remix = remixListener(async () => {
    const build = (await devServer.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
    return createRequestHandler(build, "development");
  }, options);
  return {
    handle(req, res) {
      devServer.middlewares(req, res, () => remix(req, res));
    },
    close: () => devServer.close(),
  };
}
