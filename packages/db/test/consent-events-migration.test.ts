// The migration that starts the consent history turns what the contacts stored — the first grant per
// channel with its time and source, and the opt-out in force — into their first consent events.
import { MikroORM } from "@mikro-orm/postgresql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOrmConfig } from "../src/index.ts";
import { createTestOrm, type TestOrm } from "@rm/test-utils";

const BEFORE = "Migration20261206044808";
let t: TestOrm;
beforeAll(async () => {
  t = await createTestOrm(2);
});
afterAll(async () => t?.close());

describe("the consent events migration", () => {
  it("copies each contact's stored grants (time and source as stored) and opt-outs into events, and the table then refuses updates", async () => {
    const name = `${t.db.name}_consent`;
    const admin = t.orm.em.fork();
    await admin.execute(`create database "${name}"`);
    const url = new URL(t.db.url);
    url.pathname = `/${name}`;
    const orm = await MikroORM.init(buildOrmConfig({ databaseUrl: url.toString(), poolMax: 2 }));
    try {
      await orm.migrator.up({ to: BEFORE });
      const em = orm.em.fork();
      const [ws] = await em.execute<{ id: string }[]>("insert into workspaces (name) values ('Antes') returning id");
      const w = ws!.id;
      const insert = (phone: string, cols: string, values: unknown[]) =>
        em.execute<{ id: string }[]>(`insert into contacts (workspace_id, phone${cols ? `, ${cols}` : ""}) values (?, ?${values.map(() => ", ?").join("")}) returning id`, [w, phone, ...values]);
      const [both] = await insert("+593991000001", "whatsapp_consent_at, whatsapp_consent_source, sms_consent_at, sms_consent_source", ["2026-11-01T10:00:00Z", "CSV_IMPORT", "2026-11-02T10:00:00Z", "REPLY"]);
      const [stopped] = await insert("+593991000002", "sms_consent_at, sms_consent_source, opted_out_at, opted_out_source", ["2026-11-03T10:00:00Z", "CSV_IMPORT", "2026-11-04T10:00:00Z", "SMS:STOP"]);
      const [byStaff] = await insert("+593991000003", "whatsapp_consent_at, whatsapp_consent_source, opted_out_at, opted_out_source", ["2026-11-05T10:00:00Z", "CSV_IMPORT", "2026-11-06T10:00:00Z", "staff"]);
      await insert("+593991000004", "", []);

      await orm.migrator.up();
      const events = await em.execute<{ contact_id: string; channel: string; purpose: string; action: string; source: string; occurred_at: Date; actor_id: string | null; evidence: string | null }[]>(
        "select contact_id, channel, purpose, action, source, occurred_at, actor_id, evidence from consent_events order by contact_id, occurred_at, channel",
      );
      const of = (id: string) => events.filter((e) => e.contact_id === id).map((e) => [e.channel, e.action, e.source, new Date(e.occurred_at).toISOString(), e.evidence]);
      expect(of(both!.id)).toEqual([
        ["WHATSAPP", "GRANTED", "IMPORT", "2026-11-01T10:00:00.000Z", null],
        ["SMS", "GRANTED", "REPLY", "2026-11-02T10:00:00.000Z", null],
      ]);
      expect(of(stopped!.id)).toEqual([
        ["SMS", "GRANTED", "IMPORT", "2026-11-03T10:00:00.000Z", null],
        ["SMS", "WITHDRAWN", "REPLY", "2026-11-04T10:00:00.000Z", "STOP"],
      ]);
      expect(of(byStaff!.id)).toEqual([
        ["WHATSAPP", "GRANTED", "IMPORT", "2026-11-05T10:00:00.000Z", null],
        ["SMS", "WITHDRAWN", "STAFF", "2026-11-06T10:00:00.000Z", null],
        ["WHATSAPP", "WITHDRAWN", "STAFF", "2026-11-06T10:00:00.000Z", null],
      ]);
      expect(events).toHaveLength(7);
      expect(new Set(events.map((e) => e.purpose))).toEqual(new Set(["FEEDBACK_REQUESTS"]));
      expect(events.every((e) => e.actor_id === null)).toBe(true);
      await expect(em.execute("update consent_events set occurred_at = now()")).rejects.toThrow(/append-only/);
    } finally {
      await orm.close(true);
      await admin.execute(`drop database if exists "${name}" with (force)`);
    }
  });
});
