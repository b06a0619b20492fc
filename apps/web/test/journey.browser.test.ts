// A practice's day, end to end, in headless Chromium against the real processes: the production web
// build, relay and worker as child processes, the `twilio` SDK (inside the worker) against the provider
// simulator, which posts signed status callbacks and patient replies back to the web server.
//
// The owner uploads an Excel-style CSV (`;`, Windows-1252, dd/mm/yyyy) with good, bad and no-consent
// rows, checks the preview, confirms and watches the campaign move; the receptionist sends to one
// patient; a patient rates 2 on the one-tap page and fills in the private form; the owner finds it in
// the inbox and resolves it; analytics shows that run's numbers; a doctor sees only the campaigns
// assigned to them; another workspace gets 404; public pages pass axe.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRunEnv, ProcessManager, SMS_SENDER, type RunEnv } from "@rm/harness";
import { hashPassword } from "@rm/db";
import { grantCredits } from "@rm/credits";
import { ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { excelDate } from "./support/dates.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the journey browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const MOBILE_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";


describe.skipIf(!present)("a practice's day in the browser, through the real processes", () => {
  let env: RunEnv;
  let pm: ProcessManager;
  let webUrl: string;
  let browser: Browser;
  let a: Tenant;
  let b: Tenant;
  const otherDoctor = { email: "", password: "" };
  const problems: string[] = [];
  const started = Date.now();
  /** Progress on stdout, so a timeout says which step it stopped in. */
  const step = (what: string) => console.log(`[journey] ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);

  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);
  const sentTo = (phone: string) => env.sim.state.messages.filter((m) => m.to === phone);


  async function signIn(ctx: BrowserContext, user: { email: string; password: string }, { scripts = true } = {}): Promise<Page> {
    const page = await ctx.newPage();
    // Without JavaScript Chromium reports every blocked module script as a failed request: nothing to watch.
    if (scripts) watch(page, problems);
    await submitSignIn(page, `${webUrl}/login`, user);
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    return page;
  }


  beforeAll(async () => {
    ensureProductionBuild();
    const webPort = await freePort();
    webUrl = `http://127.0.0.1:${webPort}`;
    env = await createRunEnv({
      simulator: { throughputMode: false, callbackDelayMs: 50, whatsappReadShare: 0, inboundUrl: `${webUrl}/webhooks/twilio/inbound` },
      workerEnv: { RELAY_POLL_MS: "100", PUBLIC_URL: webUrl },
    });
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/journey-${env.id}` });
    pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", SESSION_SECRET: "journey-session-secret-0123456789abcdef", METRICS_PORT: "0" });
    pm.start("relay", "relay-0");
    pm.start("worker", "worker-0");

    a = await createTenant(env.databaseUrl, "A", "PROFESSIONAL");
    b = await createTenant(env.databaseUrl, "B", "PROFESSIONAL");
    // The demo's conditions: sends go out at once (quiet hours off), with credits to spend.
    await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null where id = ?", [a.workspaceId]);
    await grantCredits(env.orm.em.fork(), { workspaceId: a.workspaceId, amount: 200, reference: "journey", reason: "test" });
    otherDoctor.email = `otro.doctor.${env.id}@example.ec`;
    otherDoctor.password = "clave-otro-doctor-123";
    await sql("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Dra. Otra', 'DOCTOR', ?)", [a.workspaceId, otherDoctor.email, await hashPassword(otherDoctor.password)]);

    browser = await launchChromium();
    await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pm?.stopAll();
    await env?.close();
  });

  it("uploads, sends, hears the patient, resolves, counts, and keeps tenants and doctors apart", async () => {
    const owner = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil" });
    owner.setDefaultTimeout(15_000);
    const page = await signIn(owner, a.owner);

    // An Excel export from a Spanish Windows: `;`, Windows-1252, CRLF, dd/mm/yyyy. The appointments
    // were two hours ago, so with "2 hours after" the requests are due now.
    const appt = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000);
    const [day, time] = excelDate(appt).split(" ");
    const P = { ana: "+593991230001", bruno: "+593991230002", carla: "+593991230003", elena: "+593991230005" };
    const csv = [
      "Nombre;Teléfono;Fecha cita;Hora;Consentimiento;Canal",
      `Ana Paredes;0991230001;${day};${time};sí;SMS`,
      `Bruno Núñez;991230002;${day};${time};x;SMS`,
      `Carla Sin Permiso;0991230003;${day};${time};no;SMS`,
      `Darío Malo;12345;${day};${time};sí;SMS`,
      `Elena Yépez;0991230005;${day};${time};1;SMS`,
    ].join("\r\n");
    const dir = mkdtempSync(path.join(tmpdir(), "rm-journey-"));
    const file = path.join(dir, "citas-martes.csv");
    writeFileSync(file, Buffer.from(`${csv}\r\n`, "latin1"));

    step("upload");
    await page.goto(`${webUrl}/campaigns/new`);
    await page.getByLabel("Médico asignado").selectOption(a.doctor.id);
    await page.getByLabel("Nombre de la campaña").fill("Martes");
    await page.getByLabel("Horas después de la cita").fill("2");
    await page.getByLabel("Archivo CSV").setInputFiles(file);
    await page.getByRole("button", { name: "Subir y revisar" }).click();
    await page.getByRole("heading", { name: "Vista previa: Martes" }).waitFor();
    const count = (id: string) => page.getByTestId(`count-${id}`).textContent();
    expect(await count("rows")).toBe("5");
    expect(await count("accepted")).toBe("4");
    expect(await count("rejected")).toBe("1");
    expect(await count("no-consent")).toBe("1");
    expect(await count("scheduled")).toBe("3");
    await page.getByTestId("rejected-table").getByRole("row").filter({ hasText: "12345" }).getByRole("cell", { name: "5", exact: true }).waitFor();
    await page.getByRole("button", { name: "Confirmar e importar 4 pacientes" }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const campaignId = new URL(page.url()).pathname.split("/").pop()!;
    step("confirmed; waiting for the sends");

    // The requests go out through relay → stream → worker → simulator; the page follows them.
    await waitUntil(() => [P.ana, P.bruno, P.elena].every((phone) => sentTo(phone).length === 1), 60_000, "the three rating requests");
    expect(sentTo(P.carla)).toHaveLength(0);
    for (const m of env.sim.state.messages) expect(m.from).toBe(SMS_SENDER);
    const figure = async (label: string) => {
      const text = await page.getByTestId("campaign-counts").innerText();
      return Number(new RegExp(`${label}\\s+(\\d+)`).exec(text)?.[1] ?? NaN);
    };
    await expect.poll(async () => (await page.reload(), figure("Entregados")), { timeout: 30_000, interval: 500 }).toBe(3);
    expect(await figure("Pacientes")).toBe(4);
    expect(await figure("Enviados")).toBeGreaterThanOrEqual(3);
    await saveScreenshot(page, "campaign-progress");
    step("delivered; patients answer");

    // Two patients answer by SMS; Ana taps 2 on her phone and writes what went wrong.
    await env.sim.inbound({ from: P.bruno, to: SMS_SENDER, body: "5 estrellas" });
    await env.sim.inbound({ from: P.elena, to: SMS_SENDER, body: "cuatro" });
    step("one-tap rating and the private form");
    const ratingLink = /https?:\/\/\S+\/q\/[A-Za-z0-9_-]+/.exec(sentTo(P.ana)[0]!.body)?.[0];
    expect(ratingLink, "the SMS carries the one-tap link").toBeDefined();
    // axe needs script execution; the pages without JavaScript are covered by public-pages.browser.test.ts.
    const phone = await browser.newContext({ locale: "es-EC", userAgent: MOBILE_UA, viewport: { width: 360, height: 740 } });
    phone.setDefaultTimeout(15_000);
    const patient = await phone.newPage();
    watch(patient, problems);
    await patient.goto(ratingLink!);
    await patient.getByText("¿cómo calificaría su visita").waitFor();
    expect(await seriousAxeViolations(patient)).toEqual([]);
    await patient.getByRole("button", { name: /^2 de 5/ }).click();
    await patient.getByRole("heading", { name: "Lamentamos que su experiencia no haya sido la esperada" }).waitFor();
    expect(await seriousAxeViolations(patient)).toEqual([]);
    await patient.getByRole("link", { name: "Contarnos qué salió mal" }).click();
    await patient.getByRole("heading", { name: "Cuéntenos qué pasó" }).waitFor();
    expect(await seriousAxeViolations(patient)).toEqual([]);
    const complaint = "Esperé cuarenta minutos y nadie me explicó el retraso.";
    await patient.getByLabel("Su comentario").fill(complaint);
    await patient.getByRole("button", { name: "Enviar comentario" }).click();
    await patient.getByRole("heading", { name: "¡Gracias por contarnos!" }).waitFor();
    // Under the default `open` policy the unhappy patient is offered the public review path too.
    await patient.getByRole("link", { name: "dejar una reseña en Google" }).waitFor();
    expect(await seriousAxeViolations(patient)).toEqual([]);
    await waitUntil(async () => (await sql("select 1 from patients where campaign_id = ? and rating is not null", [campaignId])).length === 3, 30_000, "three ratings");
    // The one-tap rating shows its follow-up on the page and sends no message; the two SMS ratings get one each.
    await waitUntil(() => sentTo(P.bruno).length === 2 && sentTo(P.elena).length === 2, 30_000, "the follow-ups");
    expect(sentTo(P.ana)).toHaveLength(1);

    // The owner finds the complaint in the inbox — a view of the patient's thread, counted by the one
    // badge of threads waiting — and closes the case on the thread.
    step("inbox");
    await page.goto(`${webUrl}/inbox`);
    const complaintLink = page.getByRole("link", { name: new RegExp(complaint.slice(0, 25)) });
    await expect.poll(async () => (await page.reload(), complaintLink.count()), { timeout: 15_000 }).toBe(1);
    const waiting = async () => ((await page.getByTestId("conversations-badge").count()) === 0 ? 0 : Number(await page.getByTestId("conversations-badge").innerText()));
    const waitingBefore = await waiting();
    expect(waitingBefore).toBeGreaterThanOrEqual(1);
    await complaintLink.click();
    await page.getByTestId("entry-feedback").filter({ hasText: complaint.slice(0, 25) }).waitFor();
    await page.getByLabel("Estado", { exact: true }).selectOption("CLOSED");
    await page.getByRole("button", { name: "Cambiar estado" }).click();
    await page.getByText("Cambios guardados.").waitFor();
    expect(await page.getByTestId("thread-status").innerText()).toBe("Cerrada");
    expect(await waiting()).toBeLessThan(waitingBefore);

    // Analytics shows this run: ratings 2, 5, 4 of three requests, all delivered → NPS (2 − 1) / 3.
    step("analytics");
    await page.goto(`${webUrl}/analytics`);
    const kpi = (name: string) => page.locator(`[data-kpi="${name}"] .kpi-value`).textContent();
    await expect.poll(async () => (await page.reload(), kpi("nps")), { timeout: 30_000, interval: 1_000 }).toBe("+33");
    expect(await kpi("response")).toBe("100 %");
    expect(await kpi("delivery")).toBe("100 %");
    expect(await page.getByRole("img", { name: "Calificaciones de 1 a 5" }).locator("desc").textContent()).toBe(
      "3 calificaciones: 5 estrellas 1, 4 estrellas 1, 3 estrellas 0, 2 estrellas 1, 1 estrellas 0.",
    );

    // The assigned doctor sees the campaign; another doctor of the same practice group does not.
    step("doctors");
    const doctor = await browser.newContext({ locale: "es-EC" });
    const assigned = await signIn(doctor, a.doctor);
    await assigned.goto(`${webUrl}/campaigns`);
    await assigned.getByTestId("campaign-table").getByRole("link", { name: "Martes" }).waitFor();
    const other = await browser.newContext({ locale: "es-EC" });
    const otherPage = await signIn(other, otherDoctor);
    await otherPage.goto(`${webUrl}/campaigns`);
    expect(await otherPage.getByText("Martes").count()).toBe(0);
    const otherAnswer = await otherPage.goto(`${webUrl}/campaigns/${campaignId}`);
    expect([403, 404]).toContain(otherAnswer!.status());

    // Another workspace's owner gets 404 for this campaign, its draft preview and its analytics filter.
    step("another workspace");
    const intruder = await browser.newContext({ locale: "es-EC" });
    const intruderPage = await signIn(intruder, b.owner);
    expect((await intruderPage.goto(`${webUrl}/campaigns/${campaignId}`))!.status()).toBe(404);
    expect((await intruderPage.goto(`${webUrl}/campaigns/drafts/${campaignId}`))!.status()).toBe(404);

    // The receptionist sends to one patient at checkout, with JavaScript off.
    step("send to one");
    const desk = await browser.newContext({ locale: "es-EC", javaScriptEnabled: false });
    const deskPage = await signIn(desk, a.receptionist, { scripts: false });
    await deskPage.goto(`${webUrl}/campaigns/send`);
    await deskPage.getByLabel("Médico asignado").selectOption(a.doctor.id);
    await deskPage.getByLabel("Nombre del paciente").fill("Fernanda Ríos");
    await deskPage.getByLabel("Celular").fill("0991230009");
    await deskPage.getByLabel("Canal").selectOption("SMS");
    await deskPage.getByLabel("El paciente aceptó recibir este mensaje.").check();
    await deskPage.getByRole("button", { name: "Enviar solicitud" }).click();
    expect(await deskPage.getByTestId("send-result").innerText()).toMatch(/^Fernanda Ríos \(.+\): solicitud de calificación programada para /);
    await waitUntil(() => sentTo("+593991230009").length === 1, 60_000, "the single send");

    expect(unexpectedProblems(problems, [400, 401, 403, 404, 409])).toEqual([]);
    for (const ctx of [owner, phone, doctor, other, intruder, desk]) await ctx.close();
  }, 240_000);
});
