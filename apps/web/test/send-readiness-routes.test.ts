// What a new workspace needs to send, over HTTP against the production build: with the platform's
// senders and templates (every local run's configuration) the upload's preview counts patients per
// channel with nothing in the way and confirming writes WhatsApp messages with the platform's
// template; without them the preview names each blocker with its fix, the confirm button is off
// and a confirm posted anyway is refused with the same words. The home page says what is missing.
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { initOrm } from "@rm/db";
import { grantCredits } from "@rm/credits";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let sql: pg.Client;
let withDefaults: WebServer;
let withoutDefaults: WebServer;
let a: Tenant;
let b: Tenant;
let sa: Session;
let sb: Session;
let sbDoctor: Session;

const day = new Date(Date.now() + 2 * 86_400_000);
const ddmmyyyy = `${String(day.getUTCDate()).padStart(2, "0")}/${String(day.getUTCMonth() + 1).padStart(2, "0")}/${day.getUTCFullYear()}`;
const CSV = [
  "nombre,telefono,fecha,hora,consentimiento,canal",
  `Ana Torres,0991120001,${ddmmyyyy},10:00,si,WhatsApp`,
  `Bruno Díaz,0991120002,${ddmmyyyy},10:30,si,WhatsApp`,
  `Carla Mena,0991120003,${ddmmyyyy},11:00,si,SMS`,
  `Dora Sin Permiso,0991120004,${ddmmyyyy},11:00,no,WhatsApp`,
].join("\r\n");

const text = (html: string) => html.replace(/<!-- -->/g, "");

async function draftFrom(web: WebServer, session: Session, t: Tenant, name: string): Promise<string> {
  const form = new FormData();
  form.set("_csrf", session.csrf);
  for (const [k, v] of Object.entries({ name, practiceId: t.practiceId, assignedDoctorId: t.doctor.id, scheduledHoursAfter: "2", channel: "WHATSAPP" })) form.set(k, v);
  form.set("file", new Blob([new Uint8Array(Buffer.from(CSV))], { type: "text/csv" }), "citas.csv");
  const res = await fetch(`${web.url}/campaigns/new`, { method: "POST", body: form, headers: { Cookie: session.cookie }, redirect: "manual" });
  expect(res.status, await res.clone().text()).toBe(302);
  return res.headers.get("location")!.split("/").pop()!;
}

const count = (html: string, id: string) => new RegExp(`data-testid="count-${id}">(\\d+)<`).exec(html)?.[1];

beforeAll(async () => {
  db = await createTestDatabase();
  // Workspaces as signup leaves them: WhatsApp by default, no sender and no template of their own.
  a = await createTenant(db.url, "a");
  b = await createTenant(db.url, "b");
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    for (const t of [a, b]) await grantCredits(orm.em.fork(), { workspaceId: t.workspaceId, amount: 500, reference: `test:${t.workspaceId}` });
  } finally {
    await orm.close(true);
  }
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const own = await sql.query("select whatsapp_sender, sms_sender, whatsapp_content_sids from workspaces where id = $1", [a.workspaceId]);
  expect(own.rows[0]).toEqual({ whatsapp_sender: null, sms_sender: null, whatsapp_content_sids: {} });
  [withDefaults, withoutDefaults] = await Promise.all([
    startWebServer({ databaseUrl: db.url }),
    // An operator who configured no platform sender or template.
    startWebServer({ databaseUrl: db.url, env: { TWILIO_FROM_SMS: "", TWILIO_FROM_WHATSAPP: "", WHATSAPP_DEFAULT_CONTENT_SIDS: "" } }),
  ]);
  sa = await signIn(withDefaults.url, a.owner.email, a.owner.password);
  sb = await signIn(withoutDefaults.url, b.owner.email, b.owner.password);
  sbDoctor = await signIn(withoutDefaults.url, b.doctor.email, b.doctor.password);
}, 60_000);

afterAll(async () => {
  await sql?.end();
  await Promise.all([withDefaults?.stop(), withoutDefaults?.stop()]);
  await db?.drop();
});

describe("the upload's preview and confirm", () => {
  it("with the platform's defaults: patients per channel, no blocker, and the WhatsApp requests carry the platform's approved template", async () => {
    const id = await draftFrom(withDefaults, sa, a, "Con plataforma");
    const html = text(await (await get(withDefaults.url, `/campaigns/drafts/${id}`, sa)).text());
    expect([count(html, "whatsapp"), count(html, "sms"), count(html, "skipped")]).toEqual(["2", "1", "1"]);
    expect(html).not.toContain('data-testid="blockers"');
    expect(html).toMatch(/<button type="submit" name="intent" value="confirm">Confirmar e importar 4 pacientes<\/button>/);

    const res = await post(withDefaults.url, `/campaigns/drafts/${id}`, sa, { intent: "confirm" });
    expect(res.status).toBe(302);
    const messages = await sql.query("select channel, content_sid from messages where campaign_id = $1 order by channel", [id]);
    expect(messages.rows).toEqual([
      { channel: "SMS", content_sid: null },
      { channel: "WHATSAPP", content_sid: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL },
      { channel: "WHATSAPP", content_sid: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL },
    ]);
  });

  it("without them: every blocker named with its fix, the confirm button off, a posted confirm refused with the same words and nothing written", async () => {
    const id = await draftFrom(withoutDefaults, sb, b, "Sin plataforma");
    const html = text(await (await get(withoutDefaults.url, `/campaigns/drafts/${id}`, sb)).text());
    const expected = [
      "No hay un número de WhatsApp para enviar a 2 pacientes.",
      "No hay una plantilla de WhatsApp aprobada para «solicitud de calificación» en español: WhatsApp no entregaría esos mensajes.",
      "No hay una plantilla de WhatsApp aprobada para «recordatorio» en español: WhatsApp no entregaría esos mensajes.",
      "No hay un número de envío SMS para enviar a 1 paciente.",
    ];
    for (const line of expected) expect(html).toContain(line);
    expect(html).toContain('href="/settings">Configurar en Ajustes</a>');
    expect(html).toMatch(/<button type="submit" name="intent" value="confirm" disabled="">/);
    // Someone who cannot change the settings is told whom to ask.
    const doctorView = text(await (await get(withoutDefaults.url, `/campaigns/drafts/${id}`, sbDoctor)).text());
    expect(doctorView).toContain("Pida al propietario de la cuenta que lo resuelva.");
    expect(doctorView).not.toContain('href="/settings">Configurar en Ajustes</a>');

    const res = await post(withoutDefaults.url, `/campaigns/drafts/${id}`, sb, { intent: "confirm" });
    expect(res.status).toBe(409);
    const answer = text(await res.text());
    for (const line of expected) expect(answer).toContain(line);
    expect((await sql.query("select status from campaigns where id = $1", [id])).rows[0]).toEqual({ status: "DRAFT" });
    expect((await sql.query("select count(*)::int as n from patients where workspace_id = $1", [b.workspaceId])).rows[0]).toEqual({ n: 0 });
  });

  it("sending to one patient at the desk is refused the same way", async () => {
    const res = await post(withoutDefaults.url, "/campaigns/send", sb, { name: "Eva Ruiz", phone: "0991120009", practiceId: b.practiceId, assignedDoctorId: b.doctor.id, channel: "WHATSAPP", consent: "on" });
    expect(res.status).toBe(409);
    expect(text(await res.text())).toContain("No hay un número de WhatsApp para enviar a 1 paciente.");
    expect((await sql.query("select count(*)::int as n from patients where workspace_id = $1", [b.workspaceId])).rows[0]).toEqual({ n: 0 });
  });
});

// After the uploads above (a confirmed one, b none).
describe("the home page", () => {
  it("tells a new owner what is missing to send; with the platform's defaults, sender and templates are not", async () => {
    // b has a practice with its review link and credits, and nothing confirmed yet.
    const home = text(await (await get(withDefaults.url, "/", await signIn(withDefaults.url, b.owner.email, b.owner.password))).text());
    expect(home).toContain("Lo que falta para enviar");
    expect(home).toMatch(/data-testid="setup-SENDING" data-done="true"/);
    expect(home).toMatch(/data-testid="setup-FIRST_UPLOAD" data-done="false"/);
    expect(home).toContain('href="/campaigns/new">Subir citas</a>');
    // a confirmed its first upload above: nothing is missing, the list is gone.
    expect(text(await (await get(withDefaults.url, "/", sa)).text())).not.toContain("Lo que falta para enviar");
    const bare = text(await (await get(withoutDefaults.url, "/", sb)).text());
    expect(bare).toMatch(/data-testid="setup-SENDING" data-done="false"/);
    expect(bare).toContain("Número de envío y plantillas de WhatsApp: falta un número de WhatsApp, la plantilla de WhatsApp «solicitud de calificación», la plantilla de WhatsApp «recordatorio».");
    expect(bare).toContain('href="/settings">Configurar en Ajustes</a>');
  });
});

describe("the settings page", () => {
  it("says what an empty template field means: the platform's approved template, or none", async () => {
    const withPlatform = text(await (await get(withDefaults.url, "/settings", sa)).text());
    expect(withPlatform).toContain(`Vacío: la plantilla aprobada de la plataforma (${LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL}).`);
    const without = text(await (await get(withoutDefaults.url, "/settings", sb)).text());
    expect(without).toContain("Vacío: sin plantilla; fuera de las 24 horas WhatsApp no entrega este mensaje.");
  });
});
