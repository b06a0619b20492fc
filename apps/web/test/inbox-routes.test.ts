// The inbox pages over HTTP against the production build. The item here has no thread (the page an
// item keeps when its request went out with no address to write back to): a doctor sees only the
// items of campaigns assigned to them (another doctor's item is 404 on GET and POST), bad filters and bad form input get
// a clear 400 that changes nothing, and a saved status redirects back to the item (no JavaScript needed).
// The inbox lists such an item as a row of its own, so it is found without its link.
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, post, signIn, type Session } from "./support/http.ts";
import { inboxItemIds, seedInboxItems } from "./support/inbox-items.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let web: WebServer;
let a: Tenant;
let itemId: string;
let owner: Session;
let doctor: Session;
let otherDoctor: Session;

async function row(): Promise<{ status: string; staff_notes: string | null; resolved_by_id: string | null }> {
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    const [r] = await orm.em.fork().execute<{ status: string; staff_notes: string | null; resolved_by_id: string | null }[]>("select status, staff_notes, resolved_by_id from feedback where id = ?", [itemId]);
    return r!;
  } finally {
    await orm.close(true);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "a");
  await seedInboxItems(db.url, [a]);
  itemId = inboxItemIds.get(a.workspaceId)!;
  // A second doctor in the same workspace, with no campaign assigned.
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    await orm.em.fork().execute("insert into users (workspace_id, email, name, role, password_hash) select workspace_id, ?, 'Dr. Sin Campañas', 'DOCTOR', password_hash from users where id = ?", [`otro.${a.doctor.email}`, a.doctor.id]);
  } finally {
    await orm.close(true);
  }
  web = await startWebServer({ databaseUrl: db.url });
  owner = await signIn(web.url, a.owner.email, a.owner.password);
  doctor = await signIn(web.url, a.doctor.email, a.doctor.password);
  otherDoctor = await signIn(web.url, `otro.${a.doctor.email}`, a.doctor.password);
}, 60_000);

afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

describe("inbox routes", () => {
  it("lists the item without a thread as a row of its own that opens its page, for the owner and its doctor", async () => {
    for (const who of [owner, doctor]) {
      const list = await (await get(web.url, "/inbox", who)).text();
      expect(list).toContain(`href="/inbox/${itemId}"`);
      expect(list).toContain("La espera fue larga.");
      expect(list).toContain("Sin conversación: se atiende en su página");
    }
  });

  it("a doctor sees the items of their campaigns; a doctor not assigned gets 404 on GET and POST and an empty inbox", async () => {
    const mine = await get(web.url, `/inbox/${itemId}`, doctor);
    expect(mine.status).toBe(200);
    expect(await mine.text()).toContain("La espera fue larga.");
    expect((await get(web.url, `/inbox/${itemId}`, otherDoctor)).status).toBe(404);
    expect((await post(web.url, `/inbox/${itemId}`, otherDoctor, { status: "RESOLVED", notes: "no es mío" })).status).toBe(404);
    const list = await (await get(web.url, "/inbox?status=all", otherDoctor)).text();
    expect(list).not.toContain("Paciente de prueba");
    expect(list).toContain("No hay conversaciones para estos filtros.");
    expect(await row()).toMatchObject({ status: "NEW", staff_notes: null });
  });

  it("has no badge of its own: the navigation's one badge counts threads waiting", async () => {
    for (const who of [owner, doctor]) {
      const html = await (await get(web.url, "/", who)).text();
      expect(html).not.toContain("sin resolver");
      expect(html).not.toContain('data-testid="inbox-badge"');
    }
  });

  it("answers bad filters and bad form input with 400 and a clear message, changing nothing", async () => {
    const badFilter = await get(web.url, "/inbox?status=BORRADO", owner);
    expect(badFilter.status).toBe(400);
    expect(await badFilter.text()).toContain("Un filtro del enlace no es válido.");
    const badStatus = await post(web.url, `/inbox/${itemId}`, owner, { status: "CERRADO", notes: "texto que no se pierde" });
    expect(badStatus.status).toBe(400);
    const html = await badStatus.text();
    expect(html).toContain("Elija un estado.");
    expect(html).toContain("texto que no se pierde");
    expect((await get(web.url, "/inbox/not-a-uuid", owner)).status).toBe(404);
    expect((await post(web.url, `/inbox/${itemId}`, owner, { status: "RESOLVED" }, { csrf: false })).status).toBe(403);
    expect(await row()).toMatchObject({ status: "NEW", staff_notes: null });
  });

  it("a plain form POST saves and redirects back to the item; resolving records who", async () => {
    const res = await post(web.url, `/inbox/${itemId}`, doctor, { status: "RESOLVED", notes: "Se llamó a la paciente." });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/inbox/${itemId}?saved=1`);
    expect(await row()).toEqual({ status: "RESOLVED", staff_notes: "Se llamó a la paciente.", resolved_by_id: a.doctor.id });
    const page = await (await get(web.url, `/inbox/${itemId}?saved=1`, owner)).text();
    expect(page).toContain("Cambios guardados.");
    expect(page).toContain("DOCTOR a");
    expect(await (await get(web.url, "/", owner)).text()).not.toContain("sin resolver");
  });
});

describe("the item's timeline through a provider outage", () => {
  it("says a message is waiting for the provider: why, which retry and when", async () => {
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
    try {
      const em = orm.em.fork();
      const [p] = await em.execute<{ patient_id: string; workspace_id: string; campaign_id: string; phone: string }[]>(
        "select f.patient_id, f.workspace_id, p.campaign_id, p.phone from feedback f join patients p on p.id = f.patient_id where f.id = ?",
        [itemId],
      );
      await em.execute(
        "insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, body, retry_since, retry_failures, retry_reason, next_retry_at) values (?, ?, ?, 'HELP', 'SMS', 'PENDING', ?, 'Ayuda', now(), 3, 'refused', now() + interval '10 minutes')",
        [p!.workspace_id, p!.patient_id, p!.campaign_id, p!.phone],
      );
    } finally {
      await orm.close(true);
    }
    const page = await (await get(web.url, `/inbox/${itemId}`, owner)).text();
    expect(page).toMatch(/Mensaje de ayuda: Twilio no respondió \(conexión rechazada\)\. Reintento 3 a las \d{2}:\d{2}\.</);
  });
});
