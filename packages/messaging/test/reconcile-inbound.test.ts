// Replies are never lost: the web answers 5xx while patients reply (the database is down), Twilio
// (the simulator, faithful to Twilio's defaults) does not retry, and the inbound reconciliation
// finds the replies in Twilio's message list and applies each exactly once through the inbound path.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { createTwilioClient, type TwilioClient } from "@rm/twilio";
import { twilioInboundEvent } from "@rm/events";
import type { HandlerDeps } from "../src/handlers/deps.ts";
import { storeInbound } from "../src/handlers/store-inbound.ts";
import { createReplyProcessor } from "../src/feedback/reply.ts";
import { reconcileInbound } from "../src/periodic/reconcile-inbound.ts";
import { periodicOptions } from "../src/periodic/periodic-options.ts";
import { createTwilioWebhookHandler, TWILIO_INBOUND_PATH } from "../src/webhooks/twilio-webhooks.ts";
import { type Harness, makeSentMessage, publishedEntry, setupHarness } from "./handler-fixtures.ts";

const ACCOUNT = "AC" + "7b".repeat(16);
const TOKEN = "reconcile-inbound-token";
const PUBLIC_URL = "https://app.example.test";
let h: Harness;
let deps: HandlerDeps;
let sim: Simulator;
let twilio: TwilioClient;
let web: http.Server;
let databaseDown = false;

beforeAll(async () => {
  h = await setupHarness();
  const feedback = { publicUrl: PUBLIC_URL };
  // The web's webhook handler, on a pool that fails while the database is "down".
  const pool = { query: (...args: Parameters<typeof h.pool.query>) => (databaseDown ? Promise.reject(new Error("connect ECONNREFUSED")) : h.pool.query(...args)) } as Pick<typeof h.pool, "query">;
  const handlers: ReturnType<typeof createTwilioWebhookHandler>[] = [];
  web = http.createServer((req, res) => void handlers[0]!(req, res));
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
  const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  handlers.push(createTwilioWebhookHandler({ pool, publicUrl: webUrl, authTokens: [TOKEN], clock: h.clock }));
  sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN], inboundUrl: webUrl + TWILIO_INBOUND_PATH, now: () => h.clock.now().getTime() });
  const { url } = await sim.listen(0, "127.0.0.1");
  twilio = createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: url, timeoutMs: 5000 });
  deps = { ...h.deps, twilio, feedback, onInboundRouted: createReplyProcessor({ logger: h.logger, feedback }) };
});
afterAll(async () => {
  await sim.close();
  web.closeAllConnections();
  await new Promise((r) => web.close(r));
  await h.close();
});

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => h.orm.em.fork().execute<T[]>(q, params);

/** What the relay and the inbound consumer do with every pending twilio.inbound row. */
async function processInbound(): Promise<number> {
  const rows = await sql<{ idempotency_key: string; payload: Record<string, unknown> }>("select idempotency_key, payload from outbox where type = ? and status = 'pending'", [twilioInboundEvent.type]);
  for (const row of rows) {
    const entry = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: twilioInboundEvent.type, idempotencyKey: row.idempotency_key, payload: row.payload });
    await storeInbound(deps, entry);
  }
  return rows.length;
}

describe("inbound reconciliation", () => {
  it("applies replies the web answered 5xx to, once, after Twilio did not retry; a STOP is honoured", async () => {
    const rating = await makeSentMessage(h.orm, h.clock, { channel: "SMS", phone: "+593991230001", sender: "+15005550111", credits: 20 });
    const stop = await makeSentMessage(h.orm, h.clock, { channel: "SMS", phone: "+593991230002", sender: "+15005550111", credits: 20 });
    const options = periodicOptions();
    const withSenders = { ...deps, platformSenders: ["+15005550111"] };

    databaseDown = true;
    h.clock.advance(60_000);
    const r1 = await sim.inbound({ from: "+593991230001", to: "+15005550111", body: "5" });
    const r2 = await sim.inbound({ from: "+593991230002", to: "+15005550111", body: "STOP" });
    expect([r1.webhookStatus, r2.webhookStatus]).toEqual([503, 503]);
    // Twilio's default: no retry on a 5xx.
    expect(sim.state.stats().inbound).toMatchObject({ total: 2, posted: 0, failed: 2, retries: 0 });
    expect(await sql("select 1 from inbound_messages")).toHaveLength(0);

    databaseDown = false;
    h.clock.advance(5 * 60_000);
    const summary = await reconcileInbound(withSenders, h.clock.now(), options);
    expect(summary).toMatchObject({ senders: 1, listed: 2, recovered: 2, errors: 0 });
    expect(await processInbound()).toBe(2);

    const stored = await sql<{ provider_sid: string; intent: string; rating: number | null }>("select provider_sid, intent, rating from inbound_messages order by provider_sid");
    expect(stored).toEqual([
      { provider_sid: r1.sid, intent: "RATING", rating: 5 },
      { provider_sid: r2.sid, intent: "OPT_OUT", rating: null },
    ]);
    const [patient] = await sql<{ status: string; rating: number }>("select status, rating from patients where id = ?", [rating.patientId]);
    expect(patient).toMatchObject({ status: "RATED", rating: 5 });
    const [contact] = await sql<{ opted_out_at: Date | null }>("select opted_out_at from contacts where id = ?", [stop.contactId]);
    expect(contact!.opted_out_at).not.toBeNull();
    const followUps = await sql("select 1 from messages where patient_id = ? and type like 'FOLLOWUP%'", [rating.patientId]);
    expect(followUps).toHaveLength(1);

    // The next run, and a late webhook retry of the same reply, apply nothing a second time.
    h.clock.advance(5 * 60_000);
    expect(await reconcileInbound(withSenders, h.clock.now(), options)).toMatchObject({ listed: 2, recovered: 0 });
    expect(await processInbound()).toBe(0);
    expect(await sql("select 1 from inbound_messages")).toHaveLength(2);
    expect(await sql("select 1 from messages where patient_id = ? and type like 'FOLLOWUP%'", [rating.patientId])).toHaveLength(1);
  });

  it("lists from the latest reply it has minus the overlap, and a sender Twilio cannot list for is tried again next run", async () => {
    const options = { ...periodicOptions(), inboundReconcileOverlapMs: 10 * 60_000 };
    h.clock.advance(60 * 60_000);
    databaseDown = true;
    const lost = await sim.inbound({ from: "+593991230001", to: "+15005550111", body: "gracias" });
    databaseDown = false;
    const seen: Date[] = [];
    const spying = Object.create(twilio) as TwilioClient;
    Object.defineProperty(spying, "messages", {
      value: Object.assign(Object.create(twilio.messages), {
        list: async (params: Parameters<TwilioClient["messages"]["list"]>[0]) => {
          if (params.to === "+15005550999") throw Object.assign(new Error("Service unavailable"), { status: 503 });
          seen.push(params.dateSentAfter!);
          return twilio.messages.list(params);
        },
      }),
    });
    const summary = await reconcileInbound({ ...deps, twilio: spying, platformSenders: ["+15005550111", "+15005550999"] }, h.clock.now(), options);
    expect(summary).toMatchObject({ senders: 2, recovered: 1, errors: 1 });
    const [latest] = await sql<{ latest: Date }>("select max(received_at) as latest from inbound_messages where to_address = '+15005550111'");
    expect(seen[0]!.getTime()).toBe(new Date(latest!.latest).getTime() - 10 * 60_000);
    expect(await processInbound()).toBe(1);
    expect(await sql("select 1 from inbound_messages where provider_sid = ?", [lost.sid])).toHaveLength(1);
  });
});
