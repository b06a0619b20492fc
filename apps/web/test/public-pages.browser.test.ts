// The public patient pages in headless Chromium against the production build: the one-tap rating
// page and the private feedback form work with a tap, are accessible (axe: no serious violations),
// and never send a message; /r redirects to Google and counts a person's click once.
import { existsSync } from "node:fs";
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createScenario, createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, saveScreenshot, seriousAxeViolations } from "./support/browser.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumPresent = existsSync(CHROMIUM_PATH);
if (!chromiumPresent && process.env.CI === "true") throw new Error(`Chromium not found at ${CHROMIUM_PATH}: browser tests cannot be skipped under CI`);

describe.skipIf(!chromiumPresent)("public patient pages", { timeout: 90_000 }, () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let web: WebServer;
  let browser: Browser;
  let context: BrowserContext;
  let tokens: string[];
  const problems: string[] = [];

  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
    const s = await createScenario(orm, { patients: 4, dueAt: new Date() });
    // As if the requests had been sent: the pages are reached from them.
    await sql("update messages set status = 'DELIVERED', provider_sid = 'SM' || replace(id::text, '-', ''), sent_at = now() where workspace_id = ?", [s.workspaceId]);
    await sql("update patients set status = 'SENT' where workspace_id = ?", [s.workspaceId]);
    tokens = (await sql<{ public_token: string }>("select public_token from patients where workspace_id = ? order by phone", [s.workspaceId])).map((r) => r.public_token);
    // The fourth patient was imported as English-speaking.
    await sql("update patients set language = 'en' where public_token = ?", [tokens[3]]);
    // Names a practice would have: these pages are the README's pictures.
    await sql("update workspaces set name = 'Clínica Dental Sonrisa' where id = ?", [s.workspaceId]);
    for (const [i, name] of ["María Cevallos", "José Quishpe", "Carmen Herrera", "Emily Carter"].entries()) {
      await sql("update patients set name = ? where public_token = ?", [name, tokens[i]]);
    }
    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
    context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", viewport: { width: 390, height: 844 }, isMobile: true });
    // Generous: the machine is shared and a production page may take a while to hydrate under load.
    context.setDefaultTimeout(30_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await orm?.close(true);
    await db?.drop();
  });

  function watch(page: Page): void {
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`console.error: ${msg.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  }


  const messageCount = async () => Number((await sql<{ n: string }>("select count(*)::text as n from messages"))[0]!.n);

  it("/q: five buttons; one tap rates and shows the review link; no message is sent", async () => {
    const page = await context.newPage();
    watch(page);
    const before = await messageCount();
    const response = await page.goto(`${web.url}/q/${tokens[0]}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["cache-control"]).toContain("no-store");
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    const buttons = page.getByRole("button", { name: /de 5/ });
    expect(await buttons.count()).toBe(5);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "public-rating-es");

    await page.getByRole("button", { name: "5 de 5: Excelente" }).click();
    const review = page.getByRole("link", { name: "Dejar una reseña en Google" });
    await review.waitFor();
    expect(await review.getAttribute("href")).toContain(`/r/${tokens[0]}`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect((await sql("select rating, status from patients where public_token = ?", [tokens[0]]))[0]).toEqual({ rating: 5, status: "RATED" });
    expect(await messageCount()).toBe(before);
    expect(problems).toEqual([]);
  });

  it("/q with a low rating leads to the private form; the form stores the feedback and thanks with the review link", async () => {
    const page = await context.newPage();
    watch(page);
    await page.goto(`${web.url}/q/${tokens[1]}`);
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    await page.getByRole("button", { name: "2 de 5: Mala" }).click();
    await page.getByRole("link", { name: "Contarnos qué salió mal" }).click();
    await page.waitForURL(`**/f/${tokens[1]}`);
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "Enviar comentario" }).click();
    await page.getByRole("alert").filter({ hasText: "Escriba su comentario" }).waitFor();
    await page.getByLabel("Su comentario").fill("Esperé una hora y nadie me avisó.");
    await saveScreenshot(page, "public-feedback-es");
    await page.getByRole("button", { name: "Enviar comentario" }).click();
    await page.getByRole("heading", { name: "¡Gracias por contarnos!" }).waitFor();
    expect(await page.getByRole("link", { name: "dejar una reseña en Google" }).getAttribute("href")).toContain(`/r/${tokens[1]}`);
    const inbox = await sql<{ source: string; text: string; rating: number | null }>("select f.source, f.text, f.rating from feedback f join patients p on p.id = f.patient_id where p.public_token = ? order by f.source", [tokens[1]]);
    expect(inbox).toEqual([
      { source: "FORM", text: "Esperé una hora y nadie me avisó.", rating: 2 },
      { source: "RATING", text: "", rating: 2 },
    ]);
    // The empty submission is answered 400 on purpose (the browser logs that); nothing else.
    expect(problems.filter((p) => !p.includes("status of 400"))).toEqual([]);
  });

  it("/r redirects to Google and counts a person once, a link preview never; unknown tokens are 404", async () => {
    const url = `${web.url}/r/${tokens[2]}`;
    const bot = await fetch(url, { redirect: "manual", headers: { "User-Agent": "facebookexternalhit/1.1" } });
    expect(bot.status).toBe(302);
    expect(bot.headers.get("location")).toBe("https://search.google.com/local/writereview?placeid=ChIJ-scenario");
    expect(await sql("select 1 from review_clicks")).toHaveLength(0);
    const human = { redirect: "manual" as const, headers: { "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1" } };
    expect((await fetch(url, human)).status).toBe(302);
    expect((await fetch(url, human)).status).toBe(302);
    expect(await sql("select 1 from review_clicks")).toHaveLength(1);
    // GET of the rating page changed nothing for that patient.
    expect((await sql("select rating from patients where public_token = ?", [tokens[2]]))[0]).toEqual({ rating: null });
    for (const path of ["/q/", "/r/", "/f/"]) expect((await fetch(`${web.url}${path}${"A".repeat(43)}`, human)).status).toBe(404);
  });

  it("an English-speaking patient gets the rating page and the private form in English", async () => {
    const page = await context.newPage();
    watch(page);
    problems.length = 0;
    await page.goto(`${web.url}/q/${tokens[3]}`);
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    expect(await page.title()).toBe("Rate your visit");
    expect(await page.locator("main").getAttribute("lang")).toBe("en");
    await page.getByText(/how would you rate your visit\?/).waitFor();
    expect(await page.getByRole("button", { name: /out of 5/ }).count()).toBe(5);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "public-rating-en");

    await page.getByRole("button", { name: "1 out of 5: Very poor" }).click();
    await page.getByRole("link", { name: "Tell us what went wrong" }).click();
    await page.waitForURL(`**/f/${tokens[3]}`);
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Tell us what happened");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Send comment" }).click();
    await page.getByRole("alert").filter({ hasText: "Write your comment before sending it." }).waitFor();
    await page.getByLabel("Your comment").fill("Nobody told me about the delay.");
    await page.getByRole("button", { name: "Send comment" }).click();
    await page.getByRole("heading", { name: "Thank you for telling us!" }).waitFor();
    await saveScreenshot(page, "public-thanks-en");
    expect(await page.getByRole("link", { name: "leave a review on Google" }).getAttribute("href")).toContain(`/r/${tokens[3]}`);
    expect(problems.filter((p) => !p.includes("status of 400"))).toEqual([]);
  });
});
