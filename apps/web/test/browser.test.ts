// The login flow in headless Chromium against the production build: no console errors, the app
// hydrates, sign in, dashboard, sign out. Under CI=true a missing Chromium fails; locally it skips.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { createUser } from "./support/users.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumPresent = existsSync(CHROMIUM_PATH);
if (!chromiumPresent) {
  if (process.env.CI === "true") {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: browser tests cannot be skipped under CI (apt-get install -y chromium)`);
  }
  console.warn(`[web] SKIPPING browser tests: no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH or apt-get install -y chromium)`);
}

const USER = {
  // Unique per run: the login throttle counts failures per email in the shared Redis.
  email: `recepcion.${randomBytes(4).toString("hex")}@consultorio.ec`,
  password: "otra-clave-456",
  name: "Andrés Vélez",
  workspaceName: "Consultorio Médico Los Andes",
};

describe.skipIf(!chromiumPresent)("login in the browser", () => {
  let db: TestDatabase;
  let web: WebServer;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await createUser(db.url, USER);
    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
    context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil" });
    // Fail a step with its own message well before the test times out.
    context.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await db?.drop();
  });

  it("signs in, sees the dashboard and signs out", async () => {
    const page = await context.newPage();
    watch(page, problems);

    const response = await page.goto(`${web.url}/`);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached", timeout: 10_000 });
    await expect.poll(() => page.title()).toBe("Iniciar sesión · Reputation Manager");

    // Wrong password: the error is announced and the form stays.
    await page.getByLabel("Correo electrónico").fill(USER.email);
    await page.getByLabel("Contraseña").fill("equivocada");
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.getByRole("alert").filter({ hasText: "Correo o contraseña incorrectos" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");

    await page.getByLabel("Contraseña").fill(USER.password);
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.getByTestId("workspace-name").filter({ hasText: USER.workspaceName }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await page.getByText(`Hola, ${USER.name}`).waitFor();

    const cookies = await context.cookies(web.url);
    const session = cookies.find((c) => c.name === "__session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");

    await page.getByRole("button", { name: "Cerrar sesión" }).click();
    await page.getByRole("heading", { name: "Iniciar sesión" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");
    // The signed-in session cookie is gone (the login page may start a fresh anonymous one for its CSRF token).
    expect((await context.cookies(web.url)).find((c) => c.name === "__session")?.value).not.toBe(session?.value);

    // Signed out for real: the dashboard sends us back.
    await page.goto(`${web.url}/`);
    expect(new URL(page.url()).pathname).toBe("/login");

    // A 401 document response during the wrong-password step is expected: the browser logs it
    // as a failed resource load. Anything else is a problem (the shared watcher already leaves out
    // requests the browser cancelled because the user moved on).
    expect(unexpectedProblems(problems, [401])).toEqual([]);
    await page.close();
  });

  it("the login form works without JavaScript", async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await noJs.newPage();
      await submitSignIn(page, `${web.url}/login`, USER);
      await page.getByTestId("workspace-name").filter({ hasText: USER.workspaceName }).waitFor();
      await page.getByRole("button", { name: "Cerrar sesión" }).click();
      await page.getByRole("heading", { name: "Iniciar sesión" }).waitFor();
    } finally {
      await noJs.close();
    }
  });
});
