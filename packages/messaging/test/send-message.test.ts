import type { MikroORM } from "@mikro-orm/postgresql";
import net from "node:net";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { initOrm } from "@rm/db";
import { getCreditBalance, heldCredits, holdCredits } from "@rm/credits";
import { LOCAL_PLATFORM_CONTENT_SIDS, ManualClock } from "@rm/domain";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import type { StreamEntry } from "@rm/streams";
import { createScenario, createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { createTwilioClient, type TwilioClient } from "@rm/twilio";
import { SenderRateLimiter } from "../src/rate-limit.ts";
import { sendMessage, type SendDeps } from "../src/send/send-message.ts";
import { sendMessageBatch } from "../src/send/send-batch.ts";

const ACCOUNT = "AC00000000000000000000000000000000";
const TOKEN = "simulator-token";
let db: TestDatabase;
let orm: MikroORM;
let redis: TestRedis;
let sim: Simulator;
let simUrl: string;
let twilio: TwilioClient;
let clock: ManualClock;
let paused = false;
const silent = { info() {}, warn() {}, error() {} };

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url });
  redis = await createTestRedis();
  // Callbacks go nowhere here; the status handler has its own tests.
  sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN], callbackDelayMs: 60_000 });
  const { url } = await sim.listen(0, "127.0.0.1");
  simUrl = url;
  twilio = createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: url, timeoutMs: 2000 });
});
afterAll(async () => {
  await sim.close();
  await redis.cleanup();
  await orm.close(true);
  await db.drop();
});
beforeEach(() => {
  sim.reset();
  clock = new ManualClock(new Date());
  paused = false;
});

function deps(overrides: Partial<SendDeps> = {}): SendDeps {
  return {
    orm,
    clock,
    logger: silent,
    twilio,
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl: "https://rm.example.com",
    defaults: {},
    globalPaused: () => paused,
    sdkTimeoutMs: 2000,
    inFlightMarginMs: 1000,
    ...overrides,
  };
}

/** What the relay does: claim due rows, mark them published, hand out their stream entries. */
async function publishDue(): Promise<StreamEntry[]> {
  const rows = await orm.em.fork().execute<{ id: string; type: string; workspace_id: string | null; payload: unknown }[]>(
    "update outbox set status = 'published', published_at = ? where status = 'pending' and available_at <= ? returning id::text as id, type, workspace_id::text as workspace_id, payload",
    [clock.now(), clock.now()],
  );
  return rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
}

async function message(id: string) {
  const [m] = await orm.em.fork().execute<Record<string, unknown>[]>("select * from messages where id = ?", [id]);
  return m!;
}

async function outboxOf(messageId: string) {
  const [o] = await orm.em.fork().execute<Record<string, unknown>[]>("select * from outbox where payload->>'messageId' = ?", [messageId]);
  return o!;
}

// Every scenario runs twice: entry by entry (sendMessage), and as one stream batch (sendMessageBatch,
// what the worker runs), which must keep every guarantee of the first.
let mode: "one by one" | "batched" = "one by one";

async function run(d: SendDeps, entries: StreamEntry[]) {
  if (mode === "one by one") {
    for (const e of entries) await sendMessage(d, e);
    return;
  }
  const outcomes = await sendMessageBatch(d, entries);
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw failed.error;
}

describe.each(["one by one", "batched"] as const)("%s", (m) => {
  beforeAll(() => {
    mode = m;
  });

  describe("sending an SMS", () => {
    it("sends at the due time, not before, records sid, status, segments and charges one credit per segment", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: new Date(clock.now().getTime() + 60_000), credits: 10 });
      expect(await publishDue()).toHaveLength(0);
      expect(sim.state.messages).toHaveLength(0);

      clock.advance(60_000);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(1);
      const sent = sim.state.messages[0]!;
      expect(sent.to).toBe(s.phones[0]);
      expect(sent.from).toBe("+15005550006");
      expect(sent.statusCallback).toBe(`https://rm.example.com/webhooks/twilio/status?m=${s.messageIds[0]}`);

      const m = await message(s.messageIds[0]!);
      expect(m.provider_sid).toBe(sent.sid);
      expect(m.status).toBe("QUEUED");
      expect(m.segments).toBe(1);
      expect(m.encoding).toBe("GSM7");
      expect(m.credits_held).toBe(0);
      expect((await outboxOf(s.messageIds[0]!)).status).toBe("done");
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 9, held: 0 });
    });

    it("moves the contact's last contact to the send for a rating request and for any other message of ours", async () => {
      const s = await createScenario(orm, { patients: 2, dueAt: clock.now(), credits: 10, phoneBase: 593987660000 });
      // The second appointment's message is a reminder: every message handed to the provider counts as a contact.
      await orm.em.fork().execute("update messages set type = 'REMINDER' where id = ?", [s.messageIds[1]]);
      await run(deps(), await publishDue());
      const rows = await orm.em.fork().execute<{ phone: string; last_contact_at: string | null }[]>("select phone, last_contact_at from contacts where workspace_id = ? order by phone", [s.workspaceId]);
      expect(rows.map((r) => [r.phone, r.last_contact_at ? new Date(r.last_contact_at).toISOString() : null])).toEqual(s.phones.map((p) => [p, clock.now().toISOString()]));
    });

    it("hands Twilio a status-callback URL carrying the configured connection overrides, so a 5xx is retried", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), phoneBase: 593_982_000_000 });
      await run(deps({ webhookOverrides: "ct=3000&rt=5000&tt=15000&rc=3&rp=ct,rt,5xx" }), await publishDue());
      const sent = sim.state.messages.find((m) => m.to === s.phones[0])!;
      expect(sent.statusCallback).toBe(`https://rm.example.com/webhooks/twilio/status?m=${s.messageIds[0]}#ct=3000&rt=5000&tt=15000&rc=3&rp=ct,rt,5xx`);
    });

    it("a stream entry delivered twice sends once", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now() });
      const entries = await publishDue();
      await run(deps(), [...entries, ...entries]);
      await Promise.all(entries.map((e) => sendMessage(deps(), e)));
      expect(sim.state.messages.filter((m) => m.to === s.phones[0])).toHaveLength(1);
    });

    it("counts accents as UCS-2 and charges every segment", async () => {
      const long = "Gracias por su visita, María. ¿Cómo calificaría la atención? Responda del 1 al 5, donde 5 es excelente y 1 es muy malo.";
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 10, body: () => long });
      await run(deps(), await publishDue());
      const m = await message(s.messageIds[0]!);
      expect(m.encoding).toBe("UCS2");
      expect(m.segments).toBe(2);
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 8 });
    });
  });

  describe("a send interrupted between the provider call and recording the sid", () => {
    it("is not sent again: the next attempt finds it at the provider and records it", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5 });
      // The provider takes the message, then the connection breaks before the answer arrives.
      const lossy = Object.create(twilio) as TwilioClient;
      Object.defineProperty(lossy, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          create: async (params: Parameters<TwilioClient["messages"]["create"]>[0]) => {
            await twilio.messages.create(params);
            throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
          },
        }),
      });
      await run(deps({ twilio: lossy }), await publishDue());
      let m = await message(s.messageIds[0]!);
      expect(m.status).toBe("SENDING");
      expect(m.provider_sid).toBeNull();
      const retry = await outboxOf(s.messageIds[0]!);
      expect(retry.status).toBe("pending");

      // Not before the first attempt can no longer be in flight.
      clock.advance(1000);
      expect(await publishDue()).toHaveLength(0);
      clock.advance(2500);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(1);
      m = await message(s.messageIds[0]!);
      expect(m.provider_sid).toBe(sim.state.messages[0]!.sid);
      expect((await outboxOf(s.messageIds[0]!)).status).toBe("done");
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 4, held: 0 });
    });

    it("is recorded and charged, not failed, when the owner removed its destination country meanwhile", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 573_001_250_000 });
      await orm.em.fork().execute(`update workspaces set extra_destination_countries = '["CO"]' where id = ?`, [s.workspaceId]);
      const lossy = Object.create(twilio) as TwilioClient;
      Object.defineProperty(lossy, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          create: async (params: Parameters<TwilioClient["messages"]["create"]>[0]) => {
            await twilio.messages.create(params);
            throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
          },
        }),
      });
      await run(deps({ twilio: lossy }), await publishDue());
      expect((await message(s.messageIds[0]!)).status).toBe("SENDING");
      await orm.em.fork().execute(`update workspaces set extra_destination_countries = '[]' where id = ?`, [s.workspaceId]);
      clock.advance(3500);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(1);
      const m = await message(s.messageIds[0]!);
      expect(m.provider_sid).toBe(sim.state.messages[0]!.sid);
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 4, held: 0 });
    });

    it("a create that timed out while the message stays queued (date_sent null) is found and not sent again", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 593_984_000_000 });
      // Twilio took the message and keeps it queued (no callback before 60 s); our call timed out.
      const slow = Object.create(twilio) as TwilioClient;
      Object.defineProperty(slow, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          create: async (params: Parameters<TwilioClient["messages"]["create"]>[0]) => {
            await twilio.messages.create(params);
            throw Object.assign(new Error("timeout of 2000ms exceeded"), { code: "ECONNABORTED" });
          },
        }),
      });
      await run(deps({ twilio: slow }), await publishDue());
      const queued = sim.state.messages.find((m) => m.to === s.phones[0])!;
      expect(queued.dateSent).toBeNull();
      // What the old verification asked finds nothing, exactly as at Twilio.
      expect(await twilio.messages.list({ to: s.phones[0]!, dateSentAfter: new Date(clock.now().getTime() - 60_000) })).toEqual([]);

      clock.advance(3500);
      await run(deps(), await publishDue());
      expect(sim.state.messages.filter((m) => m.to === s.phones[0])).toHaveLength(1);
      expect((await message(s.messageIds[0]!)).provider_sid).toBe(queued.sid);
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 4, held: 0 });
    });

    it("a timed-out create whose status callback already named our id is recorded from it, without listing", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 593_983_000_000 });
      const slow = Object.create(twilio) as TwilioClient;
      Object.defineProperty(slow, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          create: async (params: Parameters<TwilioClient["messages"]["create"]>[0]) => {
            const created = await twilio.messages.create(params);
            // The first callback (status "queued", ?m=<our id>) is stored before the answer is lost.
            await orm.em
              .fork()
              .execute(
                "insert into provider_status_events (provider_sid, status, rank, params, message_id, received_at, available_at) values (?, 'queued', 1, '{}'::jsonb, ?, now(), now())",
                [created.sid, s.messageIds[0]],
              );
            throw Object.assign(new Error("timeout of 2000ms exceeded"), { code: "ECONNABORTED" });
          },
        }),
      });
      await run(deps({ twilio: slow }), await publishDue());
      const blind = Object.create(twilio) as TwilioClient;
      Object.defineProperty(blind, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          list: async () => {
            throw new Error("the list must not be needed");
          },
        }),
      });
      clock.advance(3500);
      await run(deps({ twilio: blind }), await publishDue());
      expect(sim.state.messages.filter((m) => m.to === s.phones[0])).toHaveLength(1);
      expect((await message(s.messageIds[0]!)).provider_sid).toBe(sim.state.messages.find((m) => m.to === s.phones[0])!.sid);
      expect((await outboxOf(s.messageIds[0]!)).status).toBe("done");
    });

    it("is not sent again when a status callback records the sid while the provider is being asked", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 593_985_000_000 });
      const lossy = Object.create(twilio) as TwilioClient;
      Object.defineProperty(lossy, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          create: async (params: Parameters<TwilioClient["messages"]["create"]>[0]) => {
            await twilio.messages.create(params);
            throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
          },
        }),
      });
      await run(deps({ twilio: lossy }), await publishDue());
      // The verifying attempt: while it lists the provider's messages, the first attempt's status
      // callback lands and records the sid on this very message.
      const racing = Object.create(twilio) as TwilioClient;
      Object.defineProperty(racing, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          list: async (params: Parameters<TwilioClient["messages"]["list"]>[0]) => {
            const sid = sim.state.messages.find((m) => m.to === s.phones[0])!.sid;
            await orm.em.fork().execute("update messages set provider_sid = ?, status = 'DELIVERED' where id = ?", [sid, s.messageIds[0]]);
            return twilio.messages.list(params);
          },
        }),
      });
      clock.advance(3500);
      await run(deps({ twilio: racing }), await publishDue());
      expect(sim.state.messages.filter((m) => m.to === s.phones[0])).toHaveLength(1);
      expect((await outboxOf(s.messageIds[0]!)).status).toBe("done");
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 4, held: 0 });
    });

    it("is charged when the provider call fails but a status callback has already recorded it", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 593_986_000_000 });
      const lossy = Object.create(twilio) as TwilioClient;
      Object.defineProperty(lossy, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          create: async (params: Parameters<TwilioClient["messages"]["create"]>[0]) => {
            const created = await twilio.messages.create(params);
            // The delivery callback lands before the (lost) answer does.
            await orm.em.fork().execute("update messages set provider_sid = ?, status = 'DELIVERED' where id = ?", [created.sid, s.messageIds[0]]);
            throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
          },
        }),
      });
      await run(deps({ twilio: lossy }), await publishDue());
      expect(sim.state.messages.filter((m) => m.to === s.phones[0])).toHaveLength(1);
      expect((await outboxOf(s.messageIds[0]!)).status).toBe("done");
      expect((await message(s.messageIds[0]!)).credits_held).toBe(0);
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 4, held: 0 });
    });

    it("is sent once when the interrupted attempt never reached the provider", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now() });
      const broken = Object.create(twilio) as TwilioClient;
      Object.defineProperty(broken, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          create: async () => {
            throw Object.assign(new Error("timeout of 2000ms exceeded"), { code: "ECONNABORTED" });
          },
        }),
      });
      await run(deps({ twilio: broken }), await publishDue());
      expect(sim.state.messages).toHaveLength(0);
      clock.advance(3500);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(1);
      expect((await message(s.messageIds[0]!)).provider_sid).toBe(sim.state.messages[0]!.sid);
    });
  });

  describe("provider errors", () => {
    it("fails an invalid number at once with the code and a Spanish explanation, and charges nothing", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5 });
      sim.configure({ failRules: [{ to: s.phones[0]!, code: 21211 }] });
      await run(deps(), await publishDue());
      const m = await message(s.messageIds[0]!);
      expect(m.status).toBe("FAILED");
      expect(m.error_code).toBe(21211);
      expect(String(m.error_text)).toMatch(/número/i);
      expect((await outboxOf(s.messageIds[0]!)).status).toBe("done");
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 5, held: 0 });
    });

    it("21610 marks the contact opted out", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now() });
      sim.configure({ failRules: [{ to: s.phones[0]!, code: 21610 }] });
      await run(deps(), await publishDue());
      expect((await message(s.messageIds[0]!)).status).toBe("FAILED");
      const [c] = await orm.em.fork().execute<{ opted_out_at: Date | null; opted_out_source: string }[]>("select opted_out_at, opted_out_source from contacts where workspace_id = ? and phone = ?", [s.workspaceId, s.phones[0]]);
      expect(c!.opted_out_at).not.toBeNull();
      expect(c!.opted_out_source).toBe("provider:21610");
      // The consent history has the carrier's report as the patient's withdrawal on the message's channel.
      const events = await orm.em.fork().execute<{ action: string; source: string; channel: string; evidence: string }[]>(
        "select e.action, e.source, e.channel, e.evidence from consent_events e join contacts c on c.id = e.contact_id where c.workspace_id = ? and c.phone = ?",
        [s.workspaceId, s.phones[0]],
      );
      const [m] = await orm.em.fork().execute<{ channel: string }[]>("select channel from messages where id = ?", [s.messageIds[0]]);
      expect(events).toEqual([{ action: "WITHDRAWN", source: "REPLY", channel: m!.channel, evidence: "provider:21610" }]);
      // The workspace's webhooks hear of it (SPEC §15), written with the opt-out.
      const hooks = await orm.em.fork().execute<{ payload: { type: string; data: { source: string } } }[]>("select payload from outbox where workspace_id = ? and stream = 'webhooks'", [s.workspaceId]);
      expect(hooks.map((h) => [h.payload.type, h.payload.data.source])).toEqual([["contact.opted_out", "provider"]]);
    });

    it("retries a 429 with backoff through the outbox, then sends", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now() });
      sim.configure({ failRules: [{ to: s.phones[0]!, code: 429, times: 1 }] });
      await run(deps({ backoff: { baseMs: 2000, jitter: 0 } }), await publishDue());
      expect((await message(s.messageIds[0]!)).status).toBe("PENDING");
      const retry = await outboxOf(s.messageIds[0]!);
      expect(retry.status).toBe("pending");
      expect(new Date(retry.available_at as string).getTime()).toBe(clock.now().getTime() + 2000);
      clock.advance(2000);
      await run(deps(), await publishDue());
      expect((await message(s.messageIds[0]!)).status).toBe("QUEUED");
      expect(sim.state.messages).toHaveLength(1);
    });
  });

  describe("a provider outage (connections refused: nothing was sent)", () => {
    /** A client whose every request meets a refused connection: a port nobody listens on any more. */
    async function refusingClient(): Promise<TwilioClient> {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as net.AddressInfo;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    }

    /**
     * Runs the message each time its outbox row comes due (as the relay would) while the provider
     * refuses connections, until `forMs` have passed or the row stops waiting. Returns the waits
     * between attempts, in seconds, and checks what must hold during every wait.
     */
    async function refuseFor(messageId: string, forMs: number, d: SendDeps, heldDuringWait: number): Promise<number[]> {
      const end = clock.now().getTime() + forMs;
      const waits: number[] = [];
      let last = clock.now().getTime();
      await run(d, await publishDue());
      while (true) {
        const o = await outboxOf(messageId);
        if (o.status !== "pending") break;
        // A new publication later, not a redelivery: pending, with the message waiting and its credits held.
        const m = await message(messageId);
        expect(m.status).toBe("PENDING");
        expect((await getCreditBalance(orm.em.fork(), String(m.workspace_id))).held).toBe(heldDuringWait);
        const due = new Date(o.available_at as string).getTime();
        waits.push((due - last) / 1000);
        if (due >= end) break;
        clock.set(new Date(due));
        last = due;
        await run(d, await publishDue());
      }
      return waits;
    }

    it("retries with capped backoff while the provider refuses connections, then sends once when it is back", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 593_987_000_000 });
      const id = s.messageIds[0]!;
      const held = (await getCreditBalance(orm.em.fork(), s.workspaceId)).held;
      const start = clock.now().getTime();
      const down = deps({ twilio: await refusingClient(), backoff: { jitter: 0 } });

      // Half an hour of refused connections: the message waits instead of failing.
      const waits = await refuseFor(id, 30 * 60_000, down, held);
      expect(waits).toEqual([15, 30, 60, 120, 240, 480, 600, 600]);
      let m = await message(id);
      expect(m.status).toBe("PENDING");
      expect(m.retry_failures).toBe(8);
      expect(m.retry_reason).toBe("refused");
      expect(new Date(m.retry_since as string).getTime()).toBe(start);
      expect(new Date(m.next_retry_at as string).getTime()).toBe(new Date((await outboxOf(id)).available_at as string).getTime());
      expect(sim.state.messages).toHaveLength(0);

      // Twilio is back: the next due attempt sends it, exactly once.
      clock.set(new Date(m.next_retry_at as string));
      await run(deps(), await publishDue());
      expect(sim.state.messages.filter((x) => x.to === s.phones[0])).toHaveLength(1);
      m = await message(id);
      expect(m.status).toBe("QUEUED");
      expect(m.provider_sid).toBe(sim.state.messages[0]!.sid);
      expect(m.send_attempts).toBe(9);
      expect((await outboxOf(id)).status).toBe("done");
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 4, held: 0 });
      // A stale copy of an earlier entry changes nothing.
      clock.advance(60_000);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(1);
    });

    it("fails after the retry window with what happened, and gives the credits back", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 593_988_000_000 });
      const id = s.messageIds[0]!;
      const before = await getCreditBalance(orm.em.fork(), s.workspaceId);
      const start = clock.now().getTime();
      const down = deps({ twilio: await refusingClient(), backoff: { jitter: 0 } });

      const waits = await refuseFor(id, 7 * 3_600_000, down, before.held);
      // The last attempt lands on the window's end (6 h after the first failure), not past it.
      expect(waits.reduce((a, b) => a + b, 0)).toBe(6 * 3600);
      const m = await message(id);
      expect(m.status).toBe("FAILED");
      expect(m.retry_failures).toBe(42);
      expect(m.error_code).toBeNull();
      expect(m.error_text).toBe("No se pudo enviar: Twilio no estuvo disponible durante 6 horas (42 intentos).");
      expect(new Date(m.failed_at as string).getTime()).toBe(start + 6 * 3_600_000);
      expect(m.next_retry_at).toBeNull();
      expect(m.credits_held).toBe(0);
      expect((await outboxOf(id)).status).toBe("done");
      expect(sim.state.messages).toHaveLength(0);
      const [p] = await orm.em.fork().execute<{ status: string }[]>("select p.status from patients p join messages m on m.patient_id = p.id where m.id = ?", [id]);
      expect(p!.status).toBe("FAILED");
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: before.available + before.held, held: 0 });
    });

    it("a timeout keeps verify-before-resend; while the provider cannot even be asked, the entry is rescheduled, not failed until dead-lettered", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 593_990_000_000 });
      const id = s.messageIds[0]!;
      const timingOut = Object.create(twilio) as TwilioClient;
      Object.defineProperty(timingOut, "messages", {
        value: Object.assign(Object.create(twilio.messages), {
          create: async () => {
            throw Object.assign(new Error("timeout of 2000ms exceeded"), { code: "ETIMEDOUT" });
          },
        }),
      });
      await run(deps({ twilio: timingOut }), await publishDue());
      expect((await message(id)).status).toBe("SENDING");

      // Twilio goes down: every question about the attempt is refused for half an hour.
      const down = deps({ twilio: await refusingClient() });
      const end = clock.now().getTime() + 30 * 60_000;
      let asked = 0;
      while (clock.now().getTime() < end) {
        const o = await outboxOf(id);
        expect(o.status).toBe("pending");
        clock.set(new Date(o.available_at as string));
        await run(down, await publishDue());
        asked++;
        const m = await message(id);
        expect(m.status).toBe("SENDING");
        expect(m.provider_sid).toBeNull();
      }
      // Asked again and again, further apart each time (capped), never sent blind.
      expect(asked).toBeGreaterThan(4);
      expect(asked).toBeLessThan(20);
      expect(sim.state.messages).toHaveLength(0);

      // Back: the provider has nothing from the first attempt, so it is sent once and charged once.
      clock.set(new Date((await outboxOf(id)).available_at as string));
      await run(deps(), await publishDue());
      expect(sim.state.messages.filter((x) => x.to === s.phones[0])).toHaveLength(1);
      expect((await message(id)).provider_sid).toBe(sim.state.messages[0]!.sid);
      expect((await outboxOf(id)).status).toBe("done");
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 4, held: 0 });
    });

    it("waits out a failed TLS handshake (no request data is written before it completes) like a refusal", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 593_991_000_000 });
      // TLS to a plain-HTTP port: the handshake fails with the codes Node really reports.
      const plain = new URL(simUrl);
      const tls = createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: `https://127.0.0.1:${plain.port}`, timeoutMs: 2000 });
      await run(deps({ twilio: tls, backoff: { jitter: 0 } }), await publishDue());
      const m = await message(s.messageIds[0]!);
      expect(m.status).toBe("PENDING");
      expect(m.retry_reason).toBe("tls");
      expect(sim.state.messages).toHaveLength(0);
      expect(new Date((await outboxOf(s.messageIds[0]!)).available_at as string).getTime()).toBe(clock.now().getTime() + 15_000);
    });

    it("does not send a message whose campaign was cancelled while it waited, and releases its hold", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 593_989_000_000 });
      const id = s.messageIds[0]!;
      const before = await getCreditBalance(orm.em.fork(), s.workspaceId);
      await run(deps({ twilio: await refusingClient(), backoff: { jitter: 0 } }), await publishDue());
      expect((await message(id)).status).toBe("PENDING");
      await orm.em.fork().execute("update campaigns set status = 'CANCELLED' where id = ?", [s.campaignId]);
      clock.advance(15_000);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(0);
      expect((await message(id)).status).toBe("CANCELED");
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: before.available + before.held, held: 0 });
    });
  });

  describe("eligibility at send time", () => {
    it("fails a message to a country the workspace does not allow, says why, sends nothing and releases its hold; an owner's addition lets it go", async () => {
      // A Colombian mobile: the workspace's own country is Ecuador, and nothing else is allowed by default.
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 573_001_230_000 });
      const before = await getCreditBalance(orm.em.fork(), s.workspaceId);
      expect(before.held).toBe(1);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(0);
      const m = await message(s.messageIds[0]!);
      expect(m.status).toBe("FAILED");
      expect(m.error_text).toContain("País de destino no permitido (CO)");
      expect(m.error_text).toContain("Destination country not allowed (CO)");
      expect((await outboxOf(s.messageIds[0]!)).status).toBe("done");
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: before.available + before.held, held: 0 });

      const again = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5, phoneBase: 573_001_240_000 });
      await orm.em.fork().execute(`update workspaces set extra_destination_countries = '["CO"]' where id = ?`, [again.workspaceId]);
      await run(deps(), await publishDue());
      expect(sim.state.messages.map((x) => x.to)).toEqual(again.phones);
    });

    it("cancels a message to a contact who opted out meanwhile, and releases its credits", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 5 });
      await orm.em.fork().execute("update contacts set opted_out_at = now() where workspace_id = ? and phone = ?", [s.workspaceId, s.phones[0]]);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(0);
      expect((await message(s.messageIds[0]!)).status).toBe("CANCELED");
      expect((await outboxOf(s.messageIds[0]!)).status).toBe("done");
    });

    it("does not send while paused (global or workspace) and sends once resumed", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now() });
      paused = true;
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(0);
      paused = false;
      await orm.em.fork().execute("update workspaces set sending_paused = true where id = ?", [s.workspaceId]);
      clock.advance(60_000);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(0);
      await orm.em.fork().execute("update workspaces set sending_paused = false where id = ?", [s.workspaceId]);
      clock.advance(60_000);
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(1);
    });

    it("fails a chargeable message when credits run out, without sending", async () => {
      const s = await createScenario(orm, { patients: 2, dueAt: clock.now(), credits: 1, holdAtCreation: false });
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(1);
      const statuses = await Promise.all(s.messageIds.map(async (id) => (await message(id)).status));
      expect(statuses.sort()).toEqual(["FAILED", "QUEUED"]);
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toMatchObject({ available: 0 });
    });
  });

  describe("WhatsApp", () => {
    it("uses the approved template outside the 24-hour window", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), channel: "WHATSAPP", whatsappContentSids: { INITIAL: "HX0123456789abcdef0123456789abcdef" } });
      await orm.em.fork().execute(`update messages set content_variables = '{"1":"María"}'::jsonb where id = ?`, [s.messageIds[0]]);
      await run(deps(), await publishDue());
      const sent = sim.state.messages[0]!;
      expect(sent.to).toBe(`whatsapp:${s.phones[0]}`);
      expect(sent.contentSid).toBe("HX0123456789abcdef0123456789abcdef");
      expect(JSON.parse(sent.contentVariables!)).toEqual({ "1": "María" });
      expect((await message(s.messageIds[0]!)).segments).toBe(1);
    });

    it("a workspace without templates of its own sends the platform's, in the patient's language", async () => {
      const s = await createScenario(orm, { patients: 2, dueAt: clock.now(), channel: "WHATSAPP", phoneBase: 593_983_000_000 });
      await orm.em.fork().execute("update patients set language = 'en' where workspace_id = ? and phone = ?", [s.workspaceId, s.phones[1]]);
      await run(deps({ defaults: { whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS } }), await publishDue());
      const sidTo = (phone: string) => sim.state.messages.find((m) => m.to === `whatsapp:${phone}`)?.contentSid;
      expect(sidTo(s.phones[0]!)).toBe(LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL);
      expect(sidTo(s.phones[1]!)).toBe(LOCAL_PLATFORM_CONTENT_SIDS.en.INITIAL);
      for (const id of s.messageIds) expect((await message(id)).status).not.toBe("FAILED");
    });

    it("a template the provider does not know fails the message with Twilio's 21655 instead of retrying", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), channel: "WHATSAPP", phoneBase: 593_984_000_000, whatsappContentSids: { INITIAL: "HX" + "9".repeat(32) } });
      await run(deps(), await publishDue());
      expect(sim.state.messages).toHaveLength(0);
      const failed = await message(s.messageIds[0]!);
      expect(failed.status).toBe("FAILED");
      expect(failed.error_code).toBe(21655);
    });

    it("sends free text inside the window, and fails clearly outside it without a template", async () => {
      const inside = await createScenario(orm, { patients: 1, dueAt: clock.now(), channel: "WHATSAPP", phoneBase: 593_981_000_000 });
      await orm.em.fork().execute(`update contacts set last_inbound_at = jsonb_build_object('whatsapp:+14155238886', ?::text) where workspace_id = ? and phone = ?`, [new Date(clock.now().getTime() - 3600_000).toISOString(), inside.workspaceId, inside.phones[0]]);
      await sim.inbound({ from: `whatsapp:${inside.phones[0]}`, to: "whatsapp:+14155238886", body: "hola" });
      const outside = await createScenario(orm, { patients: 1, dueAt: clock.now(), channel: "WHATSAPP", phoneBase: 593_982_000_000 });
      await run(deps(), await publishDue());
      expect(sim.state.messages.map((m) => m.to)).toEqual([`whatsapp:${inside.phones[0]}`]);
      expect(sim.state.messages[0]!.contentSid).toBeNull();
      const failed = await message(outside.messageIds[0]!);
      expect(failed.status).toBe("FAILED");
      expect(String(failed.error_text)).toContain("24 horas");
    });
  });

  describe("credits of the rating request", () => {
    it("charges the request's own segments and keeps its follow-up share held", async () => {
      const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), holdAtCreation: false, credits: 10, phoneBase: 593_984_000_000 });
      const id = s.messageIds[0]!;
      // As campaign creation does: the request (1 segment) plus one follow-up (1 segment).
      await holdCredits(orm.em.fork(), { workspaceId: s.workspaceId, amount: 2, reference: `message:${id}` });
      await orm.em.fork().execute("update messages set credits_held = 2 where id = ?", [id]);
      await run(deps(), await publishDue());
      expect(sim.state.messages.filter((m) => m.to === s.phones[0])).toHaveLength(1);
      expect(await heldCredits(orm.em.fork(), s.workspaceId, `message:${id}`)).toBe(1);
      expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toEqual({ available: 8, held: 1 });
    });
  });

  describe("rate limits", () => {
    it("books each message its own slot of the sender and reschedules it through the outbox until then", async () => {
      const s = await createScenario(orm, { patients: 3, dueAt: clock.now() });
      const limiter = new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}rl-${m}:` });
      await run(deps({ rateLimiter: limiter }), await publishDue());
      expect(sim.state.messages).toHaveLength(1);
      const waiting = await orm.em.fork().execute<{ status: string; available_at: Date }[]>("select status, available_at from outbox where workspace_id = ? and status = 'pending' and type = 'message.send'", [s.workspaceId]);
      expect(waiting).toHaveLength(2);
      // Each waits for its own booked slot, one second apart, and carries it in its payload. The slots
      // are booked on Redis's clock and scheduled as a delay from the test clock, so real time spent
      // between the two (hundreds of ms on busy cores) shortens what is seen here.
      const slots = waiting.map((w) => new Date(w.available_at).getTime() - clock.now().getTime()).sort((a, b) => a - b);
      expect(slots[0]).toBeGreaterThanOrEqual(500);
      expect(slots[0]).toBeLessThanOrEqual(1_000);
      expect(slots[1]! - slots[0]!).toBeGreaterThanOrEqual(500);
      // At the second slot both waiting messages go out: a message back for its slot is not booked again.
      clock.advance(slots[1]!);
      await run(deps({ rateLimiter: limiter }), await publishDue());
      expect(sim.state.messages).toHaveLength(3);
      const [counted] = await orm.em.fork().execute<{ n: number }[]>("select count(*)::int as n from outbox where workspace_id = ? and status = 'done' and type = 'message.send' and payload->>'rateSlotAt' is not null", [s.workspaceId]);
      expect(counted?.n).toBe(2);
    });

    it("wakes the relays at commit when it puts a row back for its slot (NOTIFY outbox), instead of leaving it to their poll", async () => {
      const s = await createScenario(orm, { patients: 2, dueAt: clock.now(), phoneBase: 593_984_000_000 });
      const limiter = new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}rl-wake-${m}:` });
      // The sender's burst is taken already: both messages wait, nothing is sent (a send would insert
      // its reminder, and an insert NOTIFYs by trigger on its own).
      await limiter.reserve("+15005550006", 1);
      const listener = new pg.Client({ connectionString: db.url });
      await listener.connect();
      try {
        let notified = 0;
        listener.on("notification", (n) => void (n.channel === "outbox" && notified++));
        await listener.query("LISTEN outbox");
        await run(deps({ rateLimiter: limiter }), await publishDue());
        const deadline = Date.now() + 5000;
        while (notified === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(sim.state.messages.filter((x) => s.phones.includes(x.to))).toHaveLength(0);
        const [waiting] = await orm.em.fork().execute<{ n: number }[]>("select count(*)::int as n from outbox where workspace_id = ? and status = 'pending' and available_at > ? and type = 'message.send'", [s.workspaceId, clock.now()]);
        expect(waiting?.n).toBe(2);
        expect(notified).toBeGreaterThan(0);
      } finally {
        await listener.end();
      }
    });

    it("a message back long after its slot books a new one instead of bursting", async () => {
      const s = await createScenario(orm, { patients: 2, dueAt: clock.now(), phoneBase: 593_983_000_000 });
      const limiter = new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}rl-late-${m}:` });
      await run(deps({ rateLimiter: limiter }), await publishDue());
      expect(sim.state.messages.filter((m) => s.phones.includes(m.to))).toHaveLength(1);
      const before = await orm.em.fork().execute<{ slot: string }[]>("select payload->>'rateSlotAt' as slot from outbox where workspace_id = ? and status = 'pending' and type = 'message.send'", [s.workspaceId]);
      // A worker outage: the message comes back a minute after its slot.
      clock.advance(60_000);
      await run(deps({ rateLimiter: limiter }), await publishDue());
      expect(sim.state.messages.filter((m) => s.phones.includes(m.to))).toHaveLength(1);
      const after = await orm.em.fork().execute<{ slot: string }[]>("select payload->>'rateSlotAt' as slot from outbox where workspace_id = ? and status = 'pending' and type = 'message.send'", [s.workspaceId]);
      expect(after).toHaveLength(1);
      expect(Number(after[0]!.slot)).toBeGreaterThan(Number(before[0]!.slot) + 60_000);
    });
  });
});

afterEach(async () => {
  // Each test's scenario is its own workspace; leftover due rows must not leak into the next test.
  await orm.em.fork().execute("update outbox set status = 'cancelled' where status in ('pending', 'published')");
});
