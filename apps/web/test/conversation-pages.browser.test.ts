// The conversation pages in headless Chromium against the production build, in English and on a
// phone: the thread list and one thread read through the catalogue with no Spanish left, axe-clean and
// usable at 360 px; the README's pictures of the list and of a thread come from here (the live run
// with the simulator is conversations.browser.test.ts).
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, expectUsableAt360, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { seedThreads, threadUrl } from "./support/threads.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING conversation pages browser tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

describe.skipIf(!present)("conversation pages in the browser", { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let web: WebServer;
  let browser: Browser;
  let a: Tenant;
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await createTenant(db.url, "hilos");
    await seedThreads(db.url, [a], { receivedAt: new Date(Date.now() - 2 * 3600_000) });
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
    try {
      const em = orm.em.fork();
      await em.execute("update workspaces set name = 'Clínica Dental Sonrisa' where id = ?", [a.workspaceId]);
      await em.execute("update patients set name = 'Lucía Benítez' where workspace_id = ?", [a.workspaceId]);
      // Reception's note on the thread, never sent.
      await em.execute("insert into conversation_notes (workspace_id, conversation_id, author_id, body) select workspace_id, id, ?, 'Prefiere que la llamen por la tarde.' from conversations where workspace_id = ?", [a.receptionist.id, a.workspaceId]);
    } finally {
      await orm.close(true);
    }
    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await db?.drop();
  });

  async function signIn(locale: "es-EC" | "en-US", viewport = { width: 1280, height: 900 }): Promise<Page> {
    const ctx = await browser.newContext({ locale, timezoneId: "America/Guayaquil", viewport });
    const page = await ctx.newPage();
    watch(page, problems);
    await submitSignIn(page, `${web.url}/conversations`, a.receptionist);
    await page.getByRole("heading", { name: "Conversaciones", level: 1 }).waitFor();
    return page;
  }

  it("the list and a thread in Spanish: the README's pictures, axe-clean and usable at 360 px", async () => {
    const page = await signIn("es-EC");
    try {
      await page.getByTestId("thread-row").filter({ hasText: "Lucía Benítez" }).waitFor();
      expect(await page.getByTestId("conversations-badge").innerText()).toBe("1");
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, "conversations");
      await expectUsableAt360(browser, page);
      await page.goto(`${web.url}${threadUrl(a)}`);
      await page.getByTestId("entry-note").waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, "conversation");
      await expectUsableAt360(browser, page);
    } finally {
      await page.context().close();
    }
  });

  it("reads in English: the list and the thread through the catalogue, no Spanish of the interface left", async () => {
    const page = await signIn("en-US");
    try {
      await page.getByRole("button", { name: "English" }).click();
      await page.getByRole("heading", { name: "Conversations", level: 1 }).waitFor();
      expect(await page.title()).toBe("(1) Conversations · Reputation Manager");
      const list = await page.locator("main").innerText();
      for (const words of ["All conversations", "1 conversation waits for an answer", "Open", "Snoozed", "Closed", "Assignment", "Practice", "Channel", "WhatsApp", "Waiting for an answer", "Assigned to: Nobody"]) {
        expect(list).toContain(words);
      }
      for (const spanish of ["Conversaciones", "Abiertas", "Espera respuesta", "Asignada a", "Nadie"]) expect(list).not.toContain(spanish);
      expect(await seriousAxeViolations(page)).toEqual([]);

      await page.getByTestId("thread-row").getByRole("link").click();
      await page.getByTestId("entry-note").waitFor();
      const thread = await page.locator("main").innerText();
      for (const words of ["← Conversations", "Patient's page", "Rating request", "Lucía Benítez wrote", "Photo 1", "Internal note by RECEPTIONIST hilos (never sent)", "WhatsApp window open", "Message to the patient", "Send", "Assignment and status", "Add note"]) {
        expect(thread).toContain(words);
      }
      for (const spanish of ["Responder", "Ventana de WhatsApp", "Nota interna", "Enviar", "Asignar a"]) expect(thread).not.toContain(spanish);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await expectUsableAt360(browser, page);
    } finally {
      await page.context().close();
    }
  });

  it("saw no page errors, CSP violations or failed requests", () => {
    expect(unexpectedProblems(problems)).toEqual([]);
  });
});
