// Campaign list and campaign page in headless Chromium against the production build: a workspace with
// two doctors and campaigns in every state (test-utils' campaign fixture over a tenant), what each
// role sees, the per-patient timelines and their filters, cancelling with JavaScript off, erasing a
// patient, and axe-core on both pages.
import { hashPassword, initOrm } from "@rm/db";
import { addFixtureCampaign, createTestDatabase, type FixturePatient, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch } from "./support/browser.ts";
import { CLINIC_NAMES, createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING campaign browser tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");


const MIX: FixturePatient[] = [
  { name: "Ana Torres", phone: "+593984000001", state: "rated", rating: 5, clicked: true },
  { name: "Bruno Vera", phone: "+593984000002", state: "rated", rating: 2, feedback: "Esperé una hora en la sala." },
  { name: "Carla Mora", phone: "+593984000003", state: "read" },
  { name: "Diego Paz", phone: "+593984000004", state: "delivered" },
  { name: "Elena Ruiz", phone: "+593984000005", state: "failed", errorCode: 21211, errorText: "El número no es válido" },
  { name: "Fausto León", phone: "+593984000006", state: "skipped", skipReason: "NO_CONSENT" },
  { name: "Gina Salas", phone: "+593984000007", state: "skipped", skipReason: "COOLDOWN" },
  { name: "Hugo Ríos", phone: "+593984000008", state: "scheduled" },
  { name: "Inés Vega", phone: "+593984000009", state: "sent", optedOut: true },
  { name: "Jorge Luna", phone: "+593984000010", state: "rated", rating: 4 },
  { name: "Karla Ibarra", phone: "+593984000011", state: "skipped", skipReason: "APPOINTMENT_TOO_OLD" },
  { name: "Luis Cedeño", phone: "+593984000012", state: "scheduled", channel: "SMS" },
];

describe.skipIf(!present)("campaign pages in the browser", () => {
  let db: TestDatabase;
  let web: WebServer;
  let browser: Browser;
  let tenant: Tenant;
  const doctor2 = { email: "", password: "clave-doctor-dos-123" };
  const ids = {} as { mixed: string; done: string; cancelled: string; control: string };
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    tenant = await createTenant(db.url, "campanas", "PROFESSIONAL", CLINIC_NAMES);
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
    try {
      const em = orm.em.fork();
      await em.execute("insert into credit_ledger_entries (workspace_id, kind, amount, reference) values (?, 'grant', 500, 'test:grant')", [tenant.workspaceId]);
      await em.execute("update users set name = 'Dra. Silvia Andrade' where id = ?", [tenant.doctor.id]);
      doctor2.email = `pablo.ortiz.${tenant.workspaceId.slice(0, 8)}@example.ec`;
      const [d2] = await em.execute<{ id: string }[]>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Dr. Pablo Ortiz', 'DOCTOR', ?) returning id", [tenant.workspaceId, doctor2.email, await hashPassword(doctor2.password)]);
      const base = { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, createdById: tenant.receptionist.id };
      const day = (d: string) => new Date(`${d}T14:00:00Z`);
      ids.done = (await addFixtureCampaign(orm, { ...base, assignedDoctorId: d2!.id, name: "Ortodoncia octubre", status: "COMPLETED", appointmentsFrom: day("2026-10-20"), createdAt: day("2026-10-20"), patients: [{ name: "Mario Paz", phone: "+593984000101", state: "rated", rating: 5 }] })).campaignId;
      ids.cancelled = (await addFixtureCampaign(orm, { ...base, assignedDoctorId: tenant.doctor.id, name: "Blanqueamiento", status: "CANCELLED", appointmentsFrom: day("2026-11-10"), createdAt: day("2026-11-10"), patients: [{ name: "Nora Gil", phone: "+593984000102", state: "cancelled" }] })).campaignId;
      ids.control = (await addFixtureCampaign(orm, { ...base, assignedDoctorId: d2!.id, name: "Control anual", status: "ACTIVE", appointmentsFrom: new Date(Date.now() + 86_400_000), createdAt: day("2026-11-25"), patients: [{ name: "Olga Mena", phone: "+593984000103", state: "scheduled" }, { name: "Pedro Saa", phone: "+593984000104", state: "scheduled" }] })).campaignId;
      ids.mixed = (await addFixtureCampaign(orm, { ...base, assignedDoctorId: tenant.doctor.id, name: "Limpiezas diciembre", status: "ACTIVE", appointmentsFrom: day("2026-12-01"), createdAt: day("2026-12-01"), patients: MIX })).campaignId;
    } finally {
      await orm.close(true);
    }
    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await db?.drop();
  });

  async function signedIn(email: string, password: string, javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", javaScriptEnabled });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    // Without JavaScript Chromium refuses the module scripts itself: nothing to watch for there.
    if (javaScriptEnabled) watch(page, problems);
    await page.goto(`${web.url}/login`);
    await page.getByLabel("Correo electrónico").fill(email);
    await page.getByLabel("Contraseña").fill(password);
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    return { context, page };
  }


  const campaignNames = async (page: Page) => (await page.getByTestId("campaign-table").locator("tbody th[scope=row]").allTextContents()).map((s) => s.trim());

  it("the owner sees every campaign with its counts; a doctor only theirs; reception the list without links", { timeout: 60_000 }, async () => {
    const owner = await signedIn(tenant.owner.email, tenant.owner.password);
    await owner.page.goto(`${web.url}/campaigns`);
    expect(await campaignNames(owner.page)).toEqual(["Limpiezas diciembre", "Control anual", "Blanqueamiento", "Ortodoncia octubre"]);
    const row = owner.page.getByTestId("campaign-table").getByRole("row").filter({ hasText: "Limpiezas diciembre" });
    // patients, skipped, sent, delivered, rated, failed
    expect((await row.locator("td.num").allTextContents()).map(Number)).toEqual([12, 3, 6, 5, 3, 1]);
    await row.getByText("Activa").waitFor();
    await owner.page.getByRole("link", { name: "Nueva campaña" }).waitFor();
    await owner.page.getByRole("link", { name: "Enviar a un paciente" }).waitFor();
    expect(await seriousAxeViolations(owner.page)).toEqual([]);
    // Filter by status, without leaving the page's form.
    await owner.page.getByLabel("Estado").selectOption("CANCELLED");
    await owner.page.getByRole("button", { name: "Filtrar" }).click();
    await expect.poll(() => campaignNames(owner.page)).toEqual(["Blanqueamiento"]);
    await owner.context.close();

    const doctor = await signedIn(tenant.doctor.email, tenant.doctor.password);
    await doctor.page.goto(`${web.url}/campaigns`);
    expect(await campaignNames(doctor.page)).toEqual(["Limpiezas diciembre", "Blanqueamiento"]);
    // Another doctor's campaign is not there for them at all.
    const other = await doctor.page.goto(`${web.url}/campaigns/${ids.control}`);
    expect(other?.status()).toBe(404);
    await doctor.context.close();

    const reception = await signedIn(tenant.receptionist.email, tenant.receptionist.password);
    await reception.page.goto(`${web.url}/campaigns`);
    expect(await campaignNames(reception.page)).toHaveLength(4);
    expect(await reception.page.getByTestId("campaign-table").getByRole("link").count()).toBe(0);
    await reception.page.getByRole("link", { name: "Nueva campaña" }).waitFor();
    const denied = await reception.page.goto(`${web.url}/campaigns/${ids.mixed}`);
    expect(denied?.status()).toBe(403);
    await reception.context.close();
    expect(unexpectedProblems(problems, [400, 401, 403, 404, 409])).toEqual([]);
  });

  it("the campaign page shows each patient's timeline in the practice's time zone, and its filters work", { timeout: 60_000 }, async () => {
    const { context, page } = await signedIn(tenant.doctor.email, tenant.doctor.password);
    await page.goto(`${web.url}/campaigns`);
    await page.getByRole("link", { name: "Limpiezas diciembre" }).click();
    await page.getByRole("heading", { name: /Limpiezas diciembre/ }).waitFor();
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    const counts = page.getByTestId("campaign-counts");
    await counts.getByText("Insatisfechos (1–3)").waitFor();
    const rows = page.getByTestId("patient-row");
    expect(await rows.count()).toBe(12);
    const ana = rows.filter({ hasText: "Ana Torres" });
    for (const step of ["Programado", "Enviado", "Entregado", "Leído", "Calificó 5/5", "Seguimiento: invitación a reseña", "Abrió el enlace de reseña"]) await ana.getByText(step, { exact: true }).waitFor();
    // Appointments 14:00 UTC → 9:00 in Guayaquil (UTC−5); the request went out two hours later.
    expect(await ana.locator("td").first().textContent()).toMatch(/^1 dic,? 9:00\sa\.\sm\.$/);
    expect(await ana.locator("li").filter({ hasText: "Programado" }).locator("time").textContent()).toMatch(/^1 dic,? 11:00\sa\.\sm\.$/);
    expect(await rows.filter({ hasText: "Hugo Ríos" }).locator("li").filter({ hasText: "Programado" }).locator("time").textContent()).toMatch(/^1 dic,? 12:45\sp\.\sm\.$/);
    await rows.filter({ hasText: "Bruno Vera" }).getByText("Dejó un comentario privado").waitFor();
    // Advice in plain words; the provider's code and own words only in the closed detail.
    const elena = rows.filter({ hasText: "Elena Ruiz" });
    await elena.getByText("Falló: El número de teléfono no es válido. Revise el número del paciente.").waitFor();
    expect(await elena.getByText("21211").isVisible()).toBe(false);
    await elena.getByText("Detalle técnico").click();
    await elena.getByText("Código del proveedor: 21211").waitFor();
    // Phones as staff read them: the national format.
    await ana.locator(".phone").getByText("098 400 0001", { exact: true }).waitFor();
    // The delivery funnel: 12 patients, 3 skipped → 9 queued; 3 replied.
    const funnel = page.getByTestId("delivery-funnel");
    expect(await funnel.locator("[data-stage=queued] .funnel-count").textContent()).toBe("9");
    expect(await funnel.locator("[data-stage=replied] .funnel-count").textContent()).toBe("3");
    expect(await funnel.locator("[data-stage=failed] .funnel-count").textContent()).toBe("1");
    await rows.filter({ hasText: "Fausto León" }).getByText("Omitido: sin consentimiento").waitFor();
    await rows.filter({ hasText: "Gina Salas" }).getByText("Omitido: ya se le preguntó hace poco (período de espera)").waitFor();
    await rows.filter({ hasText: "Karla Ibarra" }).getByText("Omitido: la cita es demasiado antigua").waitFor();
    await rows.filter({ hasText: "Inés Vega" }).getByText("Pidió no recibir mensajes").waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "campaign-detail");

    await page.getByLabel("Estado").selectOption("unhappy");
    await page.getByRole("button", { name: "Buscar" }).click();
    await expect.poll(async () => (await rows.locator("th").allTextContents()).map((s) => s.split(/0\d\d /)[0]!.trim())).toEqual(["Bruno Vera"]);
    await page.getByRole("link", { name: "Quitar filtros" }).click();
    await expect.poll(() => rows.count()).toBe(12);
    await page.getByLabel("Nombre o teléfono").fill("098 400 0004");
    await page.getByRole("button", { name: "Buscar" }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByText("Diego Paz").waitFor();
    await page.getByLabel("Nombre o teléfono").fill("");
    await page.getByLabel("Estado").selectOption("skipped");
    await page.getByRole("button", { name: "Buscar" }).click();
    await expect.poll(() => rows.count()).toBe(3);
    await context.close();
    expect(unexpectedProblems(problems, [400, 401, 403, 404, 409])).toEqual([]);
  });

  it("cancels a campaign with JavaScript disabled: confirmation, then CANCELLED with nothing left pending", { timeout: 60_000 }, async () => {
    const { context, page } = await signedIn(doctor2.email, doctor2.password, false);
    await page.goto(`${web.url}/campaigns/${ids.control}`);
    await page.getByRole("link", { name: "Cancelar campaña" }).click();
    await page.getByRole("heading", { name: "¿Cancelar esta campaña?" }).waitFor();
    await page.getByText("Se anularán los 2 envíos pendientes").waitFor();
    await page.getByRole("button", { name: "Sí, cancelar la campaña" }).click();
    await page.getByText("Campaña cancelada. Los envíos pendientes se anularon").waitFor();
    await page.getByRole("heading", { name: /Control anual/ }).getByText("Cancelada").waitFor();
    expect(await page.getByRole("link", { name: "Cancelar campaña" }).count()).toBe(0);
    const pending = page.getByTestId("campaign-counts").locator("div").filter({ hasText: "Pendientes" }).locator("dd");
    expect(await pending.textContent()).toBe("0");
    await page.getByTestId("patient-row").filter({ hasText: "Olga Mena" }).getByText("Cancelado: Campaña cancelada").waitFor();
    await context.close();
  });

  it("refreshes the counts by itself while the campaign is active (JavaScript on)", { timeout: 90_000 }, async () => {
    const { context, page } = await signedIn(tenant.doctor.email, tenant.doctor.password);
    await page.goto(`${web.url}/campaigns/${ids.mixed}`);
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    const clicks = page.getByTestId("campaign-counts").locator("div").filter({ hasText: "Clics a reseña" }).locator("dd");
    const before = Number(await clicks.textContent());
    // Jorge clicks the review link (as /r/<token> records it), while the page stays open.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query("insert into review_clicks (workspace_id, patient_id) select workspace_id, id from patients where campaign_id = $1 and name = 'Jorge Luna'", [ids.mixed]);
    } finally {
      await client.end();
    }
    await expect.poll(async () => Number(await clicks.textContent()), { timeout: 40_000, interval: 1000 }).toBe(before + 1);
    await page.getByTestId("patient-row").filter({ hasText: "Jorge Luna" }).getByText("Abrió el enlace de reseña").waitFor();
    await context.close();
  });

  it("erases a patient: confirmation, then the name and phone are gone from the page and the figures stay", { timeout: 60_000 }, async () => {
    const { context, page } = await signedIn(tenant.owner.email, tenant.owner.password);
    await page.goto(`${web.url}/campaigns/${ids.mixed}`);
    const before = await page.getByTestId("campaign-counts").textContent();
    await page.getByRole("link", { name: "Eliminar datos de Carla Mora" }).click();
    await page.getByRole("heading", { name: "¿Eliminar los datos de Carla Mora?" }).waitFor();
    await page.getByRole("button", { name: "Sí, eliminar sus datos" }).click();
    await page.getByText("Datos personales del paciente eliminados.").waitFor();
    // What the page shows now (the first document's inline data stays in the DOM after a client-side navigation).
    const text = await page.locator("main").innerText();
    expect(text).not.toContain("Carla Mora");
    expect(text).not.toContain("+593984000003");
    await page.reload();
    expect(await page.content()).not.toContain("Carla Mora");
    await page.getByTestId("patient-row").filter({ hasText: "Paciente eliminado" }).getByText("Datos personales eliminados").waitFor();
    expect(await page.getByTestId("campaign-counts").textContent()).toBe(before);
    await context.close();
    expect(unexpectedProblems(problems, [400, 401, 403, 404, 409])).toEqual([]);
  });

  // Without JavaScript the same forms are plain GET and POST (campaign-page-routes.test.ts); axe needs script.
  it("shows a patient's consent history and opts them back in with their evidence, at 360 px, axe-clean", { timeout: 60_000 }, async () => {
    const { context, page } = await signedIn(tenant.owner.email, tenant.owner.password);
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${web.url}/campaigns/${ids.mixed}`);
    await page.getByRole("link", { name: "Consentimiento de Inés Vega" }).click();
    const panel = page.getByTestId("consent-history");
    await panel.getByRole("heading", { name: "Historial de consentimiento de Inés Vega" }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The evidence is required: the browser will not submit an empty field.
    await panel.getByRole("button", { name: "Sí, volver a dar de alta" }).click();
    expect(await panel.getByTestId("consent-event").count()).toBe(0);
    await panel.getByLabel("Cómo lo pidió el paciente (obligatorio)").fill("Llamó a recepción para pedirlo");
    await panel.getByRole("button", { name: "Sí, volver a dar de alta" }).click();
    await page.getByText("Paciente dado de alta de nuevo").waitFor();
    const events = page.getByTestId("consent-history").getByTestId("consent-event");
    expect(await events.count()).toBe(1);
    expect(await events.first().innerText()).toContain("Constancia: «Llamó a recepción para pedirlo»");
    await saveScreenshot(page, "consent-history");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
