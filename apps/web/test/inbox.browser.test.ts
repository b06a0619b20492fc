// The inbox in headless Chromium against the production build: a view of the threads that have
// private feedback, low ratings or unparsed replies (SPEC §13, one workflow). Entries arrive the real
// way where there is one — low ratings and private feedback through the public /q and /f pages, an
// unreadable reply landed in its thread as the worker does — then an owner sees one row per thread with
// the one badge (threads waiting), filters, opens a thread and closes the case there, watches the badge
// drop and finds it under "Cerradas"; the same works with JavaScript off, at 360 px, in English; an
// item's old link lands on its thread; axe-core finds no serious violations.
import type { MikroORM } from "@mikro-orm/postgresql";
import { hashPassword, initOrm } from "@rm/db";
import { createScenario, createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, expectUsableAt360, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { cookieOf } from "./support/http.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING inbox browser tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const OWNER = { name: "Lucía Paredes", email: "lucia.inbox@sonrisa.ec", password: "clave-segura-123" };
const PATIENTS = ["María Cevallos", "Jorge Paredes", "Rosa Mite", "Luis Andrade", "Carmen Vega"];

describe.skipIf(!present)("staff inbox in the browser", { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let web: WebServer;
  let browser: Browser;
  let context: BrowserContext;
  let tokens: string[] = [];
  const problems: string[] = [];
  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);

  /** A patient uses the real public page: GET (session cookie and CSRF token), then the form's POST. */
  async function publicPost(path: string, fields: Record<string, string>): Promise<void> {
    const page = await fetch(`${web.url}${path}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    const cookie = cookieOf(page);
    if (!csrf || !cookie) throw new Error(`no form on ${path} (status ${page.status})`);
    const res = await fetch(`${web.url}${path}`, {
      method: "POST",
      body: new URLSearchParams({ ...fields, _csrf: csrf }),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
      redirect: "manual",
    });
    expect(res.status, `POST ${path}`).toBeLessThan(400);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
    const s = await createScenario(orm, { patients: PATIENTS.length, dueAt: new Date(Date.now() - 3 * 3600_000), channel: "WHATSAPP" });
    await sql("update workspaces set name = 'Clínica Dental Sonrisa' where id = ?", [s.workspaceId]);
    await sql("update users set name = ?, email = ?, password_hash = ? where id = ?", [OWNER.name, OWNER.email, await hashPassword(OWNER.password), s.ownerId]);
    await sql("update campaigns set name = 'Controles de noviembre' where id = ?", [s.campaignId]);
    // As if the requests had gone out three hours ago and WhatsApp had delivered and shown them.
    await sql(
      `update messages set status = 'READ', provider_sid = 'SM' || replace(id::text, '-', ''), send_attempted_at = now() - interval '3 hours',
              from_address = 'whatsapp:+14155238886', sent_at = now() - interval '3 hours', delivered_at = now() - interval '179 minutes', read_at = now() - interval '170 minutes'
        where workspace_id = ?`,
      [s.workspaceId],
    );
    await sql("update patients set status = 'SENT' where workspace_id = ?", [s.workspaceId]);
    const rows = await sql<{ id: string; public_token: string }>("select id, public_token from patients where workspace_id = ? order by phone", [s.workspaceId]);
    for (const [i, r] of rows.entries()) await sql("update patients set name = ? where id = ?", [PATIENTS[i], r.id]);
    tokens = rows.map((r) => r.public_token);

    web = await startWebServer({ databaseUrl: db.url });
    // María rates 2 on the one-tap page and writes the private form; Rosa rates 1; Luis rates 5 (no
    // inbox item); Carmen rates 3 and writes the form.
    await publicPost(`/q/${tokens[0]}`, { rating: "2" });
    await publicPost(`/f/${tokens[0]}`, { text: "Esperé una hora en la sala y nadie me avisó del retraso." });
    await publicPost(`/q/${tokens[2]}`, { rating: "1" });
    await publicPost(`/q/${tokens[3]}`, { rating: "5" });
    await publicPost(`/q/${tokens[4]}`, { rating: "3" });
    await publicPost(`/f/${tokens[4]}`, { text: "El doctor fue muy amable, pero el parqueadero estaba lleno y llegué tarde." });
    // Jorge answered with a question: the worker lands the reply in his thread, where it waits.
    const [thread] = await sql<{ id: string }>(
      `insert into conversations (workspace_id, contact_id, patient_id, channel, sender_address, contact_address, status, last_inbound_at, last_message_at, waiting_since)
       select workspace_id, contact_id, id, 'WHATSAPP', 'whatsapp:+14155238886', 'whatsapp:' || phone, 'OPEN', now() - interval '2 hours', now() - interval '2 hours', now() - interval '2 hours'
         from patients where id = ? returning id`,
      [rows[1]!.id],
    );
    const [inbound] = await sql<{ id: string }>(
      `insert into inbound_messages (workspace_id, patient_id, conversation_id, provider_sid, channel, from_address, to_address, body, intent, received_at, processed_at)
       values (?, ?, ?, 'SMinboxbrowsertest0001', 'WHATSAPP', 'whatsapp:' || (select phone from patients where id = ?), 'whatsapp:+14155238886', ?, 'OTHER', now() - interval '2 hours', now() - interval '2 hours')
       returning id`,
      [s.workspaceId, rows[1]!.id, thread!.id, rows[1]!.id, "¿Atienden los sábados? Necesito otra cita para mi hijo."],
    );
    await sql(
      "insert into feedback (workspace_id, patient_id, conversation_id, source, inbound_message_id, text, status, created_at, updated_at) select workspace_id, patient_id, conversation_id, 'REPLY', id, body, 'NEW', received_at, received_at from inbound_messages where id = ?",
      [inbound!.id],
    );
    // Rosa's alert came in an hour ago.
    await sql("update feedback set created_at = now() - interval '1 hour' where patient_id = ?", [rows[2]!.id]);

    browser = await launchChromium();
    context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(30_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await orm?.close(true);
    await db?.drop();
  });

  async function hydrated(page: Page): Promise<void> {
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
  }


  async function signIn(ctx: BrowserContext, path: string, { js = true } = {}): Promise<Page> {
    const page = await ctx.newPage();
    // Without JavaScript the browser refuses the module scripts itself; nothing to watch for there.
    if (js) watch(page, problems);
    await submitSignIn(page, `${web.url}${path}`, OWNER);
    await page.getByRole("heading", { name: "Bandeja" }).waitFor();
    return page;
  }

  const badge = (page: Page) => page.getByTestId("conversations-badge");

  it("lists one row per thread with the one badge; filters; opens a thread and closes the case there; the badge drops and Cerradas shows it", async () => {
    const page = await signIn(context, "/inbox");
    await hydrated(page);
    // Four threads wait for an answer: María's (low rating + form), Rosa's (low rating), Carmen's (form),
    // Jorge's (reply). The navigation has one badge, and the page says the same number.
    expect(await badge(page).innerText()).toBe("4");
    expect(await page.getByTestId("inbox-badge").count()).toBe(0);
    expect(await page.getByTestId("detractor-badge").count()).toBe(0);
    expect(await page.getByTestId("waiting-count").innerText()).toBe("4 conversaciones esperan respuesta");
    const rows = page.getByTestId("inbox-row");
    expect(await rows.count()).toBe(4);
    const table = await page.getByTestId("inbox-table").innerText();
    for (const text of ["Formulario", "Respuesta", "Calificación baja", "Consultorio Centro", "Controles de noviembre", "1 de 5", "2 de 5", "3 de 5", "¿Atienden los sábados?", "y 1 entrada más", "Abierta"]) expect(table).toContain(text);
    expect(table).not.toContain("Luis Andrade");
    // Phones in Ecuador's national form; times in the workspace's zone (Guayaquil).
    expect(table).toMatch(/09\d \d{3} \d{4}/);
    expect(await page.getByTestId("tab-open").innerText()).toMatch(/Abiertas\s*4/);
    expect(await page.getByTestId("tab-CLOSED").innerText()).toMatch(/Cerradas\s*0/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "inbox");
    await expectUsableAt360(browser, page, { scrollInside: ".table-scroll" });

    // Detractors only: María's thread and Rosa's.
    await page.getByLabel("Solo detractores (1–2)").check();
    await page.getByRole("button", { name: "Filtrar" }).click();
    await expect.poll(() => rows.count()).toBe(2);

    await page.getByRole("link", { name: /Esperé una hora en la sala/ }).click();
    await page.getByRole("heading", { name: /María Cevallos/ }).waitFor();
    await hydrated(page);
    // Her entries are the thread's: the low rating and the form's comment, among the messages.
    const entries = await page.getByTestId("entry-feedback").allInnerTexts();
    expect(entries.join("\n")).toContain("Calificación baja");
    expect(entries.join("\n")).toContain("Esperé una hora en la sala y nadie me avisó del retraso.");
    await page.getByLabel("Estado", { exact: true }).selectOption("CLOSED");
    await page.getByRole("button", { name: "Cambiar estado" }).click();
    await expect.poll(() => page.getByTestId("thread-status").innerText()).toBe("Cerrada");
    await expect.poll(() => badge(page).innerText()).toBe("3");

    await page.goto(`${web.url}/inbox`);
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByTestId("tab-CLOSED").click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain("María Cevallos");
    expect(await rows.first().innerText()).toContain("Cerrada");
    expect(await page.getByTestId("tab-CLOSED").getAttribute("aria-current")).toBe("page");
    await page.close();

    // Closing the thread resolved both of María's entries, and the change is the thread's, audited.
    const items = await sql<{ status: string; resolved_at: Date | null }>("select f.status, f.resolved_at from feedback f join patients p on p.id = f.patient_id where p.name = 'María Cevallos'");
    expect(items.map((i) => i.status)).toEqual(["RESOLVED", "RESOLVED"]);
    expect((await sql("select action from audit_logs where entity_type = 'conversation' order by created_at")).map((r) => r.action)).toEqual(["conversation.status_changed"]);
  });

  it("works with JavaScript off: filters, the thread's status form, and an item's old link lands on its thread", async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, locale: "es-EC", timezoneId: "America/Guayaquil" });
    try {
      const page = await signIn(noJs, "/inbox?detractors=1&source=RATING", { js: false });
      await page.getByRole("link", { name: "Calificó 1 de 5" }).click();
      await page.getByRole("heading", { name: /Rosa Mite/ }).waitFor();
      await page.getByLabel("Estado", { exact: true }).selectOption("CLOSED");
      await page.getByRole("button", { name: "Cambiar estado" }).click();
      await page.getByText("Cambios guardados.").waitFor();
      expect(await page.getByTestId("thread-status").innerText()).toBe("Cerrada");
      expect(await badge(page).innerText()).toBe("2");

      const [rosa] = await sql<{ id: string; conversation_id: string }>("select f.id, f.conversation_id from feedback f join patients p on p.id = f.patient_id where p.name = 'Rosa Mite'");
      await page.goto(`${web.url}/inbox/${rosa!.id}`);
      expect(new URL(page.url()).pathname).toBe(`/conversations/${rosa!.conversation_id}`);
      await expectUsableAt360(browser, page, { withoutScripts: true });
    } finally {
      await noJs.close();
    }
  });

  it("reads in English through the catalogue", async () => {
    const en = await browser.newContext({ locale: "en-US", timezoneId: "America/Guayaquil" });
    try {
      const page = await signIn(en, "/inbox?view=all");
      await page.getByRole("button", { name: "English" }).click();
      await page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
      expect(await page.title()).toBe("Inbox · Reputation Manager");
      const text = await page.locator("main").innerText();
      for (const words of ["All conversations", "Inbox: feedback and ratings", "Source", "Detractors only (1–2)", "Closed", "Low rating", "Form", "Reply", "Conversation"]) expect(text).toContain(words);
      for (const spanish of ["Bandeja", "Formulario", "Calificación baja", "Cerradas", "Conversación"]) expect(text).not.toContain(spanish);
    } finally {
      await en.close();
    }
  });

  it("lists feedback without a thread (its request went out from a Messaging Service) as a row that opens its own page; its workflow works without JavaScript", async () => {
    // Luis rated 5, then wrote the form; his request went out from a Messaging Service: no thread.
    const [luis] = await sql<{ id: string }>("select id from patients where name = 'Luis Andrade'");
    await sql("update messages set from_address = 'MG1234567890abcdef1234567890abcdef' where patient_id = ?", [luis!.id]);
    const [item] = await sql<{ id: string }>(
      "insert into feedback (workspace_id, patient_id, source, text, rating, status, created_at, updated_at) select workspace_id, id, 'FORM', 'Me cobraron dos veces la consulta.', 5, 'NEW', now(), now() from patients where id = ? returning id",
      [luis!.id],
    );
    const noJs = await browser.newContext({ javaScriptEnabled: false, locale: "es-EC", timezoneId: "America/Guayaquil" });
    try {
      const page = await signIn(noJs, "/inbox", { js: false });
      const row = page.getByTestId("inbox-row").filter({ hasText: "Luis Andrade" });
      expect(await row.innerText()).toContain("Sin conversación: se atiende en su página");
      expect(await row.innerText()).toContain("Nuevo");
      // Axe runs in the 360-px check, on the page as it was read without scripts (axe itself needs them).
      await expectUsableAt360(browser, page, { withoutScripts: true, scrollInside: ".table-scroll" });
      await row.getByRole("link", { name: "Me cobraron dos veces la consulta." }).click();
      expect(new URL(page.url()).pathname).toBe(`/inbox/${item!.id}`);
      await page.getByRole("heading", { name: /Luis Andrade/ }).waitFor();
      await page.getByLabel("Resuelto").check();
      await page.getByRole("button", { name: "Guardar" }).click();
      await page.getByText("Cambios guardados.").waitFor();
      // Resolved, it leaves the open tab for the closed one.
      await page.goto(`${web.url}/inbox?view=CLOSED`);
      expect(await page.getByTestId("inbox-row").filter({ hasText: "Luis Andrade" }).innerText()).toContain("Resuelto");
      await page.goto(`${web.url}/inbox`);
      expect(await page.getByTestId("inbox-row").filter({ hasText: "Luis Andrade" }).count()).toBe(0);
    } finally {
      await noJs.close();
    }
  });

  it("saw no page errors, CSP violations or failed requests with JavaScript on", () => {
    expect(unexpectedProblems(problems)).toEqual([]);
  });
});
