// Conversations end to end in headless Chromium against the real processes (production web build,
// relay and worker as child processes, the provider simulator posting signed webhooks back):
// a patient writes on WhatsApp → the thread appears for the receptionist without a reload (live
// polling, with the title count) → she answers → the simulator receives the free text on WhatsApp,
// charged one credit; after the window (the contact's last message moved 25 hours back in the
// database and in the simulator, whose clock is injected) free text is not offered, a pending reply
// goes out as the approved notice template — from a browser without JavaScript — and the held text
// is delivered when the patient answers; an opted-out contact cannot be answered and the page says
// why; a doctor cannot open another doctor's patient's thread (404). Axe-clean at 360 px.
import { fileURLToPath } from "node:url";
import { createRunEnv, ProcessManager, WHATSAPP_SENDER, type RunEnv } from "@rm/harness";
import { hashPassword } from "@rm/db";
import { grantCredits } from "@rm/credits";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the conversations browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const PHONE = "+593991240001";
const DAY = 24 * 3_600_000;

describe.skipIf(!present)("a conversation in the browser, through the real processes", () => {
  let env: RunEnv;
  let pm: ProcessManager;
  let webUrl: string;
  let browser: Browser;
  let a: Tenant;
  const otherDoctor = { email: "", password: "clave-otro-doctor-123" };
  const problems: string[] = [];
  let patientId = "";

  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);
  const received = () => env.sim.state.messages.filter((m) => m.to === `whatsapp:${PHONE}`);

  async function signIn(ctx: BrowserContext, user: { email: string; password: string }, { scripts = true } = {}): Promise<Page> {
    const page = await ctx.newPage();
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
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/conversations-${env.id}` });
    pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", SESSION_SECRET: "conversations-session-secret-0123456789", METRICS_PORT: "0" });
    pm.start("relay", "relay-0");
    pm.start("worker", "worker-0");

    a = await createTenant(env.databaseUrl, "C", "PROFESSIONAL");
    await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null where id = ?", [a.workspaceId]);
    await grantCredits(env.orm.em.fork(), { workspaceId: a.workspaceId, amount: 100, reference: "conversations", reason: "test" });
    otherDoctor.email = `otro.doctor.${env.id}@example.ec`;
    await sql("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Dra. Otra', 'DOCTOR', ?)", [a.workspaceId, otherDoctor.email, await hashPassword(otherDoctor.password)]);
    // Yesterday's rating request to Lucía, on the platform's WhatsApp sender, for the tenant's doctor.
    const [c] = await sql<{ id: string }>(
      "insert into campaigns (workspace_id, practice_id, created_by_id, assigned_doctor_id, name, status) values (?, ?, ?, ?, 'Lunes', 'ACTIVE') returning id",
      [a.workspaceId, a.practiceId, a.owner.id, a.doctor.id],
    );
    const [ct] = await sql<{ id: string }>("insert into contacts (workspace_id, phone, whatsapp_consent_at, whatsapp_consent_source) values (?, ?, now(), 'CSV_IMPORT') returning id", [a.workspaceId, PHONE]);
    const [p] = await sql<{ id: string }>(
      "insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, doctor_id, rating, rated_at) values (?, ?, ?, 'Lucía Benítez', ?, now() - interval '1 day', 'WHATSAPP', true, 'RATED', ?, 5, now() - interval '20 hours') returning id",
      [a.workspaceId, c!.id, ct!.id, PHONE, a.doctor.id],
    );
    patientId = p!.id;
    await sql(
      "insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, from_address, body, provider_sid, segments, send_attempted_at) values (?, ?, ?, 'INITIAL', 'WHATSAPP', 'READ', ?, ?, ?, ?, 1, now() - interval '21 hours')",
      [a.workspaceId, patientId, c!.id, `whatsapp:${PHONE}`, WHATSAPP_SENDER, "Hola Lucía, ¿cómo calificaría su atención?", `SM${"c0".repeat(16)}`],
    );

    browser = await launchChromium();
    await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pm?.stopAll();
    await env?.close();
  });

  it("the patient writes, reception answers live, a pending reply after the window, opt-out and a doctor's 404", async () => {
    const reception = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", viewport: { width: 360, height: 800 } });
    reception.setDefaultTimeout(20_000);
    const page = await signIn(reception, a.receptionist);
    await page.goto(`${webUrl}/conversations`);
    await page.getByText("No hay conversaciones para estos filtros.").waitFor();

    // Lucía writes: webhook → outbox → relay → worker → her thread. The open page shows it without a reload.
    await env.sim.inbound({ from: `whatsapp:${PHONE}`, to: WHATSAPP_SENDER, body: "¿Atienden los sábados? Necesito otra cita para mi hijo" });
    const row = page.getByTestId("thread-row").filter({ hasText: "Lucía Benítez" });
    await row.waitFor({ timeout: 45_000 });
    await expect.poll(() => page.title(), { timeout: 15_000 }).toContain("(1) Conversaciones");
    expect(await page.getByTestId("conversations-badge").textContent()).toBe("1");
    expect(await seriousAxeViolations(page)).toEqual([]);

    await row.getByRole("link").click();
    await page.getByTestId("reply-window").getByText(/Ventana de WhatsApp abierta: quedan 2[34] h/).waitFor();
    const answer = "Sí, los sábados de 9 a 13. ¿Le reservo a las 10?";
    await page.getByLabel("Mensaje al paciente").fill(answer);
    await page.getByRole("button", { name: "Enviar", exact: true }).click();
    await page.getByText("Respuesta enviada a la cola de envío.").waitFor();
    await waitUntil(() => received().some((m) => m.body === answer && m.contentSid === null), 45_000, "the free-text reply on WhatsApp");
    const [reply] = await sql<{ id: string; type: string; segments: number }>("select id, type, segments from messages where body = ?", [answer]);
    expect(reply).toMatchObject({ type: "STAFF_REPLY", segments: 1 });
    await waitUntil(async () => (await sql("select 1 from credit_ledger_entries where kind = 'deduct' and reference like ?", [`%${reply!.id}%`])).length === 1, 30_000, "the reply's credit");
    const [deducted] = await sql<{ amount: number }>("select amount from credit_ledger_entries where kind = 'deduct' and reference like ?", [`%${reply!.id}%`]);
    expect(Math.abs(deducted!.amount)).toBe(1);
    await page.getByTestId("entry-out").filter({ hasText: answer }).waitFor();
    // The composer is empty again for the next message.
    expect(await page.getByLabel("Mensaje al paciente").inputValue()).toBe("");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "conversation-thread");

    // 25 hours later (moved back in the database and in the simulator's record): the window is closed.
    const threadUrl = page.url().split("?")[0]!;
    const past = new Date(Date.now() - DAY - 3_600_000);
    await sql("update contacts set last_inbound_at = jsonb_build_object(?::text, ?::text) where workspace_id = ? and phone = ?", [WHATSAPP_SENDER, past.toISOString(), a.workspaceId, PHONE]);
    await sql("update conversations set last_inbound_at = ?, last_outbound_at = ? where workspace_id = ?", [past, past, a.workspaceId]);
    env.sim.state.lastInbound.set(`${PHONE}|${WHATSAPP_SENDER}`, past.getTime());
    env.sim.state.lastInboundAny.set(PHONE, past.getTime());

    // Without JavaScript, the same page offers only the pending reply.
    const noJs = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", javaScriptEnabled: false });
    noJs.setDefaultTimeout(20_000);
    const plain = await signIn(noJs, a.receptionist, { scripts: false });
    await plain.goto(threadUrl);
    await plain.getByText("La ventana de 24 horas de WhatsApp se cerró: no se puede enviar texto libre.").waitFor();
    expect(await plain.getByRole("button", { name: "Enviar", exact: true }).count()).toBe(0);
    const held = "Su resultado está listo: puede retirarlo el lunes.";
    await plain.getByLabel("Mensaje al paciente").fill(held);
    await plain.getByRole("button", { name: "Guardar y enviar aviso" }).click();
    await plain.getByTestId("pending-reply").waitFor();
    await waitUntil(() => received().some((m) => m.contentSid === LOCAL_PLATFORM_CONTENT_SIDS.es.STAFF_REPLY_NOTICE), 45_000, "the notice template");
    expect(received().some((m) => m.body === held)).toBe(false);

    // Lucía answers the notice: the held text goes out inside the reopened window.
    await env.sim.inbound({ from: `whatsapp:${PHONE}`, to: WHATSAPP_SENDER, body: "Sí, dígame" });
    await waitUntil(() => received().some((m) => m.body === held && m.contentSid === null), 45_000, "the held text");
    // The notice and the held text are charged like any message.
    await waitUntil(async () => (await sql("select 1 from messages where workspace_id = ? and type in ('STAFF_REPLY', 'STAFF_REPLY_NOTICE') and credits_held = 0 and provider_sid is not null", [a.workspaceId])).length === 3, 30_000, "three staff messages charged");

    // She opts out: the thread says so and the composer is disabled before anything is written.
    await env.sim.inbound({ from: `whatsapp:${PHONE}`, to: WHATSAPP_SENDER, body: "BAJA" });
    await waitUntil(async () => (await sql("select 1 from contacts where phone = ? and opted_out_at is not null", [PHONE])).length === 1, 45_000, "the opt-out");
    await page.goto(threadUrl);
    await page.getByTestId("reply-blocked").getByText("No se puede responder: el paciente pidió no recibir mensajes (baja).").waitFor();
    expect(await page.getByLabel("Mensaje al paciente").isDisabled()).toBe(true);

    // A doctor whose patient she is not gets 404; hers opens it.
    const other = await signIn(await browser.newContext({ locale: "es-EC" }), otherDoctor);
    expect((await other.goto(threadUrl))?.status()).toBe(404);
    const doctor = await signIn(await browser.newContext({ locale: "es-EC" }), a.doctor);
    expect((await doctor.goto(threadUrl))?.status()).toBe(200);

    expect(unexpectedProblems(problems, [404])).toEqual([]);
  }, 300_000);
});
