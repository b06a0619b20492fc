// New campaign from a CSV and "send to one patient now", in headless Chromium against the production
// build: upload files exported the way Excel does (UTF-8 with `,`; Windows-1252 with `;`, dd/mm/yyyy,
// phones in scientific notation), the preview (accepted, rejected with line and reason, no consent,
// skipped with the reason), the rejected rows' download, confirm → the campaign's URL; the credit
// shortfall; a single send at the desk; the same forms without JavaScript; axe-core on the pages. An
// Excel workbook whose first sheet is a cover: the sheet is chosen on the page, without JavaScript.
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { initOrm } from "@rm/db";
import { grantCredits } from "@rm/credits";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ddmmyyyy, excelWindows1252Csv, goodBadNoConsentCsv, write } from "./fixtures/patient-lists.ts";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { CLINIC_NAMES, createTenant, type Tenant, type TenantUser } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING campaign upload browser tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

/** A workbook as a practice's software exports it: a cover sheet, then the appointments (tomorrow, phones as numbers). */
async function twoSheetWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("Portada").addRow(["Agenda del consultorio"]);
  const sheet = wb.addWorksheet("Citas");
  sheet.addRow(["nombre", "telefono", "fecha", "consentimiento"]);
  const t = new Date(Date.now() + 86_400_000);
  sheet.addRow(["Marta Excel", 987650301, new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), 10)), "sí"]);
  sheet.addRow(["Nico Excel", 987650302, new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), 11)), "sí"]);
  sheet.getColumn(3).numFmt = "dd/mm/yyyy hh:mm";
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const CAMPAIGN_URL = /\/campaigns\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.skipIf(!present)("campaign upload in the browser", () => {
  let db: TestDatabase;
  let web: WebServer;
  let browser: Browser;
  let sql: pg.Client;
  let clinic: Tenant;
  let poor: Tenant;
  let files: Record<string, string>;
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    clinic = await createTenant(db.url, "clinic", "STARTER", CLINIC_NAMES);
    poor = await createTenant(db.url, "poor");
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
    try {
      await grantCredits(orm.em.fork(), { workspaceId: clinic.workspaceId, amount: 500, reference: "test:clinic" });
      await grantCredits(orm.em.fork(), { workspaceId: poor.workspaceId, amount: 1, reference: "test:poor" });
    } finally {
      await orm.close(true);
    }
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    files = write({
      "citas-lunes.csv": goodBadNoConsentCsv(),
      "pacientes-excel.csv": excelWindows1252Csv(),
      "agenda.xlsx": await twoSheetWorkbook(),
      // Over the 20 MiB limit.
      "enorme.csv": Buffer.alloc(21 * 1024 * 1024, "a"),
    });
    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await web?.stop();
    await sql?.end();
    await db?.drop();
  });

  async function signedIn(user: TenantUser, options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Page> {
    const context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", acceptDownloads: true, ...options });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    const page = await context.newPage();
    watch(page, problems);
    await submitSignIn(page, `${web.url}/login`, user);
    await page.getByRole("navigation").waitFor();
    return page;
  }

  async function hydrated(page: Page): Promise<void> {
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
  }


  async function uploadFile(page: Page, name: string, file: string): Promise<void> {
    await page.goto(`${web.url}/campaigns/new`);
    await page.getByRole("heading", { name: "Nueva campaña" }).waitFor();
    await page.getByLabel("Nombre de la campaña").fill(name);
    await page.getByLabel("Horas después de la cita").fill("2");
    await page.getByLabel("Archivo CSV").setInputFiles(file);
    await page.getByRole("button", { name: "Subir y revisar" }).click();
    await page.getByRole("heading", { name: `Vista previa: ${name}` }).waitFor();
  }

  const count = (page: Page, id: string) => page.getByTestId(`count-${id}`).textContent();

  async function status(campaignId: string): Promise<string> {
    return (await sql.query<{ status: string }>("select status from campaigns where id = $1", [campaignId])).rows[0]!.status;
  }

  it("receptionist: good, bad and no-consent rows → preview, rejected rows downloaded, confirmed → the campaign list", { timeout: 90_000 }, async () => {
    const page = await signedIn(clinic.receptionist);
    await page.goto(`${web.url}/campaigns/new`);
    await hydrated(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The one practice and the one doctor are chosen already.
    expect(await page.getByLabel("Consultorio").inputValue()).toBe(clinic.practiceId);
    expect(await page.getByLabel("Médico asignado").inputValue()).toBe(clinic.doctor.id);

    await uploadFile(page, "Citas del lunes", files["citas-lunes.csv"]!);
    await hydrated(page);
    expect(await count(page, "rows")).toBe("5");
    expect(await count(page, "accepted")).toBe("3");
    expect(await count(page, "rejected")).toBe("2");
    expect(await count(page, "no-consent")).toBe("1");
    expect(await count(page, "scheduled")).toBe("2");
    const rejected = page.getByTestId("rejected-table");
    await rejected.getByRole("row").filter({ hasText: "=1+1" }).filter({ hasText: "No es un número de teléfono." }).getByRole("cell", { name: "5", exact: true }).waitFor();
    await rejected.getByRole("row").filter({ hasText: "31/02/2026" }).filter({ hasText: "La fecha no existe en el calendario" }).getByRole("cell", { name: "6", exact: true }).waitFor();
    await page.getByTestId("consent-table").getByRole("cell", { name: "Carla Sin Permiso" }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-rejected").click()]);
    expect(download.suggestedFilename()).toBe("rechazadas-citas-lunes.csv");
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.split("\r\n").slice(0, 3)).toEqual([
      "\uFEFFlinea;columna;valor;motivo",
      "5;telefono;'=1+1;No es un número de teléfono.",
      "6;fecha;31/02/2026;La fecha no existe en el calendario (revise día y mes: el formato es dd/mm/aaaa, nunca mm/dd).",
    ]);

    const draftId = /\/campaigns\/drafts\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
    await page.getByRole("button", { name: "Confirmar e importar 3 pacientes" }).click();
    // Receptionists see the campaign list only (SPEC §3): they land there, told it went through.
    await page.waitForURL(/\/campaigns\?notice=confirmed$/);
    await page.getByText("Campaña confirmada: los mensajes saldrán a la hora programada.").waitFor();
    await page.getByTestId("campaign-table").getByRole("row").filter({ hasText: "Citas del lunes" }).filter({ hasText: "Activa" }).waitFor();
    const campaignId = draftId;
    expect(await status(campaignId)).toBe("ACTIVE");
    expect((await sql.query("select count(*)::int as n from patients where campaign_id = $1", [campaignId])).rows[0].n).toBe(3);
  });

  it("owner: an Excel file in Windows-1252 with ; and dd/mm/yyyy — accents, lost digits and old appointments explained", { timeout: 90_000 }, async () => {
    const page = await signedIn(clinic.owner);
    await uploadFile(page, "Excel de recepción", files["pacientes-excel.csv"]!);
    await hydrated(page);
    await page.getByText("windows-1252, «;»").waitFor();
    expect(await count(page, "rows")).toBe("7");
    expect(await count(page, "accepted")).toBe("5");
    expect(await count(page, "rejected")).toBe("2");
    expect(await count(page, "no-consent")).toBe("1");
    expect(await count(page, "scheduled")).toBe("2");
    const accepted = page.getByTestId("accepted-table");
    await accepted.getByRole("row").filter({ hasText: "José Muñoz" }).filter({ hasText: "098 765 4321" }).waitFor();
    await accepted.getByRole("row").filter({ hasText: "María Ñáñez" }).filter({ hasText: "098 765 4322" }).filter({ hasText: "SMS" }).waitFor();
    // Excel's 9.87654E+08 lost digits: rejected, with the line and the reason.
    const lossy = page.getByTestId("rejected-table").getByRole("row").filter({ hasText: "9.87654E+08" });
    await lossy.getByRole("cell", { name: "4", exact: true }).waitFor();
    expect(await lossy.textContent()).toMatch(/Excel/);
    const skipped = page.getByTestId("skipped-table");
    await skipped.getByRole("row").filter({ hasText: "Ramón Ávila" }).filter({ hasText: "La cita es demasiado antigua" }).waitFor();
    await skipped.getByRole("row").filter({ hasText: "Inés Loján" }).filter({ hasText: "Teléfono fijo" }).waitFor();
    await page.getByTestId("consent-table").getByRole("cell", { name: "Begoña Salazar" }).waitFor();
    await page.getByTestId("credits").filter({ hasText: /Se necesitan \d+ créditos .*; tiene \d+\./ }).waitFor();
    await saveScreenshot(page, "campaign-preview");

    await page.getByRole("button", { name: "Confirmar e importar 5 pacientes" }).click();
    await page.waitForURL(CAMPAIGN_URL);
    const campaignId = new URL(page.url()).pathname.split("/").pop()!;
    expect(await status(campaignId)).toBe("ACTIVE");
    const skips = await sql.query("select name, skip_reason from patients where campaign_id = $1 and status = 'SKIPPED' order by name", [campaignId]);
    expect(skips.rows).toEqual([
      { name: "Begoña Salazar", skip_reason: "NO_CONSENT" },
      { name: "Inés Loján", skip_reason: "NOT_MOBILE" },
      { name: "Ramón Ávila", skip_reason: "APPOINTMENT_TOO_OLD" },
    ]);
  });

  it("short of credits: the owner is sent to billing, the receptionist to the owner; the draft waits", { timeout: 90_000 }, async () => {
    const owner = await signedIn(poor.owner);
    await uploadFile(owner, "Sin saldo", files["citas-lunes.csv"]!);
    await hydrated(owner);
    const shortfall = owner.getByTestId("shortfall");
    await shortfall.filter({ hasText: /Faltan \d+ créditos para confirmar esta campaña/ }).waitFor();
    await shortfall.getByRole("link", { name: "Comprar créditos o mejorar el plan" }).waitFor();
    expect(await shortfall.getByRole("link").getAttribute("href")).toBe("/billing");
    // Confirming anyway is refused with the same message; nothing is imported.
    await owner.getByRole("button", { name: /Confirmar e importar/ }).click();
    await owner.getByTestId("shortfall").waitFor();
    const draftId = new URL(owner.url()).pathname.split("/").pop()!;
    expect(await status(draftId)).toBe("DRAFT");

    const receptionist = await signedIn(poor.receptionist);
    await uploadFile(receptionist, "Sin saldo recepción", files["citas-lunes.csv"]!);
    await receptionist.getByTestId("shortfall").filter({ hasText: "Pida al propietario de la cuenta que compre créditos" }).waitFor();
    expect(await receptionist.getByTestId("shortfall").getByRole("link").count()).toBe(0);
  });

  it("send to one patient at the desk: a field error next to the phone, then the request is scheduled", { timeout: 90_000 }, async () => {
    const page = await signedIn(clinic.receptionist);
    await page.goto(`${web.url}/campaigns/send`);
    await hydrated(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel("Nombre del paciente").fill("Marta Caja");
    await page.getByLabel("Celular").fill("12");
    await page.getByLabel("Tipo de cita (opcional)").fill("Limpieza");
    await page.getByLabel("El paciente aceptó recibir este mensaje.").check();
    await page.getByRole("button", { name: "Enviar solicitud" }).click();
    await page.locator("#phone-error").filter({ hasText: "El número es demasiado corto." }).waitFor();
    expect(await page.getByLabel("Nombre del paciente").inputValue()).toBe("Marta Caja");
    await page.getByLabel("Celular").fill("098 765 0101");
    await page.getByLabel("El paciente aceptó recibir este mensaje.").check();
    await page.getByRole("button", { name: "Enviar solicitud" }).click();
    await page.getByTestId("send-result").filter({ hasText: "Marta Caja (098 765 0101): solicitud de calificación programada" }).waitFor();
    // Ready for the next patient.
    expect(await page.getByLabel("Nombre del paciente").inputValue()).toBe("");
    const row = await sql.query("select p.appointment_type, m.channel from patients p join messages m on m.patient_id = p.id where p.phone = '+593987650101'");
    expect(row.rows).toEqual([{ appointment_type: "Limpieza", channel: "WHATSAPP" }]);
  });

  it("saw no CSP violations or page errors with JavaScript on", () => {
    expect(problems.filter((p) => /Content Security Policy|Refused to|page error/i.test(p))).toEqual([]);
    // The campaign page is another section's; a 404 there (before it exists) is not this page's problem.
    expect(unexpectedProblems(problems.filter((p) => !/\/campaigns\/[0-9a-f-]{36}.*404|status of 404/.test(p)), [400, 409])).toEqual([]);
  });

  it("without JavaScript: upload, preview, confirm; a file over 20 MB is refused with 413; send to one patient", { timeout: 150_000 }, async () => {
    const page = await signedIn(clinic.doctor, { javaScriptEnabled: false });
    await uploadFile(page, "Sin JavaScript", files["pacientes-excel.csv"]!);
    // A doctor's upload is assigned to themselves.
    await page.getByText(`Médico: ${CLINIC_NAMES.doctor}`).waitFor();
    expect(await count(page, "accepted")).toBe("5");
    // The owner's campaign asks these phones already: they are skipped by the cooldown, with the reason.
    expect(await count(page, "scheduled")).toBe("0");
    await page.getByTestId("skipped-table").getByRole("row").filter({ hasText: "José Muñoz" }).filter({ hasText: "Ya se le pidió una calificación hace poco (periodo de espera)" }).waitFor();
    await page.getByRole("button", { name: "Confirmar e importar 5 pacientes" }).click();
    await page.waitForURL(CAMPAIGN_URL);
    // Nothing to send: stored and complete at once.
    expect(await status(new URL(page.url()).pathname.split("/").pop()!)).toBe("COMPLETED");

    // Over the limit: the answer is the form with the message (413), nothing is created.
    await page.goto(`${web.url}/campaigns/new`);
    await page.getByLabel("Nombre de la campaña").fill("Demasiado grande");
    await page.getByLabel("Archivo CSV").setInputFiles(files["enorme.csv"]!);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/campaigns/new") && r.request().method() === "POST"), page.getByRole("button", { name: "Subir y revisar" }).click()]);
    expect(response.status()).toBe(413);
    await page.getByRole("alert").filter({ hasText: "El archivo es demasiado grande (máximo 20 MB). No se creó nada." }).waitFor();
    expect(await page.getByLabel("Nombre de la campaña").inputValue()).toBe("Demasiado grande");
    expect((await sql.query("select count(*)::int as n from campaigns where name = 'Demasiado grande'")).rows[0].n).toBe(0);

    await page.goto(`${web.url}/campaigns/send`);
    await page.getByLabel("Nombre del paciente").fill("Luis Sin JS");
    await page.getByLabel("Celular").fill("0987650202");
    await page.getByLabel("El paciente aceptó recibir este mensaje.").check();
    await page.getByRole("button", { name: "Enviar solicitud" }).click();
    await page.getByTestId("send-result").filter({ hasText: "Luis Sin JS (098 765 0202): solicitud de calificación programada" }).waitFor();
    await page.getByTestId("send-result").getByRole("link", { name: "Ver campaña" }).waitFor();
  });
  it("a workbook whose first sheet is a cover comes back with its sheets to choose, without JavaScript; the chosen one is previewed; axe-clean at 360 px", { timeout: 90_000 }, async () => {
    // Without JavaScript, as narrow as a phone.
    const page = await signedIn(clinic.receptionist, { javaScriptEnabled: false, viewport: { width: 360, height: 780 } });
    const upload = async () => {
      await page.getByLabel("Archivo CSV").setInputFiles(files["agenda.xlsx"]!);
      await page.getByRole("button", { name: "Subir y revisar" }).click();
    };
    await page.goto(`${web.url}/campaigns/new`);
    await page.getByLabel("Nombre de la campaña").fill("Agenda en Excel");
    await upload();
    await page.getByText("Faltan columnas obligatorias").first().waitFor();
    const sheet = page.getByLabel("Hoja del libro de Excel");
    expect(await sheet.locator("option").allTextContents()).toEqual(["La primera hoja", "Portada", "Citas"]);
    await sheet.selectOption("Citas");
    await upload();
    await page.getByRole("heading", { name: "Vista previa: Agenda en Excel" }).waitFor();
    expect(await count(page, "accepted")).toBe("2");
    expect(await count(page, "rejected")).toBe("0");

    // The same answer with JavaScript on: axe-clean, nothing wider than the screen (the missing
    // columns' example, nombre;telefono;…, wraps).
    const js = await signedIn(clinic.receptionist, { viewport: { width: 360, height: 780 } });
    await js.goto(`${web.url}/campaigns/new`);
    await hydrated(js);
    await js.getByLabel("Nombre de la campaña").fill("Agenda en Excel 2");
    await js.getByLabel("Archivo CSV").setInputFiles(files["agenda.xlsx"]!);
    await js.getByRole("button", { name: "Subir y revisar" }).click();
    await js.getByLabel("Hoja del libro de Excel").locator("option", { hasText: "Portada" }).waitFor({ state: "attached" });
    expect(await seriousAxeViolations(js)).toEqual([]);
    expect(await js.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it("a file without a consent column asks for the uploader's attestation (axe-clean at 360 px); only ticked does it import", { timeout: 90_000 }, async () => {
    const d = ddmmyyyy(new Date(Date.now() + 86_400_000));
    const [file] = Object.values(write({ "sin-columna.csv": Buffer.from(["nombre,telefono,fecha,hora", `Olga Sin Columna,0991110031,${d},10:00`, `Pablo Sin Columna,0991110032,${d},10:30`].join("\r\n") + "\r\n") }));
    const page = await signedIn(clinic.owner);
    await page.setViewportSize({ width: 360, height: 800 });
    await uploadFile(page, "Sin columna", file!);
    await hydrated(page);
    const box = page.getByLabel("Confirmo que estos pacientes aceptaron recibir mensajes de este consultorio (solicitudes de calificación por WhatsApp o SMS).");
    await box.waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The attestation fits the width (the preview's accepted-rows table is wider, as before).
    const right = await page.getByTestId("consent-attestation").evaluate((e) => e.getBoundingClientRect().right);
    expect(right).toBeLessThanOrEqual(360);
    const campaignId = page.url().split("/").pop()!;
    // Unticked, the browser does not send it (required); the server refuses it too (route test).
    await page.getByRole("button", { name: "Confirmar e importar 2 pacientes" }).click();
    expect(await status(campaignId)).toBe("DRAFT");
    await box.check();
    await page.getByRole("button", { name: "Confirmar e importar 2 pacientes" }).click();
    await page.waitForURL(CAMPAIGN_URL);
    expect(await status(campaignId)).toBe("ACTIVE");
    const scheduled = await sql.query("select 1 from patients where campaign_id = $1 and status = 'SCHEDULED'", [campaignId]);
    expect(scheduled.rowCount).toBe(2);
  });
});
