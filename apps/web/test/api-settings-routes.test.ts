// Ajustes › Claves de API and Webhooks over HTTP against the production build (SPEC §15): a key
// created on the page works on /api/v1 and is shown only in the answer to its creation; revoking it
// on the page makes the API answer 401; a private address is refused with the reason; and another
// workspace's key, endpoint or delivery id in a POST answers 404 and changes nothing.
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let sql: pg.Client;
let web: WebServer;
let a: Tenant;
let b: Tenant;
let ownerA: Session;
let ownerB: Session;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  a = await createTenant(db.url, "a");
  b = await createTenant(db.url, "b");
  web = await startWebServer({ databaseUrl: db.url, env: { WEBHOOKS_ALLOW_INSECURE: "false" } });
  ownerA = await signIn(web.url, a.owner.email, a.owner.password);
  ownerB = await signIn(web.url, b.owner.email, b.owner.password);
}, 120_000);

afterAll(async () => {
  await web?.stop();
  await sql?.end();
  await db?.drop();
});

const api = (key: string, path: string) => fetch(`${web.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${key}` } });

describe("API keys page", () => {
  it("shows a new key once; the key works until it is revoked on the page", async () => {
    const created = await post(web.url, "/settings/api", ownerA, { intent: "create", name: "Agenda", scope: "appointments:write" });
    expect(created.status).toBe(200);
    const html = await created.text();
    const key = /rmk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}/.exec(html)?.[0];
    expect(key).toBeDefined();
    expect(await (await get(web.url, "/settings/api", ownerA)).text()).not.toContain(key!); // never shown again
    const [row] = (await sql.query("select id, secret_hash from api_keys where workspace_id = $1", [a.workspaceId])).rows as { id: string; secret_hash: string }[];
    expect(row!.secret_hash).not.toContain(key!.slice(17));

    const practices = await api(key!, "/practices");
    expect(practices.status).toBe(200);
    expect(((await practices.json()) as { data: unknown[] }).data).toHaveLength(1);

    // Another workspace's owner cannot revoke it.
    expect((await post(web.url, "/settings/api", ownerB, { intent: "revoke", keyId: row!.id })).status).toBe(404);
    expect((await api(key!, "/practices")).status).toBe(200);

    expect((await post(web.url, "/settings/api", ownerA, { intent: "revoke", keyId: row!.id })).status).toBe(302);
    const revoked = await api(key!, "/practices");
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { code: string }).code).toBe("key_revoked");
  });

  it("refuses a key without a scope, saying why", async () => {
    const res = await post(web.url, "/settings/api", ownerA, { intent: "create", name: "Nada" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Elija al menos un permiso.");
  });
});

describe("webhooks page", () => {
  it("refuses private addresses and http, and keeps another workspace's endpoints out of reach", async () => {
    const priv = await post(web.url, "/settings/webhooks", ownerA, { intent: "create", url: "https://169.254.169.254/latest", event: "rating.received" });
    expect(priv.status).toBe(400);
    expect(await priv.text()).toContain("red privada o local");
    const plain = await post(web.url, "/settings/webhooks", ownerA, { intent: "create", url: "http://93.184.216.34/hook", event: "rating.received" });
    expect(await plain.text()).toContain("La dirección debe usar https.");
    expect((await sql.query("select 1 from webhook_endpoints")).rowCount).toBe(0);

    // A public address literal: nothing to resolve, so the page accepts it without the network.
    expect((await post(web.url, "/settings/webhooks", ownerA, { intent: "create", url: "https://93.184.216.34/hook", event: "rating.received" })).status).toBe(302);
    const [endpoint] = (await sql.query("select id from webhook_endpoints where workspace_id = $1", [a.workspaceId])).rows as { id: string }[];
    const page = await (await get(web.url, "/settings/webhooks", ownerA)).text();
    expect(page).toContain("https://93.184.216.34/hook");
    expect(page).toMatch(/whsec_[A-Za-z0-9_-]{43}/);
    expect(await (await get(web.url, "/settings/webhooks", ownerB)).text()).not.toContain("93.184.216.34");

    await sql.query("insert into webhook_deliveries (workspace_id, endpoint_id, event_id, event_type, payload, status) values ($1, $2, gen_random_uuid(), 'rating.received', '{}', 'GAVE_UP')", [a.workspaceId, endpoint!.id]);
    const [delivery] = (await sql.query("select id from webhook_deliveries where endpoint_id = $1", [endpoint!.id])).rows as { id: string }[];
    const attempts: Record<string, string>[] = [{ intent: "delete", endpointId: endpoint!.id }, { intent: "enable", endpointId: endpoint!.id }, { intent: "replay", deliveryId: delivery!.id }];
    for (const fields of attempts) {
      expect((await post(web.url, "/settings/webhooks", ownerB, fields)).status, fields.intent).toBe(404);
    }
    expect((await sql.query("select 1 from webhook_endpoints where id = $1", [endpoint!.id])).rowCount).toBe(1);
    expect((await sql.query("select status from webhook_deliveries where id = $1", [delivery!.id])).rows).toEqual([{ status: "GAVE_UP" }]);
  });
});
