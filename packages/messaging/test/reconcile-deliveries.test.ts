import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Channel } from "@rm/db";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { createTwilioClient, type TwilioClient } from "@rm/twilio";
import { runPeriodic } from "../src/handlers/run-periodic.ts";
import { ensurePeriodicJobs, periodicKey, slotStart } from "../src/periodic/periodic-jobs.ts";
import { periodicOptions } from "../src/periodic/periodic-options.ts";
import { reconcileDeliveries } from "../src/periodic/reconcile-deliveries.ts";
import { type Harness, ledger, loadMessage, makeSentMessage, outboxRow, randomHex, type SentMessage, setupHarness } from "./handler-fixtures.ts";

const ACCOUNT = "AC" + "7c".repeat(16);
const TOKEN = "reconcile-test-token";
const SMS_FROM = "+15005550006";
const WA_FROM = "whatsapp:+14155238886";
const MINUTE = 60_000;

let h: Harness;
let sim: Simulator;
let client: TwilioClient;

beforeAll(async () => {
  h = await setupHarness(new Date().toISOString());
  sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN], callbackDelayMs: 2, failRules: [{ to: "+593990000008", code: 30008 }] });
  const { url } = await sim.listen(0);
  client = createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: url, timeoutMs: 5000 });
});
afterAll(async () => {
  await sim?.close();
  await h?.close();
});

/** Sends through the simulator (no callbacks reach us), then records the message as our sender would have. */
async function sentThroughSimulator(opts: { phone: string; channel: Channel; statusCallback?: string; attemptedMinutesAgo: number; dbStatus?: "QUEUED" | "SENT" | "UNDELIVERED"; credits?: number }) {
  const whatsapp = opts.channel === Channel.WHATSAPP;
  const created = await client.messages.create({
    to: whatsapp ? `whatsapp:${opts.phone}` : opts.phone,
    from: whatsapp ? WA_FROM : SMS_FROM,
    ...(whatsapp ? { contentSid: "HX" + "0".repeat(32) } : { body: "Hola, ¿cómo le fue?" }),
    ...(opts.statusCallback ? { statusCallback: opts.statusCallback } : {}),
  });
  const m = await makeSentMessage(h.orm, h.clock, {
    phone: opts.phone,
    channel: opts.channel,
    sender: whatsapp ? WA_FROM : SMS_FROM,
    providerSid: created.sid,
    status: opts.dbStatus ?? "QUEUED",
    sendAttemptedAt: new Date(h.clock.now().getTime() - opts.attemptedMinutesAgo * MINUTE),
    ...(opts.credits ? { credits: opts.credits } : {}),
  });
  return { ...m, sid: created.sid };
}

async function runReconcileSlot() {
  const now = h.clock.now();
  await ensurePeriodicJobs(h.orm.em.fork(), now);
  const key = periodicKey("delivery.reconcile", slotStart(now, 5 * MINUTE));
  const [row] = await h.orm.em
    .fork()
    .execute<{ id: string; payload: unknown }[]>("update outbox set status = 'published', published_at = ? where idempotency_key = ? returning id::text as id, payload", [now, key]);
  const entry = { outboxId: row!.id, type: "delivery.reconcile", workspaceId: null, payload: JSON.stringify(row!.payload), traceparent: "" };
  await runPeriodic({ ...h.deps, twilio: client }, entry);
  return entry;
}

describe("delivery.reconcile", () => {
  it("fixes messages whose callbacks never arrived and leaves final, too young and too old ones alone", async () => {
    const noCallback = await sentThroughSimulator({ phone: "+593987700001", channel: Channel.SMS, attemptedMinutesAgo: 20 });
    const deadCallback = await sentThroughSimulator({ phone: "+593987700002", channel: Channel.WHATSAPP, attemptedMinutesAgo: 60, statusCallback: "http://127.0.0.1:9/webhooks/twilio/status", dbStatus: "SENT" });
    const failed = await sentThroughSimulator({ phone: "+593990000008", channel: Channel.SMS, attemptedMinutesAgo: 30, credits: 10 });
    const final = await sentThroughSimulator({ phone: "+593987700003", channel: Channel.SMS, attemptedMinutesAgo: 20, dbStatus: "UNDELIVERED" });
    const young = await sentThroughSimulator({ phone: "+593987700004", channel: Channel.SMS, attemptedMinutesAgo: 5 });
    const old = await sentThroughSimulator({ phone: "+593987700005", channel: Channel.SMS, attemptedMinutesAgo: 4 * 24 * 60 });
    const unknownToProvider = await makeSentMessage(h.orm, h.clock, { providerSid: `SM${randomHex(32)}`, sendAttemptedAt: new Date(h.clock.now().getTime() - 20 * MINUTE) });
    await sim.whenIdle(5000);

    const started = performance.now();
    const entry = await runReconcileSlot();
    const ms = performance.now() - started;

    const status = async (m: { workspaceId: string; messageId: string }) => (await loadMessage(h.orm, m.workspaceId, m.messageId)).status;
    expect(await status(noCallback)).toBe("DELIVERED");
    expect(await status(deadCallback)).toBe("READ");
    expect(await status(failed)).toBe("FAILED");
    const failedMsg = await loadMessage(h.orm, failed.workspaceId, failed.messageId);
    expect(failedMsg.errorCode).toBe(30008);
    expect(failedMsg.errorText).toMatch(/operadora/);
    expect((await ledger(h.orm, failed.workspaceId)).filter((e) => e.kind === "refund")).toEqual([{ kind: "refund", amount: 1, reference: `refund:message:${failed.messageId}` }]);
    // Final in our DB: a "delivered" at the provider must not have been fetched and applied.
    expect(await status(final)).toBe("UNDELIVERED");
    expect(await status(young)).toBe("QUEUED");
    expect(await status(old)).toBe("QUEUED");
    expect(await status(unknownToProvider)).toBe("QUEUED");

    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    const done = h.logger.lines.findLast((l) => l.msg === "periodic job done");
    expect(done?.obj).toMatchObject({ job: "delivery.reconcile", checked: 4, changed: 3, errors: 0 });
    expect(ms).toBeLessThan(5000);

    // A second slot finds nothing left to change.
    h.clock.advance(5 * MINUTE);
    await runReconcileSlot();
    expect(h.logger.lines.findLast((l) => l.msg === "periodic job done")?.obj).toMatchObject({ changed: 0 });
    expect((await ledger(h.orm, failed.workspaceId)).filter((e) => e.kind === "refund")).toHaveLength(1);
  });

  it("rotates through messages stuck without a receipt instead of re-checking the same oldest batch", async () => {
    const clock = h.clock;
    const stuck: SentMessage[] = [];
    for (let i = 0; i < 3; i++) {
      stuck.push(await makeSentMessage(h.orm, clock, { providerSid: `SM${randomHex(32)}`, status: "SENT", sendAttemptedAt: new Date(clock.now().getTime() - (60 + i) * MINUTE) }));
    }
    const touched = async () => {
      const rows = await h.orm.em.fork().execute<{ id: string; updated_at: string }[]>("select id, updated_at from messages where id in (?, ?, ?)", stuck.map((s) => s.messageId));
      return new Map(rows.map((r) => [r.id, r.updated_at]));
    };
    const before = await touched();
    const first = await reconcileDeliveries({ ...h.deps, twilio: client }, clock.now(), periodicOptions({ reconcileBatchSize: 2 }));
    const second = await reconcileDeliveries({ ...h.deps, twilio: client }, clock.now(), periodicOptions({ reconcileBatchSize: 2 }));
    const after = await touched();
    expect(first.checked + second.checked).toBe(4);
    // Every stuck message (plus the one left from the test above) was looked at within two runs of two;
    // ordering by send time alone would have re-checked the same two oldest.
    for (const s of stuck) expect(after.get(s.messageId)).not.toBe(before.get(s.messageId));
  });
});
