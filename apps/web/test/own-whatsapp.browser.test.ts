// WhatsApp from the practice's own number (SPEC §12), end to end in headless Chromium at 360 px
// with JavaScript off, against the real processes (production web build, relay, worker) and the
// simulator as Twilio: a second workspace connects another simulator account, chooses its number,
// writes its rating request and reminder as WhatsApp templates and submits them (the simulator
// approves after a delay; the worker's periodic job 'whatsapp.approvals' follows), sees the switch
// blocked with the reason until then — on the sender settings page and in the campaign pre-flight —
// sees a rejected template with WhatsApp's reason, switches, and its campaign's WhatsApp leaves
// from its own number with its own Content SID; the patient's tap routes back to that workspace;
// a callback for that account signed with the platform's token is refused. README pictures of the
// template states come from here.
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRunEnv, ProcessManager, type RunEnv } from "@rm/harness";
import { grantCredits } from "@rm/credits";
import { ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";
import { signTwilioRequest } from "@rm/twilio";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, expectUsableAt360, submitSignIn } from "./support/browser.ts";
import { excelDate } from "./support/dates.ts";
import { CLINIC_NAMES, createTenant, type Tenant } from "./support/tenants.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the own-WhatsApp browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const OWN_NUMBER = "+593990004001";
const PATIENT = "+593991240001";
const APPROVAL_DELAY_MS = 6_000;

describe.skipIf(!present)("WhatsApp from the practice's own number", () => {
  let env: RunEnv;
  let pm: ProcessManager;
  let webUrl: string;
  let browser: Browser;
  let b: Tenant;
  const started = Date.now();
  const step = (what: string) => console.log(`[own-whatsapp] ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);

  beforeAll(async () => {
    ensureProductionBuild();
    const webPort = await freePort();
    webUrl = `http://127.0.0.1:${webPort}`;
    env = await createRunEnv({
      simulator: { throughputMode: false, callbackDelayMs: 50, whatsappReadShare: 0, inboundUrl: `${webUrl}/webhooks/twilio/inbound` },
      workerEnv: {
        RELAY_POLL_MS: "100",
        PUBLIC_URL: webUrl,
        CREDENTIALS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
        CREDENTIALS_ENCRYPTION_KEY_ID: "k1",
        WHATSAPP_APPROVAL_INTERVAL_MS: "1000",
      },
    });
    // WhatsApp's review: approved a few seconds after submission, unless the test control decides first.
    env.sim.configure({ contentApproval: { outcome: "approve", delayMs: APPROVAL_DELAY_MS } });
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/own-whatsapp-${env.id}` });
    pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", SESSION_SECRET: "own-whatsapp-session-secret-0123456789ab", METRICS_PORT: "0" });
    pm.start("relay", "relay-0");
    pm.start("worker", "worker-0");
    // A second workspace: the first keeps the platform's senders.
    await createTenant(env.databaseUrl, "A", "PROFESSIONAL");
    b = await createTenant(env.databaseUrl, "B", "PROFESSIONAL", CLINIC_NAMES);
    await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null where id = ?", [b.workspaceId]);
    await grantCredits(env.orm.em.fork(), { workspaceId: b.workspaceId, amount: 50, reference: "own-whatsapp", reason: "test" });
    browser = await launchChromium();
    await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pm?.stopAll();
    await env?.close();
  });

  const axeClean = (page: Page) => expectUsableAt360(browser, page, {});

  const templateId = async (type: string) => (await sql<{ id: string }>("select id::text as id from templates where workspace_id = ? and type = ? and is_default order by language limit 1", [b.workspaceId, type]))[0]!.id;

  it("connects, gets its templates approved, is blocked until then, switches, sends from its number and hears the reply", { timeout: 180_000 }, async () => {
    const account = env.sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: [OWN_NUMBER] });
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 }, locale: "es-EC", timezoneId: "America/Guayaquil" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await submitSignIn(page, `${webUrl}/login`, b.owner);
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));

    step("connect and choose the number");
    await page.goto(`${webUrl}/settings/sender`);
    await page.getByLabel("Account SID").fill(account.sid);
    await page.getByLabel("Auth Token").fill(account.authTokens[0]!);
    await page.getByRole("button", { name: "Comprobar y conectar" }).click();
    await page.getByText("Cuenta de Twilio conectada").waitFor();
    await page.getByLabel(`Número ${OWN_NUMBER}`).check();
    await page.getByRole("button", { name: "Usar este remitente" }).click();
    await page.getByText("Remitente guardado y configurado en Twilio.").waitFor();
    // Nothing written yet: the switch is blocked, with the reason.
    const switchBox = page.getByTestId("own-whatsapp-switch");
    await switchBox.getByText("No se puede cambiar todavía").waitFor();
    await switchBox.getByText("Solicitud de calificación: Sin escribir").waitFor();
    expect(await switchBox.getByRole("button", { name: "Enviar WhatsApp desde mi número" }).isDisabled()).toBe(true);

    step("write and submit the rating request and the reminder");
    for (const type of ["INITIAL", "REMINDER"]) {
      await page.goto(`${webUrl}/templates/${await templateId(type)}`);
      const section = page.getByTestId("own-whatsapp-template");
      await section.getByText(`su cuenta (${account.sid})`).waitFor();
      expect(await section.getByTestId("own-whatsapp-status").innerText()).toBe("Sin escribir");
      await section.getByRole("button", { name: "Guardar el texto de WhatsApp" }).click();
      await page.getByText("Texto de WhatsApp guardado como borrador.").waitFor();
      expect(await section.getByTestId("own-whatsapp-status").innerText()).toBe("Borrador (no enviado a aprobación)");
      if (type === "INITIAL") {
        await saveScreenshot(page, "whatsapp-template-draft");
        await axeClean(page);
      }
      await section.getByRole("button", { name: "Enviar a aprobación de WhatsApp" }).click();
      await page.getByText("Plantilla creada en su cuenta y enviada a aprobación de WhatsApp.").waitFor();
      expect(await section.getByTestId("own-whatsapp-status").innerText()).toBe("En revisión por WhatsApp");
      if (type === "INITIAL") {
        await saveScreenshot(page, "whatsapp-template-pending");
        await axeClean(page);
      }
    }
    const [initial] = await sql<{ content_sid: string }>("select content_sid from whatsapp_templates where workspace_id = ? and type = 'INITIAL'", [b.workspaceId]);
    expect(account.contents.get(initial!.content_sid)?.approval).toMatchObject({ category: "UTILITY" });

    step("a rejected template shows WhatsApp's reason");
    await page.goto(`${webUrl}/templates/${await templateId("OPT_OUT_CONFIRMATION")}`);
    const happy = page.getByTestId("own-whatsapp-template");
    await happy.getByRole("button", { name: "Guardar el texto de WhatsApp" }).click();
    await happy.getByRole("button", { name: "Enviar a aprobación de WhatsApp" }).click();
    await page.getByText("enviada a aprobación de WhatsApp").waitFor();
    const [followup] = await sql<{ content_sid: string }>("select content_sid from whatsapp_templates where workspace_id = ? and type = 'OPT_OUT_CONFIRMATION'", [b.workspaceId]);
    const decided = await fetch(`${env.sim.url}/_sim/content/approval`, { method: "POST", body: JSON.stringify({ sid: followup!.content_sid, status: "rejected", rejectionReason: "The template looks like promotional content." }) });
    expect(decided.status).toBe(200);
    await happy.getByRole("button", { name: "Comprobar ahora" }).click();
    await page.getByText("Estado consultado a Twilio.").waitFor();
    expect(await happy.getByTestId("own-whatsapp-status").innerText()).toBe("Rechazada");
    await happy.getByText("Motivo de WhatsApp: The template looks like promotional content.").waitFor();
    await saveScreenshot(page, "whatsapp-template-rejected");
    await axeClean(page);

    step("the pre-flight says WhatsApp stays on the platform's sender");
    const appt = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000);
    const [day, time] = excelDate(appt).split(" ");
    const dir = mkdtempSync(path.join(tmpdir(), "rm-own-wa-"));
    const file = path.join(dir, "citas.csv");
    writeFileSync(file, `Nombre;Teléfono;Fecha cita;Hora;Consentimiento;Canal\r\nFabiola Ortiz;0991240001;${day};${time};sí;WhatsApp\r\n`);
    await page.goto(`${webUrl}/campaigns/new`);
    await page.getByLabel("Médico asignado").selectOption(b.doctor.id);
    await page.getByLabel("Nombre de la campaña").fill("Propio");
    await page.getByLabel("Horas después de la cita").fill("2");
    await page.getByLabel("Archivo CSV").setInputFiles(file);
    await page.getByRole("button", { name: "Subir y revisar" }).click();
    await page.getByRole("heading", { name: "Vista previa: Propio" }).waitFor();
    const draftUrl = page.url();
    await page.getByTestId("own-whatsapp-preflight").getByText("WhatsApp saldrá desde el remitente de la plataforma").waitFor();

    step("the worker's periodic job follows the approval");
    await waitUntil(async () => (await sql("select 1 from whatsapp_templates where workspace_id = ? and status = 'APPROVED'", [b.workspaceId])).length === 2, 60_000, "both templates approved");
    await page.goto(`${webUrl}/templates/${await templateId("INITIAL")}`);
    expect(await page.getByTestId("own-whatsapp-status").innerText()).toBe("Aprobada");
    await saveScreenshot(page, "whatsapp-template-approved");
    await axeClean(page);

    step("switch");
    await page.goto(`${webUrl}/settings/sender`);
    await switchBox.getByText("Solicitud de calificación: Aprobada").waitFor();
    await switchBox.getByRole("button", { name: "Enviar WhatsApp desde mi número" }).click();
    await page.getByText("Listo: WhatsApp sale desde su número.").waitFor();
    await axeClean(page);

    step("the campaign sends from the own number");
    await page.goto(draftUrl);
    expect(await page.getByTestId("own-whatsapp-preflight").count()).toBe(0);
    await page.getByRole("button", { name: /Confirmar e importar 1 paciente/ }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const find = () => env.sim.state.messages.find((m) => m.to === `whatsapp:${PATIENT}`);
    await waitUntil(() => find() !== undefined, 60_000, "the WhatsApp rating request");
    const sent = find()!;
    expect(sent).toMatchObject({ accountSid: account.sid, from: `whatsapp:${OWN_NUMBER}`, contentSid: initial!.content_sid, buttons: ["1", "2", "3", "4", "5"] });
    expect(sent.body).toContain("Fabiola");

    step("the patient's tap routes to this workspace");
    const reply = await env.sim.inbound({ from: `whatsapp:${PATIENT}`, to: OWN_NUMBER, buttonPayload: "5", buttonText: "5" });
    expect(reply).toMatchObject({ delivered: true, webhookStatus: 200 });
    await waitUntil(async () => (await sql("select 1 from inbound_messages where provider_sid = ? and workspace_id = ?", [reply.sid, b.workspaceId])).length === 1, 30_000, "the reply stored in workspace B");
    await waitUntil(async () => (await sql("select 1 from patients where workspace_id = ? and rating = 5", [b.workspaceId])).length === 1, 30_000, "the rating");

    // A status callback naming that account but signed with the platform's token is refused.
    const params = { MessageSid: sent.sid, MessageStatus: "failed", AccountSid: account.sid, To: sent.to, From: sent.from!, ApiVersion: "2010-04-01" };
    const url = `${webUrl}/webhooks/twilio/status`;
    const forged = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signTwilioRequest(String(env.processEnv.TWILIO_AUTH_TOKEN).split(",")[0]!, url, params) }, body: new URLSearchParams(params).toString() });
    expect(forged.status).toBe(403);
    await context.close();
  });
});
