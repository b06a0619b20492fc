import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deductCredits } from "@rm/credits";
import { startFreePlan } from "../src/free-plan.ts";
import { addMonths } from "../src/period.ts";
import { balance, createWorkspace, ledger, outboxRows } from "./fixtures.ts";
import { setupWebhookHarness, type WebhookHarness } from "./webhook-harness.ts";

let h: WebhookHarness;
beforeAll(async () => {
  h = await setupWebhookHarness("2026-01-31T10:00:00.000Z");
});
afterAll(async () => h?.close());

describe("addMonths", () => {
  it("clamps to the end of shorter months and returns to the anchor day", () => {
    const anchor = new Date("2026-01-31T10:00:00.000Z");
    expect(addMonths(anchor, 1).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(addMonths(anchor, 2).toISOString()).toBe("2026-03-31T10:00:00.000Z");
    expect(addMonths(anchor, 13).toISOString()).toBe("2027-02-28T10:00:00.000Z");
  });
});

describe("FREE plan", () => {
  it("grants 50 on sign-up once, then each month expires the rest and grants 50 again", async () => {
    const ws = await createWorkspace(h.orm);
    const first = await h.orm.em.fork().transactional((em) => startFreePlan(em, ws, { now: h.clock.now() }));
    expect(first).toMatchObject({ granted: 50, started: true });
    expect(first.nextPeriodAt.toISOString()).toBe("2026-02-28T10:00:00.000Z");
    // A retried sign-up step grants nothing more.
    const again = await startFreePlan(h.orm.em.fork(), ws, { now: h.clock.now() });
    expect(again.granted).toBe(0);
    expect(await balance(h.orm, ws)).toBe(50);
    expect(await outboxRows(h.orm, ws, "billing.free-period")).toHaveLength(1);

    // Nothing is due yet.
    expect(await h.work()).toBe(0);
    await deductCredits(h.orm.em.fork(), { workspaceId: ws, amount: 20, reference: "message:m1" });
    expect(await balance(h.orm, ws)).toBe(30);

    h.clock.set(new Date("2026-02-28T10:00:00.000Z"));
    await h.work();
    // The unused 30 expired, 50 granted: a month never carries more than 50.
    expect(await balance(h.orm, ws)).toBe(50);
    const rows = await outboxRows(h.orm, ws, "billing.free-period");
    expect(rows.map((r) => r.status)).toEqual(["done", "pending"]);
    expect(new Date(rows[1]!.available_at).toISOString()).toBe("2026-03-31T10:00:00.000Z");

    h.clock.set(new Date("2026-03-31T10:00:00.000Z"));
    await h.work();
    expect(await balance(h.orm, ws)).toBe(50);
    const entries = await ledger(h.orm, ws);
    expect(entries.filter((e) => e.kind === "grant").map((e) => e.amount)).toEqual([50, 50, 50]);
  });

  it("stops when the workspace leaves FREE, and a later downgrade starts a new chain that the old one does not double", async () => {
    h.clock.set(new Date("2026-04-10T00:00:00.000Z"));
    const ws = await createWorkspace(h.orm);
    await startFreePlan(h.orm.em.fork(), ws, { now: h.clock.now() });
    await h.orm.em.fork().execute("update workspaces set plan = 'STARTER' where id = ?", [ws]);
    h.clock.set(new Date("2026-05-10T00:00:00.000Z"));
    await h.work();
    expect((await outboxRows(h.orm, ws, "billing.free-period")).map((r) => r.status)).toEqual(["done"]);
    expect(await balance(h.orm, ws)).toBe(50);

    // Back to FREE on May 20 (e.g. subscription deleted): a new chain anchored there.
    await h.orm.em.fork().execute("update workspaces set plan = 'FREE' where id = ?", [ws]);
    await startFreePlan(h.orm.em.fork(), ws, { now: new Date("2026-05-20T00:00:00.000Z"), key: "ended-sub_x", expireRemaining: true });
    expect(await balance(h.orm, ws)).toBe(50);
    h.clock.set(new Date("2026-06-20T00:00:00.000Z"));
    await h.work();
    expect(await balance(h.orm, ws)).toBe(50);
    const grants = (await ledger(h.orm, ws)).filter((e) => e.kind === "grant").map((e) => e.reference);
    expect(grants).toEqual(["free:signup", "free:ended-sub_x", "free:ended-sub_x:1"]);
  });

  it("a superseded chain ends without granting", async () => {
    h.clock.set(new Date("2026-07-01T00:00:00.000Z"));
    const ws = await createWorkspace(h.orm);
    await startFreePlan(h.orm.em.fork(), ws, { now: h.clock.now() });
    // Upgrade and downgrade within the month: the sign-up chain's row is still pending.
    await startFreePlan(h.orm.em.fork(), ws, { now: new Date("2026-07-15T00:00:00.000Z"), key: "ended-sub_y", expireRemaining: true });
    h.clock.set(new Date("2026-08-01T00:00:00.000Z"));
    await h.work();
    expect(await balance(h.orm, ws)).toBe(50);
    h.clock.set(new Date("2026-08-15T00:00:00.000Z"));
    await h.work();
    expect(await balance(h.orm, ws)).toBe(50);
    const grants = (await ledger(h.orm, ws)).filter((e) => e.kind === "grant").map((e) => e.reference);
    expect(grants).toEqual(["free:signup", "free:ended-sub_y", "free:ended-sub_y:1"]);
  });

  it("rejects a key that would break the ledger reference", async () => {
    const ws = await createWorkspace(h.orm);
    await expect(startFreePlan(h.orm.em.fork(), ws, { now: h.clock.now(), key: "a:b" })).rejects.toThrow(/key must match/);
  });
});
