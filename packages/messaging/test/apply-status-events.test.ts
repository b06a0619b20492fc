import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspaceEm } from "@rm/db";
import { getCreditBalance } from "@rm/credits";
import { applyProviderStatus } from "../src/handlers/apply-provider-status.ts";
import { applyStatusEvents, type ApplyStatusEventsOptions, MAX_ERROR_ATTEMPTS } from "../src/status/apply-status-events.ts";
import { StatusApplier } from "../src/status/status-applier.ts";
import { type Harness, ledger, loadMessage, makeSentMessage, outboxRow, publishedEntry, randomHex, setupHarness, statusCallbackEntry, statusEvents, storeStatusCallback } from "./handler-fixtures.ts";

let h: Harness;
beforeAll(async () => {
  h = await setupHarness();
});
afterAll(async () => {
  await h.close();
});

const TEN_MINUTES = 10 * 60_000;
const store = (sid: string, status: string, messageId: string | null, extra: Record<string, string> = {}) => storeStatusCallback(h, sid, status, messageId, extra);
const apply = (opts: Partial<ApplyStatusEventsOptions> = {}) => applyStatusEvents(h.deps, { limit: 1000, unknownRetryMs: TEN_MINUTES, ...opts });

/** Applies batches until none claims anything (events waiting for their message are not due). */
async function drain(opts: Partial<ApplyStatusEventsOptions> = {}) {
  for (;;) if ((await apply(opts)).claimed === 0) return;
}

async function deliver(sid: string, status: string, messageId: string | null, extra?: Record<string, string>) {
  await store(sid, status, messageId, extra);
  await drain();
}

async function sentMessage(opts: Parameters<typeof makeSentMessage>[2] = {}) {
  const m = await makeSentMessage(h.orm, h.clock, { credits: 10, ...opts });
  const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
  return { ...m, sid };
}

describe("applyStatusEvents", () => {
  it("applies callbacks in order and stamps each step from the clock", async () => {
    const m = await sentMessage({ status: "SENDING" });
    await deliver(m.sid, "queued", m.messageId);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("QUEUED");
    const sentAt = h.clock.advance(1000);
    await deliver(m.sid, "sent", m.messageId);
    const deliveredAt = h.clock.advance(2000);
    await deliver(m.sid, "delivered", m.messageId);
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("DELIVERED");
    expect(msg.sentAt).toEqual(sentAt);
    expect(msg.deliveredAt).toEqual(deliveredAt);
    expect((await statusEvents(h.orm, m.sid)).map((e) => [e.status, e.outcome])).toEqual([
      ["queued", "applied"],
      ["sent", "applied"],
      ["delivered", "applied"],
    ]);
  });

  it("applies queued, sent and delivered of many messages in one batch, each message once", async () => {
    const messages = await Promise.all(Array.from({ length: 5 }, () => sentMessage({ status: "SENDING" })));
    for (const status of ["queued", "sent", "delivered"]) for (const m of messages) await store(m.sid, status, m.messageId);
    const result = await apply();
    expect(result).toEqual({ claimed: 15, done: 15, waiting: 0, changes: 15 });
    for (const m of messages) {
      const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
      expect(msg.status).toBe("DELIVERED");
      expect(msg.sentAt).toEqual(h.clock.now());
      expect(msg.deliveredAt).toEqual(h.clock.now());
      expect(msg.readAt).toBeNull();
    }
  });

  it("out of order in one batch: a late `sent` and `queued` never overwrite `delivered`", async () => {
    const m = await sentMessage();
    for (const status of ["delivered", "sent", "queued"]) await store(m.sid, status, m.messageId);
    expect((await apply()).claimed).toBe(3);
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("DELIVERED");
    expect(msg.sentAt).not.toBeNull(); // implied by delivered
    expect((await statusEvents(h.orm, m.sid)).map((e) => e.outcome)).toEqual(["applied", "no_change", "no_change"]);
  });

  it("out of order across batches: a late `sent` never overwrites `delivered` and earlier timestamps stay", async () => {
    const m = await sentMessage();
    await deliver(m.sid, "delivered", m.messageId);
    const deliveredAt = h.clock.now();
    h.clock.advance(5000);
    await store(m.sid, "sent", m.messageId);
    await store(m.sid, "queued", m.messageId);
    await drain();
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("DELIVERED");
    expect(msg.deliveredAt).toEqual(deliveredAt);
    expect(msg.sentAt).toEqual(deliveredAt);
  });

  it("folds many callbacks of one message stored at once to the highest rank (READ; a repeated `sent` is stored once)", async () => {
    const m = await sentMessage();
    const stored = await Promise.all(["sent", "delivered", "queued", "read", "sent"].map((s) => store(m.sid, s, m.messageId)));
    expect(stored.filter(Boolean)).toHaveLength(4);
    await drain();
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("READ");
    expect((await statusEvents(h.orm, m.sid)).every((e) => e.applied_at !== null)).toBe(true);
  });

  it("replays are idempotent: a replayed callback is not stored again and an applied event is never applied again", async () => {
    const m = await sentMessage();
    expect(await store(m.sid, "failed", m.messageId, { ErrorCode: "30008" })).toBe(true);
    await drain();
    const [first] = await statusEvents(h.orm, m.sid);
    h.clock.advance(5000);
    expect(await store(m.sid, "failed", m.messageId, { ErrorCode: "30008" })).toBe(false);
    expect(await apply()).toMatchObject({ claimed: 0 });
    expect(await statusEvents(h.orm, m.sid)).toEqual([first]);
    expect((await ledger(h.orm, m.workspaceId)).filter((e) => e.kind === "refund")).toHaveLength(1);
  });

  it("records the sid when the callback beats the sender's commit", async () => {
    const m = await makeSentMessage(h.orm, h.clock, { status: "SENDING", providerSid: null });
    const sid = `SM${randomHex(32)}`;
    await deliver(sid, "queued", m.messageId);
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.providerSid).toBe(sid);
    expect(msg.status).toBe("QUEUED");
  });

  it("ignores a callback naming another sid than the one recorded", async () => {
    const m = await makeSentMessage(h.orm, h.clock);
    const other = `SM${randomHex(32)}`;
    await deliver(other, "delivered", m.messageId);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("QUEUED");
    expect((await statusEvents(h.orm, other))[0]!.outcome).toBe("other_sid");
    expect(h.logger.lines.some((l) => l.level === "warn" && l.msg?.includes("another provider sid"))).toBe(true);
  });

  it("finds the message by provider sid when the callback URL had no message id", async () => {
    const m = await sentMessage();
    await deliver(m.sid, "sent", null);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("SENT");
  });

  it("ignores a status that is not one of ours", async () => {
    const m = await sentMessage();
    await deliver(m.sid, "received", m.messageId);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("QUEUED");
    expect((await statusEvents(h.orm, m.sid))[0]!.outcome).toBe("unknown_status");
  });

  it("on failed: error code, Spanish explanation and exactly one refund of the deduction", async () => {
    const m = await sentMessage();
    const before = await getCreditBalance(workspaceEm(h.orm.em, m.workspaceId), m.workspaceId);
    await deliver(m.sid, "failed", m.messageId, { ErrorCode: "30008" });
    await deliver(m.sid, "undelivered", m.messageId, { ErrorCode: "30003" }); // a second final answer loses
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("FAILED");
    expect(msg.errorCode).toBe(30008);
    expect(msg.errorText).toMatch(/operadora no entregó/);
    expect(msg.failedAt).toEqual(h.clock.now());
    const refunds = (await ledger(h.orm, m.workspaceId)).filter((e) => e.kind === "refund");
    expect(refunds).toEqual([{ kind: "refund", amount: 1, reference: `refund:message:${m.messageId}` }]);
    const after = await getCreditBalance(workspaceEm(h.orm.em, m.workspaceId), m.workspaceId);
    expect(after.available).toBe(before.available + 1);
  });

  it("refunds nothing when the failure arrives before the sender deducted", async () => {
    const m = await makeSentMessage(h.orm, h.clock, { credits: 10, deducted: false, status: "SENDING", providerSid: null });
    await deliver(`SM${randomHex(32)}`, "failed", m.messageId, { ErrorCode: "30008" });
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("FAILED");
    expect((await ledger(h.orm, m.workspaceId)).filter((e) => e.kind === "refund")).toHaveLength(0);
  });

  it("re-charges a refunded message that is delivered after all", async () => {
    const m = await sentMessage();
    await deliver(m.sid, "failed", m.messageId, { ErrorCode: "30008" });
    await deliver(m.sid, "delivered", m.messageId);
    await deliver(m.sid, "read", m.messageId);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("READ");
    const entries = await ledger(h.orm, m.workspaceId);
    expect(entries.filter((e) => e.reference === `recharge:message:${m.messageId}`)).toEqual([{ kind: "deduct", amount: -1, reference: `recharge:message:${m.messageId}` }]);
  });

  it("a failure and a later delivery in one batch, beside plain callbacks: refunded, then charged again, in arrival order", async () => {
    const m = await sentMessage();
    const other = await sentMessage();
    await store(m.sid, "failed", m.messageId, { ErrorCode: "30008" });
    await store(other.sid, "delivered", other.messageId);
    await store(m.sid, "delivered", m.messageId);
    expect((await apply()).claimed).toBe(3);
    expect((await loadMessage(h.orm, other.workspaceId, other.messageId)).status).toBe("DELIVERED");
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("DELIVERED");
    const refs = (await ledger(h.orm, m.workspaceId)).map((e) => e.reference);
    expect(refs.filter((r) => r === `refund:message:${m.messageId}`)).toHaveLength(1);
    expect(refs.filter((r) => r === `recharge:message:${m.messageId}`)).toHaveLength(1);
  });

  it("does not refund an UNDELIVERED message (the carrier billed it)", async () => {
    const m = await sentMessage();
    await deliver(m.sid, "undelivered", m.messageId, { ErrorCode: "30003" });
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("UNDELIVERED");
    expect(msg.errorText).toMatch(/no estaba disponible/);
    expect((await ledger(h.orm, m.workspaceId)).filter((e) => e.kind === "refund")).toHaveLength(0);
  });

  it("keeps a callback for a sid not recorded yet and applies it once the send is recorded", async () => {
    const m = await makeSentMessage(h.orm, h.clock, { status: "SENDING", providerSid: null });
    const sid = `SM${randomHex(32)}`;
    await store(sid, "delivered", null); // no ?m=: only the sid can find the message
    expect(await apply()).toMatchObject({ claimed: 1, waiting: 1, done: 0 });
    const [waiting] = await statusEvents(h.orm, sid);
    expect(waiting).toMatchObject({ applied_at: null, attempts: 1 });
    expect(waiting!.available_at.getTime()).toBeGreaterThan(h.clock.now().getTime());
    // The sender records its sid; the event is claimed again once its wait is over.
    await h.orm.em.fork().execute("update messages set provider_sid = ? where id = ?", [sid, m.messageId]);
    expect(await apply()).toMatchObject({ claimed: 0 });
    h.clock.advance(2000);
    await drain();
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("DELIVERED");
    expect((await statusEvents(h.orm, sid))[0]!.outcome).toBe("applied");
  });

  it("parks a callback for a message that never appears after the retry window, with no effect", async () => {
    const sid = `SM${randomHex(32)}`;
    await store(sid, "delivered", null);
    const unknownId = `SM${randomHex(32)}`;
    await store(unknownId, "delivered", "00000000-0000-4000-8000-000000000000");
    const receivedAt = h.clock.now().getTime();
    await drain();
    h.clock.advance(TEN_MINUTES - 1000);
    await drain();
    for (const s of [sid, unknownId]) expect((await statusEvents(h.orm, s))[0]).toMatchObject({ outcome: null, applied_at: null });
    h.clock.advance(60_000);
    await drain();
    for (const s of [sid, unknownId]) {
      const [event] = await statusEvents(h.orm, s);
      expect(event!.outcome).toBe("unknown_message");
      expect(event!.applied_at!.getTime()).toBeGreaterThanOrEqual(receivedAt + TEN_MINUTES);
    }
    expect(h.logger.lines.some((l) => l.msg === "status callback for an unknown message; parked")).toBe(true);
  });

  it("a crash between claim and commit applies nothing; the next claim applies the batch", async () => {
    const m = await sentMessage();
    await store(m.sid, "sent", m.messageId);
    await store(m.sid, "failed", m.messageId, { ErrorCode: "30008" });
    await expect(
      apply({
        afterClaim: async () => {
          throw new Error("process killed");
        },
      }),
    ).rejects.toThrow("process killed");
    expect((await statusEvents(h.orm, m.sid)).map((e) => [e.applied_at, e.attempts])).toEqual([
      [null, 0],
      [null, 0],
    ]);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("QUEUED");
    await drain();
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("FAILED");
    expect((await statusEvents(h.orm, m.sid)).map((e) => e.attempts)).toEqual([1, 1]);
    expect((await ledger(h.orm, m.workspaceId)).filter((e) => e.kind === "refund")).toHaveLength(1);
  });

  it("two appliers at once: every callback applied exactly once, none lost, one refund per failed message", async () => {
    const plain = await Promise.all(Array.from({ length: 30 }, () => sentMessage({ status: "SENDING" })));
    const failing = await Promise.all(Array.from({ length: 10 }, () => sentMessage()));
    for (const status of ["queued", "sent", "delivered"]) for (const m of plain) await store(m.sid, status, m.messageId);
    for (const m of failing) {
      await store(m.sid, "sent", m.messageId);
      await store(m.sid, "failed", m.messageId, { ErrorCode: "30008" });
    }
    const run = async () => {
      let claimed = 0;
      for (;;) {
        const r = await apply({ limit: 7 });
        if (r.claimed === 0) return claimed;
        claimed += r.claimed;
      }
    };
    const [a, b] = await Promise.all([run(), run()]);
    expect(a + b).toBe(110);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    for (const m of plain) {
      expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("DELIVERED");
      expect((await statusEvents(h.orm, m.sid)).map((e) => e.attempts)).toEqual([1, 1, 1]);
    }
    for (const m of failing) {
      expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("FAILED");
      expect((await ledger(h.orm, m.workspaceId)).filter((e) => e.kind === "refund")).toHaveLength(1);
    }
  });

  it("an event whose batch always fails is retried alone with waits, then parked with outcome error", async () => {
    const m = await sentMessage();
    await store(m.sid, "sent", m.messageId);
    const poison = async () => {
      throw new Error("cannot apply");
    };
    for (let i = 0; i < MAX_ERROR_ATTEMPTS; i++) {
      await expect(apply({ limit: 1, afterClaim: poison })).rejects.toThrow("cannot apply");
      h.clock.advance(61_000);
    }
    expect((await statusEvents(h.orm, m.sid))[0]).toMatchObject({ outcome: "error", attempts: MAX_ERROR_ATTEMPTS });
    expect((await statusEvents(h.orm, m.sid))[0]!.applied_at).not.toBeNull();
    expect(await apply()).toMatchObject({ claimed: 0 });
    expect(h.logger.lines.some((l) => l.level === "error" && l.msg?.includes("parked"))).toBe(true);
  });
});

describe("StatusApplier", () => {
  it("is woken by the webhook's NOTIFY after a commit and applies the callback without waiting for its poll", async () => {
    const m = await sentMessage();
    const applier = new StatusApplier(h.deps, { listenUrl: h.db.url, batchSize: 100, pollMs: 60_000, unknownRetryMs: TEN_MINUTES });
    await applier.start();
    try {
      // Let the first (empty) batch pass so the loop sleeps on its one-minute poll.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await store(m.sid, "delivered", m.messageId);
      const deadline = Date.now() + 10_000;
      while ((await loadMessage(h.orm, m.workspaceId, m.messageId)).status !== "DELIVERED" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("DELIVERED");
    } finally {
      await applier.stop();
    }
  });
});

describe("twilio.status outbox rows left by an earlier web version", () => {
  it("are moved into the stored callbacks and applied there; a replay moves nothing more", async () => {
    const m = await sentMessage();
    const entry = await statusCallbackEntry(h, m.sid, "delivered", m.messageId);
    await applyProviderStatus(h.deps, entry);
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    const again = await statusCallbackEntry(h, m.sid, "delivered", m.messageId);
    await applyProviderStatus(h.deps, again);
    expect(await statusEvents(h.orm, m.sid)).toHaveLength(1);
    await drain();
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("DELIVERED");
  });

  it("parks the row of an unreadable payload and resolves", async () => {
    const garbage = await publishedEntry(h.orm, h.clock, { stream: "provider-status", type: "twilio.status", payload: "{not json" });
    await expect(applyProviderStatus(h.deps, garbage)).resolves.toBeUndefined();
    expect(await outboxRow(h.orm, garbage.outboxId)).toMatchObject({ status: "cancelled", last_error: "twilio.status: payload is not JSON" });

    const missing = await publishedEntry(h.orm, h.clock, { stream: "provider-status", type: "twilio.status", payload: { params: { MessageStatus: "sent" } } });
    await applyProviderStatus(h.deps, missing);
    const row = await outboxRow(h.orm, missing.outboxId);
    expect(row.status).toBe("cancelled");
    expect(row.last_error).toMatch(/MessageSid and MessageStatus are required/);
  });
});
