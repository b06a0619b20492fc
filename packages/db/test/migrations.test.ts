import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initOrm, migrateUp } from "../src/index.ts";
import { createEmptyDatabase, createTestOrm, type TestOrm } from "@rm/test-utils";

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL("..", import.meta.url));

let t: TestOrm;
beforeAll(async () => {
  t = await createTestOrm();
});
afterAll(async () => t?.close());

/** A brand-new empty database next to the test one (dropped afterwards). */
async function withEmptyDatabase(fn: (url: string) => Promise<void>) {
  const empty = await createEmptyDatabase(`${t.db.name}_empty`, { migrate: false });
  try {
    await fn(empty.url);
  } finally {
    await empty.drop();
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
          "api_appointments",
          "api_idempotency_keys",
          "api_keys",
          "audit_logs",
          "billing_events",
          "campaign_drafts",
          "campaigns",
          "canned_replies",
          "consent_events",
          "contact_labels",
          "contact_notes",
          "contacts",
          "conversation_notes",
          "conversation_reads",
          "conversations",
          "credit_ledger_entries",
          "feedback",
          "inbound_messages",
          "invitations",
          "labels",
          "messages",
          "mikro_orm_migrations",
          "outbox",
          "patients",
          "practice_knowledge",
          "practices",
          "provider_status_events",
          "review_clicks",
          "signup_verifications",
          "staff_sessions",
          "templates",
          "twilio_accounts",
          "users",
          "web_widgets",
          "webhook_deliveries",
          "webhook_endpoints",
          "whatsapp_templates",
          "widget_visitors",
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
    // Gone with decision 036: a phone's appointments are found through its contact.
    expect(defs.patients_workspace_phone_idx).toBeUndefined();
    expect(defs.messages_provider_sid_uq).toMatch(/UNIQUE.*\(provider_sid\) WHERE \(provider_sid IS NOT NULL\)/);
    expect(defs.campaigns_workspace_created_idx).toMatch(/\(workspace_id, created_at DESC\)/);
    expect(defs.messages_campaign_status_idx).toMatch(/\(campaign_id, status\)/);
    expect(defs.contacts_workspace_phone_uq).toMatch(/UNIQUE.*\(workspace_id, phone\)/);
    expect(defs.messages_route_idx).toMatch(/\(to_address, from_address, created_at DESC\)/);
    expect(defs.outbox_finished_idx).toMatch(/\(available_at\) WHERE/);
  });
});
