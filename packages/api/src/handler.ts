// /api/v1 on plain node:http, ahead of Remix like the provider webhooks (decision 016, 020): parse,
// authenticate the key, check its scope and rate limit, run the operation, answer JSON or
// application/problem+json. Nothing here throws to the server: every failure is a problem document.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EntityManager } from "@mikro-orm/postgresql";
import { normalizePhone, type Clock, type PlatformSending } from "@rm/domain";
import { readRawBody, saveApiContact, type SlidingWindowLimiter } from "@rm/messaging";
import { workspaceSendingSettings } from "@rm/accounts";
import { contactLabels, ensureLabels, setContactLabels } from "@rm/contacts";
import type { z } from "zod";
import { cancelAppointment, canonicalJson, putAppointment, sha256, type ApiCallContext } from "./appointments.ts";
import { API_BASE_PATH, OPENAPI_PATH, type ApiScope } from "./constants.ts";
import { withIdempotency } from "./idempotency.ts";
import { authenticateApiKey, type ApiPrincipal } from "./keys.ts";
import { openApiDocument } from "./openapi.ts";
import { ApiProblem } from "./problem.ts";
import { apiDoctors, apiMessages, apiPractices, apiRatings } from "./reads.ts";
import { AppointmentInput, ContactInput, ExternalId, ListQuery } from "./schemas.ts";

type CountryCode = NonNullable<Parameters<typeof normalizePhone>[1]>;

export interface ApiHandlerDeps {
  /** A fresh entity manager per request. */
  em: () => EntityManager | Promise<EntityManager>;
  /** API_KEY_HASH_SECRET. */
  hashSecret: string;
  publicUrl: string;
  platform?: PlatformSending | undefined;
  /** Per-key limit (Redis, shared by every replica); null: no limit (tests, benchmarks). */
  limiter: SlidingWindowLimiter | null;
  requestsPerMinute: number;
  clock: Clock;
  maxBodyBytes: number;
  clientAddress?: (req: IncomingMessage) => string | null;
  logger?: { error(obj: object, msg?: string): void };
}

interface Route {
  method: "GET" | "PUT" | "DELETE" | "POST";
  pattern: RegExp;
  scope: ApiScope;
  run: (c: Call) => Promise<{ status: number; body: unknown; headers?: Record<string, string> }>;
}

interface Call {
  req: IncomingMessage;
  params: string[];
  principal: ApiPrincipal;
  em: EntityManager;
  ctx: ApiCallContext;
  query: URLSearchParams;
  body: () => Promise<unknown>;
  rawBody: () => Promise<Buffer>;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ApiProblem(
      "validation_failed",
      undefined,
      result.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message })),
    );
  }
  return result.data;
}

const ROUTES: Route[] = [
  {
    method: "PUT",
    pattern: /^\/appointments\/([^/]+)$/,
    scope: "appointments:write",
    run: async (c) => {
      const externalId = parse(ExternalId, decodeURIComponent(c.params[0]!));
      const input = parse(AppointmentInput, await c.body());
      return putAppointment(c.em, c.ctx, externalId, input);
    },
  },
  {
    method: "DELETE",
    pattern: /^\/appointments\/([^/]+)$/,
    scope: "appointments:write",
    run: async (c) => ({ status: 200, body: await cancelAppointment(c.em, c.ctx, parse(ExternalId, decodeURIComponent(c.params[0]!))) }),
  },
  { method: "GET", pattern: /^\/practices$/, scope: "appointments:write", run: async (c) => ({ status: 200, body: await apiPractices(c.em, c.ctx.workspaceId) }) },
  { method: "GET", pattern: /^\/doctors$/, scope: "appointments:write", run: async (c) => ({ status: 200, body: await apiDoctors(c.em, c.ctx.workspaceId) }) },
  { method: "GET", pattern: /^\/messages$/, scope: "messages:read", run: async (c) => ({ status: 200, body: await apiMessages(c.em, c.ctx.workspaceId, parse(ListQuery, Object.fromEntries(c.query))) }) },
  { method: "GET", pattern: /^\/ratings$/, scope: "messages:read", run: async (c) => ({ status: 200, body: await apiRatings(c.em, c.ctx.workspaceId, parse(ListQuery, Object.fromEntries(c.query))) }) },
  {
    method: "POST",
    pattern: /^\/contacts$/,
    scope: "contacts:write",
    run: async (c) => {
      const raw = await c.body();
      const input = parse(ContactInput, raw);
      const header = c.req.headers["idempotency-key"];
      const answer = await withIdempotency(
        c.em,
        { workspaceId: c.ctx.workspaceId, apiKeyId: c.principal.keyId, key: Array.isArray(header) ? header[0] : header, requestHash: sha256(`POST /contacts ${canonicalJson(raw)}`), now: c.ctx.now },
        async (tem) => {
          const ws = await workspaceSendingSettings(tem, c.ctx.workspaceId);
          const phone = normalizePhone(input.phone, (ws?.destination.ownCountry ?? "EC") as CountryCode);
          if (!phone.ok) throw new ApiProblem("invalid_phone", phone.reason);
          const saved = await saveApiContact(tem, {
            workspaceId: c.ctx.workspaceId,
            phone: phone.e164,
            name: input.name ?? null,
            language: input.language ?? null,
            consent: { sms: input.consent.sms, whatsapp: input.consent.whatsapp },
            evidence: input.consent.evidence ?? null,
            actorId: c.principal.actorId,
            now: c.ctx.now,
          });
          // Labels named by the caller, created when the workspace lacks them (@rm/contacts).
          const wanted = await ensureLabels(tem, { workspaceId: c.ctx.workspaceId, actorId: c.principal.actorId, names: input.labels ?? [], now: c.ctx.now });
          if (wanted.length > 0) await setContactLabels(tem, { workspaceId: c.ctx.workspaceId, actorId: c.principal.actorId, contactIds: [saved.id], add: wanted.map((l) => l.id), now: c.ctx.now });
          const labels = (await contactLabels(tem, c.ctx.workspaceId, saved.id)).map((l) => l.name);
          return {
            status: saved.created ? 201 : 200,
            body: { id: saved.id, phone: saved.phone, name: saved.name, language: saved.language, sms_consent: saved.smsConsent, whatsapp_consent: saved.whatsappConsent, opted_out: saved.optedOut, labels },
          };
        },
      );
      return { status: answer.status, body: answer.body, ...(answer.replayed ? { headers: { "Idempotent-Replayed": "true" } } : {}) };
    },
  },
];

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = "application/json"): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "Content-Type": `${contentType}; charset=utf-8`, "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" });
  res.end(text);
}

function sendProblem(res: ServerResponse, problem: ApiProblem, headers: Record<string, string> = {}): void {
  send(res, problem.status, problem.toJSON(), headers, "application/problem+json");
}

/** True for the paths this handler answers (the server mounts it on the prefix). */
export function isApiPath(pathname: string): boolean {
  return pathname === API_BASE_PATH || pathname.startsWith(`${API_BASE_PATH}/`);
}

export function createApiHandler(deps: ApiHandlerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://api.local");
    const rateHeaders: Record<string, string> = {};
    try {
      if (url.pathname === OPENAPI_PATH) {
        if (req.method !== "GET" && req.method !== "HEAD") throw new ApiProblem("method_not_allowed");
        send(res, 200, openApiDocument(), { "Access-Control-Allow-Origin": "*" });
        return;
      }
      const path = url.pathname.slice(API_BASE_PATH.length);
      const candidates = ROUTES.filter((r) => r.pattern.test(path));
      if (candidates.length === 0) throw new ApiProblem("not_found", "No such endpoint.");
      const route = candidates.find((r) => r.method === req.method);
      if (!route) {
        res.setHeader("Allow", candidates.map((r) => r.method).join(", "));
        throw new ApiProblem("method_not_allowed");
      }
      const em = await deps.em();
      const now = deps.clock.now();
      const principal = await authenticateApiKey(em, req.headers.authorization, deps.hashSecret, now);
      if (principal === "revoked") throw new ApiProblem("key_revoked");
      if (!principal) throw new ApiProblem("unauthorized", "Send Authorization: Bearer <API key>.");
      if (deps.limiter) {
        const decision = await deps.limiter.hit(`api:${principal.keyId}`, deps.requestsPerMinute, 60);
        rateHeaders["RateLimit-Limit"] = String(decision.limit);
        rateHeaders["RateLimit-Remaining"] = String(Math.max(0, decision.remaining));
        rateHeaders["RateLimit-Reset"] = String(decision.allowed ? 60 : decision.retryAfterSeconds);
        if (!decision.allowed) {
          rateHeaders["Retry-After"] = String(decision.retryAfterSeconds);
          throw new ApiProblem("rate_limited", `At most ${deps.requestsPerMinute} requests a minute per key.`);
        }
      }
      if (!principal.scopes.includes(route.scope)) throw new ApiProblem("insufficient_scope", `This operation needs the scope ${route.scope}.`);

      let raw: Promise<Buffer> | null = null;
      const rawBody = () => {
        raw ??= readRawBody(req, deps.maxBodyBytes).then((b) => {
          if (!b) throw new ApiProblem("payload_too_large", `At most ${deps.maxBodyBytes} bytes.`);
          return b;
        });
        return raw;
      };
      const body = async () => {
        const type = String(req.headers["content-type"] ?? "");
        if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) throw new ApiProblem("unsupported_media_type");
        const buf = await rawBody();
        try {
          return JSON.parse(buf.toString("utf8")) as unknown;
        } catch {
          throw new ApiProblem("invalid_json");
        }
      };
      const params = route.pattern.exec(path)!.slice(1);
      const ctx: ApiCallContext = { workspaceId: principal.workspaceId, actorId: principal.actorId, now, publicUrl: deps.publicUrl, platform: deps.platform, ip: deps.clientAddress?.(req) ?? null };
      const answer = await route.run({ req, params, principal, em, ctx, query: url.searchParams, body, rawBody });
      send(res, answer.status, answer.body, { ...rateHeaders, ...answer.headers });
    } catch (err) {
      if (err instanceof ApiProblem) {
        sendProblem(res, err, rateHeaders);
        return;
      }
      deps.logger?.error({ err: err instanceof Error ? err.message : String(err) }, "api request failed");
      if (!res.headersSent) sendProblem(res, new ApiProblem("internal_error"), rateHeaders);
      else res.destroy();
    }
  };
}
