// DATABASE_READ_URL (decision 036): the reads that tolerate replication lag — the analytics dashboard
// and the contacts CSV export — go to the read database when one is configured, and to the primary
// otherwise; the pages a staff member opens right after an action keep reading the primary. The "replica"
// here is a copy of the test database whose practice and patient were renamed, so the answer says
// which database it came from.
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantCampaign } from "./support/campaigns.ts";
import { get, signIn } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let readUrl: string;
let readName: string;
let a: Tenant;
const servers: WebServer[] = [];

function adminClient(): pg.Client {
  const url = new URL(db.url);
  url.pathname = "/postgres";
  return new pg.Client({ connectionString: url.toString() });
}

async function onDatabase(url: string, sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "a");
  await createTenantCampaign(db.url, a, [
    { name: "Ana Primaria", phone: "+593981220001", state: "delivered" },
    { name: "Luis Primario", phone: "+593981220002", state: "rated" },
  ]);
  readName = `${db.name}_read`;
  const admin = adminClient();
  await admin.connect();
  try {
    await admin.query(`create database "${readName}" template "${db.name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(db.url);
  url.pathname = `/${readName}`;
  readUrl = url.toString();
  await onDatabase(readUrl, "update practices set name = 'Consultorio Réplica' where id = $1", [a.practiceId]);
  await onDatabase(readUrl, "update patients set name = 'Ana Réplica' where name = 'Ana Primaria'");
}, 60_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  const admin = adminClient();
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${readName}" with (force)`);
  } finally {
    await admin.end();
  }
  await db?.drop();
});

describe("DATABASE_READ_URL", () => {
  it("analytics and the contacts export read the read database; the contacts page reads the primary", async () => {
    const web = await startWebServer({ databaseUrl: db.url, env: { DATABASE_READ_URL: readUrl } });
    servers.push(web);
    const owner = await signIn(web.url, a.owner.email, a.owner.password);

    const analytics = await (await get(web.url, "/analytics?range=all", owner)).text();
    // The figures by practice come from the read database; the practice filter's choices from the primary.
    expect(analytics).toContain("Consultorio Réplica");

    const csv = await get(web.url, "/contacts.csv", owner);
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain("Ana Réplica");
    expect(text).not.toContain("Ana Primaria");

    const page = await (await get(web.url, "/contacts", owner)).text();
    expect(page).toContain("Ana Primaria");
    expect(page).not.toContain("Ana Réplica");
  }, 60_000);

  it("without it, they read the primary", async () => {
    const web = await startWebServer({ databaseUrl: db.url });
    servers.push(web);
    const owner = await signIn(web.url, a.owner.email, a.owner.password);
    expect(await (await get(web.url, "/analytics?range=all", owner)).text()).not.toContain("Consultorio Réplica");
    const text = await (await get(web.url, "/contacts.csv", owner)).text();
    expect(text).toContain("Ana Primaria");
    expect(text).not.toContain("Ana Réplica");
  }, 60_000);
});
