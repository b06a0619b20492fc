// Sign-up verified by an SMS code (SPEC §17, decision 024) in headless Chromium against the real
// processes: production web build, relay, worker and the provider simulator as Twilio, which
// receives the code's SMS from the platform's sender. At 360 px with JavaScript in Spanish and in
// English (axe-clean), and the whole flow without JavaScript; a taken email gets the same answer until the phone is
// proven; a phone that already had the free credits does not get them twice.
import { fileURLToPath } from "node:url";
import { createRunEnv, ProcessManager, SMS_SENDER, type RunEnv } from "@rm/harness";
import { ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch } from "./support/browser.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the sign-up browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const NARROW = { width: 360, height: 780 };

describe.skipIf(!present)("sign-up verified by an SMS code, in the browser", () => {
  let env: RunEnv;
  let pm: ProcessManager;
  let webUrl: string;
  let browser: Browser;
  const problems: string[] = [];
  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);
  const OWNER = { email: "", phone: "+593991230001", local: "099 123 0001" };

  beforeAll(async () => {
    ensureProductionBuild();
    const webPort = await freePort();
    webUrl = `http://127.0.0.1:${webPort}`;
    env = await createRunEnv({ simulator: { throughputMode: false, callbackDelayMs: 50 }, workerEnv: { RELAY_POLL_MS: "100", PUBLIC_URL: webUrl } });
    OWNER.email = `dueña.${env.id}@example.ec`.replace("ñ", "n");
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/signup-${env.id}` });
    pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", SESSION_SECRET: "signup-browser-session-0123456789", METRICS_PORT: "0" });
    pm.start("relay", "relay-0");
    pm.start("worker", "worker-0");
    browser = await launchChromium();
    await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pm?.stopAll();
    await env?.close();
  });

  /** The newest code the simulator (Twilio) received for this phone, from the platform's SMS sender. */
  async function codeSentTo(phone: string, after = 0): Promise<string> {
    const to = () => env.sim.state.messages.filter((m) => m.to === phone);
    await waitUntil(() => to().length > after, 30_000, `the code's SMS to ${phone}`);
    const sms = to().at(-1)!;
    expect(sms.from).toBe(SMS_SENDER);
    return /(\d{6})/.exec(sms.body ?? "")![1]!;
  }

  async function fillSignUp(page: Page, labels: { workspace: string; name: string; email: string; password: string; phone: string; submit: string }, v: { email: string; phone: string }) {
    await page.getByLabel(labels.workspace).fill("Clínica Código Verde");
    await page.getByLabel(labels.name).fill("Dra. Verde");
    await page.getByLabel(labels.email).fill(v.email);
    await page.getByLabel(labels.password, { exact: true }).fill("clave-verde-12345");
    await page.getByLabel(labels.phone).fill(v.phone);
    await page.getByRole("button", { name: labels.submit }).click();
  }
  const ES = { workspace: "Nombre del consultorio o clínica", name: "Su nombre", email: "Correo electrónico", password: "Contraseña", phone: "Su celular", submit: "Crear cuenta" };
  const EN = { workspace: "Practice or clinic name", name: "Your name", email: "Email", password: "Password", phone: "Your mobile phone", submit: "Create account" };

  it("with JavaScript at 360 px: the code texted by the platform's sender, a wrong one refused, the right one signs in with the free credits", { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", viewport: NARROW });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watch(page, problems);
    await page.goto(`${webUrl}/signup`);
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A number from another country is refused next to the field; nothing is sent.
    await fillSignUp(page, ES, { email: OWNER.email, phone: "+57 300 123 4567" });
    await page.locator("#phone-error").filter({ hasText: "solo se puede crear una cuenta con un celular de: EC" }).waitFor();
    expect(env.sim.state.messages).toHaveLength(0);

    await page.getByLabel("Su celular").fill(OWNER.local);
    await page.getByLabel("Contraseña", { exact: true }).fill("clave-verde-12345");
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await page.getByRole("heading", { name: "Confirme su celular" }).waitFor();
    await page.getByText("+593 ••• ••• 001").waitFor();
    const code = await codeSentTo(OWNER.phone);
    // Nothing usable yet: no user, no credits.
    expect(await sql("select id from users where email = ?", [OWNER.email])).toEqual([]);
    await page.reload();
    await page.getByTestId("code-status").filter({ hasText: /SMS (enviado|entregado)/ }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await saveScreenshot(page, "signup-verify");

    await page.getByLabel("Código de 6 dígitos").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Confirmar" }).click();
    await page.getByRole("alert").filter({ hasText: "El código no es correcto." }).waitFor();
    await page.getByLabel("Código de 6 dígitos").fill(code);
    await page.getByRole("button", { name: "Confirmar" }).click();
    await page.getByRole("heading", { name: "Nuevo consultorio" }).waitFor();
    expect(await page.getByText("Este celular ya recibió los créditos gratuitos").count()).toBe(0);
    const [ws] = await sql<{ id: string; available: string }>(
      "select u.workspace_id as id, (select coalesce(sum(amount), 0)::text from credit_ledger_entries l where l.workspace_id = u.workspace_id) as available from users u where u.email = ?",
      [OWNER.email],
    );
    expect(ws!.available).toBe("50");
    await context.close();
  });

  it("in English: a taken email gets the same answer, and is named only once the phone is proven", { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ locale: "es-EC", viewport: NARROW });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watch(page, problems);
    await page.goto(`${webUrl}/signup`);
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Create an account" }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const phone = "+593991230002";
    const before = env.sim.state.messages.filter((m) => m.to === phone).length;
    await fillSignUp(page, EN, { email: OWNER.email, phone: "0991230002" });
    // The same page as for a new email.
    await page.getByRole("heading", { name: "Confirm your mobile phone" }).waitFor();
    await page.getByText("If the details are valid, we texted a code to +593 ••• ••• 002").waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const code = await codeSentTo(phone, before);
    expect(env.sim.state.messages.filter((m) => m.to === phone).at(-1)!.body).toMatch(/^Reputation Manager: your code is \d{6}\./);
    await page.getByLabel("6-digit code").fill(code);
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Your phone is confirmed, but an account with this email already exists.").waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Still one account with that email, and it was not touched.
    expect(await sql("select id from users where email = ?", [OWNER.email])).toHaveLength(1);
    await context.close();
  });

  it("without JavaScript: a phone that already had the free credits verifies a second workspace without them", { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ locale: "es-EC", javaScriptEnabled: false, viewport: NARROW });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${webUrl}/signup`);
    const email = `segunda.${env.id}@example.ec`;
    const before = env.sim.state.messages.filter((m) => m.to === OWNER.phone).length;
    await fillSignUp(page, ES, { email, phone: OWNER.local });
    await page.getByRole("heading", { name: "Confirme su celular" }).waitFor();
    // A new code replaces the first.
    await codeSentTo(OWNER.phone, before);
    await page.getByRole("button", { name: "Enviar un código nuevo" }).click();
    await page.getByText("Enviamos un código nuevo. El anterior ya no sirve.").waitFor();
    const code = await codeSentTo(OWNER.phone, before + 1);
    await page.getByLabel("Código de 6 dígitos").fill(code);
    await page.getByRole("button", { name: "Confirmar" }).click();
    await page.getByRole("heading", { name: "Nuevo consultorio" }).waitFor();
    await page.getByText("Este celular ya recibió los créditos gratuitos en otra cuenta").waitFor();
    const [row] = await sql<{ available: string }>(
      "select (select coalesce(sum(amount), 0)::text from credit_ledger_entries l where l.workspace_id = u.workspace_id) as available from users u where u.email = ?",
      [email],
    );
    expect(row!.available).toBe("0");
    await context.close();
  });

  it("saw no page errors or failed requests with JavaScript on", () => {
    expect(unexpectedProblems(problems)).toEqual([]);
  });
});
