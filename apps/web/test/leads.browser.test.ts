// The leads pages in headless Chromium against the production build (SPEC §16): the list and the
// board, axe-clean and usable at 360 px; without JavaScript a card moves between columns with its
// form; the board reads in English through the catalogue; the README's pictures come from here.
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, expectUsableAt360, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING leads browser tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const OWN = "+15017122661";

describe.skipIf(!present)("leads in the browser", { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let web: WebServer;
  let browser: Browser;
  let a: Tenant;
  const problems: string[] = [];
  const sql = async <T = Record<string, unknown>>(q: string, params: unknown[] = []): Promise<T[]> => {
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
    try {
      return await orm.em.fork().execute<T[]>(q, params);
    } finally {
      await orm.close(true);
    }
  };

  /** A lead with the first message they wrote, in their thread (as the worker or the widget lands it). */
  async function lead(phone: string, name: string | null, source: "INBOUND" | "WIDGET", body: string, hoursAgo: number): Promise<void> {
    const [c] = await sql<{ id: string }>(
      "insert into contacts (workspace_id, phone, name, source, lead_status, lead_status_at, last_inbound_at) values (?, ?, ?, ?, 'NEW', now() - make_interval(hours => ?), jsonb_build_object(?::text, now()::text)) returning id",
      [a.workspaceId, phone, name, source, hoursAgo, OWN],
    );
    const [cv] = await sql<{ id: string }>(
      "insert into conversations (workspace_id, contact_id, channel, sender_address, contact_address, last_inbound_at, last_message_at, waiting_since) values (?, ?, 'SMS', ?, ?, now() - make_interval(hours => ?), now() - make_interval(hours => ?), now() - make_interval(hours => ?)) returning id",
      [a.workspaceId, c!.id, OWN, phone, hoursAgo, hoursAgo, hoursAgo],
    );
    await sql("insert into inbound_messages (workspace_id, conversation_id, provider_sid, channel, from_address, to_address, body, received_at) values (?, ?, ?, 'SMS', ?, ?, ?, now() - make_interval(hours => ?))", [
      a.workspaceId,
      cv!.id,
      `SM${Math.random().toString(16).slice(2).padEnd(32, "0").slice(0, 32)}`,
      phone,
      OWN,
      body,
      hoursAgo,
    ]);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await createTenant(db.url, "leads");
    await sql("update workspaces set name = 'Clínica Dental Sonrisa' where id = ?", [a.workspaceId]);
    await lead("+593991300001", "Sofía Andrade", "INBOUND", "¿Cuánto cuesta una limpieza?", 5);
    await lead("+593991300002", null, "INBOUND", "Hola, ¿atienden los sábados?", 3);
    await lead("+593991300003", "Mateo Ríos", "WIDGET", "Quisiera una cita para ortodoncia", 1);
    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await db?.drop();
  });

  async function signIn(ctx: BrowserContext, path: string, { js = true } = {}): Promise<Page> {
    const page = await ctx.newPage();
    if (js) watch(page, problems);
    await submitSignIn(page, `${web.url}${path}`, a.receptionist);
    await page.getByRole("heading", { name: "Prospectos", level: 1 }).waitFor();
    return page;
  }

  it("reception sees the list and the board, axe-clean and usable on a phone", async () => {
    const ctx = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", viewport: { width: 1280, height: 900 } });
    try {
      const page = await signIn(ctx, "/leads");
      await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
      const rows = page.getByTestId("lead-row");
      expect(await rows.count()).toBe(3);
      expect(await rows.first().innerText()).toContain("Mateo Ríos");
      expect(await rows.first().innerText()).toContain("Chat de la web");
      expect(await rows.nth(1).innerText()).toContain("Sin nombre");
      expect(await page.getByRole("navigation", { name: "Navegación principal" }).getByRole("link", { name: "Prospectos" }).getAttribute("aria-current")).toBe("page");
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, "leads");
      await expectUsableAt360(browser, page);

      await page.getByTestId("leads-view-board").click();
      await page.getByTestId("lead-board").waitFor();
      expect(await page.getByTestId("lead-column-NEW").getByTestId("lead-card").count()).toBe(3);
      expect(await page.getByRole("heading", { name: "Nuevos (3)" }).count()).toBe(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, "leads-board");
      await expectUsableAt360(browser, page);
      // Answering a lead opens its conversation.
      await page.getByTestId("lead-card").filter({ hasText: "Sofía Andrade" }).getByRole("link", { name: "Responder" }).click();
      await page.waitForURL(/\/conversations\/[0-9a-f-]{36}$/);
      await page.getByTestId("entry-in").filter({ hasText: "¿Cuánto cuesta una limpieza?" }).waitFor();
      expect(await page.getByTestId("thread-lead").innerText()).toBe("Prospecto: nuevo");
      // A new phone on the own sender can be answered: the composer is there (SMS, any time).
      expect(await page.getByLabel("Mensaje al paciente").isDisabled()).toBe(false);
    } finally {
      await ctx.close();
    }
  });

  it("moves a card between columns without JavaScript, and the move is audited", async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: "es-EC", timezoneId: "America/Guayaquil" });
    try {
      const page = await signIn(ctx, "/leads?view=board", { js: false });
      const card = page.getByTestId("lead-column-NEW").getByTestId("lead-card").filter({ hasText: "Sofía Andrade" });
      await card.getByLabel("Etapa de Sofía Andrade").selectOption("BOOKED");
      await card.getByRole("button", { name: "Mover" }).click();
      await page.getByText("Prospecto movido de etapa.").waitFor();
      expect(await page.getByTestId("lead-column-BOOKED").innerText()).toContain("Sofía Andrade");
      expect(await page.getByTestId("lead-column-NEW").innerText()).not.toContain("Sofía Andrade");
      expect(await page.getByRole("heading", { name: "Con cita (1)" }).count()).toBe(1);
      await expectUsableAt360(browser, page, { withoutScripts: true });
      expect(await sql("select action, actor_id, details from audit_logs where action = 'lead.status_changed'")).toEqual([{ action: "lead.status_changed", actor_id: a.receptionist.id, details: { from: "NEW", to: "BOOKED" } }]);
    } finally {
      await ctx.close();
    }
  });

  it("reads in English through the catalogue", async () => {
    const ctx = await browser.newContext({ locale: "en-US", timezoneId: "America/Guayaquil" });
    try {
      const page = await signIn(ctx, "/leads?view=board");
      await page.getByRole("button", { name: "English" }).click();
      await page.getByRole("heading", { name: "Leads", level: 1 }).waitFor();
      expect(await page.title()).toBe("Leads · Reputation Manager");
      const text = await page.locator("main").innerText();
      for (const words of ["New (2)", "Booked (1)", "Contacted (0)", "Lost (0)", "Website chat", "Message to the own number", "No name", "Answer", "Move"]) expect(text).toContain(words);
      for (const spanish of ["Nuevos", "Prospectos", "Chat de la web", "Mover"]) expect(text).not.toContain(spanish);
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it("saw no page errors, CSP violations or failed requests with JavaScript on", () => {
    expect(unexpectedProblems(problems)).toEqual([]);
  });
});
