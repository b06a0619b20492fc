import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deductCredits, grantCredits, refundCredits } from "@rm/credits";
import { startFreePlan } from "../src/free-plan.ts";
import { getBillingOverview } from "../src/overview.ts";
import { createScenario } from "@rm/test-utils";
import { createWorkspace, setupHarness, type BillingHarness } from "./fixtures.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await setupHarness();
});
afterAll(async () => h?.close());

describe("billing overview", () => {
  it("shows plan, balance, usage this period by message type (net of refunds) and pages the whole history without gaps", async () => {
    const scenario = await createScenario(h.orm, { patients: 3, dueAt: new Date(), plan: "FREE", credits: 10, holdAtCreation: false, outbox: false });
    const ws = scenario.workspaceId;
    await startFreePlan(h.orm.em.fork(), ws, { now: new Date() });
    const [a, b, c] = scenario.messageIds as [string, string, string];
    await h.orm.em.fork().execute("update messages set type = 'FOLLOWUP_HAPPY' where id = ?", [c]);
    await deductCredits(h.orm.em.fork(), { workspaceId: ws, amount: 2, reference: `message:${a}` });
    await deductCredits(h.orm.em.fork(), { workspaceId: ws, amount: 1, reference: `message:${b}` });
    await deductCredits(h.orm.em.fork(), { workspaceId: ws, amount: 1, reference: `message:${c}` });
    await refundCredits(h.orm.em.fork(), { workspaceId: ws, deductReference: `message:${b}`, reference: `refund:message:${b}` });
    // 60 grants in one transaction: one created_at, ordered by id only.
    await h.orm.em.fork().transactional(async (em) => {
      for (let i = 0; i < 60; i++) await grantCredits(em, { workspaceId: ws, amount: 1, reference: `test:${i}` });
    });

    const first = await getBillingOverview(h.orm.em.fork(), ws);
    expect(first).toMatchObject({ plan: "FREE", creditsPerPeriod: 50, available: 10 + 50 - 4 + 1 + 60, held: 0, pastDueAt: null, hasCustomer: false });
    expect(first.period.start).not.toBeNull();
    expect(first.period.end).not.toBeNull();
    expect(first.usage).toEqual([
      { messageType: "INITIAL", messages: 2, credits: 2 },
      { messageType: "FOLLOWUP_HAPPY", messages: 1, credits: 1 },
    ]);

    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await getBillingOverview(h.orm.em.fork(), ws, { cursor, pageSize: 25 });
      ids.push(...page.history.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(ids).toHaveLength(2 + 3 + 1 + 60);
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.history[0]!.what).toEqual({ type: "other", reference: expect.stringMatching(/^test:/) });
  });

  it("ignores a tampered cursor (first page)", async () => {
    const ws = await createWorkspace(h.orm);
    await startFreePlan(h.orm.em.fork(), ws, { now: new Date() });
    const o = await getBillingOverview(h.orm.em.fork(), ws, { cursor: "not-a-cursor'; drop table x" });
    expect(o.history).toHaveLength(1);
    expect(o.history[0]!.what).toEqual({ type: "free-period" });
  });

  it("ENTERPRISE (never granted, so no period on record) counts usage from the first of the month", async () => {
    const scenario = await createScenario(h.orm, { patients: 1, dueAt: new Date(), plan: "ENTERPRISE", holdAtCreation: false, outbox: false });
    const ws = scenario.workspaceId;
    await deductCredits(h.orm.em.fork(), { workspaceId: ws, amount: 3, reference: `message:${scenario.messageIds[0]}` });
    const o = await getBillingOverview(h.orm.em.fork(), ws);
    expect(o).toMatchObject({ plan: "ENTERPRISE", creditsPerPeriod: null, available: -3, period: { start: null, end: null } });
    const now = new Date();
    expect(o.usageSince).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString());
    expect(o.usage).toEqual([{ messageType: "INITIAL", messages: 1, credits: 3 }]);
  });
});
