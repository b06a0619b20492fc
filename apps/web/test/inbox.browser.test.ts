// The staff inbox in headless Chromium against the production build. Items arrive the real way where
// there is one — low ratings and private feedback through the public /q and /f pages, an unreadable
// reply as the worker stores it — then an owner sees them with the badge, works one through
// IN_PROGRESS (with a note) to RESOLVED, watches the badge drop and finds it under "Resueltos";
// the status form also works with JavaScript off; axe-core finds no serious violations.
import type { MikroORM } from "@mikro-orm/postgresql";
import { hashPassword, initOrm } from "@rm/db";
import { createScenario, createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch } from "./support/browser.ts";
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
              sent_at = now() - interval '3 hours', delivered_at = now() - interval '179 minutes', read_at = now() - interval '170 minutes'
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
    // Jorge answered with a question: the worker stores the reply and puts it in the inbox.
    const [inbound] = await sql<{ id: string }>(
      `insert into inbound_messages (workspace_id, patient_id, provider_sid, channel, from_address, to_address, body, intent, received_at, processed_at)
       values (?, ?, 'SMinboxbrowsertest0001', 'WHATSAPP', 'whatsapp:' || (select phone from patients where id = ?), 'whatsapp:+14155238886', ?, 'OTHER', now() - interval '2 hours', now() - interval '2 hours')
       returning id`,
      [s.workspaceId, rows[1]!.id, rows[1]!.id, "¿Atienden los sábados? Necesito otra cita para mi hijo."],
    );
    await sql(
      "insert into feedback (workspace_id, patient_id, source, inbound_message_id, text, status, created_at, updated_at) select workspace_id, patient_id, 'REPLY', id, body, 'NEW', received_at, received_at from inbound_messages where id = ?",
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
    await page.goto(`${web.url}${path}`);
    await page.getByLabel("Correo electrónico").fill(OWNER.email);
    await page.getByLabel("Contraseña").fill(OWNER.password);
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.getByRole("heading", { name: "Bandeja" }).waitFor();
    return page;
  }

  const inboxLink = (page: Page) => page.getByRole("navigation", { name: "Navegación principal" }).getByRole("link", { name: /^Bandeja/ });

  it("lists every kind of item with the badge; opens one; works it to RESOLVED; the badge drops and Resueltos shows it", async () => {
    const page = await signIn(context, "/inbox");
    await hydrated(page);
    // 5 unresolved: María's low rating and form, Rosa's low rating, Carmen's form, Jorge's reply.
    // Detractors with a NEW item: María and Rosa.
    expect(await inboxLink(page).getAttribute("aria-current")).toBe("page");
    expect((await inboxLink(page).innerText()).replace(/\s+/g, " ")).toContain("(5 sin resolver, 2 detractores)");
    expect(await page.getByTestId("inbox-badge").innerText()).toBe("5");
    expect(await page.getByTestId("detractor-badge").innerText()).toContain("2");
    const rows = page.getByTestId("inbox-row");
    expect(await rows.count()).toBe(5);
    const table = await page.getByTestId("inbox-table").innerText();
    for (const text of ["Formulario", "Respuesta", "Calificación baja", "Consultorio Centro", "Controles de noviembre", "1 de 5", "2 de 5", "3 de 5", "¿Atienden los sábados?"]) expect(table).toContain(text);
    expect(table).not.toContain("Luis Andrade");
    // Phones in Ecuador's national form; times in the workspace's zone (Guayaquil).
    expect(table).toMatch(/09\d \d{3} \d{4}/);
    expect(await page.getByTestId("tab-open").innerText()).toMatch(/Sin resolver\s*5/);
    expect(await page.getByTestId("tab-RESOLVED").innerText()).toMatch(/Resueltos\s*0/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "inbox");

    // Detractors only: María's two items and Rosa's.
    await page.getByLabel("Solo detractores (1–2)").check();
    await page.getByRole("button", { name: "Filtrar" }).click();
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByRole("link", { name: "Sin resolver" }).first().click();

    await page.getByRole("link", { name: /Esperé una hora en la sala/ }).click();
    await page.getByRole("heading", { name: "Comentario privado: María Cevallos" }).waitFor();
    await hydrated(page);
    const timeline = await page.getByTestId("timeline").innerText();
    for (const step of ["Solicitud de calificación enviada por WhatsApp", "Solicitud de calificación entregada", "Solicitud de calificación leída", "Calificó 2 de 5", "Alerta de detractor en la bandeja", "Escribió en el formulario privado"]) {
      expect(timeline).toContain(step);
    }
    expect(timeline.indexOf("enviada por WhatsApp")).toBeLessThan(timeline.indexOf("Calificó 2 de 5"));
    expect(timeline.indexOf("Calificó 2 de 5")).toBeLessThan(timeline.indexOf("Escribió en el formulario privado"));
    expect(await page.getByRole("link", { name: "Controles de noviembre" }).getAttribute("href")).toMatch(/^\/campaigns\/[0-9a-f-]{36}$/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole("radio", { name: "En curso" }).check();
    await page.getByLabel("Notas del personal").fill("Llamé a la paciente: le ofrecimos la próxima cita sin espera.");
    await page.getByRole("button", { name: "Guardar" }).click();
    await page.getByText("Cambios guardados.").waitFor();
    await expect.poll(() => page.getByTestId("item-status").innerText()).toContain("En curso");
    await page.getByText(`Editadas por ${OWNER.name}`).waitFor();
    expect(await page.getByTestId("history").innerText()).toContain(`${OWNER.name}: cambió el estado de Nuevo a En curso`);
    // Still unresolved, and María's low-rating item is still NEW: the badge stays.
    expect((await inboxLink(page).innerText()).replace(/\s+/g, " ")).toContain("(5 sin resolver, 2 detractores)");

    await page.getByRole("radio", { name: "Resuelto" }).check();
    await page.getByRole("button", { name: "Guardar" }).click();
    await expect.poll(() => page.getByTestId("item-status").innerText()).toMatch(new RegExp(`Resuelto\\s+por ${OWNER.name} el`));
    await expect.poll(async () => (await inboxLink(page).innerText()).replace(/\s+/g, " ")).toContain("(4 sin resolver, 2 detractores)");
    expect(await page.getByLabel("Notas del personal").inputValue()).toBe("Llamé a la paciente: le ofrecimos la próxima cita sin espera.");

    await page.getByRole("link", { name: "← Volver a la bandeja" }).click();
    await expect.poll(() => rows.count()).toBe(4);
    await page.getByTestId("tab-RESOLVED").click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain("María Cevallos");
    expect(await rows.first().innerText()).toContain("Resuelto");
    expect(await page.getByTestId("tab-RESOLVED").getAttribute("aria-current")).toBe("page");
    await page.close();

    const [row] = await sql<{ status: string; resolved_at: Date | null; staff_notes: string }>("select status, resolved_at, staff_notes from feedback where source = 'FORM' and text like 'Esperé%'");
    expect(row).toMatchObject({ status: "RESOLVED", staff_notes: "Llamé a la paciente: le ofrecimos la próxima cita sin espera." });
    expect(row!.resolved_at).not.toBeNull();
    expect((await sql("select action from audit_logs where entity_type = 'feedback' order by created_at")).map((r) => r.action)).toEqual([
      "feedback.status_changed",
      "feedback.notes_edited",
      "feedback.status_changed",
    ]);
  });

  it("the status form works with JavaScript off; a conflicting save keeps the typed note", async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, locale: "es-EC", timezoneId: "America/Guayaquil" });
    try {
      const page = await signIn(noJs, "/inbox?detractors=1&source=RATING", { js: false });
      await page.getByRole("link", { name: "Calificó 1 de 5" }).click();
      await page.getByRole("heading", { name: "Calificación baja: Rosa Mite" }).waitFor();

      // Meanwhile Rosa rates again (a later rating updates her item): the open form is now stale.
      await sql("update feedback set rating = 2, updated_at = now() where source = 'RATING' and patient_id = (select id from patients where name = 'Rosa Mite')");
      await page.getByRole("radio", { name: "Resuelto" }).check();
      await page.getByLabel("Notas del personal").fill("Se le devolvió el pago.");
      await page.getByRole("button", { name: "Guardar" }).click();
      await page.getByRole("alert").filter({ hasText: "cambió mientras lo editaba" }).waitFor();
      expect(await page.getByLabel("Notas del personal").inputValue()).toBe("Se le devolvió el pago.");

      // Reloaded, the form carries the new version; the save goes through.
      await page.goto(page.url());
      await page.getByRole("radio", { name: "Resuelto" }).check();
      await page.getByLabel("Notas del personal").fill("Se le devolvió el pago.");
      await page.getByRole("button", { name: "Guardar" }).click();
      await page.getByText("Cambios guardados.").waitFor();
      expect(await page.getByTestId("item-status").innerText()).toContain("Resuelto");
      // Rosa was one of the two NEW detractors; María's low rating is still NEW.
      expect((await inboxLink(page).innerText()).replace(/\s+/g, " ")).toContain("(3 sin resolver, 1 detractor)");
    } finally {
      await noJs.close();
    }
  });

  it("saw no page errors, CSP violations or failed requests with JavaScript on", () => {
    expect(unexpectedProblems(problems)).toEqual([]);
  });
});
