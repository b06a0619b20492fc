import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "@rm/domain";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { signTwilioRequest } from "@rm/twilio";
import { createTwilioWebhookHandler, TWILIO_INBOUND_PATH, TWILIO_STATUS_PATH } from "../src/webhooks/twilio-webhooks.ts";
import { twilioInboundEvent } from "@rm/events";

const PUBLIC_URL = "https://rm.example.com";
const TOKENS = ["current-token", "previous-token"];
let db: TestDatabase;
let pool: pg.Pool;
let server: Server;
let base: string;
const clock = new ManualClock("2026-11-23T12:00:00Z");

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 10 });
  // pool.end() resolves before its sockets close; the drop's forced disconnect must not crash the run.
  pool.on("error", () => {});
  const handle = createTwilioWebhookHandler({ pool, publicUrl: PUBLIC_URL, authTokens: TOKENS, clock, maxBodyBytes: 4096 });
  server = createServer((req, res) => {
    void handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end("not mine");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await pool.end();
  await db.drop();
});
beforeEach(async () => {
  await pool.query("DELETE FROM outbox");
  await pool.query("DELETE FROM provider_status_events");
});

function post(path: string, params: Record<string, string>, opts: { token?: string; signature?: string | null; contentType?: string; body?: string } = {}) {
  const signature = opts.signature === undefined ? signTwilioRequest(opts.token ?? TOKENS[0]!, PUBLIC_URL + path, params) : opts.signature;
  const headers: Record<string, string> = { "content-type": opts.contentType ?? "application/x-www-form-urlencoded" };
  if (signature !== null) headers["x-twilio-signature"] = signature;
  return fetch(base + path, { method: "POST", headers, body: opts.body ?? new URLSearchParams(params).toString() });
}

const statusParams = (status: string) => ({ MessageSid: "SM0123456789abcdef0123456789abcdef", MessageStatus: status, AccountSid: "AC00000000000000000000000000000000", To: "+593987654321", From: "+15005550006", ApiVersion: "2010-04-01" });
const messageId = "6c1f0a4e-2b7d-4c5e-9f3a-1d2e3f4a5b6c";

async function statusRows() {
  return (await pool.query("SELECT provider_sid, status, rank, error_code, params, message_id, received_at, applied_at FROM provider_status_events ORDER BY id")).rows;
}

async function outboxRows() {
  return (await pool.query("SELECT stream, type, payload, idempotency_key, status, available_at FROM outbox ORDER BY id")).rows;
}

describe("Twilio connection overrides on our callback URLs", () => {
  it("accepts a signature over the URL with its overrides fragment (the URL we supplied) or without it, never another fragment or token", async () => {
    const fragment = "ct=3000&rt=5000&tt=15000&rc=3&rp=ct,rt,5xx";
    const handle = createTwilioWebhookHandler({ pool, publicUrl: PUBLIC_URL, authTokens: TOKENS, clock, webhookOverrides: fragment });
    const s = createServer((req, res) => void handle(req, res));
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const at = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const path = `${TWILIO_STATUS_PATH}?m=${messageId}`;
    const send = (status: string, signedUrl: string, token = TOKENS[0]!) =>
      fetch(at + path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signTwilioRequest(token, signedUrl, statusParams(status)) }, body: new URLSearchParams(statusParams(status)).toString() });
    try {
      expect((await send("queued", `${PUBLIC_URL}${path}#${fragment}`)).status).toBe(204);
      expect((await send("sent", `${PUBLIC_URL}${path}`)).status).toBe(204);
      expect((await send("delivered", `${PUBLIC_URL}${path}#${fragment}`, TOKENS[1])).status).toBe(204);
      expect((await send("read", `${PUBLIC_URL}${path}#rc=5&rp=all`)).status).toBe(403);
      expect((await send("failed", `${PUBLIC_URL}${path}#${fragment}`, "not-our-token")).status).toBe(403);
      expect((await statusRows()).map((r) => r.status)).toEqual(["queued", "sent", "delivered"]);
    } finally {
      await new Promise((r) => s.close(r));
    }
  });
});

describe("Twilio status webhook", () => {
  it("stores a signed callback as one unapplied status event (no outbox row) and answers 204", async () => {
    const path = `${TWILIO_STATUS_PATH}?m=${messageId}`;
    const res = await post(path, { ...statusParams("undelivered"), ErrorCode: "30003" });
    expect(res.status).toBe(204);
    // A 204 carries neither a body nor a Content-Length header (RFC 9110 §8.6).
    expect(res.headers.get("content-length")).toBeNull();
    expect(await res.text()).toBe("");
    const rows = await statusRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider_sid: "SM0123456789abcdef0123456789abcdef", status: "undelivered", rank: 50, error_code: "30003", message_id: messageId, applied_at: null });
    expect(rows[0].params.MessageStatus).toBe("undelivered");
    expect(new Date(rows[0].received_at).toISOString()).toBe("2026-11-23T12:00:00.000Z");
    expect(await outboxRows()).toHaveLength(0);
  });

  it("keeps no message id that is not a UUID, and stores a status that is not ours without a rank", async () => {
    expect((await post(`${TWILIO_STATUS_PATH}?m=not-a-uuid`, statusParams("received"))).status).toBe(204);
    expect(await statusRows()).toMatchObject([{ status: "received", rank: null, message_id: null }]);
  });

  it("wakes the status applier (NOTIFY provider_status) after the commit", async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      await listener.query("LISTEN provider_status");
      const woken = new Promise<string>((resolve) => listener.once("notification", (n) => resolve(n.channel)));
      expect((await post(TWILIO_STATUS_PATH, statusParams("sent"))).status).toBe(204);
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), 5000));
      expect(await Promise.race([woken, timeout])).toBe("provider_status");
    } finally {
      await listener.end();
    }
  });

  it("takes a posted `__proto__` parameter as a parameter: the signature over it holds and it is stored", async () => {
    // JSON.parse makes it an own property, as a form parser must.
    const params = { ...statusParams("sent"), ...(JSON.parse('{"__proto__": "x"}') as Record<string, string>) };
    expect((await post(TWILIO_STATUS_PATH, params)).status).toBe(204);
    expect((await statusRows())[0].params).toEqual(JSON.parse(JSON.stringify(params)));
  });

  it("accepts a signature made with the previous token during rotation", async () => {
    expect((await post(TWILIO_STATUS_PATH, statusParams("sent"), { token: "previous-token" })).status).toBe(204);
    expect(await statusRows()).toHaveLength(1);
  });

  it("a replayed callback has no second effect; a new status is new work", async () => {
    for (let i = 0; i < 3; i++) expect((await post(TWILIO_STATUS_PATH, statusParams("sent"))).status).toBe(204);
    expect((await post(TWILIO_STATUS_PATH, statusParams("delivered"))).status).toBe(204);
    expect((await statusRows()).map((r) => [r.provider_sid, r.status])).toEqual([
      ["SM0123456789abcdef0123456789abcdef", "sent"],
      ["SM0123456789abcdef0123456789abcdef", "delivered"],
    ]);
  });

  it("rejects forged, missing and wrong-URL signatures with 403 and stores nothing", async () => {
    expect((await post(TWILIO_STATUS_PATH, statusParams("sent"), { token: "attacker-token" })).status).toBe(403);
    expect((await post(TWILIO_STATUS_PATH, statusParams("sent"), { signature: null })).status).toBe(403);
    // Signed for other parameters than the ones posted (a tampered status).
    const signed = signTwilioRequest(TOKENS[0]!, PUBLIC_URL + TWILIO_STATUS_PATH, statusParams("sent"));
    expect((await post(TWILIO_STATUS_PATH, statusParams("delivered"), { signature: signed })).status).toBe(403);
    // Signed for another URL (query string is part of it).
    const otherUrl = signTwilioRequest(TOKENS[0]!, `${PUBLIC_URL}${TWILIO_STATUS_PATH}?m=${messageId}`, statusParams("sent"));
    expect((await post(TWILIO_STATUS_PATH, statusParams("sent"), { signature: otherUrl })).status).toBe(403);
    expect(await statusRows()).toHaveLength(0);
  });

  it("answers 413 to an oversized body, 415 to another content type, 405 to GET, 400 to a signed body without the fields", async () => {
    const huge = { ...statusParams("sent"), Body: "x".repeat(10_000) };
    expect((await post(TWILIO_STATUS_PATH, huge)).status).toBe(413);
    expect((await post(TWILIO_STATUS_PATH, statusParams("sent"), { contentType: "application/json", body: JSON.stringify(statusParams("sent")) })).status).toBe(415);
    expect((await fetch(base + TWILIO_STATUS_PATH)).status).toBe(405);
    expect((await post(TWILIO_STATUS_PATH, { AccountSid: "AC00000000000000000000000000000000" })).status).toBe(400);
    expect(await statusRows()).toHaveLength(0);
  });

  it("leaves other paths to the app", async () => {
    expect((await fetch(`${base}/webhooks/twilio/other`, { method: "POST" })).status).toBe(404);
  });
});

describe("Twilio inbound webhook", () => {
  const inbound = { MessageSid: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", AccountSid: "AC00000000000000000000000000000000", From: "whatsapp:+593987654321", To: "whatsapp:+14155238886", Body: "5 estrellas", NumMedia: "0", ProfileName: "María" };

  it("stores the reply and answers empty TwiML; a replay stores nothing more", async () => {
    const res = await post(TWILIO_INBOUND_PATH, inbound);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/xml");
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect((await post(TWILIO_INBOUND_PATH, inbound)).status).toBe(200);
    const rows = await outboxRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ stream: "inbound", type: "twilio.inbound", idempotency_key: twilioInboundEvent.key("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") });
    expect(rows[0].payload.params.Body).toBe("5 estrellas");
  });

  it("answers 503 and stores nothing when the database is down (a retry only as the URL's overrides allow; inbound reconciliation covers the rest)", async () => {
    const deadPool = new pg.Pool({ connectionString: db.url.replace(/:\d+\//, ":1/"), connectionTimeoutMillis: 500 });
    const handle = createTwilioWebhookHandler({ pool: deadPool, publicUrl: PUBLIC_URL, authTokens: TOKENS, clock });
    const s = createServer((req, res) => void handle(req, res));
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const params = inbound;
    const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}${TWILIO_INBOUND_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signTwilioRequest(TOKENS[0]!, PUBLIC_URL + TWILIO_INBOUND_PATH, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(503);
    await new Promise((r) => s.close(r));
    await deadPool.end();
  });
});
