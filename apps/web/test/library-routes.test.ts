// The library pages over HTTP without JavaScript: a refused save keeps every field as typed and says
// why next to the field; a good one converts seed-style variables and lands on the entry; the preview
// fills the variables from the chosen contact of the workspace, and another workspace's contact id
// shows nothing of that contact; credits follow CREDITS_PER_MARKETING_MESSAGE.
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantCampaign } from "./support/campaigns.ts";
import { get, post, signIn, type Session } from "./support/http.ts";
import { seedLibraryEntry } from "./support/library.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";
import { initOrm } from "@rm/db";

let db: TestDatabase;
let web: WebServer;
let a: Tenant;
let b: Tenant;
let reception: Session;
let entryA: string;
const contactOf = async (t: Tenant, phone: string) => {
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    const [row] = await orm.em.fork().execute<{ id: string }[]>("select id from contacts where workspace_id = ? and phone = ?", [t.workspaceId, phone]);
    return row!.id;
  } finally {
    await orm.close(true);
  }
};

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "a");
  b = await createTenant(db.url, "b");
  await createTenantCampaign(db.url, a, [{ name: "Carmen Andrade", phone: "+593981110001", state: "delivered" }]);
  await createTenantCampaign(db.url, b, [{ name: "Beatriz Secreta", phone: "+593981110002", state: "delivered" }]);
  entryA = await seedLibraryEntry(db.url, a, { body: "Hola {{name}}, hace seis meses de tu última limpieza en {{practice}}. ¿Agendamos?" });
  web = await startWebServer({ databaseUrl: db.url, env: { CREDITS_PER_MARKETING_MESSAGE: "3" } });
  reception = await signIn(web.url, a.receptionist.email, a.receptionist.password);
});
afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

describe("the library without JavaScript", () => {
  it("keeps everything typed when a save is refused, and saves a good text with seed variables converted", async () => {
    const typed = { name: "Año nuevo", objective: "Horario de fiestas", body: "Hola {nombre_cliente}, le llamamos al {telefono}.", category: "MARKETING", forWhatsapp: "on" };
    const refused = await post(web.url, "/templates/library/new", reception, typed);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain("{telefono} no tiene equivalente aquí");
    expect(html).toContain('value="Año nuevo"');
    expect(html).toContain('value="Horario de fiestas"');
    expect(html).toContain("Hola {nombre_cliente}, le llamamos al {telefono}.</textarea>");

    const saved = await post(web.url, "/templates/library/new", reception, { ...typed, body: "Hola {nombre_cliente}, cerramos el 1 de enero en {consultorio}. Gracias." });
    expect(saved.status).toBe(302);
    const location = saved.headers.get("location")!;
    expect(location).toMatch(/^\/templates\/library\/[0-9a-f-]{36}\?notice=created$/);
    const page = await (await get(web.url, location, reception)).text();
    expect(page).toContain("Hola {{name}}, cerramos el 1 de enero en {{practice}}. Gracias.</textarea>");
    expect(page).toContain("Texto creado.");
  });

  it("previews for a contact of the workspace, never another workspace's, with credits for N recipients", async () => {
    const own = await contactOf(a, "+593981110001");
    const page = await (await get(web.url, `/templates/library/${entryA}?contact=${own}&n=250`, reception)).text();
    expect(page).toContain("Hola Carmen Andrade, hace seis meses de tu última limpieza en");
    // MARKETING at 3 credits per WhatsApp message (the setting), 250 recipients.
    expect(page).toMatch(/WhatsApp: 750 créditos \(Marketing\)/);
    expect(page).toMatch(/SMS: 2 créditos \(2 segmentos, UCS-2, 88 caracteres\)/);
    expect(page).toMatch(/SMS: 500 créditos/);

    const foreign = await contactOf(b, "+593981110002");
    const res = await get(web.url, `/templates/library/${entryA}?contact=${foreign}`, reception);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Ese contacto no existe en este espacio de trabajo.");
    expect(html).not.toContain("Beatriz");
    expect(html).not.toContain("981110002");
  });

  it("archives and brings back an entry; archived entries show only with the filter", async () => {
    const id = await seedLibraryEntry(db.url, a, { name: "Doctor nuevo", body: "Hola {{name}}, {{doctor}} se une al equipo. Gracias." });
    expect((await post(web.url, `/templates/library/${id}`, reception, { intent: "archive" })).headers.get("location")).toBe("/templates/library?notice=archived");
    expect(await (await get(web.url, "/templates/library", reception)).text()).not.toContain("Doctor nuevo");
    expect(await (await get(web.url, "/templates/library?archived=on", reception)).text()).toContain("Doctor nuevo");
    await post(web.url, `/templates/library/${id}`, reception, { intent: "unarchive" });
    expect(await (await get(web.url, "/templates/library?q=doctor", reception)).text()).toContain("Doctor nuevo");
  });

  it("sends a broadcast text's old editor address to its library page, and keeps library texts out of the message types list", async () => {
    const owner = await signIn(web.url, a.owner.email, a.owner.password);
    const res = await get(web.url, `/templates/${entryA}`, owner);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/templates/library/${entryA}`);
    const list = await (await get(web.url, "/templates", owner)).text();
    expect(list).not.toContain("Limpieza semestral");
    expect(list).toContain('href="/templates/library"');
  });

  it("lets only the owner submit a text to WhatsApp, and says to connect the practice's Twilio account first", async () => {
    const refused = await post(web.url, `/templates/library/${entryA}`, reception, { intent: "wa-submit" });
    expect(refused.status).toBe(403);
    const owner = await signIn(web.url, a.owner.email, a.owner.password);
    const page = await (await get(web.url, `/templates/library/${entryA}`, owner)).text();
    expect(page).toContain("Plantilla de WhatsApp");
    expect(page).toContain("Conecte la cuenta de Twilio de la consulta en Ajustes → Remitente propio");
    const notConnected = await post(web.url, `/templates/library/${entryA}`, owner, { intent: "wa-submit" });
    expect(notConnected.status).toBe(400);
    expect(await notConnected.text()).toContain("Conecte primero la cuenta de Twilio de la consulta.");
  });
});
