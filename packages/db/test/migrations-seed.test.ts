import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Campaign,
  CampaignStatus,
  DEMO,
  getCreditBalance,
  initOrm,
  Message,
  migrateUp,
  OutboxEvent,
  Patient,
  Plan,
  Practice,
  Template,
  User,
  Workspace,
  seedDemo,
  unscopedEm,
  verifyPassword,
  workspaceEm,
} from "../src/index.ts";
import { setupOrm, type TestOrm } from "./helpers.ts";
import { messageSendEvent } from "@rm/events";

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL("..", import.meta.url));

let t: TestOrm;
beforeAll(async () => {
  t = await setupOrm();
});
afterAll(async () => t?.close());

/** A brand-new empty database next to the test one (dropped afterwards). */
async function withEmptyDatabase(fn: (url: string) => Promise<void>) {
  const name = `${t.db.name}_empty`;
  const admin = t.orm.em.fork();
  await admin.execute(`create database "${name}"`);
  const url = new URL(t.db.url);
  url.pathname = `/${name}`;
  try {
    await fn(url.toString());
  } finally {
    await admin.execute(`drop database if exists "${name}" with (force)`);
  }
}

describe("migrations", () => {
  it("apply cleanly to an empty database, twice (idempotent), and `migration:check` agrees", async () => {
    await withEmptyDatabase(async (url) => {
      // migration:check on a fresh clone: it migrates the empty database first, then compares.
      const check = await run(process.execPath, ["src/scripts/migration-check.ts"], { cwd: pkgDir, env: { ...process.env, DATABASE_URL: url, DATABASE_DIRECT_URL: "" } });
      expect(check.stdout).toMatch(/Entities and migrations agree/);
      await migrateUp(url); // nothing left to apply
      const orm = await initOrm({ databaseUrl: url, poolMax: 2 });
      try {
        const tables = await orm.em.fork().execute<{ t: string }[]>("select tablename as t from pg_tables where schemaname = 'public' order by 1");
        expect(tables.map((r) => r.t)).toEqual([
          "analytics_daily",
          "analytics_deltas",
          "analytics_rollups",
          "audit_logs",
          "billing_events",
          "campaign_drafts",
          "campaigns",
          "consent_events",
          "contacts",
          "credit_ledger_entries",
          "feedback",
          "inbound_messages",
          "invitations",
          "messages",
          "mikro_orm_migrations",
          "outbox",
          "patients",
          "practices",
          "provider_status_events",
          "review_clicks",
          "staff_sessions",
          "templates",
          "users",
          "workspaces",
        ]);
        expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe("");
      } finally {
        await orm.close(true);
      }
    });
  });

  it("the hot-path indexes exist", async () => {
    const rows = await t.orm.em.fork().execute<{ indexname: string; indexdef: string }[]>("select indexname, indexdef from pg_indexes where schemaname = 'public'");
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
    expect(defs.patients_workspace_phone_idx).toMatch(/\(workspace_id, phone\)/);
    expect(defs.messages_provider_sid_uq).toMatch(/UNIQUE.*\(provider_sid\) WHERE \(provider_sid IS NOT NULL\)/);
    expect(defs.campaigns_workspace_created_idx).toMatch(/\(workspace_id, created_at DESC\)/);
    expect(defs.messages_campaign_status_idx).toMatch(/\(campaign_id, status\)/);
    expect(defs.contacts_workspace_phone_uq).toMatch(/UNIQUE.*\(workspace_id, phone\)/);
    expect(defs.messages_route_idx).toMatch(/\(to_address, from_address, created_at DESC\)/);
    expect(defs.outbox_status_available_idx).toMatch(/\(status, available_at\)/);
  });
});

describe("demo seeder", () => {
  it("creates the demo workspace once; a second run duplicates nothing", async () => {
    const now = new Date();
    const first = await seedDemo(t.orm, now);
    expect(first).toMatchObject({ createdWorkspace: true, createdCampaign: true });
    const snapshot = async () => {
      const em = workspaceEm(t.orm.em, first.workspaceId);
      return {
        users: await em.count(User, {}),
        practices: await em.count(Practice, {}),
        templates: await em.count(Template, {}),
        campaigns: await em.count(Campaign, {}),
        patients: await em.count(Patient, {}),
        messages: await em.count(Message, {}),
        outbox: await t.orm.em.fork().count(OutboxEvent, { workspaceId: first.workspaceId }),
        balance: await getCreditBalance(t.orm.em.fork(), first.workspaceId),
      };
    };
    const before = await snapshot();
    const second = await seedDemo(t.orm);
    expect(second).toMatchObject({ workspaceId: first.workspaceId, createdWorkspace: false, createdCampaign: false });
    expect(await snapshot()).toEqual(before);
    expect(before).toMatchObject({ users: 2, practices: 1, templates: 6, campaigns: 1, patients: 5, messages: 4, outbox: 4 });
    // 2000 granted through the ledger; 2 credits held per scheduled request.
    expect(before.balance).toEqual({ available: 2000 - 8, held: 8 });

    const em = workspaceEm(t.orm.em, first.workspaceId);
    const ws = await em.findOneOrFail(Workspace, first.workspaceId);
    expect([ws.name, ws.plan, ws.quietHoursStart, ws.quietHoursEnd]).toEqual([DEMO.workspaceName, Plan.PROFESSIONAL, null, null]);
    const owner = await unscopedEm(t.orm.em).findOneOrFail(User, { email: DEMO.ownerEmail });
    expect(owner.name).toBe("Dr. Demo");
    expect(await verifyPassword(owner.passwordHash, "demo1234")).toBe(true);
    const practice = await em.findOneOrFail(Practice, { name: "Consultorio Centro" });
    expect(practice.googlePlaceId).toBe("ChIJN1t_tDeuEmsRUsoyG83frY4");
    const templates = await em.find(Template, {});
    expect(templates.every((tpl) => tpl.isDefault && tpl.language === "es")).toBe(true);
    expect(templates.find((tpl) => tpl.type === "INITIAL")!.body).toContain("{{ratingLink}}");

    const campaign = await em.findOneOrFail(Campaign, {});
    expect(campaign.status).toBe(CampaignStatus.ACTIVE);
    const patients = await em.find(Patient, {}, { orderBy: { appointmentAt: "asc" } });
    expect(patients.every((p) => /^\+5939\d{8}$/.test(p.phone))).toBe(true);
    expect(patients.filter((p) => !p.consent).map((p) => p.skipReason)).toEqual(["NO_CONSENT"]);
    for (const p of patients) {
      const hoursAgo = (now.getTime() - p.appointmentAt.getTime()) / 3_600_000;
      expect(hoursAgo).toBeGreaterThan(0);
      expect(hoursAgo).toBeLessThanOrEqual(4);
    }
    // Sends for appointments ≥ 2 h ago are due at once.
    const outbox = await t.orm.em.fork().find(OutboxEvent, { workspaceId: first.workspaceId });
    expect(outbox.every((o) => o.stream === "dispatch" && o.type === "message.send" && o.idempotencyKey === messageSendEvent.key((o.payload as { messageId: string }).messageId))).toBe(true);
    expect(outbox.filter((o) => o.availableAt.getTime() <= now.getTime())).toHaveLength(3);
  });
});
