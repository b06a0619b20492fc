import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamEntry } from "@rm/streams";
import { applyProviderStatusBatch } from "../src/handlers/apply-provider-status-batch.ts";
import { type Harness, ledger, loadMessage, makeSentMessage, outboxRow, publishedEntry, randomHex, setupHarness, statusCallbackEntry } from "./handler-fixtures.ts";

let h: Harness;
beforeAll(async () => {
  h = await setupHarness();
});
afterAll(async () => {
  await h.close();
});

const callback = (sid: string, status: string, messageId: string | null, extra: Record<string, string> = {}) => statusCallbackEntry(h, sid, status, messageId, extra);

async function sentMessage(opts: Parameters<typeof makeSentMessage>[2] = {}) {
  const m = await makeSentMessage(h.orm, h.clock, { credits: 10, ...opts });
  const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
  return { ...m, sid };
}

/** Records which entries went the one-by-one way. */
function oneByOneSpy() {
  const seen: StreamEntry[] = [];
  return { seen, run: async (entry: StreamEntry) => void seen.push(entry) };
}

describe("applyProviderStatusBatch", () => {
  it("applies queued, sent and delivered of many messages in one batch and completes every row", async () => {
    const messages = await Promise.all(Array.from({ length: 5 }, () => sentMessage({ status: "SENDING" })));
    const entries: StreamEntry[] = [];
    for (const status of ["queued", "sent", "delivered"]) for (const m of messages) entries.push(await callback(m.sid, status, m.messageId));
    const spy = oneByOneSpy();
    const outcomes = await applyProviderStatusBatch(h.deps, entries, spy.run);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(spy.seen).toHaveLength(0);
    for (const m of messages) {
      const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
      expect(msg.status).toBe("DELIVERED");
      expect(msg.sentAt).toEqual(h.clock.now());
      expect(msg.deliveredAt).toEqual(h.clock.now());
      expect(msg.readAt).toBeNull();
    }
    for (const e of entries) expect((await outboxRow(h.orm, e.outboxId)).status).toBe("done");
  });

  it("never moves a status back, whatever the order in the batch, and keeps earlier timestamps", async () => {
    const m = await sentMessage();
    const first = await applyProviderStatusBatch(h.deps, [await callback(m.sid, "delivered", m.messageId)]);
    expect(first).toEqual([{ ok: true }]);
    const deliveredAt = h.clock.now();
    h.clock.advance(5000);
    const late = [await callback(m.sid, "sent", m.messageId), await callback(m.sid, "queued", m.messageId)];
    await applyProviderStatusBatch(h.deps, late);
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("DELIVERED");
    expect(msg.deliveredAt).toEqual(deliveredAt);
    for (const e of late) expect((await outboxRow(h.orm, e.outboxId)).status).toBe("done");
  });

  it("does nothing for an entry whose row is already done (a redelivered entry)", async () => {
    const m = await sentMessage();
    const entry = await callback(m.sid, "sent", m.messageId);
    await applyProviderStatusBatch(h.deps, [entry]);
    const doneAt = (await outboxRow(h.orm, entry.outboxId)).done_at;
    h.clock.advance(5000);
    const spy = oneByOneSpy();
    expect(await applyProviderStatusBatch(h.deps, [entry, entry], spy.run)).toEqual([{ ok: true }, { ok: true }]);
    expect((await outboxRow(h.orm, entry.outboxId)).done_at).toEqual(doneAt);
    // The same entry twice in one batch: the second copy goes the one-by-one way (which finds it done).
    expect(spy.seen).toHaveLength(1);
  });

  it("leaves failures, refunds and re-charges to the one-by-one handler, in stream order", async () => {
    const m = await sentMessage();
    const failed = await callback(m.sid, "failed", m.messageId, { ErrorCode: "30008" });
    const delivered = await callback(m.sid, "delivered", m.messageId);
    const other = await sentMessage();
    const plain = await callback(other.sid, "delivered", other.messageId);
    const outcomes = await applyProviderStatusBatch(h.deps, [failed, plain, delivered]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect((await loadMessage(h.orm, other.workspaceId, other.messageId)).status).toBe("DELIVERED");
    // Failed (refunded), then delivered after all (charged again): the one-by-one path's rules.
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("DELIVERED");
    const refs = (await ledger(h.orm, m.workspaceId)).map((e) => e.reference);
    expect(refs).toContain(`refund:message:${m.messageId}`);
    expect(refs).toContain(`recharge:message:${m.messageId}`);
    for (const e of [failed, delivered, plain]) expect((await outboxRow(h.orm, e.outboxId)).status).toBe("done");
  });

  it("sends unknown messages, unrecorded or other sids, callbacks without our id and unreadable entries one by one", async () => {
    const m = await sentMessage();
    const unrecorded = await sentMessage({ status: "SENDING", providerSid: null });
    const entries = [
      await callback(`SM${randomHex(32)}`, "delivered", "00000000-0000-4000-8000-000000000000"),
      await callback(`SM${randomHex(32)}`, "delivered", m.messageId),
      await callback(`SM${randomHex(32)}`, "queued", unrecorded.messageId),
      await callback(m.sid, "sent", null),
      await publishedEntry(h.orm, h.clock, { stream: "provider-status", type: "twilio.status", payload: "{not json" }),
    ];
    const spy = oneByOneSpy();
    const outcomes = await applyProviderStatusBatch(h.deps, entries, spy.run);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(spy.seen.map((e) => e.outboxId).sort()).toEqual(entries.map((e) => e.outboxId).sort());
    // Untouched by the batch: still published for the one-by-one handler.
    for (const e of entries) expect((await outboxRow(h.orm, e.outboxId)).status).toBe("published");
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("QUEUED");
  });

  it("reports a one-by-one failure for its entry only", async () => {
    const m = await sentMessage();
    const plain = await callback(m.sid, "delivered", m.messageId);
    const odd = await callback(m.sid, "sent", null);
    const outcomes = await applyProviderStatusBatch(h.deps, [plain, odd], async () => {
      throw new Error("database went away");
    });
    expect(outcomes[0]).toEqual({ ok: true });
    expect(outcomes[1]).toMatchObject({ ok: false });
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("DELIVERED");
  });
});
