// Contacts in headless Chromium against the production build: an owner searches the list by name and
// by a phone typed in national format, filters by label, opens a contact with its names, consent,
// labels, notes, appointments and every message in and out, labels it and writes a note; the same
// work without JavaScript on a 360 px screen (notes, the opt-out's confirmation step, the opt-in with
// the patient's evidence); axe-core finds no serious violations. Takes the README's pictures.
import type { MikroORM } from "@mikro-orm/postgresql";
import { hashPassword, initOrm } from "@rm/db";
import { createScenario, createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING contacts browser tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const OWNER = { name: "Lucía Paredes", email: "lucia.contactos@sonrisa.ec", password: "clave-segura-123" };
const PATIENTS = ["María Cevallos", "Jorge Paredes", "Rosa Mite", "Luis Andrade", "Carmen Vega"];

describe.skipIf(!present)("contacts in the browser", { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let web: WebServer;
  let browser: Browser;
  let workspaceId: string;
  let mariaId: string;
  let jorgeId: string;
  const problems: string[] = [];
  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
    const s = await createScenario(orm, { patients: PATIENTS.length, dueAt: new Date(Date.now() - 3 * 3600_000), channel: "WHATSAPP" });
    workspaceId = s.workspaceId;
    await sql("update workspaces set name = 'Clínica Dental Sonrisa' where id = ?", [s.workspaceId]);
    await sql("update users set name = ?, email = ?, password_hash = ? where id = ?", [OWNER.name, OWNER.email, await hashPassword(OWNER.password), s.ownerId]);
    await sql("update campaigns set name = 'Controles de noviembre' where id = ?", [s.campaignId]);
    await sql(
      `update messages set status = 'READ', provider_sid = 'SM' || replace(id::text, '-', ''), send_attempted_at = now() - interval '3 hours',
              sent_at = now() - interval '3 hours', delivered_at = now() - interval '179 minutes', read_at = now() - interval '170 minutes'
        where workspace_id = ?`,
      [s.workspaceId],
    );
    await sql("update patients set status = 'SENT' where workspace_id = ?", [s.workspaceId]);
    const rows = await sql<{ id: string; contact_id: string; phone: string }>("select id, contact_id, phone from patients where workspace_id = ? order by phone", [s.workspaceId]);
    for (const [i, r] of rows.entries()) {
      await sql("update patients set name = ? where id = ?", [PATIENTS[i], r.id]);
      // Contacted a little earlier each, María most recently.
      await sql("update contacts set last_contact_at = now() - (? * interval '1 hour'), whatsapp_consent_at = now() - interval '1 day', whatsapp_consent_source = 'CSV_IMPORT' where id = ?", [i + 1, r.contact_id]);
    }
    mariaId = rows[0]!.contact_id;
    jorgeId = rows[1]!.contact_id;
    // María rated 5 by reply and then asked a question.
    await sql("update patients set rating = 5, rated_at = now() - interval '2 hours', status = 'RATED' where id = ?", [rows[0]!.id]);
    await sql(
      `insert into inbound_messages (workspace_id, patient_id, provider_sid, channel, from_address, to_address, body, intent, rating, received_at, processed_at)
       values (?, ?, 'SMcontactsbrowser0001', 'WHATSAPP', 'whatsapp:' || ?, 'whatsapp:+14155238886', '5', 'RATING', 5, now() - interval '2 hours', now() - interval '2 hours'),
              (?, ?, 'SMcontactsbrowser0002', 'WHATSAPP', 'whatsapp:' || ?, 'whatsapp:+14155238886', ?, 'OTHER', null, now() - interval '1 hour', now() - interval '1 hour')`,
      [s.workspaceId, rows[0]!.id, rows[0]!.phone, s.workspaceId, rows[0]!.id, rows[0]!.phone, "¿Atienden los sábados? Necesito otra cita para mi hijo."],
    );
    // Jorge said STOP.
    await sql("update contacts set opted_out_at = now() - interval '30 minutes', opted_out_source = 'WHATSAPP:STOP' where id = ?", [jorgeId]);
    await sql(
      "insert into consent_events (workspace_id, contact_id, channel, purpose, action, source, occurred_at) values (?, ?, 'WHATSAPP', 'FEEDBACK_REQUESTS', 'WITHDRAWN', 'REPLY', now() - interval '30 minutes')",
      [s.workspaceId, jorgeId],
    );
    const [vip] = await sql<{ id: string }>("insert into labels (workspace_id, name) values (?, 'Ortodoncia') returning id", [s.workspaceId]);
    await sql("insert into labels (workspace_id, name) values (?, 'VIP')", [s.workspaceId]);
    await sql("insert into contact_labels (workspace_id, contact_id, label_id) values (?, ?, ?), (?, ?, ?)", [s.workspaceId, rows[2]!.contact_id, vip!.id, s.workspaceId, rows[3]!.contact_id, vip!.id]);

    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await orm?.close(true);
    await db?.drop();
  });

  async function signIn(ctx: BrowserContext, path: string, heading: string, { js = true } = {}): Promise<Page> {
    const page = await ctx.newPage();
    if (js) watch(page, problems);
    await submitSignIn(page, `${web.url}${path}`, OWNER);
    await page.getByRole("heading", { name: heading, exact: true }).waitFor();
    return page;
  }

  it("searches, filters, opens a contact with its whole history, labels it and writes a note; axe-clean", async () => {
    const context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(30_000);
    const page = await signIn(context, "/contacts", "Contactos");
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    const nav = page.getByRole("navigation", { name: "Navegación principal" }).getByRole("link", { name: "Contactos" });
    expect(await nav.getAttribute("aria-current")).toBe("page");
    const rows = page.getByTestId("contact-row");
    expect(await rows.count()).toBe(5);
    expect(await rows.first().innerText()).toContain("María Cevallos");
    expect(await page.getByTestId("contacts-table").innerText()).toContain("Dado de baja");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "contacts");

    // By a phone typed as it is dialled in Ecuador.
    const jorgePhone = (await sql<{ phone: string }>("select phone from contacts where id = ?", [jorgeId]))[0]!.phone;
    await page.getByLabel("Buscar por nombre o teléfono").fill(`0${jorgePhone.slice(4)}`);
    await page.getByRole("button", { name: "Filtrar" }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain("Jorge Paredes");
    // By label.
    await page.getByLabel("Buscar por nombre o teléfono").fill("");
    await page.getByLabel("Etiqueta", { exact: true }).selectOption({ label: "Ortodoncia" });
    await page.getByRole("button", { name: "Filtrar" }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.getByTestId("contacts-export").getAttribute("href")).toMatch(/^\/contacts\.csv\?label=[0-9a-f-]{36}$/);
    await page.getByRole("link", { name: "Quitar filtros" }).click();
    await expect.poll(() => rows.count()).toBe(5);

    await page.getByRole("link", { name: "María Cevallos" }).click();
    await page.getByRole("heading", { name: "María Cevallos", level: 1 }).waitFor();
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    const history = await page.getByTestId("contact-history").innerText();
    expect(history).toContain("¿Atienden los sábados? Necesito otra cita para mi hijo.");
    expect(history).toContain("leído como calificación 5");
    expect(history).toContain("Solicitud de calificación · enviado por WhatsApp");
    // Newest first: the question, then the rating, then the request.
    expect(history.indexOf("¿Atienden los sábados?")).toBeLessThan(history.indexOf("leído como calificación 5"));
    expect(history.indexOf("leído como calificación 5")).toBeLessThan(history.indexOf("Solicitud de calificación"));
    expect(await page.getByTestId("contact-appointments").innerText()).toContain("5 de 5");
    expect(await page.getByTestId("contact-summary").innerText()).toContain("WhatsApp: consentimiento registrado (importación)");

    await page.getByLabel("Añadir etiqueta").selectOption({ label: "VIP" });
    await page.getByRole("button", { name: "Añadir", exact: true }).click();
    await page.getByText("Etiquetas actualizadas.").waitFor();
    expect(await page.getByTestId("contact-labels").innerText()).toContain("VIP");
    await page.getByLabel("Nueva nota").fill("Prefiere que la llamen por la tarde.");
    await page.getByRole("button", { name: "Guardar nota" }).click();
    await page.getByText("Nota guardada.").waitFor();
    expect(await page.getByTestId("contact-note").first().innerText()).toContain(`por ${OWNER.name}`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "contact");
    expect(unexpectedProblems(problems)).toEqual([]);
    await context.close();
  });

  it("works without JavaScript on a 360 px screen: a note, the opt-out's confirmation step, the opt-in with evidence", async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, locale: "es-EC", timezoneId: "America/Guayaquil", viewport: { width: 360, height: 780 } });
    noJs.setDefaultTimeout(30_000);
    const page = await signIn(noJs, `/contacts/${jorgeId}`, "Jorge Paredes", { js: false });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await page.getByTestId("optout-state").innerText()).toContain("Dado de baja (WHATSAPP:STOP)");
    // Opting back in needs the patient's evidence.
    await page.getByLabel("Cómo lo pidió el paciente (obligatorio)").fill("Lo pidió en recepción el 6 de diciembre.");
    await page.getByRole("button", { name: "Sí, volver a dar de alta" }).click();
    await page.getByTestId("contact-notice").waitFor();
    expect(await page.getByTestId("contact-notice").innerText()).toContain("dado de alta de nuevo");
    expect(await page.getByTestId("consent-history").innerText()).toContain("Constancia: «Lo pidió en recepción el 6 de diciembre.»");
    // And out again, through the confirmation page.
    await page.getByRole("link", { name: "Dar de baja" }).click();
    await page.getByRole("heading", { name: "¿Dar de baja a este contacto?" }).waitFor();
    await page.getByRole("button", { name: "Sí, dar de baja" }).click();
    await page.getByText("Contacto dado de baja.").waitFor();
    await page.getByLabel("Nueva nota").fill("Pidió no recibir más mensajes.");
    await page.getByRole("button", { name: "Guardar nota" }).click();
    await page.getByText("Nota guardada.").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.goto(`${web.url}/contacts?optedOut=yes`);
    expect(await page.getByTestId("contact-row").count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await noJs.close();

    // axe needs scripts in the page: the same pages at 360 px with JavaScript on.
    const js = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", viewport: { width: 360, height: 780 } });
    const small = await signIn(js, `/contacts/${mariaId}`, "María Cevallos");
    expect(await seriousAxeViolations(small)).toEqual([]);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await small.goto(`${web.url}/contacts`);
    expect(await seriousAxeViolations(small)).toEqual([]);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await js.close();
    const events = await sql<{ action: string }>("select action from consent_events where workspace_id = ? and contact_id = ? and source = 'STAFF' order by id", [workspaceId, jorgeId]);
    expect(events.map((e) => e.action)).toEqual(["GRANTED", "WITHDRAWN", "WITHDRAWN"]);
  });
});
