// Campaign completion (SPEC §4) and the follow-up shares it gives back (SPEC §6), against real
// PostgreSQL: ACTIVE → COMPLETED once nothing is pending and every request is rated or past its reply
// window; unused shares of completed and cancelled campaigns go back to the balance once, never while
// a send is in flight; and the worker's 'campaign.complete' handler runs a slot and schedules the next.
import type { MikroORM } from "@mikro-orm/postgresql";
import { getCreditBalance, heldCredits } from "@rm/credits";
import { enqueueOutbox, initOrm } from "@rm/db";
import { ManualClock } from "@rm/domain";
import { periodicJobEvent } from "@rm/events";
import type { HandlerDeps } from "@rm/messaging";
import { addFixtureCampaign, createScenario, createTestDatabase, type FixturePatient, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignPeriodicHandlers, completeCampaigns } from "../src/index.ts";

const DAY = 86_400_000;
const WINDOW = 7 * DAY;
let db: TestDatabase;
let orm: MikroORM;

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(text, params);

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

/** A workspace with 100 credits and campaigns written where the real flow leaves them (accepted requests charged, their follow-up share still held). */
async function workspaceWith(campaigns: { name: string; status: "ACTIVE" | "CANCELLED"; patients: FixturePatient[] }[]) {
  const s = await createScenario(orm, { patients: 0, dueAt: new Date(), credits: 100 });
  const ids: Record<string, { campaignId: string; messageIds: (string | null)[] }> = {};
  for (const [i, c] of campaigns.entries()) {
    ids[c.name] = await addFixtureCampaign(orm, {
      workspaceId: s.workspaceId,
      practiceId: s.practiceId,
      createdById: s.ownerId,
      assignedDoctorId: null,
      name: c.name,
      status: c.status,
      // Sent about an hour ago: inside the reply window.
      appointmentsFrom: new Date(Date.now() - 3 * 3_600_000 + i * 60_000),
      patients: c.patients.map((p, k) => ({ ...p, phone: `+5939830${String(i).padStart(2, "0")}${String(k).padStart(3, "0")}` })),
    });
  }
  return { workspaceId: s.workspaceId, ids };
}

async function statusOf(campaignId: string): Promise<string> {
  return (await sql<{ status: string }>("select status from campaigns where id = ?", [campaignId]))[0]!.status;
}

async function followUpReleases(messageId: string): Promise<number> {
  return (await sql("select 1 from credit_ledger_entries where reference = ?", [`release:followup:${messageId}`])).length;
}

describe("campaign completion", () => {
  it("completes a campaign once nothing is pending and every request is rated or past its reply window, and gives its unused shares back once", async () => {
    const { workspaceId, ids } = await workspaceWith([
      { name: "Done", status: "ACTIVE", patients: [{ name: "Ana Torres", phone: "", state: "rated", rating: 5 }, { name: "Bruno Vera", phone: "", state: "delivered" }] },
      { name: "Waiting", status: "ACTIVE", patients: [{ name: "Carla Mora", phone: "", state: "scheduled" }] },
    ]);
    // Each accepted request: charged 1, its follow-up's 1 still held; the scheduled one holds 2.
    expect(await getCreditBalance(orm.em.fork(), workspaceId)).toEqual({ available: 94, held: 4 });

    const now = new Date();
    await completeCampaigns(orm.em.fork(), now, WINDOW);
    // Bruno has not answered and is inside the window: still active, nothing released.
    expect(await statusOf(ids.Done!.campaignId)).toBe("ACTIVE");
    expect(await getCreditBalance(orm.em.fork(), workspaceId)).toEqual({ available: 94, held: 4 });

    const later = new Date(now.getTime() + 8 * DAY);
    await completeCampaigns(orm.em.fork(), later, WINDOW);
    expect(await statusOf(ids.Done!.campaignId)).toBe("COMPLETED");
    // A send still pending keeps its campaign active, whatever the window.
    expect(await statusOf(ids.Waiting!.campaignId)).toBe("ACTIVE");
    // Both shares of the completed campaign went back; the scheduled request keeps its hold.
    expect(await getCreditBalance(orm.em.fork(), workspaceId)).toEqual({ available: 96, held: 2 });
    expect(await heldCredits(orm.em.fork(), workspaceId, `message:${ids.Waiting!.messageIds[0]}`)).toBe(2);

    await completeCampaigns(orm.em.fork(), later, WINDOW);
    expect(await getCreditBalance(orm.em.fork(), workspaceId)).toEqual({ available: 96, held: 2 });
    for (const id of ids.Done!.messageIds) expect(await followUpReleases(id!)).toBe(1);
  });

  it("a request charged after its campaign was cancelled gives its share back once nothing is in flight", async () => {
    const { workspaceId, ids } = await workspaceWith([
      { name: "Cancelled", status: "CANCELLED", patients: [{ name: "Hugo Ríos", phone: "", state: "delivered" }] },
      { name: "In flight", status: "CANCELLED", patients: [{ name: "Inés Vega", phone: "", state: "sent" }] },
    ]);
    // The worker was sending Inés's request when staff cancelled.
    const inFlight = ids["In flight"]!.messageIds[0]!;
    await sql("update messages set status = 'SENDING' where id = ?", [inFlight]);
    expect(await getCreditBalance(orm.em.fork(), workspaceId)).toEqual({ available: 96, held: 2 });

    await completeCampaigns(orm.em.fork(), new Date(), WINDOW);
    // Hugo's share is back; Inés's waits until her send is settled.
    expect(await getCreditBalance(orm.em.fork(), workspaceId)).toEqual({ available: 97, held: 1 });
    await sql("update messages set status = 'SENT' where id = ?", [inFlight]);
    await completeCampaigns(orm.em.fork(), new Date(), WINDOW);
    expect(await getCreditBalance(orm.em.fork(), workspaceId)).toEqual({ available: 98, held: 0 });
    // Run again: released once, never twice; cancelled campaigns stay cancelled.
    await completeCampaigns(orm.em.fork(), new Date(), WINDOW);
    expect(await getCreditBalance(orm.em.fork(), workspaceId)).toEqual({ available: 98, held: 0 });
    expect(await followUpReleases(inFlight)).toBe(1);
    expect(await statusOf(ids.Cancelled!.campaignId)).toBe("CANCELLED");
  });
});

describe("the worker's 'campaign.complete' handler", () => {
  it("runs its slot in the slot's transaction: the campaign completes, the row is done and the next slot is scheduled", async () => {
    const { ids } = await workspaceWith([{ name: "Rated", status: "ACTIVE", patients: [{ name: "Luis Andrade", phone: "", state: "rated", rating: 4 }] }]);
    const clock = new ManualClock(new Date());
    const lines: { obj: object; msg?: string }[] = [];
    const logger = { info: (obj: object, msg?: string) => void lines.push({ obj, msg }), warn: () => {}, error: () => {} };
    const deps: HandlerDeps = { orm, clock, logger };

    const interval = 5 * 60_000;
    const slot = new Date(Math.floor(clock.now().getTime() / interval) * interval);
    await enqueueOutbox(orm.em.fork(), { workspaceId: null, stream: "periodic", type: "campaign.complete", payload: { slot: slot.toISOString() }, idempotencyKey: periodicJobEvent.key("campaign.complete", slot), availableAt: slot });
    const [row] = await sql<{ id: string }>("update outbox set status = 'published' where idempotency_key = ? returning id::text as id", [periodicJobEvent.key("campaign.complete", slot)]);
    const entry = { outboxId: row!.id, type: "campaign.complete", workspaceId: null, payload: JSON.stringify({ slot: slot.toISOString() }), traceparent: "" };

    await campaignPeriodicHandlers["campaign.complete"]!(deps, entry);
    expect(await statusOf(ids.Rated!.campaignId)).toBe("COMPLETED");
    const slots = await sql<{ idempotency_key: string; status: string }>("select idempotency_key, status from outbox where idempotency_key like ? order by idempotency_key", [`${periodicJobEvent.keyPrefix("campaign.complete")}%`]);
    expect(slots).toEqual([
      { idempotency_key: periodicJobEvent.key("campaign.complete", slot), status: "done" },
      { idempotency_key: periodicJobEvent.key("campaign.complete", new Date(slot.getTime() + interval)), status: "pending" },
    ]);
    expect(lines.at(-1)).toMatchObject({ obj: { job: "campaign.complete", completed: expect.any(Number) }, msg: "periodic job done" });

    // A second delivery of the same entry finds its row done and does nothing.
    await campaignPeriodicHandlers["campaign.complete"]!(deps, entry);
    expect(lines.filter((l) => l.msg === "periodic job done")).toHaveLength(1);
  });
});
