// A large upload, on the same path as a 50,000-row file with a smaller one (CONFIRM_IN_BACKGROUND_ROWS
// lowered): with JavaScript the form shows the upload's progress; confirming queues the import, the
// preview becomes a progress page (live with JavaScript: it moves to the campaign when the worker is
// done; on reload without), the worker's handler imports the rows kept with the draft, and the
// campaign page shows the delivery funnel with counts formatted. axe-clean, at 360 px too.
import { systemClock } from "@rm/domain";
import { grantCredits } from "@rm/credits";
import { initOrm, type MikroORM } from "@rm/db";
import { createConfirmDraftHandler } from "@rm/importer";
import { createTestDatabase, recordingLogger, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ddmmyyyy, write } from "./fixtures/patient-lists.ts";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { CLINIC_NAMES, createTenant, type Tenant, type TenantUser } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING large upload browser tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const ROWS = 1_200;
const CAMPAIGN_URL = /\/campaigns\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FIRST_NAMES = ["María", "José", "Lucía", "Andrés", "Carmen", "Diego", "Valeria", "Jorge", "Paola", "Luis"];
const LAST_NAMES = ["Zambrano", "Cedeño", "Vera", "Mendoza", "Loor", "Macías", "Intriago", "Alcívar"];

/** An agenda export as a busy practice has it: `ROWS` appointments tomorrow, Ecuadorian mobiles. */
function agenda(offset: number): Buffer {
  const d = ddmmyyyy(new Date(Date.now() + 86_400_000));
  const lines = ["nombre;telefono;fecha;hora;consentimiento"];
  for (let i = 0; i < ROWS; i++) {
    const name = `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]}`;
    lines.push(`${name};09${String(80_000_000 + offset + i).padStart(8, "0")};${d};${String(8 + (i % 10)).padStart(2, "0")}:${i % 2 ? "30" : "00"};si`);
  }
  return Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8");
}

describe.skipIf(!present)("a large upload confirmed in the background", () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let web: WebServer;
  let browser: Browser;
  let clinic: Tenant;
  let files: Record<string, string>;
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    clinic = await createTenant(db.url, "sonrisa", "STARTER", CLINIC_NAMES);
    orm = await initOrm({ databaseUrl: db.url, poolMax: 3 });
    await grantCredits(orm.em.fork(), { workspaceId: clinic.workspaceId, amount: 10_000, reference: "test:large" });
    await orm.em.fork().execute("update workspaces set name = 'Clínica Dental Sonrisa' where id = ?", [clinic.workspaceId]);
    await orm.em.fork().execute("update practices set name = 'Sonrisa Norte' where id = ?", [clinic.practiceId]);
    await orm.em.fork().execute("update users set name = 'Lucía Paredes' where id = ?", [clinic.owner.id]);
    await orm.em.fork().execute("update users set name = 'Dra. Carmen Vélez' where id = ?", [clinic.doctor.id]);
    files = write({ "agenda-semana.csv": agenda(0), "agenda-sin-js.csv": agenda(ROWS) });
    web = await startWebServer({ databaseUrl: db.url, env: { CONFIRM_IN_BACKGROUND_ROWS: "1000" } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await web?.stop();
    await orm?.close(true);
    await db?.drop();
  });

  async function signedIn(user: TenantUser, options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Page> {
    const context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", ...options });
    context.setDefaultTimeout(20_000);
    contexts.push(context);
    const page = await context.newPage();
    // Without JavaScript the blocked scripts are no problem.
    if (options.javaScriptEnabled !== false) watch(page, problems);
    await submitSignIn(page, `${web.url}/login`, user);
    await page.getByRole("navigation").waitFor();
    return page;
  }

  /** The relay and the worker's part: the queued confirm rows published and handled, as the worker does. */
  async function runWorker(): Promise<number> {
    const rows = await orm.em
      .fork()
      .execute<{ id: string; workspace_id: string; payload: unknown }[]>(
        "update outbox set status = 'published', published_at = now() where type = 'campaign.confirm' and status = 'pending' returning id::text, workspace_id, payload",
      );
    const handle = createConfirmDraftHandler({ publicUrl: web.url });
    for (const r of rows) {
      await handle({ orm, clock: systemClock, logger: recordingLogger() }, { outboxId: r.id, type: "campaign.confirm", workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" });
    }
    return rows.length;
  }

  async function upload(page: Page, name: string, file: string): Promise<void> {
    await page.goto(`${web.url}/campaigns/new`);
    await page.getByLabel("Nombre de la campaña").fill(name);
    await page.getByLabel("Archivo CSV").setInputFiles(file);
    await page.getByRole("button", { name: "Subir y revisar" }).click();
    await page.getByRole("heading", { name: `Vista previa: ${name}` }).waitFor();
  }

  it("with JavaScript: upload progress, then the import's progress, then the campaign by itself", { timeout: 120_000 }, async () => {
    const page = await signedIn(clinic.owner, { viewport: { width: 360, height: 800 } });
    await page.goto(`${web.url}/campaigns/new`);
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    // A slow uplink, so the bytes going up can be seen; every phase the form shows is recorded.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: 5_000_000, uploadThroughput: 20_000 });
    await page.evaluate(() => {
      const w = window as unknown as { phases: string[] };
      w.phases = [];
      new MutationObserver(() => {
        const el = document.querySelector("[data-testid=upload-progress]");
        const phase = el?.getAttribute("data-phase");
        if (phase && w.phases.at(-1) !== phase) w.phases.push(phase);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByLabel("Nombre de la campaña").fill("Agenda de la semana");
    await page.getByLabel("Archivo CSV").setInputFiles(files["agenda-semana.csv"]!);
    await page.getByRole("button", { name: "Subir y revisar" }).click();
    const bar = page.getByTestId("upload-progress");
    await bar.getByText(/^Subiendo el archivo: \d+ % \(\d+ de \d+ KB\)$/).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "upload-progress");
    await page.getByRole("heading", { name: "Vista previa: Agenda de la semana" }).waitFor();
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(await page.evaluate(() => (window as unknown as { phases: string[] }).phases)).toEqual(["uploading", "reading"]);
    // Counts as staff read them.
    expect(await page.getByTestId("count-accepted").textContent()).toBe("1.200");

    await page.getByRole("button", { name: "Confirmar e importar 1.200 pacientes" }).click();
    const stage = page.getByTestId("background-stage");
    await stage.waitFor();
    expect(await stage.getAttribute("data-stage")).toBe("queued");
    expect(await page.getByTestId("background-confirm").textContent()).toContain("Los 1.200 pacientes se importan en segundo plano");
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // The worker imports; the page, asking every second, moves to the campaign on its own.
    expect(await runWorker()).toBe(1);
    await page.waitForURL(CAMPAIGN_URL);
    const funnel = page.getByTestId("delivery-funnel");
    await funnel.waitFor();
    expect(await funnel.locator("[data-stage=queued] .funnel-count").textContent()).toBe("1.200");
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it("without JavaScript: the progress page, its numbers, and a reload that lands on the campaign", { timeout: 120_000 }, async () => {
    const page = await signedIn(clinic.owner, { javaScriptEnabled: false });
    await upload(page, "Agenda de diciembre", files["agenda-sin-js.csv"]!);
    await page.getByRole("button", { name: "Confirmar e importar 1.200 pacientes" }).click();
    await page.getByTestId("background-stage").waitFor();
    const draftUrl = page.url();
    // Half way through the patients, as the worker writes it.
    await orm.em.fork().execute("update campaign_drafts set confirm_stage = 'patients', confirm_done = 600 where workspace_id = ? and confirm_stage = 'queued'", [clinic.workspaceId]);
    await page.getByRole("link", { name: "Actualizar" }).click();
    expect(await page.getByTestId("background-stage").textContent()).toBe("Paso 2 de 3 · pacientes importados: 600 de 1.200");
    expect(await page.locator("#import-progress").getAttribute("value")).toBe("1800");
    await saveScreenshot(page, "upload-background");
    expect(await runWorker()).toBe(1);
    await page.goto(draftUrl);
    await page.waitForURL(CAMPAIGN_URL);
    await page.getByTestId("delivery-funnel").waitFor();
  });

  it("saw no page errors or failed requests", () => {
    expect(unexpectedProblems(problems, [])).toEqual([]);
  });
});
