// The follow-up share (SPEC §6: a rating request holds its follow-up's credits too), charging a sent
// message, and the grant lookups the plans use, against real PostgreSQL: which requests are charged
// and what they still hold is the ledger's to say, so callers only name their messages.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chargeMessage,
  deductCredits,
  followUpShare,
  getCreditBalance,
  grantCredits,
  grantedWithPrefix,
  grantReferences,
  heldCredits,
  holdCredits,
  holdFollowUpCredits,
  releaseFollowUpShare,
  releaseFollowUpShares,
} from "../src/index.ts";
import { makeTenant, createTestOrm, type TestOrm } from "@rm/test-utils";

let t: TestOrm;
beforeAll(async () => {
  t = await createTestOrm();
});
afterAll(async () => t?.close());

const em = () => t.orm.em.fork();

/** A rating request as the send step leaves it: 2 held (request + follow-up), 1 charged, the share still held. */
async function chargedRequest(workspaceId: string): Promise<string> {
  const id = randomUUID();
  await holdCredits(em(), { workspaceId, amount: 2, reference: `message:${id}` });
  await deductCredits(em(), { workspaceId, amount: 1, reference: `message:${id}`, holdReference: `message:${id}`, keepRemainder: true });
  return id;
}

/** A request not sent yet: its hold is still its own. */
async function heldRequest(workspaceId: string): Promise<string> {
  const id = randomUUID();
  await holdCredits(em(), { workspaceId, amount: 2, reference: `message:${id}` });
  return id;
}

describe("follow-up shares", () => {
  it("only a charged request has a share; releasing it gives it back once", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 10, reference: "grant:1" });
    const waiting = await heldRequest(workspaceId);
    expect(await followUpShare(em(), workspaceId, [waiting])).toBeNull();
    expect(await releaseFollowUpShare(em(), workspaceId, [waiting], "test")).toBe(0);
    expect(await heldCredits(em(), workspaceId, `message:${waiting}`)).toBe(2);

    const charged = await chargedRequest(workspaceId);
    expect(await followUpShare(em(), workspaceId, [waiting, charged])).toEqual({ requestMessageId: charged, share: 1 });
    expect(await releaseFollowUpShare(em(), workspaceId, [charged], "one-tap rating")).toBe(1);
    expect(await releaseFollowUpShare(em(), workspaceId, [charged], "one-tap rating")).toBe(0);
    // 10 − 2 (waiting) − 1 (charged); only the waiting request's hold is left.
    expect(await getCreditBalance(em(), workspaceId)).toEqual({ available: 7, held: 2 });
  });

  it("a follow-up takes the share over as its own hold, or holds nothing when the balance cannot cover the rest", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 3, reference: "grant:1" });
    const request = await chargedRequest(workspaceId);
    const followUp = randomUUID();
    expect(await holdFollowUpCredits(em(), { workspaceId, requestMessageIds: [request], followUpMessageId: followUp, amount: 1, reason: "FOLLOWUP SMS" })).toBe(1);
    expect(await heldCredits(em(), workspaceId, `message:${request}`)).toBe(0);
    expect(await heldCredits(em(), workspaceId, `message:${followUp}`)).toBe(1);
    expect(await getCreditBalance(em(), workspaceId)).toEqual({ available: 1, held: 1 });

    // The share is gone; a follow-up costing more than the 1 still available holds nothing.
    const big = randomUUID();
    expect(await holdFollowUpCredits(em(), { workspaceId, requestMessageIds: [request], followUpMessageId: big, amount: 5, reason: "FOLLOWUP SMS" })).toBe(0);
    expect(await heldCredits(em(), workspaceId, `message:${big}`)).toBe(0);
  });

  it("a campaign's shares go back in one call: charged requests only, once however often it runs", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 20, reference: "grant:1" });
    const charged = [await chargedRequest(workspaceId), await chargedRequest(workspaceId), await chargedRequest(workspaceId)];
    const waiting = await heldRequest(workspaceId);
    // One share was already given back by a rating.
    await releaseFollowUpShare(em(), workspaceId, [charged[0]!], "rating");
    const all = [...charged, waiting];
    expect(await releaseFollowUpShares(em(), { workspaceId, requestMessageIds: all, reason: "campaign completed" })).toEqual({ released: 2, amount: 2 });
    expect(await releaseFollowUpShares(em(), { workspaceId, requestMessageIds: all, reason: "campaign completed" })).toEqual({ released: 0, amount: 0 });
    expect(await heldCredits(em(), workspaceId, `message:${waiting}`)).toBe(2);
    expect(await getCreditBalance(em(), workspaceId)).toEqual({ available: 20 - 3 - 2, held: 2 });
    expect(await releaseFollowUpShares(em(), { workspaceId, requestMessageIds: [], reason: "nothing" })).toEqual({ released: 0, amount: 0 });
  });

  it("another workspace's requests are never touched", async () => {
    const a = await makeTenant(t.orm);
    const b = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId: a.workspaceId, amount: 5, reference: "grant:a" });
    const request = await chargedRequest(a.workspaceId);
    expect(await releaseFollowUpShares(em(), { workspaceId: b.workspaceId, requestMessageIds: [request], reason: "wrong tenant" })).toEqual({ released: 0, amount: 0 });
    expect(await followUpShare(em(), b.workspaceId, [request])).toBeNull();
    expect(await heldCredits(em(), a.workspaceId, `message:${request}`)).toBe(1);
  });
});

describe("grant lookups", () => {
  it("lists grants by pattern newest first and sums them by prefix", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    for (const reference of ["stripe:1700:1600:in_a", "stripe:1800:1700:in_b", "stripe:1800:1750:in_c", "free:signup", "free:signup:1"]) {
      await grantCredits(em(), { workspaceId, amount: reference.startsWith("stripe:1800") ? 100 : 50, reference });
    }
    expect(await grantReferences(em(), workspaceId, "^stripe:[0-9]+:")).toEqual(["stripe:1800:1750:in_c", "stripe:1800:1700:in_b", "stripe:1700:1600:in_a"]);
    expect(await grantReferences(em(), workspaceId, "^free:[A-Za-z0-9_-]+$", 1)).toEqual(["free:signup"]);
    expect(await grantedWithPrefix(em(), workspaceId, "stripe:1800:")).toBe(200);
    expect(await grantedWithPrefix(em(), workspaceId, "stripe:180:")).toBe(0);
    // A LIKE wildcard in the prefix is a plain character.
    expect(await grantedWithPrefix(em(), workspaceId, "stripe:1_00:")).toBe(0);
  });
});

describe("charging a sent message", () => {
  it("a rating request spends what was billed and keeps its follow-up's share; a replay charges nothing more", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 10, reference: "grant:1" });
    const id = randomUUID();
    await holdCredits(em(), { workspaceId, amount: 2, reference: `message:${id}` });
    const input = { workspaceId, messageId: id, billed: 1, held: 2, keepFollowUpShare: true, reason: "INITIAL SMS" };
    expect(await chargeMessage(em(), input)).toBe("billed");
    expect(await chargeMessage(em(), input)).toBe("billed");
    expect(await getCreditBalance(em(), workspaceId)).toEqual({ available: 8, held: 1 });
    expect(await followUpShare(em(), workspaceId, [id])).toEqual({ requestMessageId: id, share: 1 });
  });

  it("billed beyond the hold: the balance pays the difference, and when it cannot only the hold is spent", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    await grantCredits(em(), { workspaceId, amount: 3, reference: "grant:1" });
    const covered = randomUUID();
    await holdCredits(em(), { workspaceId, amount: 1, reference: `message:${covered}` });
    expect(await chargeMessage(em(), { workspaceId, messageId: covered, billed: 2, held: 1, keepFollowUpShare: false, reason: "FOLLOWUP_HAPPY SMS" })).toBe("billed");
    expect(await getCreditBalance(em(), workspaceId)).toEqual({ available: 1, held: 0 });

    const short = randomUUID();
    await holdCredits(em(), { workspaceId, amount: 1, reference: `message:${short}` });
    expect(await chargeMessage(em(), { workspaceId, messageId: short, billed: 3, held: 1, keepFollowUpShare: false, reason: "FOLLOWUP_HAPPY SMS" })).toBe("hold-only");
    // Never negative: the hold's 1 was spent, nothing more.
    expect(await getCreditBalance(em(), workspaceId)).toEqual({ available: 0, held: 0 });
  });
});
