// The owner connects the practice's own Twilio account in headless Chromium at 360 px, with
// JavaScript switched off (every step is a plain form), against the production build and the
// simulator as Twilio (SPEC §12): a wrong token is refused by the live check, the right one
// connects, the page lists the account's numbers, choosing one sets its inbound URL at Twilio, and
// disconnecting falls back to the platform. The page is axe-clean in each state.
import { randomBytes } from "node:crypto";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, Page } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, unexpectedProblems, watch, expectUsableAt360, submitSignIn } from "./support/browser.ts";
import { CLINIC_NAMES, createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the own-sender browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const PLATFORM_SID = "AC" + "2".repeat(32);
const OWN_NUMBER = "+593990003001";

describe.skipIf(!present)("connecting the practice's own Twilio account", () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let sim: Simulator;
  let web: WebServer;
  let browser: Browser;
  let tenant: Tenant;
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    tenant = await createTenant(db.url, "propia", "STARTER", CLINIC_NAMES);
    sim = createSimulator({ accountSid: PLATFORM_SID, authTokens: ["test-auth-token"] });
    await sim.listen(0);
    web = await startWebServer({
      databaseUrl: db.url,
      env: { TWILIO_API_URL: sim.url, TWILIO_ACCOUNT_SID: PLATFORM_SID, CREDENTIALS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`, CREDENTIALS_ENCRYPTION_KEY_ID: "k1" },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sim?.close();
    await sql?.end();
    await db?.drop();
  });

  const axeClean = (page: Page) => expectUsableAt360(browser, page, { strict: true });

  it("connects with the live check, chooses a number and disconnects, without JavaScript", { timeout: 120_000 }, async () => {
    const account = sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: [OWN_NUMBER] });
    const token = account.authTokens[0]!;
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watch(page, problems);

    await submitSignIn(page, `${web.url}/login`, tenant.owner);
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));

    await page.goto(`${web.url}/settings`);
    await page.getByRole("link", { name: "Número propio: conectar la cuenta de Twilio de su consulta" }).click();
    await page.getByRole("heading", { name: "Número propio (Twilio)", level: 1 }).waitFor();
    await axeClean(page);

    // A wrong token: Twilio refuses it, the SID stays typed, the token field is empty.
    await page.getByLabel("Account SID").fill(account.sid);
    await page.getByLabel("Auth Token").fill("cd".repeat(16));
    await page.getByRole("button", { name: "Comprobar y conectar" }).click();
    await page.getByText("Twilio rechazó estas credenciales").waitFor();
    expect(await page.getByLabel("Account SID").inputValue()).toBe(account.sid);
    expect(await page.getByLabel("Auth Token").inputValue()).toBe("");
    expect((await sql.query("select count(*)::int as n from twilio_accounts")).rows[0].n).toBe(0);
    await axeClean(page);

    // The right one.
    await page.getByLabel("Auth Token").fill(token);
    await page.getByRole("button", { name: "Comprobar y conectar" }).click();
    await page.getByText("Cuenta de Twilio conectada").waitFor();
    await page.getByText(`token terminado en ${token.slice(-4)}`).waitFor();
    expect(await page.content()).not.toContain(token);
    const [row] = (await sql.query("select token_ciphertext, token_key_id from twilio_accounts where workspace_id = $1", [tenant.workspaceId])).rows;
    expect(row.token_key_id).toBe("k1");
    expect(row.token_ciphertext).not.toContain(token);
    await axeClean(page);

    // Its numbers, read from Twilio; choosing one sets its inbound URL there.
    await page.getByLabel(`Número ${OWN_NUMBER}`).check();
    await page.getByRole("button", { name: "Usar este remitente" }).click();
    await page.getByText("Remitente guardado y configurado en Twilio.").waitFor();
    await page.getByText(`Los SMS salen desde ${OWN_NUMBER}.`).waitFor();
    await saveScreenshot(page, "own-sender");
    expect([...account.numbers.values()][0]!.smsUrl).toBe("http://127.0.0.1/webhooks/twilio/inbound");
    await axeClean(page);

    // In English too: the language switch returns to this page.
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Own number (Twilio)", level: 1 }).waitFor();
    await page.getByText(`SMS go out from ${OWN_NUMBER}.`).waitFor();
    await page.getByText(`token ending in ${token.slice(-4)}`).waitFor();
    await axeClean(page);
    await page.getByRole("button", { name: "Español" }).click();
    await page.getByRole("heading", { name: "Número propio (Twilio)", level: 1 }).waitFor();
    await page.getByText("siguen descontando créditos de su plan").waitFor();

    // Billing names the connected account: Twilio bills it to the practice, credits still count.
    await page.goto(`${web.url}/billing`);
    await page.getByText(`Su consulta tiene conectada su propia cuenta de Twilio (${account.sid})`).waitFor();
    await axeClean(page);
    await page.getByRole("link", { name: "Ver el número propio" }).click();
    await page.getByRole("heading", { name: "Número propio (Twilio)", level: 1 }).waitFor();

    await page.getByRole("button", { name: "Desconectar la cuenta" }).click();
    await page.getByText("Cuenta desconectada: se envía con los remitentes de la plataforma.").waitFor();
    expect((await sql.query("select count(*)::int as n from twilio_accounts")).rows[0].n).toBe(0);
    const audit = (await sql.query("select action from audit_logs where workspace_id = $1 and action like 'own_sender.%' order by created_at", [tenant.workspaceId])).rows.map((r: { action: string }) => r.action);
    expect(audit).toEqual(["own_sender.connected", "own_sender.sender_chosen", "own_sender.disconnected"]);
    // With JavaScript off Chromium refuses the page's module scripts (reported as "csp"): expected here.
    expect(unexpectedProblems(problems).filter((p) => !/^request failed: \S+\.js csp$/.test(p))).toEqual([]);
    await context.close();
  });
});
