// The assistant end to end in headless Chromium against the real processes (production web build, relay
// and worker as child processes, the provider simulator with its chat-completions fake as the AI
// provider): an owner switches the LLM assistant on at /settings/assistant without JavaScript, at
// 360 px, in Spanish and English; a patient's question is answered from the practice's knowledge and
// another by the LLM assistant, both shown in the thread as the bot's; an urgent message alerts the
// practice's staff number, hands off with no bot answer, and the thread list and the thread mark it
// urgent; staff switch the assistant off in the thread without JavaScript. Axe-clean at 360 px.
import { fileURLToPath } from "node:url";
import { createRunEnv, ProcessManager, WHATSAPP_SENDER, type RunEnv } from "@rm/harness";
import { demoKnowledge, saveKnowledge } from "@rm/assistant";
import { grantCredits } from "@rm/credits";
import { workspaceEm } from "@rm/db";
import { ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, expectUsableAt360, launchChromium, saveScreenshot, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the assistant browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const PHONE = "+593991250001";
const STAFF_PHONE = "+593990009876";

describe.skipIf(!present)("the assistant in the browser, through the real processes", () => {
  let env: RunEnv;
  let pm: ProcessManager;
  let webUrl: string;
  let browser: Browser;
  let a: Tenant;
  const problems: string[] = [];

  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);
  const received = (to: string) => env.sim.state.messages.filter((m) => m.to === to);

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
    // The simulator's fake chat-completions endpoint is the configured AI provider of both processes.
    env.processEnv.AI_BASE_URL = `${env.sim.url}/v1`;
    env.processEnv.ASSISTANT_AI_TIMEOUT_MS = "5000";
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/assistant-${env.id}` });
    pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", SESSION_SECRET: "assistant-session-secret-0123456789ab", METRICS_PORT: "0" });
    pm.start("relay", "relay-0");
    pm.start("worker", "worker-0");

    a = await createTenant(env.databaseUrl, "A", "PROFESSIONAL");
    await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null where id = ?", [a.workspaceId]);
    await sql("update practices set staff_alert_phone = ? where id = ?", [STAFF_PHONE, a.practiceId]);
    await grantCredits(env.orm.em.fork(), { workspaceId: a.workspaceId, amount: 100, reference: "assistant", reason: "test" });
    // The practice's knowledge, open around the clock (so no away message interleaves), plus a question the reader leaves to the model.
    const knowledge = demoKnowledge();
    const allDay = [{ from: "00:00", to: "23:59" }];
    knowledge.hours = { "1": allDay, "2": allDay, "3": allDay, "4": allDay, "5": allDay, "6": allDay, "7": allDay };
    knowledge.holidays = [];
    knowledge.faqs.push({ question: { es: "¿Aceptan mascotas en la sala de espera?", en: "Are pets allowed in the waiting room?" }, answer: { es: "Solo perros de asistencia.", en: "Only assistance dogs." } });
    await saveKnowledge(workspaceEm(env.orm.em.fork(), a.workspaceId), { workspaceId: a.workspaceId, userId: a.owner.id }, { id: a.practiceId, timezone: "America/Guayaquil" }, knowledge);
    const [c] = await sql<{ id: string }>(
      "insert into campaigns (workspace_id, practice_id, created_by_id, assigned_doctor_id, name, status) values (?, ?, ?, ?, 'Martes', 'ACTIVE') returning id",
      [a.workspaceId, a.practiceId, a.owner.id, a.doctor.id],
    );
    const [ct] = await sql<{ id: string }>("insert into contacts (workspace_id, phone, whatsapp_consent_at, whatsapp_consent_source) values (?, ?, now(), 'CSV_IMPORT') returning id", [a.workspaceId, PHONE]);
    const [p] = await sql<{ id: string }>(
      "insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, doctor_id, rating, rated_at) values (?, ?, ?, 'Marta Salazar', ?, now() - interval '1 day', 'WHATSAPP', true, 'RATED', ?, 5, now() - interval '20 hours') returning id",
      [a.workspaceId, c!.id, ct!.id, PHONE, a.doctor.id],
    );
    await sql(
      "insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, from_address, body, provider_sid, segments, send_attempted_at) values (?, ?, ?, 'INITIAL', 'WHATSAPP', 'READ', ?, ?, ?, ?, 1, now() - interval '21 hours')",
      [a.workspaceId, p!.id, c!.id, `whatsapp:${PHONE}`, WHATSAPP_SENDER, "Hola Marta, ¿cómo calificaría su atención?", `SM${"c1".repeat(16)}`],
    );

    browser = await launchChromium();
    await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pm?.stopAll();
    await env?.close();
  });

  it("the owner switches the LLM assistant on without JavaScript, in Spanish and English, at 360 px", { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: "es-EC", timezoneId: "America/Guayaquil", viewport: { width: 360, height: 800 } });
    ctx.setDefaultTimeout(20_000);
    const page = await signIn(ctx, a.owner, { scripts: false });
    await page.goto(`${webUrl}/settings`);
    await page.getByRole("link", { name: "Asistente y respuestas automáticas" }).click();
    await page.getByRole("heading", { level: 1, name: "Asistente" }).waitFor();
    await page.getByText(/se envían al proveedor de IA configurado \(127\.0\.0\.1:\d+\)/).waitFor();
    expect(await page.getByLabel(/Responder preguntas frecuentes/).isChecked()).toBe(true);
    await expectUsableAt360(browser, page, { strict: true });
    await page.getByLabel("Entiendo el aviso y activo el asistente con IA").check();
    await page.getByRole("button", { name: "Guardar" }).click();
    await page.getByText("Configuración del asistente guardada.").waitFor();
    await page.getByText(/^Activado desde /).waitFor();
    const [ws] = await sql<{ ai_assistant_enabled_at: Date | null; ai_assistant_enabled_by: string | null }>("select ai_assistant_enabled_at, ai_assistant_enabled_by from workspaces where id = ?", [a.workspaceId]);
    expect(ws!.ai_assistant_enabled_at).not.toBeNull();
    expect(ws!.ai_assistant_enabled_by).toBe(a.owner.id);
    expect((await sql("select id from audit_logs where workspace_id = ? and action = 'settings.ai_assistant_enabled'", [a.workspaceId])).length).toBe(1);
    await expectUsableAt360(browser, page, { strict: true });
    await saveScreenshot(page, "assistant-settings", { fullPage: true });

    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Assistant" }).waitFor();
    await page.getByText(/are sent to the configured AI provider/).waitFor();
    await page.getByLabel("I understand the notice and switch the AI assistant on").waitFor();
    await expectUsableAt360(browser, page, { strict: true });
    await page.getByRole("button", { name: "Español" }).click();
    await page.getByRole("heading", { level: 1, name: "Asistente" }).waitFor();

    // A receptionist may not open it.
    const rctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
    const reception = await signIn(rctx, a.receptionist, { scripts: false });
    const denied = await reception.goto(`${webUrl}/settings/assistant`);
    expect(denied?.status()).toBe(403);
    await rctx.close();
    await ctx.close();
  });

  it("answers from the knowledge and from the LLM as the bot's, and an urgent message hands off with an alert", { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil", viewport: { width: 360, height: 800 } });
    ctx.setDefaultTimeout(20_000);
    const page = await signIn(ctx, a.receptionist);

    // A question the knowledge answers: the bot's answer, through the send protocol to the patient.
    await env.sim.inbound({ from: `whatsapp:${PHONE}`, to: WHATSAPP_SENDER, body: "¿Dónde quedan?" });
    await waitUntil(() => received(`whatsapp:${PHONE}`).some((m) => m.body?.includes("Av. Amazonas")), 45_000, "the simulator to receive it");
    // A question only the LLM answers, grounded in the knowledge.
    env.sim.ai.script([{ content: JSON.stringify({ action: "ANSWER", text: "Solo se admiten perros de asistencia en la sala de espera." }) }]);
    await env.sim.inbound({ from: `whatsapp:${PHONE}`, to: WHATSAPP_SENDER, body: "¿Puedo llevar a mi perro?" });
    await waitUntil(() => received(`whatsapp:${PHONE}`).some((m) => m.body?.includes("perros de asistencia")), 45_000, "the simulator to receive it");
    expect(JSON.stringify(env.sim.ai.requests.at(-1)?.body)).toContain("Solo perros de asistencia");

    const [thread] = await sql<{ id: string }>("select id from conversations where workspace_id = ?", [a.workspaceId]);
    await page.goto(`${webUrl}/conversations/${thread!.id}`);
    const bot = page.getByTestId("entry-bot");
    await bot.filter({ hasText: "Asistente (bot): respuesta del conocimiento" }).filter({ hasText: "Av. Amazonas" }).waitFor();
    await bot.filter({ hasText: "Asistente (bot, IA): respuesta del conocimiento" }).filter({ hasText: "perros de asistencia" }).waitFor();

    // An urgent message: the staff number is alerted, the patient gets the hand-off, the model is not asked.
    const aiRequests = env.sim.ai.requests.length;
    await env.sim.inbound({ from: `whatsapp:${PHONE}`, to: WHATSAPP_SENDER, body: "Me sangra mucho la encía desde anoche y no para" });
    await waitUntil(() => received(STAFF_PHONE).some((m) => m.body?.includes("URGENTE")), 45_000, "the simulator to receive it");
    await waitUntil(() => received(`whatsapp:${PHONE}`).some((m) => m.body?.includes("Hemos avisado")), 45_000, "the simulator to receive it");
    expect(env.sim.ai.requests.length).toBe(aiRequests);
    const types = await sql<{ type: string }>("select type from messages where workspace_id = ? and type like 'BOT_%' order by created_at", [a.workspaceId]);
    expect(types.map((t) => t.type)).toEqual(["BOT_ANSWER", "BOT_AI_ANSWER", "BOT_HANDOFF"]);

    await page.goto(`${webUrl}/conversations`);
    await page.getByTestId("thread-row").filter({ hasText: "Marta Salazar" }).getByTestId("thread-row-urgent").waitFor();
    await page.goto(`${webUrl}/conversations/${thread!.id}`);
    await page.getByTestId("urgent-banner").waitFor();
    await bot.filter({ hasText: "Asistente (bot): pasa al personal" }).filter({ hasText: "Hemos avisado" }).waitFor();
    await expectUsableAt360(browser, page, { strict: true });
    // From the top: the urgent mark and banner, then the messages with the bot's answers.
    await page.setViewportSize({ width: 360, height: 2300 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, "assistant-thread", { fullPage: false });
    await page.setViewportSize({ width: 360, height: 800 });

    // In English, the bot's messages say so too.
    await page.getByRole("button", { name: "English" }).click();
    await bot.filter({ hasText: "Assistant (bot, AI): answer from the knowledge" }).waitFor();
    await page.getByTestId("urgent-banner").filter({ hasText: "Urgent message" }).waitFor();
    await page.getByRole("button", { name: "Español" }).click();
    await page.getByTestId("urgent-banner").filter({ hasText: "Mensaje urgente" }).waitFor();
    expect(unexpectedProblems(problems)).toEqual([]);
    await ctx.close();
  });

  it("staff switch the assistant off in the thread without JavaScript", { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
    ctx.setDefaultTimeout(20_000);
    const page = await signIn(ctx, a.receptionist, { scripts: false });
    const [thread] = await sql<{ id: string }>("select id from conversations where workspace_id = ?", [a.workspaceId]);
    await page.goto(`${webUrl}/conversations/${thread!.id}`);
    await page.getByRole("button", { name: "Desactivar el asistente aquí" }).click();
    await page.getByText("Asistente de la conversación actualizado.").waitFor();
    await page.getByText("El asistente está desactivado en esta conversación.").waitFor();
    const [row] = await sql<{ bot_off_at: Date | null }>("select bot_off_at from conversations where id = ?", [thread!.id]);
    expect(row!.bot_off_at).not.toBeNull();
    await expectUsableAt360(browser, page, { strict: true });
    await ctx.close();
  });
});
