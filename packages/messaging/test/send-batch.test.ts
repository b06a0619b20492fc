// The send protocol per stream batch (sendMessageBatch): what the worker runs. send-message.test.ts runs
// every one-message scenario through it too; these are the scenarios only a batch has.
import type { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { initOrm } from "@rm/db";
import { getCreditBalance, heldCredits } from "@rm/credits";
import { ManualClock } from "@rm/domain";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import type { StreamEntry } from "@rm/streams";
import { createScenario, createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { startTelemetry, type Telemetry } from "@rm/telemetry";
import { createTwilioClient, type TwilioClient } from "@rm/twilio";
import { SenderRateLimiter } from "../src/rate-limit.ts";
import { sendMessageBatch } from "../src/send/send-batch.ts";
import type { SendDeps } from "../src/send/send-message.ts";

const ACCOUNT = "AC00000000000000000000000000000000";
const TOKEN = "simulator-token";
/** A trace of its own per entry, as the relay hands them out. */
const traceIdOf = (i: number) => `4bf92f3577b34da6a3ce929d${(i + 1).toString(16).padStart(8, "0")}`;
let telemetry: Telemetry;
let db: TestDatabase;
let orm: MikroORM;
let redis: TestRedis;
let sim: Simulator;
let twilio: TwilioClient;
let clock: ManualClock;
const silent = { info() {}, warn() {}, error() {} };

beforeAll(async () => {
  // Spans and trace context as in the worker process.
  telemetry = await startTelemetry({ serviceName: "send-batch-test", metricsPort: 0, host: "127.0.0.1" });
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url });
  redis = await createTestRedis();
  sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN], callbackDelayMs: 60_000 });
  const { url } = await sim.listen(0, "127.0.0.1");
  twilio = createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: url, timeoutMs: 2000 });
});
afterAll(async () => {
  await sim.close();
  await redis.cleanup();
  await orm.close(true);
  await db.drop();
  await telemetry.shutdown();
});
beforeEach(() => {
  sim.reset();
  clock = new ManualClock(new Date());
});
afterEach(async () => {
  await orm.em.fork().execute("update outbox set status = 'cancelled' where status in ('pending', 'published')");
});

/** Counts the transactions a batch opens, and can make the n-th (from 1) fail as a lost connection would. */
function watchedOrm(o: { fail?: (n: number) => boolean } = {}): { orm: MikroORM; transactions: () => number } {
  let count = 0;
  const fork = () => {
    const em = orm.em.fork();
    return new Proxy(em, {
      get(target, prop, receiver) {
        if (prop === "transactional") {
          return (fn: Parameters<typeof em.transactional>[0]) => {
            count++;
            if (o.fail?.(count)) return Promise.reject(new Error("Connection terminated unexpectedly"));
            return target.transactional(fn);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  };
  const wrapped = new Proxy(orm, {
    get(target, prop, receiver) {
      if (prop === "em") return new Proxy(target.em, { get: (t, p, r) => (p === "fork" ? fork : Reflect.get(t, p, r)) });
      return Reflect.get(target, prop, receiver);
    },
  });
  return { orm: wrapped, transactions: () => count };
}

function deps(overrides: Partial<SendDeps> = {}): SendDeps {
  return {
    orm,
    clock,
    logger: silent,
    twilio,
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl: "https://rm.example.com",
    defaults: {},
    globalPaused: () => false,
    sdkTimeoutMs: 2000,
    inFlightMarginMs: 1000,
    backoff: { baseMs: 2000, jitter: 0 },
    pausedRetryMs: 60_000,
    ...overrides,
  };
}

/** What the relay does: claim due rows, mark them published, hand out their stream entries (each with a trace). */
async function publishDue(): Promise<StreamEntry[]> {
  const rows = await orm.em.fork().execute<{ id: string; type: string; workspace_id: string | null; payload: unknown }[]>(
    "update outbox set status = 'published', published_at = ? where status = 'pending' and available_at <= ? and type = 'message.send' returning id::text as id, type, workspace_id::text as workspace_id, payload",
    [clock.now(), clock.now()],
  );
  return rows.map((r, i) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: `00-${traceIdOf(i)}-${(i + 1).toString(16).padStart(16, "0")}-01` }));
}

async function message(id: string) {
  const [m] = await orm.em.fork().execute<Record<string, unknown>[]>("select * from messages where id = ?", [id]);
  return m!;
}

async function outboxOf(messageId: string) {
  const [o] = await orm.em.fork().execute<Record<string, unknown>[]>("select * from outbox where payload->>'messageId' = ?", [messageId]);
  return o!;
}

async function deductionsOf(workspaceId: string): Promise<Map<string, number>> {
  const rows = await orm.em.fork().execute<{ reference: string; n: number }[]>("select reference, count(*)::int as n from credit_ledger_entries where workspace_id = ? and kind = 'deduct' group by reference", [workspaceId]);
  return new Map(rows.map((r) => [r.reference, r.n]));
}

describe("a batch of plain sends", () => {
  it("sends each once and records, charges, completes and schedules the reminders in two transactions", async () => {
    const s = await createScenario(orm, { patients: 40, dueAt: clock.now(), credits: 100, phoneBase: 593_960_000_000 });
    const watched = watchedOrm();
    const entries = await publishDue();
    const outcomes = await sendMessageBatch(deps({ orm: watched.orm }), entries);

    expect(outcomes.every((o) => o.ok)).toBe(true);
    // One to prepare the whole batch, one to record it.
    expect(watched.transactions()).toBe(2);
    expect(sim.state.messages).toHaveLength(40);
    expect(new Set(sim.state.messages.map((m) => m.to)).size).toBe(40);
    for (const [i, id] of s.messageIds.entries()) {
      const m = await message(id);
      const sent = sim.state.messages.find((x) => x.to === s.phones[i])!;
      expect(m.provider_sid).toBe(sent.sid);
      expect(m.status).toBe("QUEUED");
      expect(m.segments).toBe(1);
      expect(m.credits_held).toBe(0);
      expect(m.send_attempts).toBe(1);
      expect((await outboxOf(id)).status).toBe("done");
    }
    expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toEqual({ available: 60, held: 0 });
    const deductions = await deductionsOf(s.workspaceId);
    expect(deductions.size).toBe(40);
    expect([...deductions.values()].every((n) => n === 1)).toBe(true);
    const patients = await orm.em.fork().execute<{ status: string }[]>("select status from patients where workspace_id = ?", [s.workspaceId]);
    expect(patients.every((p) => p.status === "SENT")).toBe(true);
    // Each reminder continues the trace of its own send.
    const reminders = await orm.em.fork().execute<{ trace_context: string | null }[]>("select trace_context from outbox where workspace_id = ? and type = 'feedback.reminder'", [s.workspaceId]);
    expect(reminders).toHaveLength(40);
    expect(new Set(reminders.map((r) => r.trace_context?.split("-")[1]))).toEqual(new Set(entries.map((_, i) => traceIdOf(i))));

    // The same entries delivered again (a redelivery after a lost XACK): nothing is sent or charged twice.
    const again = await sendMessageBatch(deps(), entries);
    expect(again.every((o) => o.ok)).toBe(true);
    expect(sim.state.messages).toHaveLength(40);
    expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toEqual({ available: 60, held: 0 });
  });

  it("costs the same 18 statements for 10 sends as for 40 (decision 007: 5 to prepare, 13 to record: the send and its settled hold in one update)", async () => {
    // Every statement of the ORM's pool goes through pg.Client#query.
    let statements = 0;
    const query = pg.Client.prototype.query;
    const counting = function (this: pg.Client, ...args: unknown[]) {
      statements++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    };
    const countBatch = async (patients: number, phoneBase: number): Promise<number> => {
      const s = await createScenario(orm, { patients, dueAt: clock.now(), credits: 100, phoneBase });
      const entries = await publishDue();
      statements = 0;
      (pg.Client.prototype as { query: unknown }).query = counting;
      try {
        expect((await sendMessageBatch(deps(), entries)).every((o) => o.ok)).toBe(true);
      } finally {
        pg.Client.prototype.query = query;
      }
      expect(sim.state.messages.filter((m) => s.phones.includes(m.to))).toHaveLength(patients);
      return statements;
    };
    expect(await countBatch(10, 593_962_000_000)).toBe(18);
    expect(await countBatch(40, 593_963_000_000)).toBe(18);
  });

  it("books each message its own rate-limit slot, in batch order, and sends only those due now", async () => {
    const s = await createScenario(orm, { patients: 4, dueAt: clock.now(), phoneBase: 593_961_000_000 });
    const limiter = new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}batch-rl:`, rates: { longCode: 2 } });
    await sendMessageBatch(deps({ rateLimiter: limiter }), await publishDue());
    // 2 per second with a burst of one second's worth: two now, the others at +0.5 s and +1 s.
    expect(sim.state.messages.filter((m) => s.phones.includes(m.to))).toHaveLength(2);
    const waiting = await orm.em.fork().execute<{ available_at: Date; slot: string }[]>(
      "select available_at, payload->>'rateSlotAt' as slot from outbox where workspace_id = ? and status = 'pending' and type = 'message.send' order by available_at",
      [s.workspaceId],
    );
    expect(waiting).toHaveLength(2);
    for (const w of waiting) expect(new Date(w.available_at).getTime()).toBe(Number(w.slot));
    const gap = Number(waiting[1]!.slot) - Number(waiting[0]!.slot);
    expect(gap).toBeGreaterThanOrEqual(450);
    clock.advance(Number(waiting[1]!.slot) - clock.now().getTime());
    await sendMessageBatch(deps({ rateLimiter: limiter }), await publishDue());
    expect(sim.state.messages.filter((m) => s.phones.includes(m.to))).toHaveLength(4);
  });
});

describe("a mixed batch", () => {
  it("a permanent error, a transient error, an opted-out contact and a paused workspace each end their own way; the others are sent", async () => {
    const a = await createScenario(orm, { patients: 6, dueAt: clock.now(), credits: 20, phoneBase: 593_962_000_000 });
    const paused = await createScenario(orm, { patients: 2, dueAt: clock.now(), credits: 20, phoneBase: 593_963_000_000 });
    const [ok0, permanent, transient, optedOut, ok4, ok5] = a.messageIds as [string, string, string, string, string, string];
    sim.configure({ failRules: [{ to: a.phones[1]!, code: 21211 }, { to: a.phones[2]!, code: 429, times: 1 }] });
    await orm.em.fork().execute("update contacts set opted_out_at = now() where workspace_id = ? and phone = ?", [a.workspaceId, a.phones[3]]);
    await orm.em.fork().execute("update workspaces set sending_paused = true where id = ?", [paused.workspaceId]);

    const entries = await publishDue();
    expect(entries).toHaveLength(8);
    const outcomes = await sendMessageBatch(deps(), entries);
    expect(outcomes.every((o) => o.ok)).toBe(true);

    const sentTo = sim.state.messages.map((m) => m.to).sort();
    expect(sentTo).toEqual([a.phones[0], a.phones[4], a.phones[5]].sort());
    for (const id of [ok0, ok4, ok5]) {
      expect((await message(id)).status).toBe("QUEUED");
      expect((await outboxOf(id)).status).toBe("done");
    }
    const failed = await message(permanent);
    expect(failed.status).toBe("FAILED");
    expect(failed.error_code).toBe(21211);
    expect((await outboxOf(permanent)).status).toBe("done");
    expect(await heldCredits(orm.em.fork(), a.workspaceId, `message:${permanent}`)).toBe(0);

    expect((await message(transient)).status).toBe("PENDING");
    const retry = await outboxOf(transient);
    expect(retry.status).toBe("pending");
    expect(new Date(retry.available_at as string).getTime()).toBe(clock.now().getTime() + 2000);
    expect(await heldCredits(orm.em.fork(), a.workspaceId, `message:${transient}`)).toBeGreaterThan(0);

    expect((await message(optedOut)).status).toBe("CANCELED");
    expect((await outboxOf(optedOut)).status).toBe("done");
    expect(await heldCredits(orm.em.fork(), a.workspaceId, `message:${optedOut}`)).toBe(0);

    for (const id of paused.messageIds) {
      expect((await message(id)).status).toBe("PENDING");
      const o = await outboxOf(id);
      expect(o.status).toBe("pending");
      expect(new Date(o.available_at as string).getTime()).toBe(clock.now().getTime() + 60_000);
    }
    // Three charged, the transient one still held, the failed and the cancelled ones given back.
    expect(await getCreditBalance(orm.em.fork(), a.workspaceId)).toEqual({ available: 20 - 3 - 1, held: 1 });
    expect(await getCreditBalance(orm.em.fork(), paused.workspaceId)).toEqual({ available: 18, held: 2 });

    // The transient one goes out on its retry; resuming the workspace sends its two.
    await orm.em.fork().execute("update workspaces set sending_paused = false where id = ?", [paused.workspaceId]);
    clock.advance(60_000);
    expect((await sendMessageBatch(deps(), await publishDue())).every((o) => o.ok)).toBe(true);
    expect(sim.state.messages.map((m) => m.to).sort()).toEqual([a.phones[0], a.phones[2], a.phones[4], a.phones[5], ...paused.phones].sort());
    expect(await getCreditBalance(orm.em.fork(), a.workspaceId)).toEqual({ available: 16, held: 0 });
    expect(await getCreditBalance(orm.em.fork(), paused.workspaceId)).toEqual({ available: 18, held: 0 });
  });

  it("an entry for a message of another workspace or with an unreadable payload is parked alone", async () => {
    const s = await createScenario(orm, { patients: 3, dueAt: clock.now(), phoneBase: 593_964_000_000 });
    const other = await createScenario(orm, { patients: 1, dueAt: new Date(clock.now().getTime() + 3600_000), phoneBase: 593_965_000_000 });
    const entries = await publishDue();
    const forged: StreamEntry = { ...entries[0]!, payload: JSON.stringify({ messageId: s.messageIds[0] }), workspaceId: other.workspaceId };
    const unreadable: StreamEntry = { ...entries[1]!, payload: "{not json" };
    const outcomes = await sendMessageBatch(deps(), [forged, unreadable, entries[2]!]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(sim.state.messages.map((m) => m.to)).toEqual([s.phones[2]]);
    expect((await orm.em.fork().execute<{ status: string }[]>("select status from outbox where id = ?", [entries[0]!.outboxId]))[0]!.status).toBe("cancelled");
    expect((await orm.em.fork().execute<{ status: string }[]>("select status from outbox where id = ?", [entries[1]!.outboxId]))[0]!.status).toBe("cancelled");
  });
});

describe("a crash between the provider calls and recording the batch", () => {
  it("sends nothing twice: the next delivery waits until no call can be in flight, finds every sid at the provider and charges once", async () => {
    const s = await createScenario(orm, { patients: 12, dueAt: clock.now(), credits: 50, phoneBase: 593_966_000_000 });
    const entries = await publishDue();
    // The worker prepares the batch and calls the provider, then loses the database for good (killed).
    const crashing = watchedOrm({ fail: (n) => n > 1 });
    const outcomes = await sendMessageBatch(deps({ orm: crashing.orm }), entries);
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    expect(sim.state.messages).toHaveLength(12);
    for (const id of s.messageIds) {
      const m = await message(id);
      expect(m.status).toBe("SENDING");
      expect(m.provider_sid).toBeNull();
    }

    // Another worker claims the entries at once: the attempts may still be in flight, so it waits.
    expect((await sendMessageBatch(deps(), entries)).every((o) => o.ok)).toBe(true);
    expect(sim.state.messages).toHaveLength(12);
    for (const id of s.messageIds) expect((await outboxOf(id)).status).toBe("pending");

    // Past the SDK timeout and margin: it asks the provider, which has every one of them.
    clock.advance(3500);
    const again = await publishDue();
    expect(again).toHaveLength(12);
    expect((await sendMessageBatch(deps(), again)).every((o) => o.ok)).toBe(true);
    expect(sim.state.messages).toHaveLength(12);
    for (const [i, id] of s.messageIds.entries()) {
      const m = await message(id);
      expect(m.provider_sid).toBe(sim.state.messages.find((x) => x.to === s.phones[i])!.sid);
      expect((await outboxOf(id)).status).toBe("done");
    }
    const deductions = await deductionsOf(s.workspaceId);
    expect(deductions.size).toBe(12);
    expect([...deductions.values()].every((n) => n === 1)).toBe(true);
    expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toEqual({ available: 38, held: 0 });
  });

  it("a batch record that fails records each send on its own, and every entry is done", async () => {
    const s = await createScenario(orm, { patients: 5, dueAt: clock.now(), credits: 50, phoneBase: 593_967_000_000 });
    // Only the batch's recording transaction (the second) fails; the one-by-one recordings succeed.
    const flaky = watchedOrm({ fail: (n) => n === 2 });
    const outcomes = await sendMessageBatch(deps({ orm: flaky.orm }), await publishDue());
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(sim.state.messages).toHaveLength(5);
    for (const id of s.messageIds) {
      expect((await message(id)).provider_sid).not.toBeNull();
      expect((await outboxOf(id)).status).toBe("done");
    }
    expect(await getCreditBalance(orm.em.fork(), s.workspaceId)).toEqual({ available: 45, held: 0 });
  });
});
