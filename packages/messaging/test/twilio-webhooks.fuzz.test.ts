// Property tests of the Twilio webhook body handling (SPEC §8, §11): any form a caller can post is
// answered with a 2xx/4xx (never 5xx, never a crash); a signed form round-trips exactly into the
// stored row (a status event, or an outbox row for a reply); nothing unsigned is ever stored.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "@rm/domain";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { signTwilioRequest } from "@rm/twilio";
import { createTwilioWebhookHandler, TWILIO_INBOUND_PATH, TWILIO_STATUS_PATH } from "../src/webhooks/twilio-webhooks.ts";
import { twilioInboundEvent } from "@rm/events";

const PUBLIC_URL = "https://rm.example.com";
const TOKEN = "fuzz-token-0123456789";
let db: TestDatabase;
let pool: pg.Pool;
let server: Server;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // pool.end() resolves before its sockets close; the drop's forced disconnect must not crash the run.
  pool.on("error", () => {});
  const handle = createTwilioWebhookHandler({ pool, publicUrl: PUBLIC_URL, authTokens: [TOKEN], clock: new ManualClock("2026-11-23T12:00:00Z"), maxBodyBytes: 16 * 1024 });
  server = createServer((req, res) => void handle(req, res).then((handled) => (handled ? undefined : res.writeHead(404).end())));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await pool.end();
  await db.drop();
});

// Names and values as anything a form can carry: any Unicode, separators, percent signs, empties.
const text = fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), fc.constantFrom("", "&", "=", "%", "%zz", "+", " ", "\u0000", "💥"));
const form = fc.dictionary(text, text, { maxKeys: 8 });
const path = fc.constantFrom(TWILIO_STATUS_PATH, TWILIO_INBOUND_PATH);
const RUN = Date.now().toString(16).padStart(12, "0").slice(-12);
let sidCounter = 0;

async function storedParams(p: string, sid: string): Promise<Record<string, string>[]> {
  if (p === TWILIO_STATUS_PATH) return (await pool.query<{ params: Record<string, string> }>("select params from provider_status_events where provider_sid = $1 and status = 'delivered'", [sid])).rows.map((r) => r.params);
  return (await pool.query<{ payload: { params: Record<string, string> } }>("select payload from outbox where idempotency_key = $1", [twilioInboundEvent.key(sid)])).rows.map((r) => r.payload.params);
}

async function storedCount(): Promise<number> {
  return Number((await pool.query("select (select count(*) from outbox) + (select count(*) from provider_status_events) as n")).rows[0].n);
}

describe("Twilio webhook forms, for any content", () => {
  it("an unsigned or wrongly signed form is refused with 403 and stores nothing", async () => {
    const before = await storedCount();
    await fc.assert(
      fc.asyncProperty(path, form, fc.oneof(fc.constant("x"), fc.constant(signTwilioRequest("other-token", PUBLIC_URL + TWILIO_STATUS_PATH, {}))), async (p, params, signature) => {
        const res = await fetch(base + p, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature }, body: new URLSearchParams(params).toString() });
        expect(res.status).toBe(403);
      }),
      { numRuns: 150 },
    );
    expect(await storedCount()).toBe(before);
  });

  it("a signed form is stored exactly as posted when it names what the route needs, else 400", async () => {
    await fc.assert(
      fc.asyncProperty(path, form, fc.boolean(), async (p, extra, complete) => {
        // A new sid per run (shrinking replays runs): a repeated one would be a deduplicated replay.
        const sid = `SM${RUN}${(++sidCounter).toString(16).padStart(20, "0")}`;
        const required: Record<string, string> = p === TWILIO_STATUS_PATH ? { MessageSid: sid, MessageStatus: "delivered" } : { MessageSid: sid, From: "+593987654321", To: "+15005550006" };
        // The required fields win over generated ones with the same names.
        const params: Record<string, string> = complete ? { ...extra, ...required } : Object.fromEntries(Object.entries(extra).filter(([k]) => !(k in required) && k !== "SmsSid" && k !== "SmsStatus"));
        const res = await fetch(base + p, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signTwilioRequest(TOKEN, PUBLIC_URL + p, params) },
          body: new URLSearchParams(params).toString(),
        });
        await res.arrayBuffer();
        if (!complete) {
          expect(res.status).toBe(400);
          return;
        }
        expect(res.status).toBe(p === TWILIO_STATUS_PATH ? 204 : 200);
        const rows = await storedParams(p, sid);
        expect(rows).toHaveLength(1);
        // Exactly as posted, except U+0000 (jsonb cannot hold it), stored as U+FFFD.
        const nul = (x: string) => x.replaceAll("\0", "\uFFFD");
        expect(rows[0]).toEqual(Object.fromEntries(Object.entries(params).map(([k, v]) => [nul(k), nul(v)])));
      }),
      { numRuns: 150 },
    );
  });

  it("any bytes with any content type get a 4xx, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.uint8Array({ maxLength: 2048 }), fc.constantFrom("application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin1", "text/plain", "application/json", ""), async (p, bytes, type) => {
        const headers: Record<string, string> = type ? { "content-type": type } : {};
        const res = await fetch(base + p, { method: "POST", headers, body: bytes });
        await res.arrayBuffer();
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
