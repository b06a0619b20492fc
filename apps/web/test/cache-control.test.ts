// Signed-in responses may show patient data: on a shared front-desk PC neither the browser's cache
// nor a proxy may keep them (SPEC §17). Every response to a signed-in request carries
// `Cache-Control: private, no-store` — documents, single-fetch `.data` requests, resource routes
// (the rejected-rows CSV), redirects after a form, and error pages — read from the real server.
// (Each staff route's GET is also checked for it in route-coverage.test.ts.)
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantCampaign } from "./support/campaigns.ts";
import { get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const PRIVATE = "private, no-store";
let db: TestDatabase;
let web: WebServer;
let a: Tenant;
let b: Tenant;
let owner: Session;
let receptionist: Session;
let campaignId: string;
let draftId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "cache-a");
  b = await createTenant(db.url, "cache-b");
  campaignId = await createTenantCampaign(db.url, a, [{ name: "Paciente Privada", phone: "+593981110002", state: "scheduled" }]);
  const { createCampaignDraft, parsePatientCsv } = await import("@rm/importer");
  const { initOrm } = await import("@rm/db");
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    const parsed = await parsePatientCsv(Buffer.from("nombre;telefono;fecha;consentimiento\r\nAna Prueba;0991234567;23/11/2026;si\r\nSin Teléfono;;23/11/2026;si\r\n"));
    draftId = (await createCampaignDraft(orm, { workspaceId: a.workspaceId, practiceId: a.practiceId, assignedDoctorId: a.doctor.id, createdById: a.receptionist.id, name: "Borrador", parsed })).campaignId;
  } finally {
    await orm.close(true);
  }
  web = await startWebServer({ databaseUrl: db.url });
  owner = await signIn(web.url, a.owner.email, a.owner.password);
  receptionist = await signIn(web.url, a.receptionist.email, a.receptionist.password);
});

afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

describe("Cache-Control on signed-in responses", () => {
  it("documents of the staff pages", async () => {
    for (const path of ["/", "/campaigns", `/campaigns/${campaignId}`, `/campaigns/drafts/${draftId}`, "/inbox", "/analytics", "/settings", "/account"]) {
      const res = await get(web.url, path, owner);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(res.headers.get("cache-control"), path).toBe(PRIVATE);
    }
  });

  it("single-fetch data requests (client-side navigation)", async () => {
    for (const path of ["/_root.data", "/campaigns.data", `/campaigns/${campaignId}.data`, "/inbox.data", "/analytics.data?range=all"]) {
      const res = await get(web.url, path, owner);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(/text\/x-script/);
      expect(res.headers.get("cache-control"), path).toBe(PRIVATE);
      const body = await res.text();
      if (path.startsWith("/campaigns/")) expect(body).toContain("Paciente Privada");
    }
  });

  it("resource routes: the rejected-rows CSV download and the template analysis", async () => {
    const csv = await get(web.url, `/campaigns/drafts/${draftId}/rejected.csv`, owner);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("cache-control")).toBe(PRIVATE);
    const analysis = await get(web.url, "/api/template-analysis?type=INITIAL&body=Hola%20%7B%7Bname%7D%7D", owner);
    expect(analysis.status).toBe(200);
    expect(analysis.headers.get("cache-control")).toBe(PRIVATE);
  });

  it("error pages and redirects after a form", async () => {
    const denied = await get(web.url, "/settings", receptionist);
    expect(denied.status).toBe(403);
    expect(denied.headers.get("cache-control")).toBe(PRIVATE);
    const otherTenant = await get(web.url, `/practices/${b.practiceId}`, owner);
    expect(otherTenant.status).toBe(404);
    expect(otherTenant.headers.get("cache-control")).toBe(PRIVATE);
    const created = await post(web.url, "/practices/new", owner, { name: "Consultorio Nuevo", timezone: "America/Guayaquil" });
    expect(created.status).toBe(302);
    expect(created.headers.get("cache-control")).toBe(PRIVATE);
  });
});
