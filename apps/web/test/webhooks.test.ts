// Twilio webhooks through the real production server: mounted ahead of Remix, signed against
// PUBLIC_URL, stored (status callbacks in provider_status_events, replies as outbox rows); and the process's /metrics on METRICS_PORT.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { signTwilioRequest } from "@rm/twilio";
import { deadPort, startWebServer, type WebServer } from "./support/web-server.ts";

const PUBLIC_URL = "https://rm.example.com";
const TOKEN = "test-auth-token";
let db: TestDatabase;
let web: WebServer;
let metricsPort: number;

beforeAll(async () => {
  db = await createTestDatabase();
  metricsPort = await deadPort();
  web = await startWebServer({ databaseUrl: db.url, env: { PUBLIC_URL, TWILIO_AUTH_TOKEN: TOKEN, METRICS_PORT: String(metricsPort) } });
});
afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

const status = { MessageSid: "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", MessageStatus: "delivered", AccountSid: "AC00000000000000000000000000000000", To: "+593987654321", From: "+15005550006" };

function post(path: string, params: Record<string, string>, signature: string) {
  return fetch(web.url + path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(params).toString(),
  });
}

describe("Twilio webhooks on the web server", () => {
  it("stores a signed status callback once, however often it is delivered", async () => {
    const sig = signTwilioRequest(TOKEN, `${PUBLIC_URL}/webhooks/twilio/status`, status);
    for (let i = 0; i < 3; i++) expect((await post("/webhooks/twilio/status", status, sig)).status).toBe(204);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query("select provider_sid, status, applied_at from provider_status_events");
    const outbox = await client.query("select id from outbox");
    await client.end();
    expect(rows).toEqual([{ provider_sid: status.MessageSid, status: "delivered", applied_at: null }]);
    expect(outbox.rows).toEqual([]);
  });

  it("answers 403 to a forged signature and empty TwiML to a signed reply", async () => {
    expect((await post("/webhooks/twilio/status", status, "forged")).status).toBe(403);
    const reply = { MessageSid: "SMcccccccccccccccccccccccccccccccc", From: "+593987654321", To: "+15005550006", Body: "5", AccountSid: status.AccountSid };
    const res = await post("/webhooks/twilio/inbound", reply, signTwilioRequest(TOKEN, `${PUBLIC_URL}/webhooks/twilio/inbound`, reply));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<Response></Response>");
  });

  it("serves Prometheus metrics with webhook outcomes by route, never by URL", async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/rm_webhook_requests_total\{[^}]*route="\/webhooks\/twilio\/status"[^}]*outcome="accepted"[^}]*\} 1/);
    expect(text).toMatch(/rm_webhook_requests_total\{[^}]*outcome="forged"[^}]*\} 1/);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200);
  });

  it("wakes the status applier (NOTIFY provider_status) once a callback is stored, and a 204 carries no body", async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      const woken = new Promise<string>((resolve) => listener.on("notification", (n) => resolve(n.channel)));
      await listener.query("LISTEN provider_status");
      const fresh = { ...status, MessageSid: "SMdddddddddddddddddddddddddddddddd" };
      const res = await post("/webhooks/twilio/status", fresh, signTwilioRequest(TOKEN, `${PUBLIC_URL}/webhooks/twilio/status`, fresh));
      expect(res.status).toBe(204);
      expect(res.headers.get("content-length")).toBeNull();
      expect(await res.text()).toBe("");
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("no wake-up within 5 s"), 5_000).unref());
      expect(await Promise.race([woken, timeout])).toBe("provider_status");
    } finally {
      await listener.end();
    }
  });
});
