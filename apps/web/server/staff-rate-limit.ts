// Per-workspace limits on authenticated staff requests (SPEC §3, §11): FREE 100/min, STARTER 300,
// PROFESSIONAL 1000, ENTERPRISE 5000, sliding, shared by every replica through Redis. It wraps only the
// app handler, so health probes and provider webhooks (lean routes, answered before it) are never
// limited, and it counts only requests with a valid session cookie (the workspace comes from the
// signed cookie). Static assets are not counted. When Redis, the session or the plan lookup fails,
// the request goes through (fail open): the limiter must never be what takes the staff UI down.
import type { IncomingMessage, ServerResponse } from "node:http";
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
  /** The workspace of the request's session cookie, or null (no or invalid session). */
  workspaceOf: (cookieHeader: string) => Promise<string | null>;
  /** The workspace's plan, or null when it does not exist. */
  planOf: (workspaceId: string) => Promise<string | null>;
  log: Logger;
  /** How long a workspace's plan is cached in the process (default 60 s). */
  planCacheMs?: number;
}

const SESSION_COOKIE = /(?:^|;\s*)__session=/;
const RETRY_MESSAGE = "Demasiadas solicitudes para este espacio de trabajo. Espere unos segundos e inténtelo de nuevo.\n";

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
    const path = req.url ?? "/";
    if (path.startsWith("/assets/") || path === "/favicon.ico") return null;
    const workspaceId = await o.workspaceOf(cookie);
    if (!workspaceId) return null;
    const plan = await planFor(workspaceId);
    if (!plan) return null;
    const decision = await o.limiter.hit(`staff:${workspaceId}`, staffRequestLimit(plan), 60);
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

/** The limit as the web server runs it: the session cookie, the web tier's Redis, the app's database. */
export function withStaffRateLimit(next: NodeHandler): NodeHandler {
  const limiter = new SlidingWindowLimiter({
    redis: getRedis,
    prefix: "rm:limit:",
    onFailOpen: (err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "redis unavailable: staff request limit failing open"),
  });
  return staffRateLimit(next, {
    limiter,
    log: logger,
    workspaceOf: async (cookie) => {
      const workspaceId: unknown = (await sessionStorage.getSession(cookie)).get("workspaceId");
      return typeof workspaceId === "string" && workspaceId ? workspaceId : null;
    },
    planOf: async (workspaceId) => {
      const rows = await (await forkEm()).execute<{ plan: string }[]>("select plan from workspaces where id = ?", [workspaceId]);
      return rows[0]?.plan ?? null;
    },
  });
}
