// The campaign page's answers over HTTP against the production build: another doctor's campaign is
// 404 (not there for them, as in their list), a receptionist is 403 on GET and POST, a POST without
// the CSRF token or without the confirmation step changes nothing, another workspace's id changes
// nothing, and a confirmed cancel is a plain POST + redirect (no JavaScript needed).
import { hashPassword, initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantCampaign } from "./support/campaigns.ts";
import { get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

/** Page text without React's text separators. */
const text = (html: string) => html.replace(/<!-- -->/g, "");

let db: TestDatabase;
let web: WebServer;
let a: Tenant;
let b: Tenant;
let campaignA: string;
let campaignB: string;
const s = {} as Record<"owner" | "doctor" | "otherDoctor" | "receptionist" | "ownerB", Session>;

async function status(campaignId: string): Promise<string> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<{ status: string }>("select status from campaigns where id = $1", [campaignId])).rows[0]!.status;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "rutas-a");
  b = await createTenant(db.url, "rutas-b");
  campaignA = await createTenantCampaign(db.url, a, [{ name: "Rosa Quito", phone: "+593985000001", state: "scheduled" }, { name: "Luis Loja", phone: "+593985000002", state: "rated", rating: 5 }]);
  campaignB = await createTenantCampaign(db.url, b, [{ name: "Paciente B", phone: "+593985000001", state: "scheduled" }]);
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  const otherEmail = `otro.doctor.${a.workspaceId.slice(0, 8)}@example.ec`;
  try {
    await orm.em.fork().execute("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Otro Doctor', 'DOCTOR', ?)", [a.workspaceId, otherEmail, await hashPassword("clave-otro-doctor-1")]);
  } finally {
    await orm.close(true);
  }
  web = await startWebServer({ databaseUrl: db.url });
  s.owner = await signIn(web.url, a.owner.email, a.owner.password);
  s.doctor = await signIn(web.url, a.doctor.email, a.doctor.password);
  s.otherDoctor = await signIn(web.url, otherEmail, "clave-otro-doctor-1");
  s.receptionist = await signIn(web.url, a.receptionist.email, a.receptionist.password);
  s.ownerB = await signIn(web.url, b.owner.email, b.owner.password);
}, 120_000);

afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

describe("/campaigns/:id", () => {
  const cancel = { intent: "cancel", confirmed: "yes" };

  it("another doctor of the workspace gets 404 on GET and POST, and the list does not show it to them", async () => {
    expect((await get(web.url, `/campaigns/${campaignA}`, s.otherDoctor)).status).toBe(404);
    expect((await post(web.url, `/campaigns/${campaignA}`, s.otherDoctor, cancel)).status).toBe(404);
    expect(await (await get(web.url, "/campaigns", s.otherDoctor)).text()).not.toContain(`/campaigns/${campaignA}`);
    expect(await status(campaignA)).toBe("ACTIVE");
  });

  it("a receptionist sees the campaign in the list but gets 403 on the page and on a POST", async () => {
    const list = await (await get(web.url, "/campaigns", s.receptionist)).text();
    expect(list).toContain(`Campaña ${a.workspaceId.slice(0, 6)}`);
    expect(list).not.toContain(`/campaigns/${campaignA}"`);
    expect((await get(web.url, `/campaigns/${campaignA}`, s.receptionist)).status).toBe(403);
    expect((await post(web.url, `/campaigns/${campaignA}`, s.receptionist, cancel)).status).toBe(403);
    expect(await status(campaignA)).toBe("ACTIVE");
  });

  it("a POST without the CSRF token is refused; without the confirmation it is a 400 that changes nothing", async () => {
    expect((await post(web.url, `/campaigns/${campaignA}`, s.owner, cancel, { csrf: false })).status).toBe(403);
    const unconfirmed = await post(web.url, `/campaigns/${campaignA}`, s.owner, { intent: "cancel" });
    expect(unconfirmed.status).toBe(400);
    expect(await status(campaignA)).toBe("ACTIVE");
  });

  it("another workspace's campaign and patients answer 404 and stay as they were", async () => {
    expect((await get(web.url, `/campaigns/${campaignB}`, s.owner)).status).toBe(404);
    for (const fields of [cancel, { intent: "erase", confirmed: "yes", patient: "00000000-0000-4000-8000-000000000000" }]) {
      expect((await post(web.url, `/campaigns/${campaignB}`, s.owner, fields)).status).toBe(404);
    }
    expect(await status(campaignB)).toBe("ACTIVE");
    const page = await get(web.url, `/campaigns/${campaignB}`, s.ownerB);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Paciente B");
  });

  it("the confirmation step is a page of its own; the confirmed cancel redirects back with a notice, and again is harmless", async () => {
    const confirm = await (await get(web.url, `/campaigns/${campaignA}?confirm=cancel`, s.doctor)).text();
    expect(confirm).toContain("¿Cancelar esta campaña?");
    expect(confirm).toContain('name="confirmed" value="yes"');
    const res = await post(web.url, `/campaigns/${campaignA}`, s.doctor, cancel);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/campaigns/${campaignA}?notice=cancelled`);
    expect(await status(campaignA)).toBe("CANCELLED");
    const again = await post(web.url, `/campaigns/${campaignA}`, s.owner, cancel);
    expect(again.headers.get("location")).toBe(`/campaigns/${campaignA}?notice=already_cancelled`);
    const page = await (await get(web.url, `/campaigns/${campaignA}?notice=cancelled`, s.owner)).text();
    expect(page).toContain("Campaña cancelada.");
  });

  it("an appointment of another doctor (an import's doctor column) shows the campaign to that doctor with only their patient, and hides it from the campaign's doctor", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query("update patients set doctor_id = (select id from users where name = 'Otro Doctor' and workspace_id = $1) where campaign_id = $2 and name = 'Luis Loja'", [a.workspaceId, campaignA]);
    } finally {
      await client.end();
    }
    expect(await (await get(web.url, "/campaigns", s.otherDoctor)).text()).toContain(`/campaigns/${campaignA}`);
    const theirs = await get(web.url, `/campaigns/${campaignA}`, s.otherDoctor);
    expect(theirs.status).toBe(200);
    const theirPage = await theirs.text();
    expect(theirPage).toContain("Luis Loja");
    expect(theirPage).not.toContain("Rosa Quito");
    const assigned = await (await get(web.url, `/campaigns/${campaignA}`, s.doctor)).text();
    expect(assigned).toContain("Rosa Quito");
    expect(assigned).not.toContain("Luis Loja");
    const owner = await (await get(web.url, `/campaigns/${campaignA}`, s.owner)).text();
    expect(owner).toContain("Rosa Quito");
    expect(owner).toContain("Luis Loja");
  });
});

describe("/campaigns/:id during and after a provider outage", () => {
  it("each patient's timeline says what is happening now (why, which retry, when) and, at the end, what happened — in Spanish and English", async () => {
    const campaign = await createTenantCampaign(db.url, a, [
      { name: "Ana Espera", phone: "+593985000011", state: "scheduled" },
      { name: "Beto Caído", phone: "+593985000012", state: "scheduled" },
    ]);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let timeZone: string;
    const next = new Date("2026-12-06T15:42:00Z");
    try {
      timeZone = (await client.query<{ timezone: string }>("select coalesce(pr.timezone, w.timezone) as timezone from campaigns c join workspaces w on w.id = c.workspace_id left join practices pr on pr.id = c.practice_id where c.id = $1", [campaign])).rows[0]!.timezone;
      const update = "update messages m set status = $2, retry_since = $3, retry_failures = $4, retry_reason = 'refused', next_retry_at = $5, failed_at = $6, error_text = $7 from patients p where p.id = m.patient_id and p.campaign_id = $1 and p.name = $8";
      await client.query(update, [campaign, "PENDING", new Date("2026-12-06T15:30:00Z"), 3, next, null, null, "Ana Espera"]);
      await client.query(update, [campaign, "FAILED", new Date("2026-12-06T09:00:00Z"), 42, null, new Date("2026-12-06T15:00:00Z"), "No se pudo enviar: Twilio no estuvo disponible durante 6 horas (42 intentos).", "Beto Caído"]);
    } finally {
      await client.end();
    }
    const clock = (locale: string) => new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(next);

    expect(clock("es-EC")).toMatch(/^\d{2}:\d{2}$/);
    const es = await (await get(web.url, `/campaigns/${campaign}`, s.owner)).text();
    expect(es).toContain(`Twilio no respondió (conexión rechazada). Reintento 3 a las ${clock("es-EC")}.`);
    expect(es).toContain("No se pudo enviar: Twilio no estuvo disponible durante 6 horas (42 intentos).");
    expect(es).not.toContain("se reintentará");

    const lang = `lang=${encodeURIComponent(Buffer.from(JSON.stringify("en")).toString("base64"))}`;
    const en = await (await fetch(`${web.url}/campaigns/${campaign}`, { headers: { Cookie: `${s.owner.cookie}; ${lang}` } })).text();
    expect(en).toContain(`Twilio did not answer (connection refused). Retry 3 at ${clock("en")}.`);
    expect(en).toContain("Could not be sent: Twilio was unavailable for 6 hours (42 attempts).");
  });

  it("a patient's detail lists the contact's consent history; opting them back in needs the patient's evidence and lands in that history", async () => {
    const campaign = await createTenantCampaign(db.url, a, [{ name: "Irma Baja", phone: "+593985000021", state: "scheduled" }]);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let patientId: string;
    try {
      patientId = (await client.query<{ id: string }>("select id from patients where campaign_id = $1", [campaign])).rows[0]!.id;
    } finally {
      await client.end();
    }
    expect((await post(web.url, `/campaigns/${campaign}`, s.owner, { intent: "optout", confirmed: "yes", patient: patientId })).status).toBe(302);
    const detail = text(await (await get(web.url, `/campaigns/${campaign}?consent=${patientId}`, s.owner)).text());
    expect(detail).toContain("Historial de consentimiento de Irma Baja");
    expect(detail).toContain("Retiró el consentimiento · WhatsApp · solicitudes de calificación — Personal por");
    expect(detail).toContain('name="evidence"');
    // Another workspace cannot read it.
    expect(text(await (await get(web.url, `/campaigns/${campaignB}?consent=${patientId}`, s.ownerB)).text())).not.toContain("Irma Baja");

    const refused = await post(web.url, `/campaigns/${campaign}`, s.owner, { intent: "optin", confirmed: "yes", patient: patientId, evidence: "  " });
    expect(refused.status).toBe(400);
    expect(text(await refused.text())).toContain("Escriba cómo pidió el paciente volver a recibir mensajes");
    const done = await post(web.url, `/campaigns/${campaign}`, s.owner, { intent: "optin", confirmed: "yes", patient: patientId, evidence: "Lo pidió por teléfono" });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`/campaigns/${campaign}?consent=${patientId}&notice=opted_in`);
    const after = text(await (await get(web.url, done.headers.get("location")!, s.owner)).text());
    expect(after).toContain("Paciente dado de alta de nuevo");
    expect(after).toContain("Constancia: «Lo pidió por teléfono»");
    // Oldest first: the withdrawals come before the new grant.
    expect(after.indexOf("Retiró el consentimiento")).toBeLessThan(after.indexOf("Aceptó · WhatsApp"));
    expect(after).not.toContain('name="evidence"');
  });

  it("a request whose WhatsApp failed (no WhatsApp) and went by SMS is one entry with both attempts — in Spanish and English", async () => {
    const campaign = await createTenantCampaign(db.url, a, [{ name: "Carla Sinwa", phone: "+593985000021", state: "scheduled" }]);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(
        `update messages m set channel = 'SMS', status = 'DELIVERED', provider_sid = 'SM' || md5(m.id::text), fallback_at = $2, fallback_from_sid = 'SM' || md5('wa' || m.id::text),
                fallback_error_code = 63003, send_attempted_at = $3, sent_at = $3, delivered_at = $3
           from patients p where p.id = m.patient_id and p.campaign_id = $1`,
        [campaign, new Date("2026-12-06T15:01:00Z"), new Date("2026-12-06T15:02:00Z")],
      );
    } finally {
      await client.end();
    }
    const es = await (await get(web.url, `/campaigns/${campaign}`, s.owner)).text();
    expect(es).toContain("WhatsApp falló (no tiene WhatsApp) → enviado por SMS");
    const lang = `lang=${encodeURIComponent(Buffer.from(JSON.stringify("en")).toString("base64"))}`;
    const en = await (await fetch(`${web.url}/campaigns/${campaign}`, { headers: { Cookie: `${s.owner.cookie}; ${lang}` } })).text();
    expect(en).toContain("WhatsApp failed (no WhatsApp on this number) → sent by SMS");
  });
});
