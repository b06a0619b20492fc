// The SMS fallback end to end (SPEC §12): a WhatsApp message that Twilio accepts and then fails by
// status callback (63003 no WhatsApp) goes once by SMS. Real parts all the way: the simulator posts
// signed callbacks to the real webhook handler (provider_status_events), the status applier applies
// them, the send protocol sends the fallback's outbox row, and the ledger is compared with what the
// simulator says Twilio billed.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getCreditBalance } from "@rm/credits";
import { initOrm } from "@rm/db";
import { LOCAL_PLATFORM_CONTENT_SIDS, ManualClock, shiftOutOfQuietHours } from "@rm/domain";
import type { StreamEntry } from "@rm/streams";
import { createScenario, createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { createTwilioClient, signTwilioRequest } from "@rm/twilio";
import { billedSegments, createSimulator, type Simulator } from "@rm/twilio-simulator";
import { SenderRateLimiter } from "../src/rate-limit.ts";
import { sendMessage, type SendDeps } from "../src/send/send-message.ts";
import { sendMessageBatch } from "../src/send/send-batch.ts";
import { applyStatusEvents, type ApplyStatusEventsOptions } from "../src/status/apply-status-events.ts";
import { createTwilioWebhookHandler } from "../src/webhooks/twilio-webhooks.ts";

const ACCOUNT = "AC" + "0".repeat(32);
const TOKEN = "simulator-token";
let db: TestDatabase;
let orm: MikroORM;
let pool: pg.Pool;
let redis: TestRedis;
let sim: Simulator;
let server: Server;
let publicUrl: string;
let clock: ManualClock;
const silent = { info() {}, warn() {}, error() {} };
let phone = 593_985_000_000;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 12 });
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on("error", () => {});
  redis = await createTestRedis();
  clock = new ManualClock(new Date());
  let handle: ReturnType<typeof createTwilioWebhookHandler> | null = null;
  server = createServer((req, res) => {
    void handle!(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The webhook checks signatures against the public URL, as in production.
  handle = createTwilioWebhookHandler({ pool, publicUrl, authTokens: [TOKEN], clock, maxBodyBytes: 16_384 });
  sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN], callbackDelayMs: 1 });
  await sim.listen(0, "127.0.0.1");
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => server.close(r));
  await redis.cleanup();
  await pool.end();
  await orm.close(true);
  await db.drop();
});
beforeEach(() => {
  sim.reset();
});

function deps(): SendDeps {
  return {
    orm,
    clock,
    logger: silent,
    twilio: createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: sim.url, timeoutMs: 2000 }),
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl,
    defaults: { whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS },
    globalPaused: () => false,
    sdkTimeoutMs: 2000,
    inFlightMarginMs: 1000,
  };
}

/** What the relay does: claim due rows, mark them published, hand out their stream entries. */
async function publishDue(): Promise<StreamEntry[]> {
  const rows = await orm.em.fork().execute<{ id: string; type: string; workspace_id: string | null; payload: unknown }[]>(
    "update outbox set status = 'published', published_at = ? where status = 'pending' and available_at <= ? and type = 'message.send' returning id::text as id, type, workspace_id::text as workspace_id, payload",
    [clock.now(), clock.now()],
  );
  return rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
}

/** The status applier until nothing is due; every callback the simulator posted has been stored by then. */
async function applyCallbacks(opts: Partial<ApplyStatusEventsOptions> = {}) {
  await sim.whenIdle();
  for (;;) if ((await applyStatusEvents({ orm, clock, logger: silent }, { limit: 100, unknownRetryMs: 600_000, ...opts })).claimed === 0) return;
}

async function scenario(credits = 10) {
  phone += 10;
  const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), channel: "WHATSAPP", credits, phoneBase: phone });
  sim.configure({ failRules: [{ to: s.phones[0]!, code: 63003 }] });
  return { ...s, messageId: s.messageIds[0]!, to: s.phones[0]! };
}

/** The `message.failed` webhook events written for a message (outbox rows of the 'webhooks' stream). */
async function failedEvents(messageId: string): Promise<{ type: string; status: string; error_code: number | null }[]> {
  const rows = await orm.em.fork().execute<{ payload: { type: string; data: { message_id: string; status: string; error_code: number | null } } }[]>(
    "select payload from outbox where stream = 'webhooks' and type = 'webhook.event' order by id",
  );
  return rows.filter((r) => r.payload.data.message_id === messageId).map((r) => ({ type: r.payload.type, status: r.payload.data.status, error_code: r.payload.data.error_code }));
}

async function row(sql: string, params: unknown[]) {
  return (await orm.em.fork().execute<Record<string, unknown>[]>(sql, params))[0]!;
}

/** Credits spent: deductions minus refunds, as the ledger has them. */
async function spent(workspaceId: string): Promise<number> {
  const r = await row("select coalesce(-sum(amount) filter (where kind = 'deduct'), 0)::int - coalesce(sum(amount) filter (where kind = 'refund'), 0)::int as spent from credit_ledger_entries where workspace_id = ?", [workspaceId]);
  return Number(r.spent);
}

const sentTo = (to: string) => sim.state.messages.filter((m) => m.to === to || m.to === `whatsapp:${to}`);

/** Posts one status callback to the webhook exactly as Twilio signs it. */
async function postCallback(messageId: string, params: Record<string, string>) {
  const url = `${publicUrl}/webhooks/twilio/status?m=${messageId}`;
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signTwilioRequest(TOKEN, url, params) },
    body: new URLSearchParams(params).toString(),
  });
  expect(res.status).toBeLessThan(300);
}

describe("SMS fallback after a WhatsApp failure by status callback", () => {
  it("webhook → status applier → send protocol → simulator: one SMS, one timeline entry, the contact remembers, the ledger equals what Twilio billed", async () => {
    const s = await scenario();
    const d = deps();
    for (const e of await publishDue()) await sendMessage(d, e);
    const whatsapp = sentTo(s.to);
    expect(whatsapp.map((m) => m.channel)).toEqual(["whatsapp"]);
    await applyCallbacks();

    // The WhatsApp attempt failed with 63003; the same message now waits to go by SMS.
    let m = await row("select * from messages where id = ?", [s.messageId]);
    expect(m).toMatchObject({ channel: "SMS", status: "PENDING", provider_sid: null, to_address: s.to, fallback_from_sid: whatsapp[0]!.sid, fallback_error_code: 63003 });
    expect(await row("select c.no_whatsapp_code from contacts c join patients p on p.contact_id = c.id where p.id = (select patient_id from messages where id = ?)", [s.messageId])).toEqual({ no_whatsapp_code: 63003 });

    // The same failed callback posted again, and a late `sent` of the WhatsApp attempt: nothing changes.
    const failed = { MessageSid: whatsapp[0]!.sid, MessageStatus: "failed", ErrorCode: "63003", AccountSid: ACCOUNT, To: `whatsapp:${s.to}`, From: "whatsapp:+14155238886", ChannelPrefix: "whatsapp" };
    await postCallback(s.messageId, failed);
    await postCallback(s.messageId, { ...failed, MessageStatus: "sent", ErrorCode: "" });
    await applyCallbacks();
    expect(await row("select provider_sid, status, channel from messages where id = ?", [s.messageId])).toEqual({ provider_sid: null, status: "PENDING", channel: "SMS" });

    // The fallback's outbox row, delivered twice (one by one and in a batch): one SMS.
    const entries = await publishDue();
    expect(entries).toHaveLength(1);
    await sendMessage(d, entries[0]!);
    await sendMessage(d, entries[0]!);
    const outcomes = await sendMessageBatch(d, entries);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    await applyCallbacks();

    const sent = sentTo(s.to);
    expect(sent.map((x) => [x.channel, x.status, x.errorCode])).toEqual([
      ["whatsapp", "failed", 63003],
      ["sms", "delivered", null],
    ]);
    m = await row("select * from messages where id = ?", [s.messageId]);
    expect(m).toMatchObject({ channel: "SMS", status: "DELIVERED", provider_sid: sent[1]!.sid, fallback_from_sid: sent[0]!.sid, fallback_error_code: 63003, credits_held: 0 });
    expect(Number((await row("select count(*) from messages where patient_id = ?", [m.patient_id])).count)).toBe(1);

    // Credits: what the simulator billed (nothing for the failed WhatsApp, the SMS's segments).
    const billed = sent.reduce((sum, x) => sum + billedSegments(x), 0);
    expect(billed).toBe(sent[1]!.numSegments);
    expect(await spent(s.workspaceId)).toBe(billed);
    // Falling back to SMS is not a failure: no `message.failed` event.
    expect(await failedEvents(s.messageId)).toEqual([]);
  });

  it("a status applier that crashes after claiming the failed callback, then runs again: one fallback row, one SMS", async () => {
    const s = await scenario();
    for (const e of await publishDue()) await sendMessage(deps(), e);
    await sim.whenIdle();
    await expect(applyStatusEvents({ orm, clock, logger: silent }, { limit: 100, unknownRetryMs: 600_000, afterClaim: () => Promise.reject(new Error("crash")) })).rejects.toThrow("crash");
    expect(await row("select channel, status from messages where id = ?", [s.messageId])).toEqual({ channel: "WHATSAPP", status: "QUEUED" });
    await applyCallbacks();
    await applyCallbacks();
    expect(Number((await row("select count(*) from outbox where payload->>'messageId' = ?", [s.messageId])).count)).toBe(2);
    for (const e of await publishDue()) await sendMessage(deps(), e);
    await applyCallbacks();
    expect(sentTo(s.to).map((x) => x.channel)).toEqual(["whatsapp", "sms"]);
  });

  it("the failed callback beats the sender's commit (the worker dies after the provider call): the fallback starts when the send is recorded, once", async () => {
    const s = await scenario();
    const d = deps();
    const real = d.twilio;
    // The provider takes the message, then the worker loses the answer (a timeout once connected).
    const lost = { ...real, messages: Object.assign(Object.create(real.messages) as typeof real.messages, {
      create: async (req: Parameters<typeof real.messages.create>[0]) => {
        await real.messages.create(req);
        throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      },
    }) } as unknown as typeof real;
    for (const e of await publishDue()) await sendMessage({ ...d, twilio: lost }, e);
    expect(await row("select status, provider_sid from messages where id = ?", [s.messageId])).toEqual({ status: "SENDING", provider_sid: null });
    // The callbacks arrive while the attempt is still unconfirmed: the sid and the failure are recorded, no fallback yet.
    await applyCallbacks();
    expect(await row("select status, channel, fallback_at from messages where id = ?", [s.messageId])).toMatchObject({ status: "FAILED", channel: "WHATSAPP", fallback_at: null });
    // The send's outbox row comes back after the in-flight margin: it records the failure and starts the fallback.
    clock.advance(10_000);
    for (const e of await publishDue()) await sendMessage(d, e);
    expect(await row("select status, channel from messages where id = ?", [s.messageId])).toEqual({ status: "PENDING", channel: "SMS" });
    for (const e of await publishDue()) await sendMessage(d, e);
    await applyCallbacks();
    const sent = sentTo(s.to);
    expect(sent.map((x) => [x.channel, x.status])).toEqual([
      ["whatsapp", "failed"],
      ["sms", "delivered"],
    ]);
    expect(await spent(s.workspaceId)).toBe(sent.reduce((sum, x) => sum + billedSegments(x), 0));
    expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ held: 0 });
  });

  it("the SMS holds its own segments at send time: with no credits left it fails with the shortfall and nothing is sent", async () => {
    // 1 credit: the WhatsApp template takes it and gets it back when it fails; the SMS needs 2 segments.
    phone += 10;
    const long = "Hola, gracias por visitar Consultorio Centro. Por favor califique su atencion respondiendo con un numero del 1 al 5, o use el enlace que le enviamos hoy. Su opinion nos ayuda a mejorar.";
    expect(long.length).toBeGreaterThan(160);
    const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), channel: "WHATSAPP", credits: 1, phoneBase: phone, body: () => long, holdAtCreation: false });
    sim.configure({ failRules: [{ to: s.phones[0]!, code: 63003 }] });
    for (const e of await publishDue()) await sendMessage(deps(), e);
    await applyCallbacks();
    expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 1, held: 0 });
    for (const e of await publishDue()) await sendMessage(deps(), e);
    const m = await row("select status, channel, error_text from messages where id = ?", [s.messageIds[0]]);
    expect(m).toMatchObject({ status: "FAILED", channel: "SMS" });
    expect(String(m.error_text)).toMatch(/Créditos insuficientes: faltan 1/);
    expect(sentTo(s.phones[0]!).map((x) => x.channel)).toEqual(["whatsapp"]);
    expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 1, held: 0 });
  });

  it("an opt-out between the failure and the fallback is honoured: no SMS", async () => {
    const s = await scenario();
    for (const e of await publishDue()) await sendMessage(deps(), e);
    await applyCallbacks();
    await orm.em.fork().execute("update contacts set opted_out_at = now() where id = (select contact_id from patients where id = (select patient_id from messages where id = ?))", [s.messageId]);
    for (const e of await publishDue()) await sendMessage(deps(), e);
    expect(await row("select status from messages where id = ?", [s.messageId])).toEqual({ status: "CANCELED" });
    expect(sentTo(s.to).map((x) => x.channel)).toEqual(["whatsapp"]);
  });

  it("a failure during the practice's quiet hours: the SMS is due when they end, not at night", async () => {
    const s = await scenario();
    const hour = new Date(clock.now()).getUTCHours();
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, "0")}:00`;
    const quiet = { start: hh(hour - 1), end: hh(hour + 2) };
    await orm.em.fork().execute("update workspaces set timezone = 'UTC', quiet_hours_start = ?, quiet_hours_end = ? where id = ?", [quiet.start, quiet.end, s.workspaceId]);
    for (const e of await publishDue()) await sendMessage(deps(), e);
    await applyCallbacks();
    const fallbackRow = await row("select available_at from outbox where payload->>'messageId' = ? and status = 'pending'", [s.messageId]);
    const due = new Date(fallbackRow.available_at as string);
    expect(due).toEqual(shiftOutOfQuietHours(clock.now(), "UTC", quiet));
    expect(due.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(await publishDue()).toHaveLength(0);
    expect(sentTo(s.to).map((x) => x.channel)).toEqual(["whatsapp"]);
  });

  it("a failure that is not about WhatsApp (30008) does not fall back", async () => {
    const s = await scenario();
    sim.configure({ failRules: [{ to: `whatsapp:${s.to}`, code: 30008 }] });
    for (const e of await publishDue()) await sendMessage(deps(), e);
    await applyCallbacks();
    expect(await row("select status, channel, fallback_at from messages where id = ?", [s.messageId])).toEqual({ status: "FAILED", channel: "WHATSAPP", fallback_at: null });
    expect(await publishDue()).toHaveLength(0);
    // Failed for good: one `message.failed` event for the workspace's webhooks, written with the failure.
    expect(await failedEvents(s.messageId)).toEqual([{ type: "message.failed", status: "FAILED", error_code: 30008 }]);
  });

  it("messages that do not fail cost the status applier the same statements per batch, 10 messages or 30 (the fallback is off the hot path)", async () => {
    sim.configure({ failRules: [] });
    const query = pg.Client.prototype.query;
    let statements = 0;
    const counting = function (this: pg.Client, ...args: unknown[]) {
      statements++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    };
    const countBatch = async (patients: number): Promise<number> => {
      phone += 1000;
      const s = await createScenario(orm, { patients, dueAt: clock.now(), channel: "WHATSAPP", credits: 100, phoneBase: phone });
      expect((await sendMessageBatch(deps(), await publishDue())).every((o) => o.ok)).toBe(true);
      await sim.whenIdle();
      // Only the applier may run statements while they are counted: wait until every callback of the
      // batch is stored (no write of the webhook path still in flight).
      let stored = -1;
      for (;;) {
        const [n] = await orm.em.fork().execute<{ n: string }[]>("select count(*) as n from provider_status_events where applied_at is null");
        if (Number(n!.n) === stored) break;
        stored = Number(n!.n);
        await new Promise((r) => setTimeout(r, 200));
      }
      statements = 0;
      (pg.Client.prototype as { query: unknown }).query = counting;
      try {
        await applyStatusEvents({ orm, clock, logger: silent }, { limit: 1000, unknownRetryMs: 600_000 });
      } finally {
        pg.Client.prototype.query = query;
      }
      const delivered = await orm.em.fork().execute<{ n: string }[]>("select count(*) as n from messages where workspace_id = ? and status in ('DELIVERED', 'READ')", [s.workspaceId]);
      expect(Number(delivered[0]!.n)).toBe(patients);
      return statements;
    };
    const ten = await countBatch(10);
    expect(await countBatch(30)).toBe(ten);
    // begin, synchronous_commit, claim, lock, one update, mark applied, commit
    expect(ten).toBe(7);
  });
});
