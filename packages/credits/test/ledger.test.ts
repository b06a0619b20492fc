import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deductCredits,
  getCreditBalance,
  grantCredits,
  holdCredits,
  holdCreditsBulk,
  InsufficientCreditsError,
  LedgerError,
  refundCredits,
  releaseCredits,
  settleHoldsBulk,
  heldCredits,
} from "../src/index.ts";
import { Plan } from "@rm/db";
import { makeTenant, createTestOrm, type TestOrm } from "@rm/test-utils";

let t: TestOrm;
beforeAll(async () => {
  // A pool larger than the concurrency below, so the race is real (not serialised by the pool).
  t = await createTestOrm(60);
});
afterAll(async () => t?.close());

const em = () => t.orm.em.fork();
const balance = (ws: string) => getCreditBalance(em(), ws);

describe("credit ledger", () => {
  it("50 concurrent deductions of 1 against 20 credits: exactly 20 succeed, balance 0", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 20, reference: "grant:1" });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => em().transactional((tem) => deductCredits(tem, { workspaceId, amount: 1, reference: `message:${i}` }))),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(20);
    expect(failed).toHaveLength(30);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(InsufficientCreditsError);
      expect(f.reason).toMatchObject({ requested: 1, available: 0, shortfall: 1 });
    }
    expect(await balance(workspaceId)).toEqual({ available: 0, held: 0 });
  });

  it("two concurrent holds that together exceed the balance: one fails", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 10, reference: "grant:1" });
    const results = await Promise.allSettled([
      holdCredits(em(), { workspaceId, amount: 7, reference: "campaign:a" }),
      holdCredits(em(), { workspaceId, amount: 7, reference: "campaign:b" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect(rejected.reason).toBeInstanceOf(InsufficientCreditsError);
    expect(rejected.reason).toMatchObject({ requested: 7, available: 3, shortfall: 4 });
    expect(await balance(workspaceId)).toEqual({ available: 3, held: 7 });
  });

  it("replays are no-ops that return the entry already written", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    const g1 = await grantCredits(em(), { workspaceId, amount: 100, reference: "invoice:in_1" });
    const g2 = await grantCredits(em(), { workspaceId, amount: 100, reference: "invoice:in_1" });
    expect(g1.replayed).toBe(false);
    expect(g2).toMatchObject({ id: g1.id, replayed: true, amount: 100 });

    const h1 = await holdCredits(em(), { workspaceId, amount: 10, reference: "message:m1" });
    const h2 = await holdCredits(em(), { workspaceId, amount: 10, reference: "message:m1" });
    expect(h2).toMatchObject({ id: h1.id, replayed: true });

    const d1 = await deductCredits(em(), { workspaceId, amount: 3, reference: "message:m1", holdReference: "message:m1" });
    const d2 = await deductCredits(em(), { workspaceId, amount: 3, reference: "message:m1", holdReference: "message:m1" });
    expect(d2).toMatchObject({ id: d1.id, replayed: true });

    const r1 = await refundCredits(em(), { workspaceId, deductReference: "message:m1", reference: "refund:m1" });
    const r2 = await refundCredits(em(), { workspaceId, deductReference: "message:m1", reference: "refund:m1" });
    expect(r2).toMatchObject({ id: r1.id, replayed: true, amount: 3 });

    // 100 granted, hold of 10 settled (3 spent, 7 released), 3 refunded.
    expect(await balance(workspaceId)).toEqual({ available: 100, held: 0 });
    const [count] = await em().execute<{ n: string }[]>("select count(*)::text as n from credit_ledger_entries where workspace_id = ?", [workspaceId]);
    expect(Number(count!.n)).toBe(5); // grant, hold, release(settle), deduct, refund
  });

  it("hold / release / deduct arithmetic", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 50, reference: "g" });

    await holdCredits(em(), { workspaceId, amount: 20, reference: "campaign:c1" });
    expect(await balance(workspaceId)).toEqual({ available: 30, held: 20 });

    // A skipped patient gives back its 2 credits.
    await releaseCredits(em(), { workspaceId, holdReference: "campaign:c1", reference: "skip:p1", amount: 2 });
    expect(await balance(workspaceId)).toEqual({ available: 32, held: 18 });

    // Never more than held.
    await expect(releaseCredits(em(), { workspaceId, holdReference: "campaign:c1", reference: "too-much", amount: 19 })).rejects.toBeInstanceOf(LedgerError);

    // Settling a hold: 2 held, 1 segment sent → 1 spent, 1 back.
    await holdCredits(em(), { workspaceId, amount: 2, reference: "message:m1" });
    expect(await balance(workspaceId)).toEqual({ available: 30, held: 20 });
    await deductCredits(em(), { workspaceId, amount: 1, reference: "message:m1", holdReference: "message:m1" });
    expect(await balance(workspaceId)).toEqual({ available: 31, held: 18 });

    // Spending more than held uses the available balance for the rest.
    await holdCredits(em(), { workspaceId, amount: 1, reference: "message:m2" });
    await deductCredits(em(), { workspaceId, amount: 3, reference: "message:m2", holdReference: "message:m2" });
    expect(await balance(workspaceId)).toEqual({ available: 28, held: 18 });

    // A deduction that does not fit fails with the shortfall and writes nothing.
    const err = await deductCredits(em(), { workspaceId, amount: 29, reference: "message:big" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientCreditsError);
    expect(err).toMatchObject({ shortfall: 1 });
    expect(await balance(workspaceId)).toEqual({ available: 28, held: 18 });

    // Release the rest of the campaign hold (default amount = all outstanding).
    const rest = await releaseCredits(em(), { workspaceId, holdReference: "campaign:c1", reference: "cancel:c1" });
    expect(rest.amount).toBe(18);
    expect(await balance(workspaceId)).toEqual({ available: 46, held: 0 });

    // Refund part of a deduction, never more than was deducted.
    await refundCredits(em(), { workspaceId, deductReference: "message:m2", reference: "refund:m2:a", amount: 2 });
    await expect(refundCredits(em(), { workspaceId, deductReference: "message:m2", reference: "refund:m2:b", amount: 2 })).rejects.toBeInstanceOf(LedgerError);
    expect(await balance(workspaceId)).toEqual({ available: 48, held: 0 });

    // Unknown hold / deduction, bad amounts.
    await expect(deductCredits(em(), { workspaceId, amount: 1, reference: "x", holdReference: "nope" })).rejects.toBeInstanceOf(LedgerError);
    await expect(refundCredits(em(), { workspaceId, deductReference: "nope", reference: "y" })).rejects.toBeInstanceOf(LedgerError);
    await expect(grantCredits(em(), { workspaceId, amount: 1.5, reference: "z" })).rejects.toBeInstanceOf(LedgerError);
    await expect(holdCredits(em(), { workspaceId, amount: -1, reference: "z" })).rejects.toBeInstanceOf(LedgerError);
  });

  it("runs inside the caller's transaction: a rollback undoes the entry", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 5, reference: "g" });
    await em()
      .transactional(async (tem) => {
        await deductCredits(tem, { workspaceId, amount: 5, reference: "message:r" });
        throw new Error("provider call failed later in the same transaction");
      })
      .catch(() => undefined);
    expect(await balance(workspaceId)).toEqual({ available: 5, held: 0 });
  });

  it("ENTERPRISE is unlimited: entries recorded, never refused", async () => {
    const { workspaceId } = await makeTenant(t.orm, { plan: Plan.ENTERPRISE });
    await holdCredits(em(), { workspaceId, amount: 1000, reference: "campaign:big" });
    await deductCredits(em(), { workspaceId, amount: 500, reference: "message:1", holdReference: "campaign:big" });
    const b = await balance(workspaceId);
    expect(b).toEqual({ available: -500, held: 0 });
  });

  it("concurrent holds and deductions never take the balance below zero", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 30, reference: "g" });
    await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? holdCredits(em(), { workspaceId, amount: 2, reference: `h${i}` })
          : deductCredits(em(), { workspaceId, amount: 1, reference: `d${i}` }),
      ),
    );
    const b = await balance(workspaceId);
    expect(b.available).toBeGreaterThanOrEqual(0);
    expect(b.available + b.held).toBeLessThanOrEqual(30);
  });

  it("a bulk hold is all or nothing, names the shortfall, and skips references already held", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 10, reference: "grant:bulk" });
    const holds = Array.from({ length: 6 }, (_, i) => ({ reference: `message:b${i}`, amount: 2 }));
    await expect(holdCreditsBulk(em(), { workspaceId, holds })).rejects.toMatchObject({ requested: 12, available: 10, shortfall: 2 });
    expect(await balance(workspaceId)).toEqual({ available: 10, held: 0 });
    expect(await holdCreditsBulk(em(), { workspaceId, holds: holds.slice(0, 4) })).toEqual({ held: 4, amount: 8 });
    // A replay of the same campaign holds nothing twice.
    expect(await holdCreditsBulk(em(), { workspaceId, holds: holds.slice(0, 4) })).toEqual({ held: 0, amount: 0 });
    expect(await balance(workspaceId)).toEqual({ available: 2, held: 8 });
  });

  it("a bulk hold checks only the references not held yet against the balance", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 10, reference: "grant:partial" });
    const holds = Array.from({ length: 6 }, (_, i) => ({ reference: `message:p${i}`, amount: 2 }));
    expect(await holdCreditsBulk(em(), { workspaceId, holds: holds.slice(0, 4) })).toEqual({ held: 4, amount: 8 });
    // 2 left: the four already held cost nothing again, the two new ones need 4.
    await expect(holdCreditsBulk(em(), { workspaceId, holds })).rejects.toMatchObject({ requested: 4, available: 2, shortfall: 2 });
    expect(await balance(workspaceId)).toEqual({ available: 2, held: 8 });
    expect(await holdCreditsBulk(em(), { workspaceId, holds: holds.slice(0, 5), reason: "campaign" })).toEqual({ held: 1, amount: 2 });
    expect(await balance(workspaceId)).toEqual({ available: 0, held: 10 });
    const [entry] = await em().execute<{ amount: number; reason: string }[]>("select amount, reason from credit_ledger_entries where workspace_id = ? and reference = 'message:p4'", [workspaceId]);
    expect(entry).toEqual({ amount: -2, reason: "campaign" });
  });

  it("a bulk hold on ENTERPRISE is never short, and a campaign-sized one is one call, all or nothing", async () => {
    const enterprise = await makeTenant(t.orm, { plan: Plan.ENTERPRISE });
    expect(await holdCreditsBulk(em(), { workspaceId: enterprise.workspaceId, holds: [{ reference: "message:e1", amount: 3 }] })).toEqual({ held: 1, amount: 3 });
    expect(await balance(enterprise.workspaceId)).toEqual({ available: -3, held: 3 });

    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 60_000, reference: "grant:big" });
    // References with quotes, backslashes and commas travel as values (bound array elements).
    const many = Array.from({ length: 30_000 }, (_, i) => ({ reference: `message:"big",\\${i}'`, amount: 2 }));
    await expect(holdCreditsBulk(em(), { workspaceId, holds: [...many, { reference: "message:one-too-many", amount: 1 }] })).rejects.toMatchObject({ requested: 60_001, available: 60_000 });
    expect(await balance(workspaceId)).toEqual({ available: 60_000, held: 0 });
    expect(await holdCreditsBulk(em(), { workspaceId, holds: many })).toEqual({ held: 30_000, amount: 60_000 });
    expect(await balance(workspaceId)).toEqual({ available: 0, held: 60_000 });
    const [row] = await em().execute<{ n: string }[]>("select count(*)::text as n from credit_ledger_entries where workspace_id = ? and kind = 'hold' and reference = ?", [workspaceId, `message:"big",\\7'`]);
    expect(row!.n).toBe("1");
  }, 60_000);

  it("settling within a hold never waits for the workspace-wide lock", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 5, reference: "grant:settle" });
    await holdCredits(em(), { workspaceId, amount: 2, reference: "message:s1" });
    // Someone holds the workspace-wide ledger lock for a while…
    const blocker = em().transactional(async (tem) => {
      await tem.execute("select pg_advisory_xact_lock(hashtextextended('credit-ledger:' || ?, 0))", [workspaceId]);
      await new Promise((r) => setTimeout(r, 1500));
    });
    await new Promise((r) => setTimeout(r, 100));
    // …and a send settles its own hold meanwhile.
    const started = Date.now();
    await em().transactional((tem) => deductCredits(tem, { workspaceId, amount: 1, reference: "message:s1", holdReference: "message:s1" }));
    expect(Date.now() - started).toBeLessThan(1000);
    await blocker;
    expect(await balance(workspaceId)).toEqual({ available: 4, held: 0 });
  });

  it("a release racing a settlement of the same hold never gives back more than was held", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 40, reference: "grant:race" });
    for (let round = 0; round < 10; round++) {
      await holdCredits(em(), { workspaceId, amount: 3, reference: `message:r${round}` });
      await Promise.allSettled([
        em().transactional((tem) => releaseCredits(tem, { workspaceId, holdReference: `message:r${round}`, reference: `release:r${round}` })),
        em().transactional((tem) => deductCredits(tem, { workspaceId, amount: 1, reference: `message:r${round}`, holdReference: `message:r${round}` })),
      ]);
    }
    const { available, held } = await balance(workspaceId);
    expect(held).toBe(0);
    // Each round either released all 3 (then the deduction spent 1 free credit) or settled 1 and released 2:
    // the balance can only be 40 minus the deductions that happened.
    const [row] = await em().execute<{ n: string }[]>("select count(*)::text as n from credit_ledger_entries where workspace_id = ? and kind = 'deduct'", [workspaceId]);
    expect(available).toBe(40 - Number(row!.n));
  });

  it("settleHoldsBulk settles many holds across workspaces exactly as deductCredits would, once, and hands back what needs the workspace lock", async () => {
    const a = (await makeTenant(t.orm)).workspaceId;
    const b = (await makeTenant(t.orm)).workspaceId;
    await grantCredits(em(), { workspaceId: a, amount: 10, reference: "grant:a" });
    await grantCredits(em(), { workspaceId: b, amount: 10, reference: "grant:b" });
    for (let i = 0; i < 3; i++) await holdCredits(em(), { workspaceId: a, amount: 2, reference: `message:a${i}` });
    await holdCredits(em(), { workspaceId: b, amount: 1, reference: "message:b0" });
    const items = [
      // A rating request: 1 spent, its follow-up's share stays held.
      { workspaceId: a, amount: 1, reference: "message:a0", holdReference: "message:a0", keepRemainder: true, reason: "INITIAL SMS" },
      // 1 spent, the rest of the hold released.
      { workspaceId: a, amount: 1, reference: "message:a1", holdReference: "message:a1", reason: "REMINDER SMS" },
      // More than the hold reserves: needs the workspace lock.
      { workspaceId: b, amount: 3, reference: "message:b0", holdReference: "message:b0" },
      // No such hold (another workspace's reference).
      { workspaceId: b, amount: 1, reference: "message:a2", holdReference: "message:a2" },
    ];
    const first = await em().transactional((tem) => settleHoldsBulk(tem, items));
    expect(first.settled.map((i) => i.reference)).toEqual(["message:a0", "message:a1"]);
    expect(first.rest.map((i) => i.reference)).toEqual(["message:b0", "message:a2"]);
    expect(await heldCredits(em(), a, "message:a0")).toBe(1);
    expect(await heldCredits(em(), a, "message:a1")).toBe(0);
    expect(await heldCredits(em(), a, "message:a2")).toBe(2);
    expect(await balance(a)).toEqual({ available: 10 - 1 - 1 - 1 - 2, held: 3 });
    expect(await balance(b)).toEqual({ available: 9, held: 1 });

    // A replay (the same batch recorded again) changes nothing.
    const again = await em().transactional((tem) => settleHoldsBulk(tem, items.slice(0, 2)));
    expect(again.settled).toHaveLength(2);
    expect(await balance(a)).toEqual({ available: 5, held: 3 });
    const [row] = await em().execute<{ n: string }[]>("select count(*)::text as n from credit_ledger_entries where workspace_id = ? and kind = 'deduct'", [a]);
    expect(row!.n).toBe("2");

    // The same as one deductCredits per item would have left.
    await deductCredits(em(), { workspaceId: a, amount: 1, reference: "message:a2", holdReference: "message:a2" });
    expect(await balance(a)).toEqual({ available: 6, held: 1 });
  });

  it("settleHoldsBulk and deductCredits racing on one hold: one deduction, the hold settled once", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 5, reference: "grant:1" });
    await holdCredits(em(), { workspaceId, amount: 2, reference: "message:x" });
    const input = { workspaceId, amount: 1, reference: "message:x", holdReference: "message:x" };
    await Promise.all([
      em().transactional((tem) => settleHoldsBulk(tem, [input])),
      em().transactional((tem) => deductCredits(tem, input)),
      em().transactional((tem) => settleHoldsBulk(tem, [input])),
    ]);
    expect(await balance(workspaceId)).toEqual({ available: 4, held: 0 });
    const [row] = await em().execute<{ n: string }[]>("select count(*)::text as n from credit_ledger_entries where workspace_id = ? and kind in ('deduct', 'release')", [workspaceId]);
    expect(row!.n).toBe("2");
  });
});
