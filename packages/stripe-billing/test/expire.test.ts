// expireAvailableCredits (@rm/credits), the reset at the start of every credit period.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireAvailableCredits, getCreditBalance, grantCredits, holdCredits } from "@rm/credits";
import { createWorkspace, setupHarness, type BillingHarness } from "./fixtures.ts";

let h: BillingHarness;
beforeAll(async () => {
  h = await setupHarness();
});
afterAll(async () => h?.close());

describe("expireAvailableCredits", () => {
  it("expires what is available, keeps holds held, and is a no-op when replayed or when nothing is left", async () => {
    const ws = await createWorkspace(h.orm, "STARTER");
    await grantCredits(h.orm.em.fork(), { workspaceId: ws, amount: 100, reference: "t:grant" });
    await holdCredits(h.orm.em.fork(), { workspaceId: ws, amount: 30, reference: "campaign:x" });
    const first = await expireAvailableCredits(h.orm.em.fork(), { workspaceId: ws, reference: "expire:p1" });
    expect(first).toMatchObject({ kind: "deduct", amount: -70, replayed: false });
    expect(await getCreditBalance(h.orm.em.fork(), ws)).toEqual({ available: 0, held: 30 });
    const again = await expireAvailableCredits(h.orm.em.fork(), { workspaceId: ws, reference: "expire:p1" });
    expect(again).toMatchObject({ amount: -70, replayed: true });
    expect(await expireAvailableCredits(h.orm.em.fork(), { workspaceId: ws, reference: "expire:p2" })).toBeNull();
    expect(await getCreditBalance(h.orm.em.fork(), ws)).toEqual({ available: 0, held: 30 });
  });
});
