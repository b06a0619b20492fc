// The owner sets up the API in headless Chromium at 360 px with JavaScript switched off, against the
// production build (SPEC §15): creates a key (shown once), adds a webhook endpoint, reads its
// delivery log with a resend, sees the banner of an endpoint the worker disabled and enables it
// again, and opens the API reference. Each page is axe-clean, in Spanish and English.
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, Page } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, unexpectedProblems, watch, expectUsableAt360, submitSignIn } from "./support/browser.ts";
import { CLINIC_NAMES, createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the API settings browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

describe.skipIf(!present)("the API settings pages", () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let web: WebServer;
  let browser: Browser;
  let tenant: Tenant;
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    tenant = await createTenant(db.url, "api", "STARTER", CLINIC_NAMES);
    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sql?.end();
    await db?.drop();
  });

  const axeClean = (page: Page) => expectUsableAt360(browser, page, { scrollInside: ".table-scroll, .snippet" });

  it("creates a key, adds an endpoint, reads its log and the reference, without JavaScript", { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watch(page, problems);

    await submitSignIn(page, `${web.url}/login`, tenant.owner);
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));

    // Keys: created with a name and the default scope, shown once.
    await page.goto(`${web.url}/settings`);
    await page.getByRole("link", { name: "Claves de API: conectar el software de su consulta" }).click();
    await page.getByRole("heading", { name: "Claves de API", level: 1 }).waitFor();
    await page.getByText("Aún no hay claves.").waitFor();
    await axeClean(page);
    await page.getByLabel("Nombre (p. ej. el programa que la usa)").fill("Agenda clínica");
    await page.getByLabel(/^messages:read/).check();
    await page.getByRole("button", { name: "Crear la clave" }).click();
    await page.getByText("Clave «Agenda clínica» creada. Cópiela ahora: no se volverá a mostrar.").waitFor();
    const key = await page.getByTestId("api-key-created").locator("code").textContent();
    expect(key).toMatch(/^rmk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
    await page.getByRole("cell", { name: "appointments:write, messages:read" }).waitFor();
    await saveScreenshot(page, "api-keys");
    // Opened again (not reloaded: that would post the form a second time), the key is not there.
    await page.goto(`${web.url}/settings/api`);
    expect(await page.content()).not.toContain(key!);
    await axeClean(page);

    // Webhooks: a private address is refused with the reason; a public one is added with its secret.
    await page.goto(`${web.url}/settings/webhooks`);
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    await page.getByLabel("URL (https)").fill("https://10.0.0.5/hooks");
    await page.getByRole("button", { name: "Añadir" }).click();
    await page.getByText("Esa dirección apunta a una red privada o local").waitFor();
    await axeClean(page);
    await page.getByLabel("URL (https)").fill("https://93.184.216.34/rm-hooks");
    await page.getByRole("button", { name: "Añadir" }).click();
    await page.getByText("Dirección añadida. Su secreto de firma aparece abajo.").waitFor();
    const [endpoint] = (await sql.query("select id from webhook_endpoints where workspace_id = $1", [tenant.workspaceId])).rows as { id: string }[];
    await sql.query(
      `insert into webhook_deliveries (workspace_id, endpoint_id, event_id, event_type, payload, status, attempts, last_status_code, last_error, last_duration_ms, last_attempt_at, created_at)
       values ($1, $2, gen_random_uuid(), 'rating.received', '{}', 'SUCCEEDED', 1, 204, null, 87, now(), now() - interval '2 minutes'),
              ($1, $2, gen_random_uuid(), 'message.failed', '{}', 'GAVE_UP', 8, 500, 'HTTP 500', 1320, now(), now() - interval '1 minute')`,
      [tenant.workspaceId, endpoint!.id],
    );
    await page.reload();
    await page.getByRole("cell", { name: "Entregado" }).waitFor();
    await page.getByRole("cell", { name: "87 ms" }).waitFor();
    await saveScreenshot(page, "api-webhooks");
    await axeClean(page);
    await page.getByRole("button", { name: "Reenviar" }).last().click();
    await page.getByText("Entrega puesta en cola de nuevo.").waitFor();
    expect((await sql.query("select count(*)::int as n from outbox where type = 'webhook.deliver' and workspace_id = $1", [tenant.workspaceId])).rows[0].n).toBe(1);

    // Disabled by the worker after persistent failure: the banner, the reason, and enabling it again.
    await sql.query("update webhook_endpoints set enabled = false, disabled_at = now(), disabled_reason = '5 deliveries failed in a row; last: HTTP 500' where id = $1", [endpoint!.id]);
    await page.reload();
    await page.getByTestId("webhook-disabled-banner").waitFor();
    await page.getByText("Desactivada tras fallos repetidos: 5 deliveries failed in a row").waitFor();
    await axeClean(page);
    // The owner is told on the home page too, with the way to the endpoint.
    await page.goto(`${web.url}/`);
    await page.getByTestId("home-webhooks-disabled").getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    await page.getByRole("button", { name: "English" }).click();
    await page.getByText("A webhook endpoint was disabled because its deliveries kept failing.").waitFor();
    await page.getByRole("heading", { name: "Latest deliveries" }).waitFor();
    await axeClean(page);
    await page.getByRole("button", { name: "Enable again" }).click();
    await page.getByText("Endpoint enabled again.").waitFor();
    expect(await page.getByTestId("webhook-disabled-banner").count()).toBe(0);
    await page.goto(`${web.url}/`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(await page.getByTestId("home-webhooks-disabled").count()).toBe(0);

    // The reference, from the OpenAPI document, with the signature scheme.
    await page.goto(`${web.url}/settings/api/reference`);
    await page.getByRole("heading", { name: "API reference", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "PUT /api/v1/appointments/{external_id}" }).waitFor();
    await page.getByText("RM-Signature: t=[Unix seconds]").waitFor();
    await axeClean(page);
    await page.getByRole("button", { name: "Español" }).click();
    await page.getByRole("heading", { name: "Referencia de la API", level: 1 }).waitFor();
    await saveScreenshot(page, "api-reference");

    const audit = (await sql.query("select action from audit_logs where workspace_id = $1 and (action like 'api_key.%' or action like 'webhook_%') order by created_at", [tenant.workspaceId])).rows.map((r: { action: string }) => r.action);
    expect(audit).toEqual(["api_key.created", "webhook_endpoint.created", "webhook_delivery.replayed", "webhook_endpoint.enabled"]);
    expect(unexpectedProblems(problems).filter((p) => !/^request failed: \S+\.js csp$/.test(p))).toEqual([]);
    await context.close();
  });
});
