// The leads page over HTTP against the production build, without JavaScript (SPEC §16): owners and
// reception see the list and the board, a plain form POST moves a lead (audited) and lands back on the
// same view, another workspace's lead answers 404 and does not move, a doctor is refused, and a bad
// stage is a 400 that changes nothing; analytics counts leads per source and stage.
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let web: WebServer;
let a: Tenant;
let b: Tenant;
let owner: Session;
let reception: Session;
let doctor: Session;
const lead = {} as Record<string, string>;

async function sql<T>(q: string, params: unknown[] = []): Promise<T[]> {
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    return await orm.em.fork().execute<T[]>(q, params);
  } finally {
    await orm.close(true);
  }
}

async function seedLead(t: Tenant, phone: string, name: string, source: "INBOUND" | "WIDGET"): Promise<string> {
  const [c] = await sql<{ id: string }>("insert into contacts (workspace_id, phone, name, source, lead_status, lead_status_at) values (?, ?, ?, ?, 'NEW', now()) returning id", [t.workspaceId, phone, name, source]);
  return c!.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "a");
  b = await createTenant(db.url, "b");
  lead.sofia = await seedLead(a, "+593991200001", "Sofía Prospecto", "INBOUND");
  lead.lucia = await seedLead(a, "+593991200002", "Lucía Web", "WIDGET");
  lead.other = await seedLead(b, "+593991200003", "Ajeno Prospecto", "INBOUND");
  web = await startWebServer({ databaseUrl: db.url });
  owner = await signIn(web.url, a.owner.email, a.owner.password);
  reception = await signIn(web.url, a.receptionist.email, a.receptionist.password);
  doctor = await signIn(web.url, a.doctor.email, a.doctor.password);
}, 60_000);

afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

describe("leads routes", () => {
  it("lists the workspace's leads and the board, filtered by source, never another workspace's", async () => {
    const list = await (await get(web.url, "/leads", reception)).text();
    expect(list).toContain("Sofía Prospecto");
    expect(list).toContain("Lucía Web");
    expect(list).not.toContain("Ajeno Prospecto");
    const widget = await (await get(web.url, "/leads?source=WIDGET", owner)).text();
    expect(widget).toContain("Lucía Web");
    expect(widget).not.toContain("Sofía Prospecto");
    const board = await (await get(web.url, "/leads?view=board", owner)).text();
    expect(board).toContain("Nuevos (2)");
    expect(board).toContain("Con cita (0)");
    const bad = await get(web.url, "/leads?status=GANADO", owner);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Un filtro del enlace no es válido.");
  });

  it("a plain form POST moves a lead, audited, back to the same view", async () => {
    const res = await post(web.url, "/leads", reception, { contactId: lead.sofia!, status: "CONTACTED", view: "board", source: "INBOUND" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/leads?view=board&source=INBOUND&moved=1");
    expect(await sql("select lead_status from contacts where id = ?", [lead.sofia])).toEqual([{ lead_status: "CONTACTED" }]);
    expect(await sql("select action, actor_id from audit_logs where entity_id = ?", [lead.sofia])).toEqual([{ action: "lead.status_changed", actor_id: a.receptionist.id }]);
    const board = await (await get(web.url, "/leads?view=board&source=INBOUND&moved=1", reception)).text();
    expect(board).toContain("Prospecto movido de etapa.");
    expect(board).toContain("Contactados (1)");
  });

  it("another workspace's lead answers 404 and does not move; a doctor is refused; a bad stage is a 400", async () => {
    expect((await post(web.url, "/leads", owner, { contactId: lead.other!, status: "LOST" })).status).toBe(404);
    expect((await post(web.url, "/leads", doctor, { contactId: lead.lucia!, status: "LOST" })).status).toBe(403);
    const bad = await post(web.url, "/leads", owner, { contactId: lead.lucia!, status: "GANADO" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Elija una etapa.");
    expect(await sql("select lead_status from contacts where id in (?, ?) order by phone", [lead.lucia, lead.other])).toEqual([{ lead_status: "NEW" }, { lead_status: "NEW" }]);
  });

  it("analytics counts the owner's leads per source and stage; a doctor's analytics has no leads", async () => {
    const page = await (await get(web.url, "/analytics?range=all", owner)).text();
    expect(page).toContain("Prospectos por origen");
    expect(page).toMatch(/Mensaje al número propio<\/th><td class="num">1</);
    expect(page).toMatch(/Chat de la web<\/th><td class="num">1</);
    expect(page).toMatch(/Contactado<\/th><td class="num">1</);
    expect(await (await get(web.url, "/analytics?range=all", doctor)).text()).not.toContain("Prospectos por origen");
  });

  it("analytics counts the leads of the page's period and practice only", async () => {
    // A lead that first wrote in January 2025 (the workspace's zone), long before the others.
    await sql("insert into contacts (workspace_id, phone, name, source, lead_status, lead_status_at, created_at) values (?, '+593991200009', 'Lead Antiguo', 'INBOUND', 'NEW', ?, ?)", [
      a.workspaceId,
      new Date("2025-01-15T15:00:00Z"),
      new Date("2025-01-15T15:00:00Z"),
    ]);
    const january = await (await get(web.url, "/analytics?range=custom&from=2025-01-01&to=2025-01-31", owner)).text();
    expect(january).toMatch(/Mensaje al número propio<\/th><td class="num">1</);
    expect(january).not.toContain("Chat de la web</th>");
    expect(january).toMatch(/Nuevo<\/th><td class="num">1</);
    expect(january).toMatch(/Contactado<\/th><td class="num">0</);
    const all = await (await get(web.url, "/analytics?range=all", owner)).text();
    expect(all).toMatch(/Mensaje al número propio<\/th><td class="num">2</);
    // No lead has an appointment at the practice yet: none under its filter, and the page says why.
    const practice = await (await get(web.url, `/analytics?range=all&practice=${a.practiceId}`, owner)).text();
    expect(practice).toContain("No hay prospectos en este periodo.");
    expect(practice).toContain("3 prospectos del periodo aún no tienen cita en ningún consultorio");
  });
});

