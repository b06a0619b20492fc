// The REST API driven over HTTP (the lean handler on a real node:http server, real PostgreSQL and
// Redis), every response validated against the OpenAPI document it serves: create, retry,
// reschedule, cancel, lists, idempotency keys, scopes, revoked and cross-workspace keys, rate limits.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCreditBalance, grantCredits } from "@rm/credits";
import { SlidingWindowLimiter } from "@rm/messaging";
import { createTestOrm, createTestRedis, makeTenant, type TestOrm, type TestRedis } from "@rm/test-utils";
import { createApiHandler, createApiKey, revokeApiKey } from "../src/index.ts";
import { responseValidator } from "./openapi-validator.ts";

const SECRET = "api-test-hash-secret-0123456789abcdef";
let t: TestOrm;
let redis: TestRedis;
let server: http.Server;
let limitedServer: http.Server;
let base: string;
let limitedBase: string;
const now = new Date("2026-12-07T15:00:00Z"); // 10:00 in Guayaquil: outside quiet hours
const validate = responseValidator();

function start(limiter: SlidingWindowLimiter | null, perMinute: number): Promise<[http.Server, string]> {
  const handler = createApiHandler({ em: () => t.orm.em.fork(), hashSecret: SECRET, publicUrl: "https://rm.example", limiter, requestsPerMinute: perMinute, clock: { now: () => now }, maxBodyBytes: 64 * 1024 });
  const s = http.createServer((req, res) => void handler(req, res));
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve([s, `http://127.0.0.1:${(s.address() as AddressInfo).port}/api/v1`])));
}

beforeAll(async () => {
  t = await createTestOrm();
  redis = await createTestRedis();
  [server, base] = await start(null, 1000);
  [limitedServer, limitedBase] = await start(new SlidingWindowLimiter({ redis: redis.client, prefix: redis.prefix }), 2);
}, 60_000);

afterAll(async () => {
  server?.close();
  limitedServer?.close();
  await redis?.cleanup();
  await t?.close();
});

interface Call {
  status: number;
  type: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/** One request; the response is checked against the document's schema for `template`. */
async function call(key: string, method: string, path: string, template: string, body?: unknown, headers: Record<string, string> = {}, root = base): Promise<Call> {
  const res = await fetch(`${root}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const type = res.headers.get("content-type") ?? "";
  const parsed = (await res.json()) as Record<string, unknown>;
  validate(template, method, res.status, type, parsed);
  return { status: res.status, type, headers: res.headers, body: parsed };
}

async function tenant(credits = 100) {
  const ten = await makeTenant(t.orm);
  const em = t.orm.em.fork();
  await em.execute("update workspaces set quiet_hours_start = '20:00', quiet_hours_end = '08:00', default_channel = 'SMS', sms_sender = '+15005550006' where id = ?", [ten.workspaceId]);
  if (credits > 0) await grantCredits(em, { workspaceId: ten.workspaceId, amount: credits, reference: `test:${ten.workspaceId}` });
  const all = await createApiKey(t.orm.em.fork(), { workspaceId: ten.workspaceId, actorId: ten.ownerId, name: "PMS", scopes: ["appointments:write", "messages:read", "contacts:write"], hashSecret: SECRET, ip: null, now });
  return { ...ten, key: all.key, keyId: all.id };
}

const APPT = "/appointments/{external_id}";
const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => t.orm.em.fork().execute<T[]>(q, p);

function appointment(practiceId: string, at: string, extra: Record<string, unknown> = {}) {
  return { practice_id: practiceId, appointment_at: at, patient: { name: "Ana Pérez", phone: "0987654321" }, consent: true, ...extra };
}

describe("appointments", () => {
  it("creates, retries, reschedules and cancels one rating request, holding and releasing its credits", async () => {
    const ten = await tenant();
    const before = (await getCreditBalance(t.orm.em.fork(), ten.workspaceId)).available;

    // Create: 09:30 Guayaquil + 2 h → due 11:30 local (16:30Z).
    const body = appointment(ten.practiceId, "2026-12-07T09:30:00-05:00");
    const created = await call(ten.key, "PUT", "/appointments/appt-1", APPT, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ external_id: "appt-1", status: "scheduled", skip_reason: null, send_at: "2026-12-07T16:30:00.000Z" });
    expect(created.headers.get("ratelimit-limit")).toBeNull(); // this server has no limiter
    const held = (await getCreditBalance(t.orm.em.fork(), ten.workspaceId)).available;
    expect(held).toBeLessThan(before);

    // Retry with the same body (keys in another order): the same answer, nothing new.
    const retried = await call(ten.key, "PUT", "/appointments/appt-1", APPT, { consent: true, patient: body.patient, appointment_at: body.appointment_at, practice_id: body.practice_id });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(created.body);
    expect(await sql("select 1 from messages where workspace_id = ?", [ten.workspaceId])).toHaveLength(1);

    // Reschedule: the unsent request moves to the new time; one request waits, the hold is the same.
    const moved = await call(ten.key, "PUT", "/appointments/appt-1", APPT, appointment(ten.practiceId, "2026-12-08T10:00:00-05:00"));
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: "scheduled", send_at: "2026-12-08T17:00:00.000Z", campaign_id: created.body.campaign_id });
    const messages = await sql<{ status: string }>("select status from messages where workspace_id = ? order by created_at", [ten.workspaceId]);
    expect(messages.map((m) => m.status).sort()).toEqual(["CANCELED", "PENDING"]);
    const due = await sql<{ available_at: Date; status: string }>("select available_at, status from outbox where workspace_id = ? and type = 'message.send' order by id", [ten.workspaceId]);
    expect(due.map((r) => [r.status, new Date(r.available_at).toISOString()])).toEqual([
      ["cancelled", "2026-12-07T16:30:00.000Z"],
      ["pending", "2026-12-08T17:00:00.000Z"],
    ]);
    expect((await getCreditBalance(t.orm.em.fork(), ten.workspaceId)).available).toBe(held);

    // Cancel: the hold goes back, nothing waits; a second DELETE answers the same.
    const cancelled = await call(ten.key, "DELETE", "/appointments/appt-1", APPT);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", send_at: null });
    expect((await getCreditBalance(t.orm.em.fork(), ten.workspaceId)).available).toBe(before);
    expect(await sql("select 1 from outbox where workspace_id = ? and type = 'message.send' and status = 'pending'", [ten.workspaceId])).toHaveLength(0);
    expect((await call(ten.key, "DELETE", "/appointments/appt-1", APPT)).body).toEqual(cancelled.body);

    // A second appointment of the same practice joins the same rolling campaign, which stays ACTIVE.
    const second = await call(ten.key, "PUT", "/appointments/appt-2", APPT, appointment(ten.practiceId, "2026-12-07T09:45:00-05:00", { patient: { name: "Luis", phone: "+593987650000" } }));
    expect(second.body.campaign_id).toBe(created.body.campaign_id);
    expect(await sql("select status, total_patients from campaigns where id = ?", [created.body.campaign_id])).toEqual([{ status: "ACTIVE", total_patients: 3 }]);
  });

  it("follows the upload's rules: no consent is skipped, a foreign number refused, unknown practice, credits short, sent requests not moved", async () => {
    const ten = await tenant(0);
    const skipped = await call(ten.key, "PUT", "/appointments/no-consent", APPT, appointment(ten.practiceId, "2026-12-07T09:30:00-05:00", { consent: false }));
    expect(skipped.body).toMatchObject({ status: "skipped", skip_reason: "NO_CONSENT", send_at: null });

    const foreign = await call(ten.key, "PUT", "/appointments/us", APPT, appointment(ten.practiceId, "2026-12-07T09:30:00-05:00", { patient: { name: "Joe", phone: "+12025550123" } }));
    expect(foreign.status).toBe(422);
    expect(foreign.type).toMatch(/^application\/problem\+json/);
    expect(foreign.body.code).toBe("destination_not_allowed");

    const bad = await call(ten.key, "PUT", "/appointments/bad", APPT, { practice_id: "nope" });
    expect(bad.body).toMatchObject({ status: 422, code: "validation_failed" });
    expect((bad.body.errors as { path: string }[]).map((e) => e.path)).toEqual(expect.arrayContaining(["practice_id", "appointment_at", "patient", "consent"]));

    const unknown = await call(ten.key, "PUT", "/appointments/x", APPT, appointment("00000000-0000-4000-8000-000000000000", "2026-12-07T09:30:00-05:00"));
    expect(unknown.body.code).toBe("practice_not_found");

    const broke = await call(ten.key, "PUT", "/appointments/broke", APPT, appointment(ten.practiceId, "2026-12-07T09:30:00-05:00"));
    expect(broke.status).toBe(402);
    expect(broke.body.code).toBe("insufficient_credits");
    expect(await sql("select 1 from api_appointments where workspace_id = ? and external_id = 'broke'", [ten.workspaceId])).toHaveLength(0);

    await grantCredits(t.orm.em.fork(), { workspaceId: ten.workspaceId, amount: 50, reference: `more:${ten.workspaceId}` });
    const ok = await call(ten.key, "PUT", "/appointments/sent", APPT, appointment(ten.practiceId, "2026-12-07T09:30:00-05:00"));
    expect(ok.status).toBe(201);
    await sql("update messages set status = 'SENT', sent_at = now() where workspace_id = ?", [ten.workspaceId]);
    const late = await call(ten.key, "PUT", "/appointments/sent", APPT, appointment(ten.practiceId, "2026-12-09T09:30:00-05:00"));
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("appointment_already_sent");
    expect((await call(ten.key, "DELETE", "/appointments/sent", APPT)).body.code).toBe("appointment_already_sent");
  });
});

describe("keys", () => {
  it("answers 401 without a key and for a revoked one, 403 without the scope, 404 across workspaces", async () => {
    const a = await tenant();
    const b = await tenant();
    await call(a.key, "PUT", "/appointments/mine", APPT, appointment(a.practiceId, "2026-12-07T09:30:00-05:00"));

    const none = await call("rmk_nope", "GET", "/practices", "/practices");
    expect(none.body).toMatchObject({ status: 401, code: "unauthorized" });

    const other = await call(b.key, "DELETE", "/appointments/mine", APPT);
    expect(other.status).toBe(404);
    const otherPractice = await call(b.key, "PUT", "/appointments/mine", APPT, appointment(a.practiceId, "2026-12-07T09:30:00-05:00"));
    expect(otherPractice.body.code).toBe("practice_not_found");
    expect(await sql("select 1 from api_appointments where workspace_id = ?", [b.workspaceId])).toHaveLength(0);

    const readOnly = await createApiKey(t.orm.em.fork(), { workspaceId: a.workspaceId, actorId: a.ownerId, name: "BI", scopes: ["messages:read"], hashSecret: SECRET, ip: null, now });
    const denied = await call(readOnly.key, "PUT", "/appointments/other", APPT, appointment(a.practiceId, "2026-12-07T09:30:00-05:00"));
    expect(denied.body).toMatchObject({ status: 403, code: "insufficient_scope" });
    expect((await call(readOnly.key, "GET", "/messages", "/messages")).status).toBe(200);

    expect(await revokeApiKey(t.orm.em.fork(), { workspaceId: b.workspaceId, keyId: a.keyId, actorId: b.ownerId, ip: null, now })).toBe(false); // not b's key
    expect(await revokeApiKey(t.orm.em.fork(), { workspaceId: a.workspaceId, keyId: a.keyId, actorId: a.ownerId, ip: null, now })).toBe(true);
    const revoked = await call(a.key, "GET", "/practices", "/practices");
    expect(revoked.body).toMatchObject({ status: 401, code: "key_revoked" });
    expect(await sql("select action from audit_logs where workspace_id = ? and action like 'api_key.%' order by created_at", [a.workspaceId])).toEqual([{ action: "api_key.created" }, { action: "api_key.created" }, { action: "api_key.revoked" }]);
  });

  it("limits each key per minute with RateLimit headers and a 429 problem", async () => {
    const ten = await tenant();
    const first = await call(ten.key, "GET", "/practices", "/practices", undefined, {}, limitedBase);
    expect(first.headers.get("ratelimit-limit")).toBe("2");
    expect(first.headers.get("ratelimit-remaining")).toBe("1");
    await call(ten.key, "GET", "/practices", "/practices", undefined, {}, limitedBase);
    const third = await call(ten.key, "GET", "/practices", "/practices", undefined, {}, limitedBase);
    expect(third.body).toMatchObject({ status: 429, code: "rate_limited" });
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("lists and contacts", () => {
  it("lists practices, doctors, messages and ratings with cursor paging and filters", async () => {
    const ten = await tenant();
    const practices = await call(ten.key, "GET", "/practices", "/practices");
    expect(practices.body.data).toEqual([expect.objectContaining({ id: ten.practiceId })]);
    const doctors = await call(ten.key, "GET", "/doctors", "/doctors");
    expect(doctors.body.data).toEqual([expect.objectContaining({ id: ten.ownerId, role: "OWNER" })]);

    for (const [i, phone] of ["+593987650001", "+593987650002", "+593987650003"].entries()) {
      await call(ten.key, "PUT", `/appointments/l-${i}`, APPT, appointment(ten.practiceId, "2026-12-07T09:30:00-05:00", { patient: { name: `P${i}`, phone } }));
    }
    const [patient] = await sql<{ id: string }>("select p.id from patients p join api_appointments a on a.patient_id = p.id where a.external_id = 'l-1' and a.workspace_id = ?", [ten.workspaceId]);
    await sql("update patients set rating = 5, rated_at = ? where id = ?", [now, patient!.id]);

    const page1 = await call(ten.key, "GET", "/messages?limit=2", "/messages");
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await call(ten.key, "GET", `/messages?limit=2&cursor=${page1.body.next_cursor as string}`, "/messages");
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.next_cursor).toBeNull();
    const ids = [...(page1.body.data as { id: string }[]), ...(page2.body.data as { id: string }[])].map((m) => m.id);
    expect(new Set(ids).size).toBe(3);
    expect((page1.body.data as { external_id: string }[]).every((m) => m.external_id.startsWith("l-"))).toBe(true);

    const ratings = await call(ten.key, "GET", `/ratings?practice_id=${ten.practiceId}&since=${encodeURIComponent(now.toISOString())}`, "/ratings");
    expect(ratings.body.data).toEqual([expect.objectContaining({ patient_id: patient!.id, rating: 5, external_id: "l-1" })]);
    const later = await call(ten.key, "GET", `/ratings?since=${encodeURIComponent("2027-01-01T00:00:00Z")}`, "/ratings");
    expect(later.body.data).toEqual([]);
    const badCursor = await call(ten.key, "GET", "/ratings?cursor=zzz", "/ratings");
    expect(badCursor.body.code).toBe("validation_failed");
  });

  it("stores a contact's name, language and consent; an Idempotency-Key replays the answer and refuses another body", async () => {
    const ten = await tenant();
    const body = { phone: "0991112233", name: "Rosa", language: "en", consent: { sms: true, evidence: "Front-desk form 12" } };
    const first = await call(ten.key, "POST", "/contacts", "/contacts", body, { "Idempotency-Key": "k-1" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ phone: "+593991112233", name: "Rosa", language: "en", sms_consent: true, whatsapp_consent: false, opted_out: false });
    const again = await call(ten.key, "POST", "/contacts", "/contacts", body, { "Idempotency-Key": "k-1" });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const conflict = await call(ten.key, "POST", "/contacts", "/contacts", { ...body, name: "Rosa María" }, { "Idempotency-Key": "k-1" });
    expect(conflict.body).toMatchObject({ status: 409, code: "idempotency_conflict" });
    const update = await call(ten.key, "POST", "/contacts", "/contacts", { ...body, name: "Rosa María", consent: { whatsapp: true } });
    expect(update.status).toBe(200);
    expect(update.body).toMatchObject({ name: "Rosa María", sms_consent: true, whatsapp_consent: true });
    const events = await sql<{ channel: string; source: string; evidence: string | null }>("select channel, source, evidence from consent_events where workspace_id = ? order by occurred_at, channel", [ten.workspaceId]);
    expect(events).toEqual([
      { channel: "SMS", source: "API", evidence: "Front-desk form 12" },
      // The second call granted WhatsApp only; SMS consent stays as it was.
      { channel: "WHATSAPP", source: "API", evidence: null },
    ]);
  });

  it("puts labels on a contact by name: existing ones matched case-insensitively, missing ones created, none taken off", async () => {
    const ten = await tenant();
    const other = await tenant();
    // Another workspace's label of the same name is not this one's.
    await call(other.key, "POST", "/contacts", "/contacts", { phone: "0991112244", consent: { sms: true }, labels: ["Ortodoncia"] });
    const first = await call(ten.key, "POST", "/contacts", "/contacts", { phone: "0991112244", consent: { sms: true }, labels: ["Ortodoncia", "  Primera   visita "] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ labels: ["Ortodoncia", "Primera visita"] });
    const second = await call(ten.key, "POST", "/contacts", "/contacts", { phone: "0991112244", consent: { sms: true }, labels: ["ortodoncia", "Recall"] });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ labels: ["Ortodoncia", "Primera visita", "Recall"] });
    const labels = await sql<{ name: string }>("select name from labels where workspace_id = ? order by lower(name)", [ten.workspaceId]);
    expect(labels.map((l) => l.name)).toEqual(["Ortodoncia", "Primera visita", "Recall"]);
    const audited = await sql<{ n: string }>("select count(*)::text as n from audit_logs where workspace_id = ? and action = 'label.created'", [ten.workspaceId]);
    expect(audited[0]!.n).toBe("3");
    const tooMany = await call(ten.key, "POST", "/contacts", "/contacts", { phone: "0991112244", consent: { sms: true }, labels: Array.from({ length: 21 }, (_, i) => `L${i}`) });
    expect(tooMany.status).toBe(422);
  });

  it("serves the OpenAPI 3.1 document without a key", async () => {
    const res = await fetch(`${base}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/appointments/{external_id}", "/contacts", "/doctors", "/messages", "/practices", "/ratings"]);
    const unknown = await fetch(`${base}/nothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/problem\+json/);
  });
});
