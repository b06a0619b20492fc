// Leads move on a staff reply (SPEC §16): a NEW lead whose thread gets a staff answer becomes
// CONTACTED in the reply's transaction, audited like a move by hand with the replying staff member as
// the actor; a lead past NEW is not moved back, and a patient's thread (no lead) changes nothing.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replyInThread, type InboxViewer } from "../src/index.ts";
import { createTenant, type Tenant } from "./fixtures.ts";

const SENDER = "+15017122661";
let db: TestDatabase;
let orm: MikroORM;
let a: Tenant;
let reception: InboxViewer;
const now = new Date("2026-12-01T15:00:00Z");

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);

/** A phone that wrote first to the own SMS sender: a lead at `stage` with its thread (answerable by SMS any time). */
async function lead(phone: string, stage: string): Promise<{ contactId: string; threadId: string }> {
  const wrote = new Date(now.getTime() - 3_600_000);
  const [c] = await sql<{ id: string }>(
    "insert into contacts (workspace_id, phone, source, lead_status, lead_status_at, last_inbound_at) values (?, ?, 'INBOUND', ?, ?, jsonb_build_object(?::text, ?::text)) returning id",
    [a.ws, phone, stage, wrote, SENDER, wrote.toISOString()],
  );
  const [cv] = await sql<{ id: string }>(
    "insert into conversations (workspace_id, contact_id, channel, sender_address, contact_address, last_inbound_at, last_message_at, waiting_since) values (?, ?, 'SMS', ?, ?, ?, ?, ?) returning id",
    [a.ws, c!.id, SENDER, phone, wrote, wrote, wrote],
  );
  return { contactId: c!.id, threadId: cv!.id };
}

const reply = (threadId: string, body: string) => replyInThread(orm.em.fork(), reception, threadId, body, { now, ip: "203.0.113.9", pendingReplyTtlMs: 86_400_000 });

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
  a = await createTenant(orm, "Clínica A");
  reception = a.viewer(await a.user("Recepción", "RECEPTIONIST"), "RECEPTIONIST");
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe("a staff reply to a lead", () => {
  it("moves a NEW lead to CONTACTED, audited with the replying staff member as the actor", async () => {
    const sofia = await lead("+593991000001", "NEW");
    expect(await reply(sofia.threadId, "Hola Sofía, la limpieza cuesta 35 dólares.")).toEqual({ kind: "sent" });
    const [row] = await sql<{ lead_status: string; lead_status_at: Date }>("select lead_status, lead_status_at from contacts where id = ?", [sofia.contactId]);
    expect(row!.lead_status).toBe("CONTACTED");
    expect(new Date(row!.lead_status_at).toISOString()).toBe(now.toISOString());
    expect(await sql("select action, actor_id, ip, details from audit_logs where entity_id = ?", [sofia.contactId])).toEqual([
      { action: "lead.status_changed", actor_id: reception.userId, ip: "203.0.113.9", details: { from: "NEW", to: "CONTACTED", cause: "reply", conversationId: sofia.threadId } },
    ]);
    // A second answer finds it CONTACTED already: nothing more is moved or audited.
    await reply(sofia.threadId, "¿Le reservo una cita?");
    expect(await sql("select action from audit_logs where entity_id = ?", [sofia.contactId])).toHaveLength(1);
  });

  it("leaves a lead past NEW where it is", async () => {
    for (const stage of ["BOOKED", "LOST"]) {
      const l = await lead(stage === "BOOKED" ? "+593991000002" : "+593991000003", stage);
      await reply(l.threadId, "Gracias por escribirnos.");
      expect(await sql("select lead_status from contacts where id = ?", [l.contactId])).toEqual([{ lead_status: stage }]);
      expect(await sql("select id from audit_logs where entity_id = ?", [l.contactId])).toEqual([]);
    }
  });
});
