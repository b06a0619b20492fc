import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCreditBalance, workspaceEm } from "@rm/db";
import { applyProviderStatus } from "../src/handlers/apply-provider-status.ts";
import { type Harness, ledger, loadMessage, makeSentMessage, outboxRow, publishedEntry, randomHex, setupHarness, statusCallbackEntry } from "./handler-fixtures.ts";

let h: Harness;
beforeAll(async () => {
  h = await setupHarness();
});
afterAll(async () => {
  await h.close();
});

const callback = (sid: string, status: string, messageId: string | null, extra: Record<string, string> = {}) => statusCallbackEntry(h, sid, status, messageId, extra);

async function deliver(sid: string, status: string, messageId: string | null, extra?: Record<string, string>) {
  const entry = await callback(sid, status, messageId, extra);
  await applyProviderStatus(h.deps, entry);
  return entry;
}

describe("applyProviderStatus", () => {
  it("applies callbacks in order and stamps each step from the clock", async () => {
    const m = await makeSentMessage(h.orm, h.clock, { status: "SENDING" });
    const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
    await deliver(sid, "queued", m.messageId);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("QUEUED");
    const sentAt = h.clock.advance(1000);
    await deliver(sid, "sent", m.messageId);
    const deliveredAt = h.clock.advance(2000);
    const last = await deliver(sid, "delivered", m.messageId);
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("DELIVERED");
    expect(msg.sentAt).toEqual(sentAt);
    expect(msg.deliveredAt).toEqual(deliveredAt);
    expect((await outboxRow(h.orm, last.outboxId)).status).toBe("done");
  });

  it("never lets a late `sent` overwrite `delivered`", async () => {
    const m = await makeSentMessage(h.orm, h.clock);
    const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
    await deliver(sid, "delivered", m.messageId);
    const late = await deliver(sid, "sent", m.messageId);
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("DELIVERED");
    expect(msg.sentAt).not.toBeNull(); // implied by delivered
    expect((await outboxRow(h.orm, late.outboxId)).status).toBe("done");
  });

  it("serialises concurrent callbacks of one message on its row lock", async () => {
    const m = await makeSentMessage(h.orm, h.clock, { credits: 10 });
    const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
    const entries = await Promise.all(["sent", "delivered", "queued", "read", "sent"].map((s) => callback(sid, s, m.messageId)));
    await Promise.all(entries.map((e) => applyProviderStatus(h.deps, e)));
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("READ");
    for (const e of entries) expect((await outboxRow(h.orm, e.outboxId)).status).toBe("done");
  });

  it("runs a duplicated entry once: the second delivery finds the row done", async () => {
    const m = await makeSentMessage(h.orm, h.clock, { credits: 10 });
    const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
    const entry = await callback(sid, "failed", m.messageId, { ErrorCode: "30008" });
    await applyProviderStatus(h.deps, entry);
    const doneAt = (await outboxRow(h.orm, entry.outboxId)).done_at;
    h.clock.advance(5000);
    await applyProviderStatus(h.deps, entry);
    expect((await outboxRow(h.orm, entry.outboxId)).done_at).toEqual(doneAt);
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
    const entry = await deliver(`SM${randomHex(32)}`, "delivered", m.messageId);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("QUEUED");
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    expect(h.logger.lines.some((l) => l.level === "warn" && l.msg?.includes("another provider sid"))).toBe(true);
  });

  it("finds the message by provider sid when the callback URL had no message id", async () => {
    const m = await makeSentMessage(h.orm, h.clock);
    const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
    await deliver(sid, "sent", null);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("SENT");
  });

  it("on failed: error code, Spanish explanation and exactly one refund of the deduction", async () => {
    const m = await makeSentMessage(h.orm, h.clock, { credits: 10 });
    const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
    const before = await getCreditBalance(workspaceEm(h.orm.em, m.workspaceId), m.workspaceId);
    await deliver(sid, "failed", m.messageId, { ErrorCode: "30008" });
    await deliver(sid, "failed", m.messageId, { ErrorCode: "30008" }); // a replay under another outbox row
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
    const m = await makeSentMessage(h.orm, h.clock, { credits: 10 });
    const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
    await deliver(sid, "failed", m.messageId, { ErrorCode: "30008" });
    await deliver(sid, "delivered", m.messageId);
    await deliver(sid, "read", m.messageId);
    expect((await loadMessage(h.orm, m.workspaceId, m.messageId)).status).toBe("READ");
    const entries = await ledger(h.orm, m.workspaceId);
    expect(entries.filter((e) => e.reference === `recharge:message:${m.messageId}`)).toEqual([{ kind: "deduct", amount: -1, reference: `recharge:message:${m.messageId}` }]);
  });

  it("does not refund an UNDELIVERED message (the carrier billed it)", async () => {
    const m = await makeSentMessage(h.orm, h.clock, { credits: 10 });
    const sid = (await loadMessage(h.orm, m.workspaceId, m.messageId)).providerSid!;
    await deliver(sid, "undelivered", m.messageId, { ErrorCode: "30003" });
    const msg = await loadMessage(h.orm, m.workspaceId, m.messageId);
    expect(msg.status).toBe("UNDELIVERED");
    expect(msg.errorText).toMatch(/no estaba disponible/);
    expect((await ledger(h.orm, m.workspaceId)).filter((e) => e.kind === "refund")).toHaveLength(0);
  });

  it("completes a callback for an unknown MessageSid with no effect", async () => {
    const entry = await deliver(`SM${randomHex(32)}`, "delivered", null);
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    const unknownId = await deliver(`SM${randomHex(32)}`, "delivered", "00000000-0000-4000-8000-000000000000");
    expect((await outboxRow(h.orm, unknownId.outboxId)).status).toBe("done");
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
