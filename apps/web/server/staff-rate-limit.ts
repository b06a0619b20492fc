// Limits on what a signed-in staff member does (SPEC §3, §11): each user gets their workspace plan's
// requests per minute (FREE 100, STARTER 300, PROFESSIONAL 1000, ENTERPRISE 5000), sliding, shared by
// every replica through Redis. What counts is a person's work: documents, data (single-fetch `.data`)
// requests, form posts, resource routes. It wraps only the Remix handler (server/remix.ts), behind the
// static files and Vite's middlewares, so assets, Vite's module requests in development, health
// probes and provider webhooks never reach it; Remix's route-discovery requests (/__manifest) are
// framework plumbing and not counted either. Only requests with a valid session cookie count (user
// and workspace come from the signed cookie): visitors without a session — patients on /q, /f, /r,
// the login page — are not staff, and the client address is the ingress's in a deployment, so a
// per-address count would put them all in one bucket. When Redis, the session or the plan lookup
// fails, the request goes through (fail open): the limiter must never take the staff UI down.
import type { IncomingMessage, ServerResponse } from "node:http";
import { staffSessionUserId, workspacePlan } from "@rm/accounts";
import { isPlan, type Plan } from "@rm/domain";
import { SlidingWindowLimiter, staffRequestLimit } from "@rm/messaging";
import type { Logger } from "@rm/telemetry";
import { forkEm } from "../app/.server/db.server.ts";
import { logger } from "../app/.server/logger.server.ts";
import { getRedis } from "../app/.server/redis.server.ts";
import { sessionStorage } from "../app/.server/session.server.ts";
import type { NodeHandler } from "./dispatcher.ts";

export interface StaffRateLimitOptions {
  limiter: SlidingWindowLimiter;
  /** The user and workspace of the request's session cookie, or null (no or invalid session). */
  staffOf: (cookieHeader: string) => Promise<{ userId: string; workspaceId: string } | null>;
  /** The workspace's plan, or null when it does not exist. */
  planOf: (workspaceId: string) => Promise<string | null>;
  log: Logger;
  /** How long a workspace's plan is cached in the process (default 60 s). */
  planCacheMs?: number;
}

const SESSION_COOKIE = /(?:^|;\s*)__session=/;
// Never a person's request: built assets and files (served before the limiter in production, but a
// missing one falls through to Remix), Vite's module requests in development (answered by its
// middlewares before the limiter), and Remix's lazy route discovery.
const NOT_COUNTED = /^\/(?:assets\/|favicon\.ico(?:$|\?)|robots\.txt(?:$|\?)|__manifest(?:$|\?)|@vite\/|@fs\/|@id\/|@react-refresh|node_modules\/|app\/)/;

// The template editor's live preview asks once per pause in typing (150 ms): a slow typist makes
// ~180 a minute, which would refuse the Save that follows and lose the text. It gets a bucket of its
// own, PREVIEW_FACTOR times the plan's limit, so a script still cannot call it without bound.
const LIVE_PREVIEW = /^\/api\/template-analysis(?:$|\?)/;
export const PREVIEW_FACTOR = 10;

/** How the limit counts a request for `url` (path and query): not at all, as a page/data request, or as a live preview. */
export function staffRequestKind(url: string): "none" | "request" | "preview" {
  if (NOT_COUNTED.test(url)) return "none";
  return LIVE_PREVIEW.test(url) ? "preview" : "request";
}

const RETRY_MESSAGE = "Demasiadas solicitudes. Espere unos segundos e inténtelo de nuevo.\nToo many requests. Wait a few seconds and try again.\n";

export function staffRateLimit(next: NodeHandler, o: StaffRateLimitOptions): NodeHandler {
  const plans = new Map<string, { plan: Plan | null; until: number }>();
  const cacheMs = o.planCacheMs ?? 60_000;

  const planFor = async (workspaceId: string): Promise<Plan | null> => {
    const cached = plans.get(workspaceId);
    if (cached && cached.until > Date.now()) return cached.plan;
    const raw = await o.planOf(workspaceId);
    const plan = isPlan(raw) ? raw : null;
    if (plans.size > 10_000) plans.clear();
    plans.set(workspaceId, { plan, until: Date.now() + cacheMs });
    return plan;
  };

  const check = async (req: IncomingMessage): Promise<{ retryAfter: number; limit: number } | null> => {
    const cookie = req.headers.cookie;
    if (!cookie || !SESSION_COOKIE.test(cookie)) return null;
    const kind = staffRequestKind(req.url ?? "/");
    if (kind === "none") return null;
    const staff = await o.staffOf(cookie);
    if (!staff) return null;
    const plan = await planFor(staff.workspaceId);
    if (!plan) return null;
    const decision =
      kind === "preview"
        ? await o.limiter.hit(`staff:preview:${staff.userId}`, staffRequestLimit(plan) * PREVIEW_FACTOR, 60)
        : await o.limiter.hit(`staff:user:${staff.userId}`, staffRequestLimit(plan), 60);
    return decision.allowed ? null : { retryAfter: decision.retryAfterSeconds, limit: decision.limit };
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    check(req).then(
      (refused) => {
        if (!refused) return next(req, res);
        o.log.warn({ limit: refused.limit, retryAfter: refused.retryAfter }, "staff request limit reached");
        req.resume();
        res.writeHead(429, {
          "Content-Type": "text/plain; charset=utf-8",
          "Cache-Control": "no-store",
          "Retry-After": String(refused.retryAfter),
          "Content-Length": Buffer.byteLength(RETRY_MESSAGE),
        });
        res.end(RETRY_MESSAGE);
      },
      (err: unknown) => {
        o.log.warn({ err: err instanceof Error ? err.message : String(err) }, "staff request limit check failed: failing open");
        next(req, res);
      },
    );
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The limit as the web server runs it: the session cookie, the web tier's Redis, the app's database. */
export function withStaffRateLimit(next: NodeHandler): NodeHandler {
  const limiter = new SlidingWindowLimiter({
    redis: getRedis,
    prefix: "rm:limit:",
    onFailOpen: (err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "redis unavailable: staff request limit failing open"),
  });
  // A session's user for a minute: the lookup runs once per session and minute, not per request.
  const usersBySession = new Map<string, { userId: string | null; until: number }>();
  return staffRateLimit(next, {
    limiter,
    log: logger,
    staffOf: async (cookie) => {
      // The cookie carries the session id, not the user: the session row says whose requests these are.
      const session = await sessionStorage.getSession(cookie);
      const sid: unknown = session.get("sid");
      const workspaceId: unknown = session.get("workspaceId");
      if (typeof sid !== "string" || typeof workspaceId !== "string" || !UUID.test(workspaceId)) return null;
      const cached = usersBySession.get(sid);
      if (cached && cached.until > Date.now()) return cached.userId ? { userId: cached.userId, workspaceId } : null;
      const userId = await staffSessionUserId(await forkEm(), workspaceId, sid);
      if (usersBySession.size > 10_000) usersBySession.clear();
      usersBySession.set(sid, { userId, until: Date.now() + 60_000 });
      return userId ? { userId, workspaceId } : null;
    },
    planOf: async (workspaceId) => workspacePlan(await forkEm(), workspaceId),
  });
}
