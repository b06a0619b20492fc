// SPEC §6: two concurrent campaign creations can never both pass the credits check on the same
// credits. Campaign creation holds with holdCreditsBulk inside its own transaction; these race real
// PostgreSQL transactions on separate connections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCreditBalance, grantCredits, holdCreditsBulk, InsufficientCreditsError } from "@rm/credits";
import { createWorkspace, setupHarness, type BillingHarness } from "./fixtures.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await setupHarness();
});
afterAll(async () => h?.close());

function campaignHolds(campaign: string, patients: number, each = 2) {
  return Array.from({ length: patients }, (_, i) => ({ reference: `campaign:${campaign}:patient:${i}`, amount: each }));
}

describe("concurrent holds", () => {
  it("the second of two overlapping transactions waits for the first and sees its hold", async () => {
    const ws = await createWorkspace(h.orm, "STARTER");
    await grantCredits(h.orm.em.fork(), { workspaceId: ws, amount: 100, reference: "test:grant" });

    let firstHeld!: () => void;
    const firstHasHeld = new Promise<void>((r) => (firstHeld = r));
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));

    // Campaign A: holds 60 and keeps its transaction open (e.g. still writing patients).
    const a = h.orm.em.fork().transactional(async (tem) => {
      const res = await holdCreditsBulk(tem, { workspaceId: ws, holds: campaignHolds("A", 30) });
      firstHeld();
      await firstMayCommit;
      return res;
    });
    await firstHasHeld;
    // Campaign B, for the same 60 credits, starts while A is uncommitted.
    const startedB = performance.now();
    const b = h.orm.em.fork().transactional((tem) => holdCreditsBulk(tem, { workspaceId: ws, holds: campaignHolds("B", 30) })).then(
      (v) => ({ ok: true as const, v, ms: performance.now() - startedB }),
      (err: unknown) => ({ ok: false as const, err, ms: performance.now() - startedB }),
    );
    await new Promise((r) => setTimeout(r, 300));
    releaseFirst();
    expect(await a).toEqual({ held: 30, amount: 60 });
    const second = await b;
    expect(second.ok).toBe(false);
    // It could only decide after A committed: it waited on the workspace's ledger lock.
    expect(second.ms).toBeGreaterThanOrEqual(250);
    const err = (second as { err: unknown }).err;
    expect(err).toBeInstanceOf(InsufficientCreditsError);
    expect((err as InsufficientCreditsError).shortfall).toBe(20);
    expect(await getCreditBalance(h.orm.em.fork(), ws)).toEqual({ available: 40, held: 60 });
  });

  it("many campaigns racing for the same credits: holds never exceed the balance", async () => {
    const ws = await createWorkspace(h.orm, "STARTER");
    await grantCredits(h.orm.em.fork(), { workspaceId: ws, amount: 100, reference: "test:grant" });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => h.orm.em.fork().transactional((tem) => holdCreditsBulk(tem, { workspaceId: ws, holds: campaignHolds(`C${i}`, 15) }))),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    // 30 credits each, 100 available: exactly three fit.
    expect(won).toHaveLength(3);
    expect(lost.every((r) => (r as PromiseRejectedResult).reason instanceof InsufficientCreditsError)).toBe(true);
    expect(await getCreditBalance(h.orm.em.fork(), ws)).toEqual({ available: 10, held: 90 });
  });
});
