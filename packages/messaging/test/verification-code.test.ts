// A sign-up verification code (decision 024) goes through the send protocol like any message: the
// platform's SMS sender and status callback, no credits (the workspace has none yet), the destination
// allowlist at send time, and a create that timed out found at the provider instead of sent twice.
import type { MikroORM } from "@mikro-orm/postgresql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { initOrm } from "@rm/db";
import { ManualClock } from "@rm/domain";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import type { StreamEntry } from "@rm/streams";
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { createTwilioClient, type TwilioClient } from "@rm/twilio";
import { SenderRateLimiter } from "../src/rate-limit.ts";
import { sendMessage, type SendDeps } from "../src/send/send-message.ts";
import { sendMessageBatch } from "../src/send/send-batch.ts";
import { enqueueVerificationCode, verificationCodeStatus } from "../src/index.ts";
import { findRoute } from "../src/handlers/store-inbound.ts";

const ACCOUNT = "AC00000000000000000000000000000000";
const TOKEN = "simulator-token";
let db: TestDatabase;
let orm: MikroORM;
let redis: TestRedis;
let sim: Simulator;
let twilio: TwilioClient;
let clock: ManualClock;
const silent = { info() {}, warn() {}, error() {} };

beforeAll(async () => {
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
});
beforeEach(() => {
  sim.reset();
  clock = new ManualClock(new Date());
});

function deps(overrides: Partial<SendDeps> = {}): SendDeps {
  return {
    orm,
    clock,
    logger: silent,
    twilio,
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl: "https://rm.example.com",
    defaults: { smsFrom: "+15005550006" },
    globalPaused: () => false,
    sdkTimeoutMs: 2000,
    inFlightMarginMs: 1000,
    ...overrides,
  };
}

async function publishDue(): Promise<StreamEntry[]> {
  const rows = await orm.em.fork().execute<{ id: string; type: string; workspace_id: string | null; payload: unknown }[]>(
    "update outbox set status = 'published', published_at = ? where status = 'pending' and available_at <= ? returning id::text as id, type, workspace_id::text as workspace_id, payload",
    [clock.now(), clock.now()],
  );
  return rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
}

/** A workspace as sign-up leaves it before the code: no user, no credits, its own country EC. */
async function pendingWorkspace(): Promise<string> {
  const [w] = await orm.em.fork().execute<{ id: string }[]>("insert into workspaces (id, name) values (gen_random_uuid(), 'Clínica Código') returning id");
  return w!.id;
}

async function enqueue(workspaceId: string, to: string): Promise<string> {
  return orm.em.fork().transactional((em) => enqueueVerificationCode(em, { workspaceId, to, body: "Reputation Manager: su código es 123456.", now: clock.now() }));
}

const row = async (id: string) => (await orm.em.fork().execute<Record<string, unknown>[]>("select * from messages where id = ?", [id]))[0]!;
const ledger = async (workspaceId: string) => orm.em.fork().execute("select * from credit_ledger_entries where workspace_id = ?", [workspaceId]);

describe.each(["one by one", "batched"] as const)("a sign-up code, %s", (mode) => {
  async function run(d: SendDeps, entries: StreamEntry[]) {
    if (mode === "one by one") {
      for (const e of entries) await sendMessage(d, e);
      return;
    }
    const outcomes = await sendMessageBatch(d, entries);
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) throw failed.error;
  }

  it("goes out from the platform's SMS sender with its status callback, free of credits", async () => {
    const w = await pendingWorkspace();
    const id = await enqueue(w, "+593991110001");
    expect(await verificationCodeStatus(orm.em, w, id)).toBe("waiting");
    await run(deps(), await publishDue());
    expect(sim.state.messages).toHaveLength(1);
    expect(sim.state.messages[0]).toMatchObject({ to: "+593991110001", from: "+15005550006", body: "Reputation Manager: su código es 123456." });
    expect(sim.state.messages[0]!.statusCallback).toBe(`https://rm.example.com/webhooks/twilio/status?m=${id}`);
    expect(await row(id)).toMatchObject({ provider_sid: sim.state.messages[0]!.sid, status: "QUEUED", credits_held: 0 });
    expect(await ledger(w)).toEqual([]);
    expect(await verificationCodeStatus(orm.em, w, id)).toBe("sent");
  });

  it("fails, sending nothing, when its number is outside the workspace's countries at send time", async () => {
    const w = await pendingWorkspace();
    const id = await enqueue(w, "+573001234567");
    await run(deps(), await publishDue());
    expect(sim.state.messages).toHaveLength(0);
    expect(await row(id)).toMatchObject({ status: "FAILED" });
    expect(String((await row(id)).error_text)).toMatch(/País de destino no permitido \(CO\)/);
    expect(await verificationCodeStatus(orm.em, w, id)).toBe("failed");
  });

  it("is not sent twice when the create call timed out after the provider took it", async () => {
    const w = await pendingWorkspace();
    const id = await enqueue(w, "+593991110002");
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
    expect(await row(id)).toMatchObject({ status: "SENDING", provider_sid: null });
    clock.advance(3500);
    await run(deps(), await publishDue());
    expect(sim.state.messages).toHaveLength(1);
    expect(await row(id)).toMatchObject({ provider_sid: sim.state.messages[0]!.sid });
  });
});

describe("a reply to a sign-up code", () => {
  it("is routed to no patient", async () => {
    const w = await pendingWorkspace();
    const id = await enqueue(w, "+593991110003");
    await sendMessage(deps(), (await publishDue())[0]!);
    expect((await row(id)).from_address).toBe("+15005550006");
    expect(await findRoute(orm.em.fork(), "+593991110003", "+15005550006")).toBeNull();
  });
});
