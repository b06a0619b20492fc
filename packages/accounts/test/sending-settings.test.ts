// What the messaging flow reads of a workspace through this package: a reminder's timing for a batch
// of sends, and which workspaces send from a sender (an opt-out by reply reaches all of them).
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reminderSettings, signUp, workspacesWithSender } from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

async function newWorkspace(settings: string, params: unknown[] = []): Promise<string> {
  const n = ++counter;
  const { workspaceId } = await signUp(orm.em.fork(), { workspaceName: `Clínica ${n}`, name: `Dueña ${n}`, email: `sending${n}@example.ec`, password: "clave-segura-1" }, { startPlan: async () => {}, ip: "10.0.0.1" });
  if (settings) await orm.em.fork().execute(`update workspaces set ${settings} where id = ?`, [...params, workspaceId]);
  return workspaceId;
}

describe("sending settings", () => {
  it("reads each workspace's reminder timing once for a batch, without quiet hours where there are none", async () => {
    const a = await newWorkspace("reminder_after_hours = 48, timezone = 'America/Guayaquil', quiet_hours_start = '21:00', quiet_hours_end = '07:30'");
    const b = await newWorkspace("quiet_hours_start = null, quiet_hours_end = null, timezone = 'Europe/Madrid'");
    const unknown = "00000000-0000-4000-8000-000000000000";
    const settings = await reminderSettings(orm.em.fork(), [a, b, a, unknown]);
    expect([...settings.keys()].sort()).toEqual([a, b].sort());
    expect(settings.get(a)).toEqual({ reminderAfterHours: 48, timezone: "America/Guayaquil", quietHours: { start: "21:00", end: "07:30" } });
    expect(settings.get(b)).toEqual({ reminderAfterHours: 24, timezone: "Europe/Madrid", quietHours: null });
  });

  it("finds every workspace with the sender as its SMS or WhatsApp sender, across tenants", async () => {
    const sms = await newWorkspace("sms_sender = ?", ["+15005551111"]);
    const whatsapp = await newWorkspace("whatsapp_sender = ?", ["whatsapp:+15005551111"]);
    const bare = await newWorkspace("whatsapp_sender = ?", ["+15005551111"]);
    const other = await newWorkspace("sms_sender = ?", ["+15005552222"]);
    const found = await workspacesWithSender(orm.em.fork(), ["whatsapp:+15005551111", "+15005551111"]);
    expect(found.sort()).toEqual([sms, whatsapp, bare].sort());
    expect(found).not.toContain(other);
    expect(await workspacesWithSender(orm.em.fork(), [])).toEqual([]);
  });
});
