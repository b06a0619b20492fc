// A WhatsApp broadcast end to end (SPEC §14), in headless Chromium against the real processes (the
// production web build, relay and worker) and the provider simulator as Twilio (its Content API, its
// approval control endpoint and its fake chat-completions endpoint for the AI drafts). The owner
// connects the practice's own Twilio account, drafts the text with "Redactar con IA", edits it,
// submits it to WhatsApp from its library page, is refused the broadcast while WhatsApp reviews it,
// sees it approved (the simulator's control endpoint decides, "Comprobar ahora" records it),
// schedules the broadcast by WhatsApp for the next minute and watches its progress: the simulator
// receives exactly one WhatsApp message per eligible contact, from the own number with the approved
// Content SID and the contact's name, and none for the excluded. The library page's WhatsApp part is
// axe-clean and usable at 360 px without JavaScript, in Spanish and English.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createRunEnv, ProcessManager, type RunEnv } from "@rm/harness";
import { grantCredits } from "@rm/credits";
import { ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, expectUsableAt360, launchChromium, saveScreenshot, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the WhatsApp broadcast browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const ZONE = "America/Guayaquil";
const OWN_NUMBER = "+593990005001";

const P = {
  ana: "+593991250001",
  bruno: "+593991250002",
  carla: "+593991250003", // labelled, no marketing consent
  diego: "+593991250004", // marketing consent, then opted out
};

describe.skipIf(!present)("a WhatsApp broadcast in the browser, through the real processes", () => {
  let env: RunEnv;
  let pm: ProcessManager;
  let webUrl: string;
  let browser: Browser;
  let a: Tenant;
  let templateId = "";
  const problems: string[] = [];

  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);
  const whatsappTo = (phone: string) => env.sim.state.messages.filter((m) => m.to === `whatsapp:${phone}`);

  async function signIn(ctx: BrowserContext): Promise<Page> {
    const page = await ctx.newPage();
    watch(page, problems);
    await submitSignIn(page, `${webUrl}/login`, a.owner);
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    return page;
  }

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
    // WhatsApp's review waits for the test control endpoint.
    env.sim.configure({ contentApproval: { outcome: "manual", delayMs: 0 } });
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/broadcast-whatsapp-${env.id}` });
    pm.start("web", "web-0", {
      PORT: String(webPort),
      HOST: "127.0.0.1",
      SESSION_SECRET: "wa-broadcast-session-secret-0123456789abc",
      METRICS_PORT: "0",
      AI_BASE_URL: `${env.sim.url}/v1`,
      AI_MODEL: "sim-model",
    });
    pm.start("relay", "relay-0");
    pm.start("worker", "worker-0");

    a = await createTenant(env.databaseUrl, "A", "PROFESSIONAL");
    await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null, timezone = ? where id = ?", [ZONE, a.workspaceId]);
    await grantCredits(env.orm.em.fork(), { workspaceId: a.workspaceId, amount: 200, reference: "wa-broadcast", reason: "test" });
    // Contacts, their label and marketing consent as the contact pages leave them (the broadcast browser test does it by hand).
    const names: Record<string, string> = { ana: "Ana Paredes", bruno: "Bruno Núñez", carla: "Carla Mora", diego: "Diego Paz" };
    const [label] = await sql<{ id: string }>("insert into labels (workspace_id, name) values (?, 'limpieza') returning id", [a.workspaceId]);
    for (const [key, phone] of Object.entries(P)) {
      const consent = key === "carla" ? null : new Date();
      const [c] = await sql<{ id: string }>(
        "insert into contacts (workspace_id, phone, name, whatsapp_consent_at, whatsapp_consent_source, marketing_consent_at, marketing_consent_source, opted_out_at) values (?, ?, ?, now(), 'CSV_IMPORT', ?, ?, ?) returning id",
        [a.workspaceId, phone, names[key], consent, consent ? "STAFF" : null, key === "diego" ? new Date() : null],
      );
      await sql("insert into contact_labels (workspace_id, contact_id, label_id) values (?, ?, ?)", [a.workspaceId, c!.id, label!.id]);
    }
    browser = await launchChromium();
    await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pm?.stopAll();
    await env?.close();
  });

  it("connects, drafts with AI, gets the MARKETING template approved, schedules and sends one WhatsApp message per eligible contact", { timeout: 300_000 }, async () => {
    const account = env.sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: [OWN_NUMBER] });
    const owner = await browser.newContext({ locale: "es-EC", timezoneId: ZONE });
    owner.setDefaultTimeout(20_000);
    const page = await signIn(owner);

    // The practice's own account and number.
    await page.goto(`${webUrl}/settings/sender`);
    await page.getByLabel("Account SID").fill(account.sid);
    await page.getByLabel("Auth Token").fill(account.authTokens[0]!);
    await page.getByRole("button", { name: "Comprobar y conectar" }).click();
    await page.getByText("Cuenta de Twilio conectada").waitFor();
    await page.getByLabel(`Número ${OWN_NUMBER}`).check();
    await page.getByRole("button", { name: "Usar este remitente" }).click();
    await page.getByText("Remitente guardado y configurado en Twilio.").waitFor();
    // The switch of WhatsApp to the own number (its rating templates approved) is the own-WhatsApp browser test's.
    await sql("update twilio_accounts set whatsapp_switched_at = now() where workspace_id = ?", [a.workspaceId]);

    // The text: drafted with AI (the simulator's fake), edited, saved to the library.
    await page.goto(`${webUrl}/templates/drafts`);
    await page.getByLabel("Objetivo del mensaje").fill("Recordar la limpieza de cada seis meses");
    await page.getByRole("button", { name: "Redactar con IA" }).click();
    const draft = page.getByRole("textbox", { name: "Borrador 1", exact: true });
    await draft.waitFor();
    await draft.fill("Hola {{name}}, ya le toca su limpieza semestral en {{practice}}. Le esperamos.");
    await page.getByLabel("Nombre de la plantilla (borrador 1)").fill("Limpieza semestral");
    await page.getByRole("button", { name: "Guardar borrador 1 como plantilla" }).click();
    await page.getByText("Plantilla «Limpieza semestral» guardada.").waitFor();
    [{ id: templateId }] = (await sql<{ id: string }>("select id::text as id from templates where workspace_id = ? and name = 'Limpieza semestral'", [a.workspaceId])) as [{ id: string }];

    // Submitted to WhatsApp from its library page, as a MARKETING template of the own account.
    await page.goto(`${webUrl}/templates/library/${templateId}`);
    const wa = page.getByTestId("library-whatsapp");
    expect(await wa.getByTestId("whatsapp-status").innerText()).toBe("Borrador (sin enviar)");
    await wa.getByRole("button", { name: "Enviar a aprobación de WhatsApp" }).click();
    await page.getByText("Enviada a WhatsApp: la revisión suele tardar de minutos a un día.").waitFor();
    expect(await page.getByTestId("library-whatsapp").getByTestId("whatsapp-status").innerText()).toBe("En revisión por WhatsApp");
    const [row] = await sql<{ whatsapp_content_sid: string }>("select whatsapp_content_sid from templates where id = ?", [templateId]);
    const sid = row!.whatsapp_content_sid;
    expect(account.contents.get(sid)?.approval).toMatchObject({ category: "MARKETING" });
    expect(account.contents.get(sid)?.types["twilio/text"]?.body).toBe("Hola {{1}}, ya le toca su limpieza semestral en {{2}}. Le esperamos.");
    await saveScreenshot(page, "library-whatsapp-pending");
    await expectUsableAt360(browser, page, { strict: true, withoutScripts: true });

    // While WhatsApp reviews it, the broadcast by WhatsApp is refused with the reason, before the schedule.
    const preview = async () => {
      await page.goto(`${webUrl}/campaigns/broadcast`);
      await page.getByLabel("limpieza").check();
      await page.getByLabel("Texto de la biblioteca").selectOption({ label: "Limpieza semestral" });
      await page.getByLabel("Canal").selectOption("WHATSAPP");
      await page.getByRole("button", { name: "Ver a quién llega" }).click();
      await page.getByTestId("broadcast-preview").waitFor();
    };
    await preview();
    await page.getByTestId("broadcast-whatsapp-refusal").getByText("WhatsApp aún revisa la plantilla de este texto").waitFor();

    // WhatsApp approves (the simulator's control endpoint); "Comprobar ahora" records it.
    const decided = await fetch(`${env.sim.url}/_sim/content/approval`, { method: "POST", body: JSON.stringify({ sid, status: "approved" }) });
    expect(decided.status).toBe(200);
    await page.goto(`${webUrl}/templates/library/${templateId}`);
    await page.getByTestId("library-whatsapp").getByRole("button", { name: "Comprobar ahora" }).click();
    await page.getByText("Estado actualizado.").waitFor();
    expect(await page.getByTestId("library-whatsapp").getByTestId("whatsapp-status").innerText()).toBe("Aprobada");
    await saveScreenshot(page, "library-whatsapp-approved");

    // The audience: two eligible, one without marketing consent, one opted out; MARKETING at 2 credits each.
    await preview();
    const box = page.getByTestId("broadcast-preview");
    await box.getByText("2 recibirán el mensaje").waitFor();
    expect(await page.getByTestId("broadcast-whatsapp-refusal").count()).toBe(0);
    await box.getByText(/2 créditos por mensaje · 4 créditos para 2 destinatarios/).waitFor();

    // Scheduled for the next minute, in the practice's zone.
    const due = new Date(Math.ceil((Date.now() + 5_000) / 60_000) * 60_000);
    const local = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(due);
    const part = (t: string) => local.find((p) => p.type === t)!.value;
    await page.getByLabel("Nombre de la difusión").fill("Limpieza por WhatsApp");
    await page.getByLabel("Fecha").fill(`${part("year")}-${part("month")}-${part("day")}`);
    await page.getByLabel(/^Hora/).fill(`${part("hour")}:${part("minute")}`);
    await page.getByRole("button", { name: "Programar difusión" }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}\?notice=broadcast_created$/);

    // Progress, watched on the broadcast's page until both went out.
    await waitUntil(() => whatsappTo(P.ana).length === 1 && whatsappTo(P.bruno).length === 1, 120_000, "the two WhatsApp broadcast messages");
    await waitUntil(
      async () => {
        await page.reload();
        return (await page.getByTestId("result-sent").locator("dd").innerText()).trim() === "2";
      },
      30_000,
      "the results page counting both",
    );
    await page.getByTestId("broadcast-progress").getByText("2 de 2 enviados").waitFor();
    expect(whatsappTo(P.ana)).toHaveLength(1);
    expect(whatsappTo(P.bruno)).toHaveLength(1);
    for (const m of [...whatsappTo(P.ana), ...whatsappTo(P.bruno)]) expect(m).toMatchObject({ accountSid: account.sid, from: `whatsapp:${OWN_NUMBER}`, contentSid: sid });
    expect(JSON.parse(whatsappTo(P.ana)[0]!.contentVariables!)).toEqual({ "1": "Ana", "2": "Consultorio A" });
    for (const phone of [P.carla, P.diego]) expect(env.sim.state.messages.filter((m) => m.to.endsWith(phone)), phone).toHaveLength(0);
    // Nothing left the platform's shared WhatsApp sender.
    expect(env.sim.state.messages.filter((m) => m.channel === "whatsapp" && m.accountSid !== account.sid)).toHaveLength(0);
    expect(unexpectedProblems(problems, [400, 409])).toEqual([]);
  });

  it("shows the library text's WhatsApp state without JavaScript and in English", { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 }, locale: "en-US" });
    ctx.setDefaultTimeout(20_000);
    const page = await ctx.newPage();
    await submitSignIn(page, `${webUrl}/login`, a.owner);
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    await page.goto(`${webUrl}/templates/library/${templateId}`);
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "WhatsApp template" }).waitFor();
    expect(await page.getByTestId("whatsapp-status").innerText()).toBe("Approved");
    await page.goto(`${webUrl}/templates/library`);
    await page.getByTestId("library-whatsapp-badge").getByText("WhatsApp: approved").waitFor();
    await ctx.close();
  });
});
