// The analytics page in headless Chromium against the production build: a workspace with known
// ratings shows the exact NPS, response and delivery rates, click-through, inbox figures and
// distribution; the filters (practice, doctor, dates, presets) change them; a doctor sees only their
// appointments; it all works with JavaScript off; axe-core finds no serious violations; and a workspace
// seeded with realistic volume renders (the README screenshot).
import { randomBytes } from "node:crypto";
import { loadDashboard, seedAnalytics } from "@rm/analytics";
import { hashPassword, initOrm, type MikroORM } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch } from "./support/browser.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING analytics browser tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");


describe.skipIf(!present)("analytics page in the browser", () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let web: WebServer;
  let browser: Browser;
  let a: Tenant;
  let b: Tenant;
  let south: string;
  let n = 0;
  const problems: string[] = [];
  /** Contexts with JavaScript off: their blocked script requests are not problems. */
  const noScript = new WeakSet<BrowserContext>();

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return orm.em.fork().execute<T[]>(text, params);
  }

  async function campaign(t: Tenant, practiceId: string, doctorId: string | null): Promise<string> {
    const [c] = await sql<{ id: string }>("insert into campaigns (workspace_id, practice_id, assigned_doctor_id, created_by_id, name, status) values (?, ?, ?, ?, 'Noviembre', 'ACTIVE') returning id", [
      t.workspaceId,
      practiceId,
      doctorId,
      t.owner.id,
    ]);
    return c!.id;
  }

  /**
   * One rating request (INITIAL message the provider took), its rating an hour later and the follow-up.
   * The appointment's doctor is the campaign's unless `doctor` names another (the file's doctor column).
   */
  async function request(t: Tenant, c: string, status: string, at: string, rating: number | null, clicked = false, doctor: string | null = null): Promise<string> {
    const phone = `+5939${String(++n).padStart(8, "0")}`;
    const sent = new Date(at);
    const ratedAt = new Date(sent.getTime() + 3600_000);
    const [contact] = await sql<{ id: string }>("insert into contacts (workspace_id, phone) values (?, ?) returning id", [t.workspaceId, phone]);
    const [p] = await sql<{ id: string }>(
      `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, rating, rated_at, follow_up_sent_at, doctor_id)
       values (?, ?, ?, 'Paciente', ?, ?, 'WHATSAPP', true, ?, ?, ?, ?, coalesce(?::uuid, (select c.assigned_doctor_id from campaigns c where c.id = ?))) returning id`,
      [t.workspaceId, c, contact!.id, phone, sent, rating ? "RATED" : "SENT", rating, rating ? ratedAt : null, rating ? ratedAt : null, doctor, c],
    );
    const receipt = ["SENT", "DELIVERED", "READ"].includes(status);
    await sql(
      `insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, provider_sid, send_attempted_at, sent_at, rating)
       values (?, ?, ?, 'INITIAL', 'WHATSAPP', ?, ?, ?, ?, ?, ?)`,
      [t.workspaceId, p!.id, c, status, `whatsapp:${phone}`, `SM${n}${randomBytes(8).toString("hex")}`, sent, receipt ? new Date(sent.getTime() + 5000) : null, rating],
    );
    if (clicked) await sql("insert into review_clicks (workspace_id, patient_id, clicked_at) values (?, ?, ?)", [t.workspaceId, p!.id, new Date(ratedAt.getTime() + 60_000)]);
    return p!.id;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
    a = await createTenant(db.url, "ana");
    b = await createTenant(db.url, "otra");
    // Workspace A: "Consultorio ana" (with a Google place, the doctor's campaign) and "Consultorio Sur"
    // (no place, no doctor). Times UTC; the workspace is in America/Guayaquil (UTC−5).
    [{ id: south }] = (await sql<{ id: string }>("insert into practices (workspace_id, name) values (?, 'Consultorio Sur') returning id", [a.workspaceId])) as [{ id: string }];
    const c1 = await campaign(a, a.practiceId, a.doctor.id);
    const c2 = await campaign(a, south, null);
    await request(a, c1, "DELIVERED", "2026-11-02T15:00:00Z", 5, true);
    await request(a, c1, "READ", "2026-11-03T15:00:00Z", 4);
    const r3 = await request(a, c1, "SENT", "2026-11-04T15:00:00Z", 3, true);
    const r4 = await request(a, c1, "QUEUED", "2026-11-10T15:00:00Z", 1);
    await request(a, c2, "DELIVERED", "2026-11-10T16:00:00Z", 5);
    await request(a, c2, "UNDELIVERED", "2026-11-11T15:00:00Z", null);
    await request(a, c2, "DELIVERED", "2026-11-16T04:30:00Z", null); // Sunday 15th, 23:30 local
    await sql("insert into feedback (workspace_id, patient_id, source, status, resolved_at, created_at) values (?, ?, 'FORM', 'RESOLVED', ?, ?)", [
      a.workspaceId,
      r3,
      new Date("2026-11-05T21:00:00Z"),
      new Date("2026-11-05T15:00:00Z"),
    ]);
    await sql("insert into feedback (workspace_id, patient_id, source, status, created_at) values (?, ?, 'RATING', 'NEW', ?)", [a.workspaceId, r4, new Date("2026-11-10T16:00:00Z")]);
    // Workspace B: only detractors, so any leak would move A's NPS.
    const cb = await campaign(b, b.practiceId, b.doctor.id);
    for (let i = 0; i < 4; i++) await request(b, cb, "DELIVERED", `2026-11-0${2 + i}T15:00:00Z`, 1, true);

    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await orm?.close(true);
    await db?.drop();
  });

  async function signedIn(email: string, password: string, options: { javaScriptEnabled?: boolean; locale?: string; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
    const context = await browser.newContext({
      locale: options.locale ?? "es-EC",
      timezoneId: "America/Guayaquil",
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      ...(options.viewport ? { viewport: options.viewport } : {}),
    });
    context.setDefaultTimeout(15_000);
    if (options.javaScriptEnabled === false) noScript.add(context);
    const page = await context.newPage();
    if (!noScript.has(context)) watch(page, problems);
    await page.goto(`${web.url}/login`);
    await page.getByLabel("Correo electrónico").fill(email);
    await page.getByLabel("Contraseña").fill(password);
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await page.close();
    return context;
  }

  async function open(context: BrowserContext, path: string): Promise<Page> {
    const page = await context.newPage();
    if (!noScript.has(context)) watch(page, problems);
    await page.goto(`${web.url}${path}`);
    return page;
  }

  /** A breakdown table's rows, cells joined by " | " (text only: the small bars are decorative). */
  const breakdown = (page: Page, id: string) =>
    page.locator(`[data-breakdown="${id}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? "").trim()).join(" | ")));
  const kpi = (page: Page, name: string) => page.locator(`[data-kpi="${name}"] .kpi-value`).textContent();
  const detail = (page: Page, name: string) => page.locator(`[data-kpi="${name}"] .kpi-detail`).first().innerText();


  it("shows the exact figures of a workspace with known ratings, and filters change them", { timeout: 120_000 }, async () => {
    const context = await signedIn(a.owner.email, a.owner.password);
    try {
      const page = await open(context, "/analytics?range=all");
      await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
      await page.getByRole("heading", { name: "Analítica", level: 1 }).waitFor();
      // 7 requests went out, 4 delivered (one READ), 5 ratings: 5, 4, 3, 1 and 5 → NPS (3 − 1) / 5.
      expect(await kpi(page, "nps")).toBe("+40");
      expect(await detail(page, "nps")).toContain("Promotores 3 · Pasivos 1 · Detractores 1");
      // Response rate: replied / delivered, each reply counted as delivered (4 receipts, 5 replies).
      expect(await kpi(page, "response")).toBe("100 %");
      expect(await detail(page, "response")).toBe("5 calificaciones de 5 solicitudes entregadas (quien respondió cuenta como entregado)");
      // NPS on the 5-point scale, labelled and explained.
      expect(await page.locator('[data-kpi="nps"] dt').textContent()).toBe("NPS (escala de 5 puntos)");
      await page.getByText("¿Qué es este NPS?").click();
      await page.getByText(/Porcentaje de promotores \(4–5 estrellas\) menos el de detractores \(1–2\).*no es comparable con el NPS clásico de 0 a 10/).waitFor();
      expect(await kpi(page, "delivery")).toBe("57,1 %");
      // Offered the review link: the four rated patients of the practice with a Google place; 2 clicked.
      expect(await kpi(page, "reviews")).toBe("50 %");
      expect(await kpi(page, "feedback")).toBe("2");
      expect(await detail(page, "feedback")).toContain("1 sin resolver");
      expect(await kpi(page, "resolution")).toBe("6 h");
      // The distribution chart: named and described, its numbers in a table.
      const chart = page.getByRole("img", { name: "Calificaciones de 1 a 5" });
      await chart.waitFor();
      expect(await chart.locator("desc").textContent()).toBe("5 calificaciones: 5 estrellas 2, 4 estrellas 1, 3 estrellas 1, 2 estrellas 0, 1 estrellas 1.");
      await page.locator("figure", { has: chart }).getByText("Ver la tabla").click();
      const rows = page.locator("figure", { has: chart }).locator("tbody tr");
      expect(await rows.allInnerTexts()).toEqual(["5 ★\t2\t40 %", "4 ★\t1\t20 %", "3 ★\t1\t20 %", "2 ★\t0\t0 %", "1 ★\t1\t20 %"]);
      // The weekly trend: ISO weeks 45 to 46 in the workspace time zone (the Sunday-night request is week 46).
      const trend = page.getByRole("img", { name: "NPS por semana" });
      // Weeks named in Spanish by their Monday.
      expect(await trend.locator("desc").textContent()).toContain("de sem. 2 nov a sem. 9 nov");
      // Breakdowns: per practice and per doctor, with their own figures.
      expect(await breakdown(page, "by-practice")).toEqual(["Consultorio ana | 4 | 100 % | 50 % | +25 | 50 %", "Consultorio Sur | 3 | 50 % | 66,7 % | +100 | —"]);
      expect(await breakdown(page, "by-doctor")).toEqual(["DOCTOR ana | 4 | 100 % | 50 % | +25 | 50 %", "Sin doctor asignado | 3 | 50 % | 66,7 % | +100 | —"]);
      expect(await seriousAxeViolations(page)).toEqual([]);

      // Practice filter through the form.
      await page.getByLabel("Consultorio", { exact: true }).selectOption({ label: "Consultorio Sur" });
      await page.getByRole("button", { name: "Aplicar" }).click();
      await page.waitForURL((url) => url.searchParams.get("practice") === south);
      await expect.poll(() => kpi(page, "response")).toBe("50 %");
      expect(await kpi(page, "nps")).toBe("+100");
      expect(await kpi(page, "delivery")).toBe("66,7 %");
      expect(await kpi(page, "reviews")).toBe("—");
      expect(await kpi(page, "feedback")).toBe("0");

      // Doctor filter (and back to every practice).
      await page.getByLabel("Consultorio", { exact: true }).selectOption({ label: "Todos los consultorios" });
      await page.getByLabel("Doctor", { exact: true }).selectOption({ label: "DOCTOR ana" });
      await page.getByRole("button", { name: "Aplicar" }).click();
      await page.waitForURL((url) => url.searchParams.get("doctor") === a.doctor.id && !url.searchParams.get("practice"));
      await expect.poll(() => kpi(page, "nps")).toBe("+25");
      expect(await detail(page, "response")).toBe("4 calificaciones de 4 solicitudes entregadas (quien respondió cuenta como entregado)");

      // A custom date range (local days 9–15 November): the Sunday-night request is in it.
      await page.goto(`${web.url}/analytics?range=custom&from=2026-11-09&to=2026-11-15`);
      expect(await detail(page, "response")).toBe("2 calificaciones de 2 solicitudes entregadas (quien respondió cuenta como entregado)");
      expect(await kpi(page, "delivery")).toBe("50 %");
      expect(await kpi(page, "nps")).toBe("0");
      expect(await page.locator(".analytics-scope").textContent()).toMatch(/^Del 9 nov\.? 2026 al 15 nov\.? 2026 · todo el espacio de trabajo/);

      // Weeks the range covers in part are marked, the first one here (Wednesday 4 to Sunday 8).
      await page.goto(`${web.url}/analytics?range=custom&from=2026-11-04&to=2026-11-15`);
      expect(await page.getByTestId("partial-week").allTextContents()).toEqual(["sem. 2 nov (parcial) está incompleta: cubre 5 días del periodo, así que sus cifras aún pueden cambiar mucho."]);
      await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
      // One range control: changing a date picks the custom range at once…
      await page.getByLabel("Últimos 30 días").check();
      await page.getByLabel("Desde").fill("2026-11-02");
      expect(await page.getByLabel("Fechas personalizadas").isChecked()).toBe(true);
      // …and picking a preset puts the dates back, so it applies with the same form; nothing happened in the last 7 days.
      await page.getByLabel("Últimos 7 días").check();
      expect(await page.getByLabel("Desde").inputValue()).toBe("2026-11-04");
      await page.getByRole("button", { name: "Aplicar" }).click();
      await page.waitForURL((url) => url.searchParams.get("range") === "7");
      await page.getByRole("heading", { name: "Sin datos para estos filtros" }).waitFor();
      expect(await kpi(page, "nps")).toBe("—");

      // Dates in the wrong order: a clear error, the dates kept, status 400.
      const bad = await page.goto(`${web.url}/analytics?range=custom&from=2026-11-20&to=2026-11-01`);
      expect(bad?.status()).toBe(400);
      await page.getByRole("alert").getByText("La fecha «Desde» es posterior a «Hasta».").waitFor();
      expect(await page.getByLabel("Desde").inputValue()).toBe("2026-11-20");
    } finally {
      await context.close();
    }
  });

  it("in English, with the same figures", { timeout: 60_000 }, async () => {
    const context = await signedIn(a.owner.email, a.owner.password);
    try {
      const page = await open(context, "/analytics?range=all");
      await page.getByRole("button", { name: "English" }).click();
      await page.getByRole("heading", { name: "Analytics", level: 1 }).waitFor();
      expect(await kpi(page, "response")).toBe("100%");
      expect(await detail(page, "response")).toBe("5 ratings from 5 delivered requests (a patient who replied counts as delivered)");
      expect(await page.locator('[data-kpi="nps"] dt').textContent()).toBe("NPS (5-point scale)");
      expect(await page.getByRole("img", { name: "Ratings from 1 to 5" }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it("fits a 360-px phone: the range control, the figures and the charts, axe-clean", { timeout: 60_000 }, async () => {
    const context = await signedIn(a.owner.email, a.owner.password, { viewport: { width: 360, height: 740 } });
    try {
      const page = await open(context, "/analytics?range=custom&from=2026-11-04&to=2026-11-15");
      await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
      await page.getByRole("group", { name: "Periodo" }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows a doctor only their own appointments, whichever campaign they are in", { timeout: 60_000 }, async () => {
    // The campaign without a doctor has one appointment with the doctor (the file's doctor column).
    const [{ id: c2 }] = (await sql<{ id: string }>("select id from campaigns where workspace_id = ? and practice_id = ?", [a.workspaceId, south])) as [{ id: string }];
    const theirs = await request(a, c2, "DELIVERED", "2026-11-12T15:00:00Z", 2, false, a.doctor.id);
    const context = await signedIn(a.doctor.email, a.doctor.password);
    try {
      const page = await open(context, "/analytics?range=all");
      // Their 4 ratings in their own campaign (+25) and the 2 in the other: 2 promoters, 2 detractors of 5.
      expect(await kpi(page, "nps")).toBe("0");
      expect(await detail(page, "response")).toBe("5 calificaciones de 5 solicitudes entregadas (quien respondió cuenta como entregado)");
      expect(await page.getByLabel("Doctor", { exact: true }).count()).toBe(0);
      expect(await breakdown(page, "by-practice")).toEqual(["Consultorio ana | 4 | 100 % | 50 % | +25 | 50 %", "Consultorio Sur | 1 | 100 % | 100 % | −100 | —"]);
      // Another workspace's practice in the filter: 404, never its figures.
      const foreign = await page.goto(`${web.url}/analytics?range=all&practice=${b.practiceId}`);
      expect(foreign?.status()).toBe(404);
    } finally {
      await context.close();
      await sql("delete from patients where id = ?", [theirs]);
    }
  });

  it("works with JavaScript disabled: one GET form for presets, dates, practice and doctor", { timeout: 60_000 }, async () => {
    const context = await signedIn(a.owner.email, a.owner.password, { javaScriptEnabled: false });
    try {
      const page = await open(context, "/analytics?range=all");
      expect(await kpi(page, "nps")).toBe("+40");
      await page.getByLabel("Consultorio", { exact: true }).selectOption({ label: "Consultorio Sur" });
      await page.getByRole("button", { name: "Aplicar" }).click();
      await page.waitForURL((url) => url.searchParams.get("practice") === south);
      expect(await kpi(page, "response")).toBe("50 %");
      // Another preset (the dates shown are left alone) follows the choice and keeps the practice…
      await page.getByLabel("Últimos 30 días").check();
      await page.getByRole("button", { name: "Aplicar" }).click();
      await page.waitForURL((url) => url.searchParams.get("range") === "30" && url.searchParams.get("practice") === south);
      expect(await page.getByLabel("Últimos 30 días").isChecked()).toBe(true);
      // …and editing a date makes the range custom, whichever preset is picked.
      await page.getByLabel("Desde").fill("2026-11-01");
      await page.getByLabel("Hasta").fill("2026-11-30");
      await page.getByRole("button", { name: "Aplicar" }).click();
      await page.waitForURL((url) => url.searchParams.get("from") === "2026-11-01");
      expect(await page.getByLabel("Fechas personalizadas").isChecked()).toBe(true);
      expect(await kpi(page, "response")).toBe("50 %");
      // The chart's table opens without script.
      await page.getByText("Ver la tabla").first().click();
      await page.getByRole("rowheader", { name: "5 ★" }).waitFor();
    } finally {
      await context.close();
    }
  });

  it("renders a workspace seeded with realistic volume, figures equal to the loader's", { timeout: 180_000 }, async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let seeded: Awaited<ReturnType<typeof seedAnalytics>>;
    try {
      seeded = await seedAnalytics(client, { messages: 12_000, end: new Date(), days: 120, practices: 4, campaigns: 24, doctors: 5 });
    } finally {
      await client.end();
    }
    const email = `duena.${randomBytes(4).toString("hex")}@sonrisa.ec`;
    await sql("update workspaces set name = 'Clínica Dental Sonrisa' where id = ?", [seeded.workspaceId]);
    await sql("update users set email = ?, name = 'Lucía Paredes', password_hash = ? where workspace_id = ? and role = 'OWNER'", [email, await hashPassword("clave-analitica-1"), seeded.workspaceId]);
    await sql("update practices set name = (array['Sonrisa Norte', 'Sonrisa Centro', 'Sonrisa Sur', 'Sonrisa Valle'])[ (regexp_match(name, '\\d+'))[1]::int ] where workspace_id = ?", [seeded.workspaceId]);
    await sql("update users set name = replace(name, 'Dr. Médico ', 'Dra. Especialista ') where workspace_id = ? and role = 'DOCTOR'", [seeded.workspaceId]);
    const context = await signedIn(email, "clave-analitica-1");
    try {
      const page = await open(context, "/analytics");
      await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
      const expected = (await loadDashboard(orm.em.fork(), seeded.workspaceId, await page.evaluate(() => {
        const f = document.querySelector<HTMLInputElement>("#from")!.value;
        const t = document.querySelector<HTMLInputElement>("#to")!.value;
        return { from: f, to: t };
      })))!;
      expect(expected.totals.sent).toBeGreaterThan(1000);
      const count = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
      expect(await detail(page, "response")).toBe(`${count(expected.totals.responseRate.numerator)} calificaciones de ${count(expected.totals.responseRate.denominator)} solicitudes entregadas (quien respondió cuenta como entregado)`);
      expect(await page.locator('[data-breakdown="by-practice"] tbody tr').count()).toBe(4);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshot(page, "analytics");
    } finally {
      await context.close();
    }
  });

  it("saw no page errors or failed requests beyond the expected 400 and 404", () => {
    expect(unexpectedProblems(problems, [400, 404])).toEqual([]);
  });
});
