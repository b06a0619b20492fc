// The billing page in headless Chromium against the production build: an owner sees plan, balance
// and the credit history (paged), upgrades through Checkout (the local fake Stripe posts signed
// webhooks back to the real server, the worker's billing handlers apply them) and sees the new plan;
// a doctor of the same workspace is refused. Under CI=true a missing Chromium fails; locally it skips.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import type { MikroORM } from "@mikro-orm/postgresql";
import { createBillingHandlers, startFreePlan } from "@rm/stripe-billing";
import { startFakeStripe, type FakeStripe } from "@rm/stripe-billing/testing";
import { hashPassword, initOrm, User, Workspace } from "@rm/db";
import { deductCredits, grantCredits } from "@rm/credits";
import { systemClock } from "@rm/domain";
import { createTestDatabase, freePort, type TestDatabase } from "@rm/test-utils";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumPresent = existsSync(CHROMIUM_PATH);
if (!chromiumPresent && process.env.CI === "true") {
  throw new Error(`Chromium not found at ${CHROMIUM_PATH}: browser tests cannot be skipped under CI (apt-get install -y chromium)`);
}

const run = randomBytes(4).toString("hex");
const OWNER = { email: `duena.${run}@consultorio.ec`, password: "clave-de-duena-123", name: "Lucía Andrade" };
const DOCTOR = { email: `doctor.${run}@consultorio.ec`, password: "clave-de-doctor-123", name: "Jorge Paz" };
const SECRET = "whsec_browser_test_secret";
const PRICES = { STRIPE_PRICE_STARTER: "price_browser_starter", STRIPE_PRICE_PROFESSIONAL: "price_browser_pro" };

describe.skipIf(!chromiumPresent)("billing page in the browser", () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let web: WebServer;
  let fake: FakeStripe;
  let browser: Browser;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm({ databaseUrl: db.url });
    const em = orm.em.fork();
    const workspace = em.create(Workspace, { name: "Clínica Dental Norte" });
    em.create(User, { workspace, email: OWNER.email, passwordHash: await hashPassword(OWNER.password), name: OWNER.name, role: "OWNER" });
    em.create(User, { workspace, email: DOCTOR.email, passwordHash: await hashPassword(DOCTOR.password), name: DOCTOR.name, role: "DOCTOR" });
    await em.flush();
    workspaceId = workspace.id;
    await startFreePlan(orm.em.fork(), workspaceId, { now: new Date() });
    await deductCredits(orm.em.fork(), { workspaceId, amount: 3, reference: "message:00000000-0000-4000-8000-000000000001" });
    // Enough history for a second page (25 per page).
    for (let i = 0; i < 30; i++) await grantCredits(orm.em.fork(), { workspaceId, amount: 1, reference: `bonus:${i}`, reason: "bonificación" });

    fake = await startFakeStripe();
    // Checkout returns to PUBLIC_URL, so the port is chosen up front.
    const port = await freePort();
    web = await startWebServer({
      databaseUrl: db.url,
      env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, STRIPE_SECRET_KEY: "sk_test_browser", STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_URL: fake.url, ...PRICES },
    });
    fake.setWebhook({ url: `${web.url}/webhooks/stripe`, secret: SECRET });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await fake?.close();
    await orm?.close(true);
    await db?.drop();
  });

  async function signIn(user: { email: string; password: string }, baseUrl = web.url): Promise<Page> {
    const context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil" });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    await page.getByLabel("Correo electrónico").fill(user.email);
    await page.getByLabel("Contraseña").fill(user.password);
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    return page;
  }

  /** What the relay + worker do: run the billing outbox rows through the billing handlers. */
  async function applyBillingWork(): Promise<number> {
    const handlers = createBillingHandlers({ orm, clock: systemClock, prices: { STARTER: PRICES.STRIPE_PRICE_STARTER, PROFESSIONAL: PRICES.STRIPE_PRICE_PROFESSIONAL }, logger: { info() {}, warn() {}, error() {} } });
    const rows = await orm.em.fork().execute<{ id: string; type: string; workspace_id: string | null; payload: unknown }[]>(
      "update outbox set status = 'published', published_at = now() where stream = 'billing' and status = 'pending' and available_at <= now() returning id::text as id, type, workspace_id, payload",
    );
    for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
      await handlers[row.type]!({ outboxId: row.id, type: row.type, workspaceId: row.workspace_id, payload: JSON.stringify(row.payload), traceparent: "" });
    }
    return rows.length;
  }

  it("the owner sees plan, balance and history, upgrades through Checkout and sees the new plan", async () => {
    const page = await signIn(OWNER);
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));
    await page.getByRole("link", { name: "Facturación" }).click();
    await page.getByRole("heading", { name: "Facturación", level: 1 }).waitFor();
    expect(await page.getByTestId("plan").textContent()).toBe("Gratis");
    expect(await page.getByTestId("balance").textContent()).toBe(String(50 - 3 + 30));
    const ledger = page.getByTestId("ledger");
    expect(await ledger.locator("tbody tr").count()).toBe(25);
    await page.getByRole("link", { name: "Anteriores →" }).click();
    await page.waitForURL((url) => url.searchParams.has("after"));
    await page.getByTestId("ledger").getByText("Créditos mensuales del plan Gratis").waitFor();
    expect(await page.getByTestId("ledger").locator("tbody tr").count()).toBe(32 - 25);

    await page.getByRole("button", { name: /Cambiar a Starter/ }).click();
    await page.waitForURL((url) => url.href.startsWith(`${fake.url}/checkout/`));
    const created = fake.requests.find((r) => r.path === "/v1/checkout/sessions")!;
    expect(created.params).toMatchObject({ client_reference_id: workspaceId, subscription_data: { metadata: { workspaceId } }, customer_email: OWNER.email });
    await page.getByRole("button", { name: "Pagar", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/billing/success");
    await page.getByRole("heading", { name: /Gracias/ }).waitFor();

    // The fake posted three signed events to /webhooks/stripe; the worker applies them.
    expect(await applyBillingWork()).toBe(3);
    await page.getByRole("status").filter({ hasText: "Su plan ahora es Starter" }).waitFor({ timeout: 10_000 });
    await page.goto(`${web.url}/billing`);
    expect(await page.getByTestId("plan").textContent()).toBe("Starter");
    expect(await page.getByTestId("balance").textContent()).toBe("500");
    await page.getByRole("button", { name: "Administrar suscripción y tarjetas" }).waitFor();

    // Upgrade in place: the proration is invoiced at once, only the difference is credited.
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    await page.getByRole("button", { name: /Cambiar a Professional/ }).click();
    await page.getByRole("status").filter({ hasText: "Cambio a Professional solicitado" }).waitFor();
    expect(await applyBillingWork()).toBe(2);
    await page.goto(`${web.url}/billing`);
    expect(await page.getByTestId("plan").textContent()).toBe("Professional");
    expect(await page.getByTestId("balance").textContent()).toBe("2.000"); // es-EC grouping
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a doctor of the same workspace gets 403 and no billing link", async () => {
    const page = await signIn(DOCTOR);
    expect(await page.getByRole("link", { name: "Facturación" }).count()).toBe(0);
    // The doctor's own valid CSRF token: the refusal below is about the role, not the token.
    const csrf = await page.locator("input[name=_csrf]").first().inputValue();
    const res = await page.goto(`${web.url}/billing`);
    expect(res?.status()).toBe(403);
    expect(await page.getByTestId("balance").count()).toBe(0);
    expect(await page.content()).not.toContain("Movimientos de créditos");
    const action = await page.request.post(`${web.url}/billing`, { form: { intent: "portal", _csrf: csrf } });
    expect(action.status()).toBe(403);
    expect(fake.requests.filter((r) => r.path === "/v1/billing_portal/sessions")).toHaveLength(0);
    await page.context().close();
  });

  it("without Stripe configuration the owner sees balance and history and a clear 'not configured' notice", async () => {
    const port = await freePort();
    const bare = await startWebServer({ databaseUrl: db.url, env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
    try {
      const page = await signIn(OWNER, bare.url);
      await page.goto(`${bare.url}/billing`);
      await page.getByTestId("billing-not-configured").getByText("STRIPE_SECRET_KEY").waitFor();
      expect(await page.getByTestId("balance").textContent()).toBe("2.000"); // es-EC grouping
      expect(await page.getByTestId("ledger").locator("tbody tr").count()).toBe(25);
      expect(await page.getByRole("button", { name: /Cambiar a/ }).count()).toBe(0);
      await page.context().close();
    } finally {
      await bare.stop();
    }
  });
});
